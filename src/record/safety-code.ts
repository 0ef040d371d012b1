import { createHash } from "node:crypto";
import { canonicalJson } from "./entry.js";

/** One side of a pairing: its station key and its TLS certificate fingerprint. */
export interface PairingSide {
  id: string;
  cert: string;
}

/**
 * The safety code two stations' operators compare by voice, as Signal users compare safety
 * numbers: 30 digits in six groups, derived from both station keys and both certificate
 * fingerprints, the same whichever side computes it.
 *
 * @param a one station
 * @param b the other
 * @returns e.g. "07215 99120 33401 58764 00912 44318"
 */
export function safetyCode(a: PairingSide, b: PairingSide): string {
  const sides = [a, b]
    .sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))
    .map(({ id, cert }) => ({ id, cert }));
  const digest = createHash("sha256")
    .update(canonicalJson({ hotline: "safety-code/1", sides }))
    .digest();
  const groups: string[] = [];
  for (let i = 0; i < 6; i++) {
    const chunk = digest.readUIntBE(i * 5, 5);
    groups.push(String(chunk % 100_000).padStart(5, "0"));
  }
  return groups.join(" ");
}
