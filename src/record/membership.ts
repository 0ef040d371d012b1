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
 * certificate it will be known by there, and the key its chain begins with when that is not the
 * station id. Only the holder of that key can make this claim, so nobody can add another station,
 * or move its address or certificate, in its name.
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
      // Only when given, so that a claim without one reads as it always did.
      ...(member.key === undefined ? {} : { key: member.key }),
    }),
  );
}

/**
 * @param member a participant as a line knows it
 * @returns the key its chain on the line begins with: its own `key`, else its station id
 */
export function firstKeyOf(member: Pick<Participant, "station" | "key">): string {
  return member.key ?? member.station;
}

/**
 * @param line the line id
 * @param member the participant claimed; its station must be the identity's id, and its key (if
 *   given) the identity's key
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
 * @returns true when the claimed key (the station id unless the claim names another) signed
 *   exactly this claim
 */
export function isValidMemberClaim(line: string, member: Participant, proof: string): boolean {
  try {
    return verify(
      null,
      memberClaimBytes(line, member),
      publicKeyOf(firstKeyOf(member)),
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

/** Most additions one `member.approve` may consent to: every other station of a line of 64. */
export const MAX_APPROVED_AT_ONCE = MAX_PARTICIPANTS - 1;

/**
 * A `member.approve` names one addition (`of` a hash, as every approval before session 10 does) or
 * several (`of` a list): the record reads both as a list.
 *
 * @param of the approval's `of`
 * @returns the `member.add` hashes it consents to, in the order named
 * @example additionsApproved("ab…") // ["ab…"]
 */
export function additionsApproved(of: string | readonly string[]): readonly string[] {
  return typeof of === "string" ? [of] : of;
}
