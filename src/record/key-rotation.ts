import { sign, verify } from "node:crypto";
import { canonicalJson } from "./entry.js";
import type { SealedEntry } from "./entry.js";
import { publicKeyOf, type Identity } from "./keys.js";

/** Where a key rotation stands: the line, the station, the new key, and the entry's own place. */
export interface RotationPlace {
  line: string;
  station: string;
  /** the new key, base64url of its 32 raw bytes */
  key: string;
  seq: number;
  prev: string | null;
}

/**
 * The bytes the new key signs to show it is held: bound to the line, the station, and the seq and
 * prev of the `key.rotate` entry itself, so a proof cannot be replayed on another line, for
 * another station, or at another place of the chain.
 *
 * @param place where the rotation stands
 * @returns canonical JSON of the rotation claim
 */
export function rotationClaimBytes(place: RotationPlace): Buffer {
  return Buffer.from(
    canonicalJson({
      type: "hotline key rotation",
      line: place.line,
      station: place.station,
      key: place.key,
      seq: place.seq,
      prev: place.prev,
    }),
  );
}

/**
 * @param place where the rotation stands; `key` must be the new identity's key
 * @param next the new identity
 * @returns the new key's proof, base64url
 */
export function signRotation(place: RotationPlace, next: Identity): string {
  return sign(null, rotationClaimBytes(place), next.privateKey).toString("base64url");
}

/**
 * @param place where the rotation stands
 * @param proof the proof the entry carries
 * @returns true when the new key signed exactly this place
 */
export function isValidRotation(place: RotationPlace, proof: string): boolean {
  try {
    return verify(null, rotationClaimBytes(place), publicKeyOf(place.key), Buffer.from(proof, "base64url"));
  } catch {
    return false;
  }
}

/**
 * The key rotations of a record, per `${line} ${author}`: each rotation's seq and its new key, in
 * seq order. A plain object, so that it can be handed to worker threads.
 */
export type KeyHistory = Record<string, { seq: number; key: string }[]>;

/**
 * The key that must sign an author's entry at a seq: the newest rotation before that seq (a
 * `key.rotate` is itself signed by the key before it), else the station id itself.
 *
 * @param history the record's rotations
 * @param line the line
 * @param author the author
 * @param seq the entry's seq
 * @returns the public key, base64url
 */
export function keyAt(history: KeyHistory | undefined, line: string, author: string, seq: number): string {
  let key = author;
  for (const r of history?.[`${line} ${author}`] ?? []) {
    if (r.seq >= seq) break;
    key = r.key;
  }
  return key;
}

/**
 * Reads the rotations of a record from its `key.rotate` entries, as the per-entry signature check
 * needs them before the record is replayed; the replay then checks that each entry was signed by
 * the key its chain had at that point ({@link checkKey}), so a history read from a broken
 * rotation is caught.
 *
 * @param entries the record's `key.rotate` entries (others are skipped)
 * @returns the history; the first rotation held at a seq wins
 */
export function keyHistoryOf(entries: Iterable<SealedEntry>): KeyHistory {
  const history: KeyHistory = {};
  for (const { entry } of entries) {
    if (entry.kind !== "key.rotate" || entry.line === null) continue;
    const list = (history[`${entry.line} ${entry.author}`] ??= []);
    if (list.some((r) => r.seq === entry.seq)) continue;
    list.push({ seq: entry.seq, key: entry.body.key });
    list.sort((a, b) => a.seq - b.seq);
  }
  return history;
}
