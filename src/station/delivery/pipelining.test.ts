import { afterEach, describe, expect, it } from "vitest";
import { DirectTransport } from "../../../test/helpers/direct-transport.js";
import { inProcessPair, type InProcessPair } from "../../../test/helpers/in-process-pair.js";
import { PeerRejection } from "../../peer/client.js";
import type { HeadStatement } from "../../record/mod.js";
import type { PartLogger } from "../core/logger.js";
import { Outbox } from "./outbox.js";
import type { PeerTarget } from "./transport.js";

/** One push as the slow peer got it: the seqs it carries, and the gate that answers it. */
interface Held {
  first: number;
  last: number;
  /** answers the push: applied at Moscow and receipted, or refused with what `answer` returns */
  release: (answer?: () => Promise<unknown>) => void;
}

/**
 * A peer that answers each push only when the test says (a slow receiver): it applies the push
 * then and answers with its head statement, or answers what the test gives instead.
 */
class SlowPeer extends DirectTransport {
  readonly held: Held[] = [];
  /** pushes answered so far */
  answered = 0;

  override async push(target: PeerTarget, line: string, entries: readonly Buffer[]): Promise<HeadStatement> {
    const seqs = entries.map((e) => (JSON.parse(e.toString("utf8")) as { seq: number }).seq);
    const gate = await new Promise<(() => Promise<unknown>) | undefined>((resolve) =>
      this.held.push({ first: seqs[0] ?? 0, last: seqs.at(-1) ?? 0, release: resolve }),
    );
    try {
      // What the test answers instead stands for a receipt: the courier checks it as one.
      if (gate !== undefined) return (await gate()) as HeadStatement;
      return await super.push(target, line, entries);
    } finally {
      this.answered++;
    }
  }
}

const quiet: PartLogger = { info: () => undefined, warn: () => undefined };

