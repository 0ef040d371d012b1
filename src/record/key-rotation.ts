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

/** Where a key revocation stands: the rotation's place, with the key revoked and since when. */
export interface RevocationPlace extends RotationPlace {
  revoked: string;
  since: string;
}

/**
 * The bytes the REVOKED key signs in a `key.revoke` (whose entry the new key signs): only a holder
 * of the station's key in force can revoke it — the station, or its thief, whom the people tell
 * apart out of band — and no other participant can write a revocation into its chain.
 *
 * @param place where the revocation stands
 * @returns canonical JSON of the revocation claim
 */
export function revocationClaimBytes(place: RevocationPlace): Buffer {
  return Buffer.from(
    canonicalJson({
      type: "hotline key revocation",
      line: place.line,
      station: place.station,
      key: place.key,
      revoked: place.revoked,
      since: place.since,
      seq: place.seq,
      prev: place.prev,
    }),
  );
}

/**
 * @param place where the revocation stands
 * @param revoked the key being revoked (the station's key in force)
 * @returns the revoked key's proof, base64url
 */
export function signRevocation(place: RevocationPlace, revoked: Identity): string {
  return sign(null, revocationClaimBytes(place), revoked.privateKey).toString("base64url");
}

/**
 * @param place where the revocation stands
 * @param proof the proof the entry carries
 * @returns true when the revoked key signed exactly this place
 */
export function isValidRevocation(place: RevocationPlace, proof: string): boolean {
  try {
    return verify(
      null,
      revocationClaimBytes(place),
      publicKeyOf(place.revoked),
      Buffer.from(proof, "base64url"),
    );
  } catch {
    return false;
  }
}

/**
 * The keys of a record's chains, per `${line} ${author}`, in seq order: a chain that began with a
 * key other than its station id (a `line.genesis` or `member.add` naming one) has it at seq 0, and
 * each rotation its new key at its own seq. A plain object, so that it can be handed to worker
 * threads.
 */
export type KeyHistory = Record<string, KeyChange[]>;

/**
 * One change of a chain's key: a rotation's (in force after its seq), a revocation's (in force from
 * its seq on: the `key.revoke` is signed by the new key; `revoked` and `since` say which key is
 * believed stolen from when), or the key the chain began with (seq 0).
 */
export interface KeyChange {
  seq: number;
  key: string;
  since?: string;
  revoked?: string;
}

/** The kinds that set a chain's key: the line's or a member's first key, a rotation, a revocation. */
export const KEY_KINDS: readonly string[] = ["line.genesis", "member.add", "key.rotate", "key.revoke"];

/**
 * @param change a change of a chain's key
 * @returns the first seq it signs: a revocation's own entry, the entry after a rotation
 */
export function firstSeqOf(change: KeyChange): number {
  return change.revoked === undefined ? change.seq + 1 : change.seq;
}

/**
 * The key that must sign an author's entry at a seq: the newest rotation before that seq (a
 * `key.rotate` is itself signed by the key before it), else the key the chain began with.
 *
 * @param history the record's keys
 * @param line the line
 * @param author the author
 * @param seq the entry's seq
 * @returns the public key, base64url
 */
export function keyAt(history: KeyHistory | undefined, line: string, author: string, seq: number): string {
  let key = author;
  for (const r of history?.[`${line} ${author}`] ?? []) {
    if (firstSeqOf(r) > seq) break;
    key = r.key;
  }
  return key;
}

/**
 * The key a station signs with once its chain holds `seq` entries: what signs its head statements
 * and bundles then. After a rotation at seq h it is the new key (the rotation itself was signed by
 * the old); after a revocation it is the new key too.
 *
 * @param history the record's keys
 * @param line the line
 * @param author the station
 * @param seq the head of its chain (0: none)
 * @returns the public key, base64url
 */
export function keyAfter(history: KeyHistory | undefined, line: string, author: string, seq: number): string {
  let key = author;
  for (const r of history?.[`${line} ${author}`] ?? []) if (r.seq <= seq) key = r.key;
  return key;
}

/**
 * What an entry says of a chain's key: a genesis or member.add naming the key its station's chain
 * begins with (at seq 0), or a rotation (at its own seq).
 *
 * @param sealed an entry
 * @returns the chain, its seq and key; null when the entry sets no key
 */
export function keySetBy(sealed: SealedEntry): ({ line: string; station: string } & KeyChange) | null {
  const { entry, hash } = sealed;
  if (entry.kind === "line.genesis") {
    const key = entry.body.creator.key;
    return key === undefined || key === entry.body.creator.station
      ? null
      : { line: hash, station: entry.body.creator.station, seq: 0, key };
  }
  if (entry.line === null) return null;
  if (entry.kind === "member.add") {
    const key = entry.body.member.key;
    return key === undefined || key === entry.body.member.station
      ? null
      : { line: entry.line, station: entry.body.member.station, seq: 0, key };
  }
  if (entry.kind === "key.rotate")
    return { line: entry.line, station: entry.author, seq: entry.seq, key: entry.body.key };
  if (entry.kind === "key.revoke") {
    const { key, revoked, since } = entry.body as { key: string; revoked: string; since: string };
    return { line: entry.line, station: entry.author, seq: entry.seq, key, revoked, since };
  }
  return null;
}

/**
 * Reads the keys of a record from its `line.genesis`, `member.add` and `key.rotate` entries, as the
 * per-entry signature check needs them before the record is replayed; the replay then checks that
 * each entry was signed by the key its chain had at that point ({@link checkKey}), so a history
 * read from a broken entry is caught.
 *
 * @param entries the record's entries of {@link KEY_KINDS} (others are skipped)
 * @returns the history; the first key held at a seq wins
 */
export function keyHistoryOf(entries: Iterable<SealedEntry>): KeyHistory {
  const history: KeyHistory = {};
  for (const sealed of entries) {
    const set = keySetBy(sealed);
    if (set === null) continue;
    const list = (history[`${set.line} ${set.station}`] ??= []);
    if (list.some((r) => r.seq === set.seq)) continue;
    const { line: _line, station: _station, ...change } = set;
    list.push(change);
    list.sort((a, b) => firstSeqOf(a) - firstSeqOf(b) || a.seq - b.seq);
  }
  return history;
}
