import type { HeadStatement } from "../record/mod.js";
import type { PairRequest, PairResponse } from "./pairing.js";

/** Where a peer is and which certificate it must present. */
export interface PeerTarget {
  station: string;
  url: string;
  cert: string;
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
  entries(target: PeerTarget, line: string, author: string, after: number, limit: number): Promise<unknown[]>;
}
