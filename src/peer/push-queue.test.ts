import { afterEach, describe, expect, it } from "vitest";
import { inProcessPair, type InProcessPair } from "../../test/helpers/in-process-pair.js";
import {
  ankaraJoins,
  targetOf,
  threeOnALine,
  type ThreeOnALine,
} from "../../test/helpers/three-on-a-line.js";
import { catchUp } from "../station/delivery/catch-up.js";
import type { SealedEntry } from "../record/mod.js";
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

/**
 * A push that names an entry of another chain not held here yet (UNKNOWN_SEEN): with every
 * participant writing at once, that entry is usually on its way from its own author. Ankara, just
 * joined and holding only the genesis, is pushed Washington's chain, whose add of Ankara names
 * Moscow's messages.
 */
describe("a push waiting for another chain is held a moment, not refused at once", () => {
  let three: ThreeOnALine;
  afterEach(async () => await three.close());

  /** @returns Washington's chain after its genesis, as received */
  async function washingtonsChain(): Promise<unknown[]> {
    three = await threeOnALine();
    await ankaraJoins(three);
    const { washington, line } = three;
    return (await washington.store.chainAfter(line, washington.id, 1, 500)).map(
      (e) => JSON.parse(e.bytes.toString("utf8")) as unknown,
    );
  }

  it("held until the entry it names arrives from its own author, then taken: no refusal, no resend", async () => {
    const pushed = await washingtonsChain();
    const { washington, moscow, ankara, line } = three;
    const queue = new PushQueue(ankara, { holdMs: 60_000 });
    let answered = false;
    const outcome = queue.push(washington.id, line, pushed, 100).finally(() => (answered = true));
    // Refused once already (it is the first push: nothing else to wait for), and held.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).toBe(false);
    // Moscow's chain reaches Ankara: what Washington's add of Ankara names is now held here.
    const moscows = (await moscow.store.chainAfter(line, moscow.id, 0, 500)).map(
      (e) => JSON.parse(e.bytes.toString("utf8")) as unknown,
    );
    await ankara.receive(moscows);
    expect((await outcome).refused).toBeNull();
    expect((await ankara.store.head(line, washington.id))?.seq).toBe(
      (await washington.store.head(line, washington.id))?.seq,
    );
    expect((await ankara.verify()).ok).toBe(true);
  });

  it("a push whose named entry never comes is refused with its code once the hold ends, the record as it was before that entry", async () => {
    const pushed = await washingtonsChain();
    const { washington, moscow, ankara, line } = three;
    const outcome = await new PushQueue(ankara, { holdMs: 100 }).push(washington.id, line, pushed, 100);
    expect(outcome.refused?.code).toBe("UNKNOWN_SEEN");
    const refusedAt = outcome.refused?.place?.seq ?? 0;
    expect(refusedAt).toBeGreaterThan(1);
    expect((await ankara.store.head(line, washington.id))?.seq).toBe(refusedAt - 1);
    expect(await ankara.store.head(line, moscow.id)).toBeNull();
    expect((await ankara.verify()).ok).toBe(true);
  });

  it("a held push is tried again only when the entry it waits for may have arrived: four times at most when it comes no further", async () => {
    const pushed = await washingtonsChain();
    const { washington, ankara, line } = three;
    // An hour's hold: only the bound on tries can end it within the test.
    const queue = new PushQueue(ankara, { holdMs: 3_600_000 });
    let tries = 0;
    let awaits: string | undefined;
    const receive = ankara.receive.bind(ankara);
    ankara.receive = async (...args: Parameters<typeof receive>) => {
      tries++;
      const result = await receive(...args);
      awaits ??= result.refused?.awaits;
      return result;
    };
    const outcome = queue.push(washington.id, line, pushed, 100);
    let answered: { refused: { code: string } | null } | null = null;
    void outcome.then((o) => (answered = o));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(awaits).toMatch(/^[0-9a-f]{64}$/);
    // Messages on the line, and membership changing on it, are nothing an UNKNOWN_SEEN waits for.
    for (let i = 0; i < 3; i++) await ankara.send({ line, text: `Ankara ${i}`, operator: "admin" });
    const changed = { entry: { line, kind: "member.approve" }, hash: "0".repeat(64), bytes: Buffer.alloc(0) };
    ankara.events.emit("entries", [changed as unknown as SealedEntry], "remote");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(tries).toBe(1);
    expect(answered).toBeNull();
    // The awaited entry said stored, again and again, while the record still lacks it (as a
    // misbehaving store or a hostile stream might make it look): tried each time, refused the same
    // way each time, four tries at most, then answered with its refusal.
    const said = { entry: { line, kind: "text" }, hash: awaits, bytes: Buffer.alloc(0) };
    for (let i = 0; i < 10 && answered === null; i++) {
      ankara.events.emit("entries", [said as unknown as SealedEntry], "remote");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await outcome).refused?.code).toBe("UNKNOWN_SEEN");
    expect(tries).toBe(5);
  });

  it("a push waiting for one entry after another, more than four, is taken as each arrives: a try that comes further is not spent", async () => {
    three = await threeOnALine();
    await ankaraJoins(three);
    const { washington, moscow, ankara, transport, line } = three;
    // Moscow writes, Washington reads it and writes: each of Washington's entries names Moscow's newest.
    for (let i = 0; i < 6; i++) {
      await moscow.send({ line, text: `Moscow again ${i}`, operator: "admin" });
      await catchUp(washington, transport, targetOf(moscow), line, { peerChain: true });
      await washington.send({ line, text: `Washington, having read Moscow ${i}`, operator: "admin" });
    }
    const asReceived = (entries: { bytes: Buffer }[]) =>
      entries.map((e) => JSON.parse(e.bytes.toString("utf8")) as unknown);
    const pushed = asReceived(await washington.store.chainAfter(line, washington.id, 1, 500));
    const queue = new PushQueue(ankara, { holdMs: 3_600_000 });
    let tries = 0;
    const receive = ankara.receive.bind(ankara);
    const outcome = queue.push(washington.id, line, pushed, 100);
    ankara.receive = async (...args: Parameters<typeof receive>) => {
      tries++;
      return await receive(...args);
    };
    // Moscow's entries reach Ankara one at a time, each taken once what it names is held.
    for (const entry of asReceived(await moscow.store.chainAfter(line, moscow.id, 0, 500))) {
      for (let attempt = 0; attempt < 100; attempt++) {
        if ((await receive([entry])).refused === null) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    expect((await outcome).refused).toBeNull();
    // More tries than four that came no further would allow: each came further.
    expect(tries).toBeGreaterThan(4);
    expect((await ankara.store.head(line, washington.id))?.seq).toBe(
      (await washington.store.head(line, washington.id))?.seq,
    );
    expect((await ankara.verify()).ok).toBe(true);
  });

  it("with no hold (holdMs 0) the refusal is answered at once, as before", async () => {
    const pushed = await washingtonsChain();
    const { washington, ankara, line } = three;
    const outcome = await new PushQueue(ankara, { holdMs: 0 }).push(washington.id, line, pushed, 100);
    expect(outcome.refused?.code).toBe("UNKNOWN_SEEN");
  });
});
