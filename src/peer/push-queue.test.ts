import { afterEach, describe, expect, it } from "vitest";
import { inProcessPair, type InProcessPair } from "../../test/helpers/in-process-pair.js";
import { PushQueue } from "./push-queue.js";

/**
 * The peer server's push queue, on an in-process pair: Washington's pushes to Moscow, given to
 * Moscow's queue as the server gives them, in whatever order they arrive.
 */
describe("pushes of one sender are applied in the order sent, those ready together in one transaction", () => {
  let p: InProcessPair;
  afterEach(async () => await p.close());

  /** @returns Washington's entries Moscow lacks, as received (parsed JSON), in pages of `size` */
  async function pages(count: number, size: number): Promise<unknown[][]> {
    p = await inProcessPair();
    for (let i = 0; i < count * size; i++)
      await p.washington.send({ line: p.line, text: `message ${i}`, operator: "admin" });
    const after = (await p.moscow.store.head(p.line, p.washington.id))?.seq ?? 0;
    const chain = await p.washington.store.chainAfter(p.line, p.washington.id, after, 500);
    const values = chain.map((e) => JSON.parse(e.bytes.toString("utf8")) as unknown);
    return Array.from({ length: count }, (_, i) => values.slice(i * size, (i + 1) * size));
  }

  /** @returns how many entries each of Moscow's transactions of received entries held */
  function transactions(): number[] {
    const seen: number[] = [];
    p.moscow.events.on("received", (r: { entries: number }) => seen.push(r.entries));
    return seen;
  }

  it("three pushes given last first are applied first to last, in one transaction, each answered as taken", async () => {
    const [one, two, three] = await pages(3, 2);
    const commits = transactions();
    const queue = new PushQueue(p.moscow);
    const from = p.washington.id;
    const outcomes = await Promise.all([
      queue.push(from, p.line, three ?? [], 100),
      queue.push(from, p.line, two ?? [], 100),
      queue.push(from, p.line, one ?? [], 100),
    ]);
    expect(outcomes.map((o) => o.refused)).toEqual([null, null, null]);
    expect(commits).toEqual([6]);
    expect((await p.moscow.store.head(p.line, p.washington.id))?.seq).toBe(
      (await p.washington.store.head(p.line, p.washington.id))?.seq,
    );
    expect(await p.moscow.verify()).toMatchObject({ ok: true });
  });

  it("a push whose first entry gaps, with nothing before it waiting, is refused CHAIN_GAP and changes nothing", async () => {
    const [, two] = await pages(2, 2);
    const before = await p.moscow.store.head(p.line, p.washington.id);
    const outcome = await new PushQueue(p.moscow).push(p.washington.id, p.line, two ?? [], 100);
    expect(outcome.refused?.code).toBe("CHAIN_GAP");
    expect(await p.moscow.store.head(p.line, p.washington.id)).toEqual(before);
  });

  it("a refused entry in the middle: the push before it is taken, its own refused with its code, the one after refused in its turn", async () => {
    const [one, two, three] = await pages(3, 2);
    // The second push's first entry altered after it was signed.
    const forged = (two ?? []).map((v, i) =>
      i === 0 ? { ...(v as object), body: { ...(v as { body: object }).body, text: "altered" } } : v,
    );
    const queue = new PushQueue(p.moscow);
    const from = p.washington.id;
    const outcomes = await Promise.all([
      queue.push(from, p.line, one ?? [], 100),
      queue.push(from, p.line, forged, 100),
      queue.push(from, p.line, three ?? [], 100),
    ]);
    expect(outcomes[0]?.refused).toBeNull();
    expect(outcomes[1]?.refused?.code).toMatch(/BAD_SIGNATURE|BAD_HASH|BAD_PREV/);
    expect(outcomes[2]?.refused?.code).toBe("CHAIN_GAP");
    const last = (one ?? []).at(-1) as { seq: number };
    expect((await p.moscow.store.head(p.line, p.washington.id))?.seq).toBe(last.seq);
    expect(await p.moscow.verify()).toMatchObject({ ok: true });
  });

  it("a sender with too much waiting is refused RATE_LIMITED before anything of the push is looked at; what it queued still goes through", async () => {
    const [one, two] = await pages(2, 2);
    const queue = new PushQueue(p.moscow, { entries: 3, bytes: 1_000 });
    const from = p.washington.id;
    const first = queue.push(from, p.line, one ?? [], 100);
    expect(() => queue.push(from, p.line, two ?? [], 100)).toThrow(/RATE_LIMITED|too many|waiting/);
    // Bytes count too: one push too large for the bound is refused whole.
    expect(() => queue.push("another", p.line, ["x"], 5_000)).toThrow(/waiting to be applied/);
    expect((await first).refused).toBeNull();
    // Its share is free again once applied.
    expect((await queue.push(from, p.line, two ?? [], 100)).refused).toBeNull();
    expect(await p.moscow.verify()).toMatchObject({ ok: true });
  });
});
