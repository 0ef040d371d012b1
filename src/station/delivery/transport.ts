import { z } from "zod";
import { PARTICIPANT, SIGNATURE, type DigestStatement, type HeadStatement } from "../../record/mod.js";
import type { ParticipantRow } from "../../store/mod.js";
import type { Station } from "../core/mod.js";

/**
 * What a joiner sends the inviter: the invite's secret itself (over mutual TLS to the certificate
 * the invite pins, so only the inviter reads it; the inviter keeps only its hash, so a copy of the
 * inviter's database cannot pair), and its claim to its place on the line, signed with its station
 * key (so nobody joins in another station's name). The TLS client certificate must be the one the
 * claim names, so the joiner holds that key too.
 */
export const PAIR_REQUEST = z.strictObject({
  invite: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  joiner: PARTICIPANT,
  secret: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  claim: SIGNATURE,
});
export type PairRequest = z.infer<typeof PAIR_REQUEST>;

/**
 * What the inviter answers: the line's genesis, so the joiner can take the line up, and the
 * participants whose consent the joiner still awaits (none on a line of two).
 */
export interface PairResponse {
  line: string;
  genesis: unknown;
  awaiting: string[];
}

/** Where a peer is and which certificate it must present. */
export interface PeerTarget {
  station: string;
  url: string;
  cert: string;
  /** the certificate it had before its last cert.renew, still accepted during the grace period */
  previousCert?: string | undefined;
}

/**
 * @param p a participant row
 * @param now the time, ms (the grace period of a previous certificate ends by it)
 * @returns where the participant is and which certificates it may present
 */
export function targetOf(p: ParticipantRow, now: number): PeerTarget {
  const grace = p.previousCert !== null && Date.parse(p.previousUntil ?? "") > now;
  return {
    station: p.station,
    url: p.url,
    cert: p.cert,
    ...(grace && p.previousCert !== null ? { previousCert: p.previousCert } : {}),
  };
}

/**
 * The peer as it is on one line: its address and certificate on another line are not this line's.
 * Read from the station's members, kept until a member entry arrives: no read per push or link
 * test (on a line of 57, 56 couriers and 56 link tests would each read 57 rows).
 *
 * @param station this station
 * @param line a line id
 * @param peer a station id
 * @returns where the peer is on the line, or null when it is not a participant of it here
 */
export async function targetOn(station: Station, line: string, peer: string): Promise<PeerTarget | null> {
  const p = (await station.membersOf(line))?.find((m) => m.station === peer && m.active);
  return p === undefined ? null : targetOf(p, station.clock.now());
}

/**
 * How the station core talks to peers; implemented over mutual TLS by `peer/PeerClient`.
 * Transport failures throw HotlineError PEER_UNREACHABLE; refusals throw an error whose
 * `statement` is the peer's head statement, when it sent one.
 */
export interface PeerTransport {
  pair(target: PeerTarget, request: PairRequest): Promise<PairResponse>;
  /** sends entries (each its canonical bytes, sent as they are); the answer is the peer's head statement */
  push(target: PeerTarget, line: string, entries: readonly Buffer[]): Promise<unknown>;
  heads(target: PeerTarget, statement: HeadStatement, options?: { timeoutMs?: number }): Promise<unknown>;
  /**
   * a link test's exchange of heads in their digest form (O(1) bytes); the answer is the peer's
   * digest form. Optional: a transport without it has every link test exchange full statements.
   */
  headsByDigest?(
    target: PeerTarget,
    digest: DigestStatement,
    options?: { timeoutMs?: number },
  ): Promise<unknown>;
  entries(target: PeerTarget, line: string, author: string, after: number, limit: number): Promise<unknown[]>;
  /**
   * the newest head statement the peer holds from another participant of the line, as that one
   * signed it (null if it heard none): a receipt relayed through a third station
   */
  statementOf(
    target: PeerTarget,
    line: string,
    station: string,
    options?: { timeoutMs?: number },
  ): Promise<unknown>;
}
