import { sign, verify } from "node:crypto";
import { canonicalJson } from "./entry.js";
import { publicKeyOf, type Identity } from "./keys.js";
import type { BodyOf } from "./kinds.js";

/** What a line knows of a participant station: its key, name, address and certificate. */
export type Participant = BodyOf<"member.add">["member"];

/** Most participants a line may have: every entry is sent to, tested with and receipted by each. */
export const MAX_PARTICIPANTS = 64;

/**
 * The bytes a station signs to claim its place on a line: the line, and the key, name, address and
 * certificate it will be known by there. Only the holder of the station key can make this claim, so
 * nobody can add another station, or move its address or certificate, in its name.
 *
 * @param line the line id
 * @param member the participant claimed
 * @returns canonical JSON of the claim
 */
export function memberClaimBytes(line: string, member: Participant): Buffer {
  return Buffer.from(
    canonicalJson({
      type: "hotline member claim",
      line,
      station: member.station,
      name: member.name,
      url: member.url,
      cert: member.cert,
    }),
  );
}

/**
 * @param line the line id
 * @param member the participant claimed; its station must be the identity's id
 * @param identity the claiming station
 * @returns the claim's signature, base64url
 */
export function signMemberClaim(line: string, member: Participant, identity: Identity): string {
  return sign(null, memberClaimBytes(line, member), identity.privateKey).toString("base64url");
}

/**
 * @param line the line id
 * @param member the participant claimed
 * @param proof the claim's signature
 * @returns true when the claimed station's own key signed exactly this claim
 */
export function isValidMemberClaim(line: string, member: Participant, proof: string): boolean {
  try {
    return verify(
      null,
      memberClaimBytes(line, member),
      publicKeyOf(member.station),
      Buffer.from(proof, "base64url"),
    );
  } catch {
    return false;
  }
}

/**
 * @param kind an entry's kind
 * @returns whether an entry of it changes who is on its line or how they are pinned (every cache
 *   of members and pins is dropped when one is stored)
 */
export function changesMembership(kind: string): boolean {
  return kind.startsWith("member.") || kind === "line.genesis" || kind === "cert.renew";
}
