import { afterEach, describe, expect, it } from "vitest";
import { DirectTransport } from "../../../test/helpers/direct-transport.js";
import { inProcessPair, type InProcessPair } from "../../../test/helpers/in-process-pair.js";
import { PeerRejection } from "../../peer/client.js";
import { HotlineError, type HeadStatement } from "../../record/mod.js";
import type { PeerTarget } from "../delivery/transport.js";
import { CATCHING_UP_GRACE_MS, LinkMonitor } from "./link-monitor.js";

/**
 * A peer that has not caught up yet with this station — a newcomer that has not stored the line or
 * pinned this station yet, or a peer that lacks this station's key.rotate — refuses its link tests
 * for that alone. Such a refusal raises no link alarm for a join (or a rotation) that is going
 * well; a peer that keeps refusing past the grace is down like any other.
 */
describe("link tests while the peer catches up", () => {
  const pairs: InProcessPair[] = [];
  const monitors: LinkMonitor[] = [];
  afterEach(async () => {
    await Promise.all(monitors.splice(0).map((m) => m.stop()));
    for (const p of pairs.splice(0)) await p.close();
  });

  /** Moscow as its peer server answers Washington's heads: checked first, a refusal as the peer's. */
  class Answering extends DirectTransport {
    /** a refusal Moscow answers with instead, while set */
    refusal: string | null = null;
    tests = 0;

    constructor(readonly p: InProcessPair) {
      super();
      this.add(p.washington, p.moscow);
    }

    override async heads(target: PeerTarget, statement: HeadStatement) {
      this.tests++;
      if (this.refusal !== null) throw new PeerRejection(this.refusal, "Cannot serve it", 403, undefined);
      try {
        await this.p.moscow.acceptStatement(statement, this.p.washington.id);
      } catch (error) {
        if (!(error instanceof HotlineError)) throw error;
        throw new PeerRejection(error.code, error.message, 401, undefined);
      }
      return super.heads(target, statement);
    }
  }

  async function setUp() {
    // A link's phase drawn as a whole interval: tests on the cadence these tests step through.
    const p = await inProcessPair("2026-12-01T10:00:00.000Z", () => 0);
    pairs.push(p);
    const transport = new Answering(p);
    const reached: string[] = [];
    const monitor = new LinkMonitor(p.washington, {
      transport,
      timeoutMs: 1_000,
      rules: { degradedRttMs: 60_000 }, // a loaded machine is slow, not a slow link
      onReached: (peer) => reached.push(peer),
    });
    monitors.push(monitor);
    const intervalMs = (await p.washington.settings(p.line)).testInterval * 1000;
    return { ...p, transport, monitor, reached, intervalMs };
  }

  const linkAlarms = async (p: InProcessPair) =>
    (await p.washington.store.alarms()).filter((a) => a.code.startsWith("LINK_")).map((a) => a.code);

  it("a newcomer that does not know this station yet raises no LINK_DEGRADED, and is up once it answers", async () => {
    const s = await setUp();
    const { monitor, transport, line, moscow, clock } = s;
    transport.refusal = "UNKNOWN_PEER"; // it has not stored the line nor pinned Washington yet
    await monitor.start();
    await waitFor(() => transport.tests === 1);
    for (const refusal of ["UNKNOWN_LINE", "PENDING_MEMBER", "NOT_PARTICIPANT"]) {
      transport.refusal = refusal;
      await clock.advance(s.intervalMs);
      await waitFor(() => transport.tests >= 2);
    }
    await pause(20);
    expect(monitor.state(line, moscow.id)).toMatchObject({ health: "unknown", failures: 0 });
    expect(s.reached).toContain(moscow.id); // it answered: what waits for it is sent now
    expect(await linkAlarms(s)).toEqual([]);

    transport.refusal = null;
    await clock.advance(s.intervalMs);
    await waitFor(() => monitor.state(line, moscow.id)?.health === "up");
    expect(await linkAlarms(s)).toEqual([]);
    expect((await s.washington.store.healthHistory({ line, peer: moscow.id })).map((c) => c.to)).toEqual([
      "up",
    ]);
  });

  it("a peer that still does not know this station a minute after the link appeared goes down", async () => {
    const s = await setUp();
    const { monitor, transport, line, moscow, clock } = s;
    transport.refusal = "UNKNOWN_PEER";
    await monitor.start();
    await waitFor(() => transport.tests === 1);
    // Within the minute: not counted.
    while (clock.now() + s.intervalMs < Date.parse("2026-12-01T10:00:00.000Z") + CATCHING_UP_GRACE_MS) {
      await clock.advance(s.intervalMs);
    }
    await pause(20);
    expect(monitor.state(line, moscow.id)?.health).toBe("unknown");
    // Past it: counted, degraded at the first, down at the second.
    await clock.advance(s.intervalMs);
    await waitFor(() => monitor.state(line, moscow.id)?.health === "degraded");
    await clock.advance(s.intervalMs);
    await waitFor(() => monitor.state(line, moscow.id)?.health === "down");
    expect(monitor.state(line, moscow.id)?.lastError).toContain("UNKNOWN_PEER");
    expect(await linkAlarms(s)).toContain("LINK_DOWN");
  });

  it("a peer that was up and then refuses as if it did not know this station is counted at once", async () => {
    const s = await setUp();
    const { monitor, transport, line, moscow, clock } = s;
    await monitor.start();
    await waitFor(() => monitor.state(line, moscow.id)?.health === "up");
    transport.refusal = "UNKNOWN_PEER"; // restored from an old backup, say: a real fault
    await clock.advance(s.intervalMs);
    await waitFor(() => monitor.state(line, moscow.id)?.health === "degraded");
  });

  it("after this station rotates its key, the peer's BAD_SIGNATURE until it holds the rotation is not a failed test", async () => {
    const s = await setUp();
    const { monitor, transport, line, washington, moscow, clock } = s;
    await monitor.start();
    await waitFor(() => monitor.state(line, moscow.id)?.health === "up");

    // Nothing delivers here: Moscow lacks the key.rotate, and refuses Washington's new signature.
    await washington.rotateKey({ operator: "admin" });
    const before = transport.tests;
    s.reached.length = 0;
    await clock.advance(s.intervalMs);
    await waitFor(() => transport.tests > before);
    await clock.advance(s.intervalMs);
    await waitFor(() => transport.tests > before + 1);
    await pause(20);
    expect(monitor.state(line, moscow.id)).toMatchObject({ health: "up", failures: 0 });
    expect(s.reached).toContain(moscow.id); // the courier is woken to push the rotation
    expect(await linkAlarms(s)).toEqual([]);

    // Delivered: the tests pass again.
    await s.deliver(washington, moscow);
    await clock.advance(s.intervalMs);
    await waitFor(async () => (await moscow.rotationsOn(line)).has(washington.id));
    await waitFor(() => monitor.state(line, moscow.id)?.lastTestAt === new Date(clock.now()).toISOString());
    expect(monitor.state(line, moscow.id)).toMatchObject({ health: "up", failures: 0 });

    // A rotation that never arrives: counted after the grace, like any refusal.
    await washington.rotateKey({ operator: "admin" });
    await clock.advance(CATCHING_UP_GRACE_MS);
    await clock.advance(s.intervalMs);
    await waitFor(() => monitor.state(line, moscow.id)?.health !== "up");
    expect(monitor.state(line, moscow.id)?.lastError).toContain("BAD_SIGNATURE");
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