describe("the courier keeps several pushes in flight to a slow peer (pipelining)", () => {
  const pairs: InProcessPair[] = [];
  const outboxes: Outbox[] = [];
  const peers: SlowPeer[] = [];
  afterEach(async () => {
    // What is still held is answered, so that a courier stopping does not wait on it.
    const free = setInterval(() => {
      for (const peer of peers) for (const h of peer.held) h.release();
    }, 5);
    await Promise.all(outboxes.splice(0).map((o) => o.stop()));
    clearInterval(free);
    peers.splice(0);
    for (const p of pairs.splice(0)) await p.close();
  });

  /** Washington with 10 messages Moscow lacks, its outbox sending pages of 2 to a slow Moscow. */
  async function backlog() {
    const pair = await inProcessPair();
    pairs.push(pair);
    const { washington, moscow, line } = pair;
    for (let i = 0; i < 10; i++) await washington.send({ line, text: `message ${i}`, operator: "admin" });
    const peer = new SlowPeer();
    peers.push(peer);
    peer.add(washington, moscow);
    const outbox = new Outbox(washington, { transport: peer, logger: quiet, batch: 2 });
    outboxes.push(outbox);
    await outbox.start();
    const head = (await washington.store.head(line, washington.id))?.seq ?? 0;
    return { ...pair, peer, outbox, head };
  }

  it("a backlog goes as four pushes at once, each page after the last one sent, and arrives whole and in order", async () => {
    const { washington, moscow, line, peer, outbox, head } = await backlog();
    await waitFor(() => peer.held.length === 4);
    await pause(50);
    // Four in flight, no fifth before one is answered; each starts where the one before ended.
    expect(peer.held).toHaveLength(4);
    const first = (await moscow.store.head(line, washington.id))?.seq ?? 0;
    expect(peer.held.map((h) => h.first)).toEqual([first + 1, first + 3, first + 5, first + 7]);
    for (const h of peer.held) expect(h.last).toBe(h.first + 1);

    // The first answered: a fifth goes at once, after the last sent (not the last receipted).
    peer.held[0]?.release();
    await waitFor(() => peer.held.length === 5);
    expect(peer.held[4]?.first).toBe(first + 9);

    // The rest answered in the order sent: everything is at Moscow, and receipted.
    for (const h of peer.held.slice(1)) h.release();
    await waitFor(() => peer.held.length >= 5 && peer.answered >= peer.held.length);
    await waitFor(async () => (await outbox.pending(line, moscow.id)) === 0);
    for (const h of peer.held.slice(5)) h.release();
    expect((await moscow.store.head(line, washington.id))?.seq).toBe(head);
    expect(await moscow.verify()).toMatchObject({ ok: true });
  });

  it("a refusal in the middle of the window lets the pushes after it go unread, and delivery resumes from the peer's heads", async () => {
    const { washington, moscow, line, peer, outbox, head } = await backlog();
    await waitFor(() => peer.held.length === 4);
    const [one, two, three, four] = peer.held;
    // Moscow takes the first, then refuses the second as a gap (it lost it, say), with its heads.
    one?.release();
    await waitFor(() => peer.answered === 1);
    await waitFor(() => peer.held.length === 5); // the window filled again, after the fourth
    two?.release(async () => {
      throw new PeerRejection(
        "CHAIN_GAP",
        "Cannot accept the entry: gap",
        409,
        await moscow.headStatement(line),
      );
    });
    await waitFor(() => peer.answered === 2);
    // The two after it are answered (refused: they gap too), and read by nobody.
    three?.release();
    four?.release();
    peer.held[4]?.release();
    await waitFor(() => peer.answered === 5);
    // The next push starts where Moscow's heads said: right after the first push, not after the fifth.
    await waitFor(() => peer.held.length >= 6);
    expect(peer.held[5]?.first).toBe(two?.first);
    const release = setInterval(() => {
      for (const h of peer.held) h.release();
    }, 5);
    try {
      await waitFor(async () => (await outbox.pending(line, moscow.id)) === 0);
    } finally {
      clearInterval(release);
    }
    expect((await moscow.store.head(line, washington.id))?.seq).toBe(head);
    expect(outbox.state(moscow.id)?.lines.find((l) => l.line === line)).toMatchObject({ failures: 0 });
  });

  it("a receipt that does not name the sender's chain, or is forged to, marks nothing delivered", async () => {
    const { washington, moscow, line, peer, outbox, head, clock } = await backlog();
    // Moscow answers every push without taking it: with a receipt naming only its own chain...
    let forge = false;
    const answer = async () => {
      const receipt = await moscow.receipt(line, []);
      if (!forge) return receipt;
      // ...or with that receipt altered to claim all of Washington's chain (its signature no longer holds).
      const held = await washington.store.head(line, washington.id);
      return {
        ...receipt,
        heads: { ...receipt.heads, [washington.id]: { seq: held?.seq, hash: held?.hash } },
      };
    };
    const release = setInterval(() => {
      for (const h of peer.held) h.release(answer);
    }, 5);
    try {
      await waitFor(() => (outbox.state(moscow.id)?.lines.find((l) => l.line === line)?.failures ?? 0) >= 1);
      expect(await outbox.pending(line, moscow.id)).toBeGreaterThan(0);
      expect(await washington.store.coveredSeq(line, moscow.id, washington.id)).toBeLessThan(head);
      forge = true;
      const tried = peer.held.length;
      outbox.wake(moscow.id, true);
      await clock.advance(60_000);
      await waitFor(() => peer.held.length > tried);
      await waitFor(
        () =>
          outbox
            .state(moscow.id)
            ?.lines.find((l) => l.line === line)
            ?.lastError?.includes("BAD_SIGNATURE") === true,
      );
      expect(await outbox.pending(line, moscow.id)).toBeGreaterThan(0);
      expect(await washington.store.coveredSeq(line, moscow.id, washington.id)).toBeLessThan(head);
    } finally {
      clearInterval(release);
    }
  });
});

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until a condition holds (a generous bound: a loaded machine is slow, not wrong). */
async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error("the condition did not come true in time");
    await pause(10);
  }
}
