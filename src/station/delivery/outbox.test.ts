import { afterEach, describe, expect, it } from "vitest";
import { DirectTransport } from "../../../test/helpers/direct-transport.js";
import { inProcessPair, type InProcessPair } from "../../../test/helpers/in-process-pair.js";
import { PeerRejection } from "../../peer/client.js";
import { HotlineError, type HeadStatement } from "../../record/mod.js";
import type { PartLogger } from "../core/logger.js";
import { Outbox } from "./outbox.js";
import { acceptInvite, createInvite } from "./pairing.js";
import type { Station } from "../core/station.js";
import type { PeerTarget } from "./transport.js";

/**
 * The outbox on a manual clock: what is due, the timers and the jitter are the station's clock's,
 * so a backoff is seen by counting what was tried, then moving the clock on — each retry fires at
 * its exact time, with no waiting for delays.
 */
describe("the outbox delivers per (peer, line) and backs off on refusals", () => {
  const pairs: InProcessPair[] = [];
  const outboxes: Outbox[] = [];
  afterEach(async () => {
    await Promise.all(outboxes.splice(0).map((o) => o.stop()));
    for (const p of pairs.splice(0)) await p.close();
  });

  /** @returns the in-process pair, with a second line "second" between them too */
  async function twoLines() {
    const pair = await inProcessPair();
    pairs.push(pair);
    const { washington, moscow } = pair;
    const direct = new DirectTransport();
    direct.add(washington, moscow);
    const second = (await washington.createLine({ name: "second", operator: "admin" })).id;
    await acceptInvite(
      moscow,
      direct,
      (await createInvite(washington, { line: second, expiresInMs: 60_000, operator: "admin" })).invite,
    );
    await copyLine(moscow, washington, second);
    return { ...pair, second, direct };
  }

  /** A transport that is the other station, called directly, whose pushes the test decides. */
  class ScriptedTransport extends DirectTransport {
    readonly pushes: string[] = [];
    /** bytes of entries in each push */
    readonly sizes: number[] = [];
    refuse: (line: string) => Promise<PeerRejection | null> | PeerRejection | null = () => null;

    override async push(target: PeerTarget, line: string, entries: readonly Buffer[]) {
      this.pushes.push(line);
      this.sizes.push(entries.reduce((sum, e) => sum + e.length, 0));
      const refusal = await this.refuse(line);
      if (refusal !== null) throw refusal;
      return super.push(target, line, entries);
    }
  }

  function logger(): PartLogger & { warnings: string[] } {
    const warnings: string[] = [];
    return { warnings, info: () => undefined, warn: (_obj, msg) => warnings.push(msg) };
  }

  async function start(
    station: Station,
    transport: ScriptedTransport,
    log: PartLogger,
    options: { batchBytes?: number } = {},
  ): Promise<Outbox> {
    const outbox = new Outbox(station, { transport, logger: log, ...options });
    outboxes.push(outbox);
    await outbox.start();
    return outbox;
  }

  it("its own comparison of heads waits while link tests compare them, and comes back when they stop or the peer holds more", async () => {
    const { washington, moscow, line, second, clock } = await twoLines();
    /** Moscow's heads compared by the courier, by line */
    const compared: string[] = [];
    class Counting extends ScriptedTransport {
      override async heads(target: PeerTarget, statement: HeadStatement) {
        compared.push(statement.line);
        return super.heads(target, statement);
      }
    }
    const transport = new Counting();
    transport.add(washington, moscow);
    await start(washington, transport, logger());
    await waitFor(() => compared.filter((l) => l === line).length === 1); // a comparison at start
    // A link test, as the link monitor makes one: Moscow's heads taken, ours given, both ways.
    const linkTest = async () => {
      await washington.acceptStatement(await moscow.headStatement(line), moscow.id);
      washington.noteExchange(line, moscow.id);
    };
    for (let i = 0; i < 3; i++) {
      await linkTest();
      await clock.advance(10_000);
    }
    await pause(50);
    expect(compared.filter((l) => l === line)).toHaveLength(1);
    // The other line has no link tests here: its courier compares every 10 s as before.
    expect(compared.filter((l) => l === second).length).toBeGreaterThanOrEqual(3);
    // Moscow holds more than Washington: the next comparison happens, whatever the link test said.
    await moscow.send({ line, text: "Washington lacks this", operator: "admin" });
    await linkTest();
    await clock.advance(10_000);
    await waitFor(() => compared.filter((l) => l === line).length === 2);
    // No link test for a while: the courier compares on its own again.
    await clock.advance(10_000);
    await clock.advance(10_000);
    await waitFor(() => compared.filter((l) => l === line).length >= 3);
  });

  it("a line whose pushes the peer refuses for good (FUTURE_TIME) holds back no other line to that peer", async () => {
    const { washington, moscow, line, second, clock } = await twoLines();
    const transport = new ScriptedTransport();
    transport.add(washington, moscow);
    transport.refuse = async (l) =>
      l === line
        ? new PeerRejection(
            "FUTURE_TIME",
            "Cannot accept an entry from the future",
            422,
            await moscow.headStatement(l),
          )
        : null;
    await washington.send({ line, text: "Refused by Moscow's clock.", operator: "admin" });
    await washington.send({ line: second, text: "Delivered all the same.", operator: "admin" });
    const log = logger();
    const outbox = await start(washington, transport, log);

    await waitFor(async () => (await outbox.pending(second, moscow.id)) === 0);
    expect((await moscow.store.head(second, washington.id))?.seq).toBe(
      (await washington.store.head(second, washington.id))?.seq,
    );
    expect(await outbox.pending(line, moscow.id)).toBeGreaterThan(0);
    await waitFor(() => outbox.state(moscow.id)?.lines.find((l) => l.line === line)?.failures === 1);
    const state = outbox.state(moscow.id);
    expect(state).toMatchObject({ connected: true, failures: 1 });
    expect(state?.lines.find((l) => l.line === line)).toMatchObject({ refused: true, failures: 1 });
    expect(state?.lines.find((l) => l.line === line)?.lastError).toContain("FUTURE_TIME");
    expect(state?.lines.find((l) => l.line === second)).toMatchObject({ failures: 0, lastError: null });

    // Hearing from Moscow ends no refusal's backoff: the clock has not moved, nothing is tried again.
    const refused = () => transport.pushes.filter((l) => l === line).length;
    expect(refused()).toBe(1);
    outbox.wake(moscow.id, true);
    await clock.advance(199);
    expect(refused()).toBe(1);

    // New messages on the other line still go at once; on the refused line they wait.
    await washington.send({ line: second, text: "And this one too.", operator: "admin" });
    await waitFor(async () => (await outbox.pending(second, moscow.id)) === 0);
    expect(refused()).toBe(1);

    // Once the backoff is over (200 ms, a quick retry) the refused line is tried again by itself;
    // accepted now, delivery resumes.
    transport.refuse = () => null;
    await clock.advance(1);
    await waitFor(async () => (await outbox.pending(line, moscow.id)) === 0);
    expect(outbox.state(moscow.id)?.lines.every((l) => l.failures === 0)).toBe(true);
    expect(log.warnings.filter((w) => w.includes("refused"))).toHaveLength(1);
  });

  it("a peer answering CHAIN_GAP again and again is resent to a few times in a row, then backed off: each retry at its time, not a millisecond before", async () => {
    const { washington, moscow, line, clock } = await twoLines();
    const transport = new ScriptedTransport();
    transport.add(washington, moscow);
    // Moscow says each time that it holds nothing more of Washington's chain than before.
    transport.refuse = async (l) =>
      new PeerRejection(
        "CHAIN_GAP",
        "Cannot accept the entry: a gap before it",
        409,
        await moscow.headStatement(l),
      );
    await washington.send({ line, text: "Never taken.", operator: "admin" });
    const log = logger();
    const outbox = await start(washington, transport, log);
    const pushes = () => transport.pushes.filter((l) => l === line).length;

    // Three resends in a row right away (quick retries: 3), and the fourth is the first failure.
    await waitFor(() => (delivery(outbox, moscow.id, line)?.failures ?? 0) === 1);
    await clock.advance(199);
    expect(pushes()).toBe(4);

    // Then 200 ms three times, then 1 s, 2 s, 4 s, 8 s (jittered): each try at its retry time.
    for (let failures = 1; failures <= 7; failures++) {
      const retryAt = Date.parse(delivery(outbox, moscow.id, line)?.retryAt ?? "");
      const before = pushes();
      await clock.advance(retryAt - 1 - clock.now());
      expect(pushes()).toBe(before);
      await clock.advance(1);
      await waitFor(() => delivery(outbox, moscow.id, line)?.failures === failures + 1);
      expect(pushes()).toBe(before + 1);
    }
    expect(delivery(outbox, moscow.id, line)).toMatchObject({ refused: true, failures: 8 });
    expect(delivery(outbox, moscow.id, line)?.lastError).toContain("CHAIN_GAP");
    // Logged once, not once per try.
    expect(log.warnings.filter((w) => w.includes("refused"))).toHaveLength(1);
  });

  it("backoff: 200 ms quick retries, then doubling from 1 s to a cap of 30 s, each delay jittered within ±50 %", async () => {
    const { washington, moscow, line, clock } = await twoLines();
    const transport = new ScriptedTransport();
    transport.add(washington, moscow);
    transport.refuse = () =>
      new PeerRejection(
        "FUTURE_TIME",
        "Cannot accept an entry from the future",
        422,
        moscow.headStatement(line),
      );
    await washington.send({ line, text: "Refused, again and again.", operator: "admin" });
    const outbox = await start(washington, transport, logger());

    const ratios: number[] = [];
    for (let failures = 1; failures <= 14; failures++) {
      await waitFor(() => delivery(outbox, moscow.id, line)?.failures === failures);
      const delay = Date.parse(delivery(outbox, moscow.id, line)?.retryAt ?? "") - clock.now();
      if (failures <= 3) expect(delay).toBe(200);
      else {
        const nominal = Math.min(30_000, 1_000 * 2 ** (failures - 4));
        expect(delay).toBeGreaterThanOrEqual(0.5 * nominal);
        expect(delay).toBeLessThanOrEqual(1.5 * nominal);
        ratios.push(delay / nominal);
      }
      await clock.advance(delay);
    }
    // Capped: the last delays are about 30 s, never the 2^10 s doubling would give.
    expect(ratios).toHaveLength(11);
    // Jittered: not every delay is its nominal value, nor all the same share of it.
    expect(new Set(ratios.map((r) => r.toFixed(3))).size).toBeGreaterThan(5);
  });

  it("a peer not reached is backed off, and tried again at once when it is heard from (a transport failure, not a refusal)", async () => {
    const { washington, moscow, line } = await twoLines();
    const transport = new ScriptedTransport();
    transport.add(washington, moscow);
    let down = true;
    const heads = transport.heads.bind(transport);
    transport.heads = async (target, statement) => {
      if (down) return Promise.reject(new HotlineError("PEER_UNREACHABLE", "Cannot reach Moscow: refused"));
      return await heads(target, statement);
    };
    await washington.send({ line, text: "Waiting for Moscow.", operator: "admin" });
    const outbox = await start(washington, transport, logger());
    await waitFor(() => (outbox.state(moscow.id)?.failures ?? 0) >= 1);
    expect(outbox.state(moscow.id)).toMatchObject({ connected: false });
    expect(outbox.state(moscow.id)?.lastError).toContain("PEER_UNREACHABLE");
    expect(await outbox.pending(line, moscow.id)).toBeGreaterThan(0);

    // The clock has not moved, so the backoff is not over; Moscow's push arriving ends it.
    down = false;
    outbox.wake(moscow.id, true);
    await waitFor(async () => (await outbox.pending(line, moscow.id)) === 0);
    expect(outbox.state(moscow.id)).toMatchObject({ connected: true, failures: 0, lastError: null });
  });

  it("a push the peer answers STORE_UNAVAILABLE (its database away) is no refusal: tried again at once when the peer is heard from", async () => {
    const { washington, moscow, line } = await twoLines();
    const transport = new ScriptedTransport();
    transport.add(washington, moscow);
    let away = true;
    transport.refuse = async (l) =>
      away
        ? new PeerRejection(
            "STORE_UNAVAILABLE",
            "Cannot reach the station's database",
            503,
            await moscow.headStatement(l),
          )
        : null;
    await washington.send({ line, text: "While Moscow's database fails over.", operator: "admin" });
    const log = logger();
    const outbox = await start(washington, transport, log);
    await waitFor(() => outbox.state(moscow.id)?.lines.find((l) => l.line === line)?.failures === 1);
    expect(outbox.state(moscow.id)?.lines.find((l) => l.line === line)).toMatchObject({ refused: false });

    // The clock has not moved, so the backoff is not over; hearing from Moscow ends it.
    away = false;
    outbox.wake(moscow.id, true);
    await waitFor(async () => (await outbox.pending(line, moscow.id)) === 0);
    expect(log.warnings.filter((w) => w.includes("refused"))).toEqual([]);
  });

  it("a push the peer refuses as waiting for another chain (UNKNOWN_SEEN) is tried again at once when the peer says it holds more, not merely when it is heard from", async () => {
    const { washington, moscow, line } = await twoLines();
    const transport = new ScriptedTransport();
    transport.add(washington, moscow);
    let waiting = true;
    transport.refuse = async (l) =>
      waiting
        ? new PeerRejection(
            "UNKNOWN_SEEN",
            "Cannot accept the entry: it had seen an entry not held here",
            400,
            await moscow.headStatement(l),
          )
        : null;
    await washington.send({ line, text: "Replying to what Moscow has not got yet.", operator: "admin" });
    const log = logger();
    const outbox = await start(washington, transport, log);
    // A few resends at once (the heads just learnt say from where), then backed off.
    await waitFor(() => outbox.state(moscow.id)?.lines.find((l) => l.line === line)?.failures === 1);
    const tried = transport.pushes.length;
    expect(tried).toBeGreaterThanOrEqual(2);
    // Hearing from Moscow alone (its comparison of heads, which the refusal asked for) does not
    // end the backoff: the same push would be refused again at once.
    outbox.wake(moscow.id, true);
    await moscow.send({ line, text: "Moscow's own, held by nobody else yet.", operator: "admin" });
    await washington.acceptStatement(await moscow.receipt(line, []), moscow.id, { receipt: true });
    expect(transport.pushes.length).toBe(tried);

    // Moscow, having pulled what it lacked, says it holds more: the push goes again at once (the
    // clock has not moved, so the backoff is not over).
    waiting = false;
    await washington.acceptStatement(await moscow.headStatement(line), moscow.id);
    await waitFor(async () => (await outbox.pending(line, moscow.id)) === 0);
    expect(transport.pushes.length).toBe(tried + 1);
  });

  it("a backlog of large entries goes in pushes cut by bytes, so none is larger than the peer takes", async () => {
    const { washington, moscow, line } = await twoLines();
    const transport = new ScriptedTransport();
    transport.add(washington, moscow);
    for (let i = 0; i < 10; i++)
      await washington.send({ line, text: `${i} ${"x".repeat(4_000)}`, operator: "admin" });
    const outbox = await start(washington, transport, logger(), { batchBytes: 10_000 });
    await waitFor(async () => (await outbox.pending(line, moscow.id)) === 0);
    expect(transport.sizes.length).toBeGreaterThanOrEqual(5);
    expect(Math.max(...transport.sizes)).toBeLessThanOrEqual(10_000);
    expect((await moscow.store.head(line, washington.id))?.seq).toBe(
      (await washington.store.head(line, washington.id))?.seq,
    );
  });

  it("a peer that takes a push without its heads moving is backed off like a gap", async () => {
    const { washington, moscow, line, clock } = await twoLines();
    const transport = new ScriptedTransport();
    transport.add(washington, moscow);
    const outbox = await start(washington, transport, logger());
    // Moscow answers with an old head statement that does not cover what was sent.
    const stale = await moscow.headStatement(line);
    transport.push = async (_target, l) => {
      transport.pushes.push(l);
      return Promise.resolve(stale);
    };
    await washington.send({ line, text: "Taken, says Moscow, but not receipted.", operator: "admin" });
    await waitFor(() => transport.pushes.length >= 4);
    // The fourth push that moved nothing is a failure: the next try waits its 200 ms, to the millisecond.
    await clock.advance(199);
    expect(transport.pushes).toHaveLength(4);
    await clock.advance(1);
    await waitFor(() => transport.pushes.length === 5);
    expect(outbox.state(moscow.id)?.lines.find((l) => l.line === line)?.lastError).toContain("CHAIN_GAP");
  });
});

/** Copies to one station what another holds of a line and it does not. */
async function copyLine(from: Station, to: Station, line: string): Promise<void> {
  const missing: unknown[] = [];
  for (const e of await from.store.entries(line)) {
    if ((await to.store.entryByHash(e.hash)) === null) missing.push(JSON.parse(e.bytes.toString("utf8")));
  }
  const result = await to.receive(missing);
  if (result.refused !== null) throw result.refused;
}

/** @returns how delivery on one line to a peer stands */
function delivery(outbox: Outbox, peer: string, line: string) {
  return outbox.state(peer)?.lines.find((l) => l.line === line);
}

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
