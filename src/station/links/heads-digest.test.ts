import { afterEach, describe, expect, it, vi } from "vitest";
import { DirectTransport } from "../../../test/helpers/direct-transport.js";
import { inProcessPair, type InProcessPair } from "../../../test/helpers/in-process-pair.js";
import { PeerRejection } from "../../peer/client.js";
import {
  digestFormOf,
  sha256Hex,
  signStatement,
  type DigestStatement,
  type HeadStatement,
} from "../../record/mod.js";
import type { PeerTarget } from "../delivery/transport.js";
import { FULL_EXCHANGE_EVERY, answerHeadsDigest } from "./heads-digest.js";
import { LinkMonitor } from "./link-monitor.js";

/**
 * Link tests by digest: on a link where nothing moved a test carries two small signed messages,
 * not two statements of every head; the full statements go when the heads differ (and the station
 * behind catches up), on a link's first test and every FULL_EXCHANGE_EVERY-th. The witness stays:
 * a peer showing another history is caught as before, and a peer cannot pass off other heads as
 * the same ones.
 */
describe("link tests by digest", () => {
  const pairs: InProcessPair[] = [];
  const monitors: LinkMonitor[] = [];
  afterEach(async () => {
    await Promise.all(monitors.splice(0).map((m) => m.stop()));
    for (const p of pairs.splice(0)) await p.close();
  });

  /** Moscow answering Washington's link tests as its peer server does, counting what goes. */
  class Counting extends DirectTransport {
    full = 0;
    digests = 0;
    /** Moscow's answers, as a lying Moscow would make them, while set */
    lie: { statement: HeadStatement; digest: DigestStatement } | null = null;
    /** Moscow knows only full statements */
    old = false;

    constructor(readonly p: InProcessPair) {
      super();
      this.add(p.washington, p.moscow);
    }

    override async heads(target: PeerTarget, statement: HeadStatement) {
      this.full++;
      await this.p.moscow.acceptStatement(statement, this.p.washington.id);
      return this.lie?.statement ?? (await super.heads(target, statement));
    }

    async headsByDigest(_target: PeerTarget, digest: DigestStatement) {
      this.digests++;
      if (this.old) throw new PeerRejection("SCHEMA", "Cannot accept the heads request", 400, undefined);
      if (this.lie !== null) return this.lie.digest;
      return await answerHeadsDigest(this.p.moscow, digest, this.p.washington.id);
    }
  }

  async function setUp() {
    // A link's phase drawn as a whole interval: tests on the cadence these tests step through.
    const p = await inProcessPair("2026-12-01T10:00:00.000Z", () => 0);
    pairs.push(p);
    await p.sync();
    const transport = new Counting(p);
    const behind: string[] = [];
    const monitor = new LinkMonitor(p.washington, {
      transport,
      timeoutMs: 1_000,
      rules: { degradedRttMs: 60_000 }, // a loaded machine is slow, not a slow link
      onBehind: (peer) => behind.push(peer),
    });
    monitors.push(monitor);
    const intervalMs = (await p.washington.settings(p.line)).testInterval * 1000;
    /** the next tests on the cadence, each until its outcome counted */
    const next = async (n = 1) => {
      for (let i = 0; i < n; i++) {
        await p.clock.advance(intervalMs);
        const now = new Date(p.clock.now()).toISOString();
        await waitFor(() => monitor.state(p.line, p.moscow.id)?.lastTestAt === now);
      }
    };
    return { ...p, transport, monitor, behind, intervalMs, next };
  }

  /** A statement of Moscow's that gives another entry at the head of its own chain: another history. */
  async function forked(p: InProcessPair): Promise<HeadStatement> {
    await p.moscow.send({ line: p.line, text: "Received.", operator: "admin" });
    await p.sync();
    const { sig: _sig, ...real } = await p.moscow.headStatement(p.line);
    const own = real.heads[p.moscow.id];
    if (own === undefined) throw new Error("Moscow holds no chain of its own");
    const heads = { ...real.heads, [p.moscow.id]: { seq: own.seq, hash: sha256Hex("another history") } };
    return signStatement({ ...real, heads }, p.moscow.identity);
  }

  it("on a link where nothing moves, a test sends digests only: the full statements once in twelve tests, and each side still holds the other's fresh signed statement", async () => {
    const s = await setUp();
    const { monitor, transport, line, washington, moscow } = s;
    await monitor.start();
    await waitFor(() => monitor.state(line, moscow.id)?.health === "up");
    expect(transport.full).toBe(1); // the link's first test
    const stored = vi.spyOn(washington.store, "addStatement");
    await s.next(FULL_EXCHANGE_EVERY - 1);
    // The same heads again: kept already, coverage and all — no write of them per test.
    expect(stored).not.toHaveBeenCalled();
    expect(transport).toMatchObject({ full: 1, digests: FULL_EXCHANGE_EVERY - 1 });
    const now = new Date(s.clock.now()).toISOString();
    // The receipt and the witness, both ways, as fresh as the test: what a relay hands on.
    expect(washington.heardFrom(line, moscow.id)?.time).toBe(now);
    expect(moscow.heardFrom(line, washington.id)?.time).toBe(now);
    expect(washington.lastExchange(line, moscow.id)).toBe(s.clock.now());
    expect(s.behind).toEqual([]);
    await s.next();
    expect(transport).toMatchObject({ full: 2, digests: FULL_EXCHANGE_EVERY - 1 });
    expect(monitor.state(line, moscow.id)).toMatchObject({ health: "up", failures: 0 });
  });

  it("when the peer holds entries this station lacks, the digests differ: the full statements are exchanged and this station catches up; full statements until the heads are equal again", async () => {
    const s = await setUp();
    const { monitor, transport, line, moscow } = s;
    await monitor.start();
    await waitFor(() => monitor.state(line, moscow.id)?.health === "up");
    await s.next();
    expect(transport).toMatchObject({ full: 1, digests: 1 });
    expect(s.behind).toEqual([]);

    await moscow.send({ line, text: "Not delivered yet.", operator: "admin" });
    await s.next();
    expect(transport).toMatchObject({ full: 2, digests: 2 });
    expect(s.behind).toEqual([moscow.id]);

    // The link carries traffic: the next test sends full statements at once, not a digest first.
    await s.deliver(moscow, s.washington);
    await s.next();
    expect(transport).toMatchObject({ full: 3, digests: 2 });
    expect(s.behind).toEqual([moscow.id]);
    // That one found the heads equal: digests again.
    await s.next();
    expect(transport).toMatchObject({ full: 3, digests: 3 });
  });

  it("a peer that shows this station another history of its chain is still caught: DIVERGENCE", async () => {
    const s = await setUp();
    const { monitor, transport, line, washington, moscow } = s;
    await monitor.start();
    await waitFor(() => monitor.state(line, moscow.id)?.health === "up");
    const statement = await forked(s);
    transport.lie = { statement, digest: digestFormOf(statement) };
    await s.next();
    expect(transport).toMatchObject({ full: 2, digests: 1 });
    const alarms = (await washington.store.alarms()).map((a) => a.code);
    expect(alarms).toContain("DIVERGENCE");
  });

  it("a peer that claims this station's digest while signing other heads fails the test with BAD_SIGNATURE: other heads never pass as the same", async () => {
    const s = await setUp();
    const { monitor, transport, line, washington, moscow } = s;
    await monitor.start();
    await waitFor(() => monitor.state(line, moscow.id)?.health === "up");
    const statement = await forked(s);
    const mine = digestFormOf(await washington.headStatement(line)).digest;
    transport.lie = { statement, digest: { ...digestFormOf(statement), digest: mine } };
    await s.next();
    expect(transport).toMatchObject({ full: 1, digests: 1 });
    expect(monitor.state(line, moscow.id)).toMatchObject({ health: "degraded", failures: 1 });
    expect(monitor.state(line, moscow.id)?.lastError).toContain("BAD_SIGNATURE");
    expect((await washington.store.alarms()).map((a) => a.code)).not.toContain("DIVERGENCE");
  });

  it("a peer that knows only full statements (it refuses the digest form) is tested with full statements, and is up", async () => {
    const s = await setUp();
    const { monitor, transport, line, moscow } = s;
    transport.old = true;
    await monitor.start();
    await waitFor(() => monitor.state(line, moscow.id)?.health === "up");
    await s.next(2);
    expect(transport).toMatchObject({ full: 3, digests: 2 });
    expect(monitor.state(line, moscow.id)).toMatchObject({ health: "up", failures: 0 });
  });

  it("a digest answer of the wrong length fails the test with SCHEMA", async () => {
    const s = await setUp();
    const { monitor, transport, line, moscow } = s;
    await monitor.start();
    await waitFor(() => monitor.state(line, moscow.id)?.health === "up");
    const real = digestFormOf(await moscow.headStatement(line));
    transport.lie = { statement: await moscow.headStatement(line), digest: { ...real, digest: "ab12" } };
    await s.next();
    expect(monitor.state(line, moscow.id)?.lastError).toContain("SCHEMA");
    expect(transport.full).toBe(1);
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
