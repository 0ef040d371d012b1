import { afterEach, describe, expect, it } from "vitest";
import { DirectTransport } from "../../test/helpers/direct-transport.js";
import { inProcessPair, type InProcessPair } from "../../test/helpers/in-process-pair.js";
import { PeerRejection } from "../peer/client.js";
import { HotlineError } from "../record/mod.js";
import { Outbox, type OutboxLogger } from "./outbox.js";
import { acceptInvite, createInvite } from "./pairing.js";
import type { Station } from "./station.js";
import type { PeerTarget } from "./transport.js";

/**
 * The outbox on a clock held still: what is due is decided by the station's clock, so a backoff
 * is seen by counting what was tried, then moving the clock — no waiting for delays.
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

  function logger(): OutboxLogger & { warnings: string[] } {
    const warnings: string[] = [];
    return { warnings, info: () => undefined, warn: (_obj, msg) => warnings.push(msg) };
  }

  async function start(
    station: Station,
    transport: ScriptedTransport,
    log: OutboxLogger,
    options: { batchBytes?: number } = {},
  ): Promise<Outbox> {
    // random 0.5: no jitter, so each delay is exact
    const outbox = new Outbox(station, { transport, logger: log, random: () => 0.5, ...options });
    outboxes.push(outbox);
    await outbox.start();
    return outbox;
  }

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
    await pause(100);
    expect(refused()).toBe(1);

    // New messages on the other line still go at once; on the refused line they wait.
    await washington.send({ line: second, text: "And this one too.", operator: "admin" });
    await waitFor(async () => (await outbox.pending(second, moscow.id)) === 0);
    expect(refused()).toBe(1);

    // Once the backoff is over the refused line is tried again; accepted now, delivery resumes.
    transport.refuse = () => null;
    clock.t += 200;
    outbox.wake(moscow.id);
    await waitFor(async () => (await outbox.pending(line, moscow.id)) === 0);
    expect(outbox.state(moscow.id)?.lines.every((l) => l.failures === 0)).toBe(true);
    expect(log.warnings.filter((w) => w.includes("refused"))).toHaveLength(1);
  });

  it("a peer answering CHAIN_GAP again and again is resent to a few times in a row, then backed off exponentially", async () => {
    const { washington, moscow, line } = await twoLines();
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
    await waitFor(() => pushes() >= 4);
    await pause(200);
    expect(pushes()).toBe(4);

    // Each next try is due only when the clock says so: 200 ms three times, then 1 s, 2 s, 4 s…
    const delays = [200, 200, 200, 1_000, 2_000, 4_000, 8_000];
    for (const delay of delays) {
      const before = pushes();
      pairs[0]!.clock.t += delay - 1;
      outbox.wake(moscow.id);
      await pause(50);
      expect(pushes()).toBe(before);
      pairs[0]!.clock.t += 1;
      outbox.wake(moscow.id);
      await waitFor(() => pushes() === before + 1);
    }
    const delivery = outbox.state(moscow.id)?.lines.find((l) => l.line === line);
    expect(delivery).toMatchObject({ refused: true, failures: 1 + delays.length });
    expect(delivery?.lastError).toContain("CHAIN_GAP");
    // Logged once, not once per try.
    expect(log.warnings.filter((w) => w.includes("refused"))).toHaveLength(1);
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
    const { washington, moscow, line } = await twoLines();
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
    await pause(200);
    expect(transport.pushes).toHaveLength(4);
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
