import { HotlineError, WAITS_FOR_ANOTHER_CHAIN } from "../../record/mod.js";
import type { Station } from "../core/mod.js";
import type { PeerTarget, PeerTransport } from "./transport.js";

/** Entries asked for per page when catching up. */
export const CATCH_UP_PAGE = 500;

/**
 * Per station, `line peer`: the seq of the peer's own chain it said it held at the last comparison.
 * If a comparison later this station still holds less than that, the peer's push is not reaching
 * it (a one-way cut: this station reaches the peer, not the other way), so it pulls the chain.
 */
const claimedBefore = new WeakMap<Station, Map<string, number>>();

/** What one catch-up with one peer on one line did. */
export interface CatchUpResult {
  pulled: number;
  /** chains on which the peer holds a different entry at a seq this station holds too */
  diverged: string[];
}

/**
 * Compares heads with a peer on a line and pulls, page by page, every entry the peer holds that
 * this station lacks — of any chain, this station's own included (a station restored from an
 * older backup gets its own entries back); the peer's own only when asked (when joining: it names
 * the other participants), or when what it held at the last comparison has still not arrived (its
 * push does not reach this station), as the peer pushes it otherwise. Finds divergence: the peer's
 * head hash differs from the entry this station holds at that seq.
 *
 * @param station this station
 * @param transport how to reach the peer
 * @param target the peer
 * @param line the line
 * @param options peerChain: pull the peer's own chain too, first
 * @returns how much was pulled, and which chains diverged
 */
export async function catchUp(
  station: Station,
  transport: PeerTransport,
  target: PeerTarget,
  line: string,
  options: { peerChain?: boolean } = {},
): Promise<CatchUpResult> {
  /** Sends this station's heads, and checks and keeps the peer's answer. */
  const exchangeHeads = async () =>
    station.acceptStatement(await transport.heads(target, await station.headStatement(line)), target.station);
  const theirs = await exchangeHeads();
  let pulled = 0;
  const diverged: string[] = [];
  const claims = claimedBefore.get(station) ?? new Map<string, number>();
  claimedBefore.set(station, claims);
  const claimKey = `${line} ${target.station}`;
  const before = claims.get(claimKey);
  claims.set(claimKey, theirs.heads[target.station]?.seq ?? 0);
  const pushLags =
    before !== undefined && ((await station.store.head(line, target.station))?.seq ?? 0) < before;
  // The peer's own chain first: it names who joined the line through the peer, and so whose
  // entries the other chains hold. Unless asked (when joining), it is left to the peer's push —
  // our heads, just sent, told it where we stand — so nothing travels twice.
  const chains = Object.entries(theirs.heads).sort(([a], [b]) =>
    a === target.station ? -1 : b === target.station ? 1 : 0,
  );
  // The heads held, read at once per pass (one query, not one per chain: O(N) lookups a catch-up
  // on a line of N, and one runs for every push refused for want of another chain).
  const headsHeld = async () => new Map((await station.store.heads(line)).map((h) => [h.author, h]));
  let mineNow = await headsHeld();
  for (const [author, head] of chains) {
    const mine = mineNow.get(author) ?? null;
    if (mine !== null && head.seq <= mine.seq) {
      // At the head held, its hash is at hand; below it, read.
      const held = head.seq === mine.seq ? mine : await station.store.entryAt(line, author, head.seq);
      if (held !== null && held.hash !== head.hash) diverged.push(author);
    }
  }
  // Chains refer to each other (seen, the member.add of their author, the member.add an approval
  // names): one may wait for another, so passes go on while any chain moves.
  for (let moved = true; moved;) {
    moved = false;
    // Who is a participant, as of this pass (a chain pulled may add one: the next pass sees it).
    const participants = new Set((await station.store.participants(line)).map((p) => p.station));
    if (pulled > 0) mineNow = await headsHeld();
    for (const [author, head] of chains) {
      if (author === target.station && options.peerChain !== true && !pushLags) continue;
      // A chain by a station this one does not yet know as a participant waits for the entry that
      // adds it; the next pass, or the next comparison of heads, pulls it.
      if (!participants.has(author)) continue;
      let after = mineNow.get(author)?.seq ?? 0;
      while (after < head.seq) {
        const page = await transport.entries(target, line, author, after, CATCH_UP_PAGE);
        if (page.length === 0) break;
        const result = await station.receiveBatch(page, { from: target.station });
        pulled += result.applied.length;
        if (result.applied.length > 0) moved = true;
        if (result.refused !== null) {
          if (WAITS_FOR_ANOTHER_CHAIN.has(result.refused.code)) break;
          throw result.refused;
        }
        const last = (await station.store.head(line, author))?.seq ?? after;
        if (last <= after) {
          throw new HotlineError(
            "CHAIN_GAP",
            `Cannot catch up ${author}'s chain: the peer's page did not continue it`,
          );
        }
        after = last;
      }
    }
  }
  if (pulled > 0) {
    // Where this station stands now, told to the peer: a push of its that waited here for what was
    // just pulled (UNKNOWN_SEEN) goes again at once, not after its backoff.
    try {
      await exchangeHeads();
    } catch {
      // (it hears at the next comparison or link test; what was pulled is kept either way)
    }
  }
  return { pulled, diverged };
}
