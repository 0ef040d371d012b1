import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DirectTransport } from "../../../test/helpers/direct-transport.js";
import { PeerClient } from "../../peer/client.js";
import { freeLoopbackPort } from "../core/config.js";
import { initStation } from "../core/init.js";
import { LinkMonitor } from "./link-monitor.js";
import { ManualClock } from "../core/manual-clock.js";
import { acceptInvite, createInvite } from "../delivery/pairing.js";
import { Station } from "../core/station.js";
import type { PeerTarget, PeerTransport } from "../delivery/transport.js";

/**
 * Link tests against a peer that answers 200 and then trickles its answer a byte at a time: the
 * test's timeout is the whole exchange's, so such a peer shows as failing, not up. The cadence and
 * the deadlines are the station's clock's: on a manual clock they are tested to the millisecond.
 */
describe("link tests time out on the whole exchange", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  /** Washington and Moscow paired on a line; Moscow's address is a free loopback port. */
  async function pair(clock?: ManualClock) {
    const root = mkdtempSync(join(tmpdir(), "hotline-links-"));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const port = await freeLoopbackPort();
    await initStation({ dir: join(root, "washington"), name: "Washington", listen: "127.0.0.1:0" });
    await initStation({ dir: join(root, "moscow"), name: "Moscow", listen: `127.0.0.1:${port}` });
    const washington = await Station.open({ dir: join(root, "washington"), clock });
    const moscow = await Station.open({ dir: join(root, "moscow"), clock });
    cleanups.push(async () => {
      await washington.close();
      await moscow.close();
    });
    const direct = new DirectTransport();
    direct.add(washington, moscow);
    const line = (await washington.createLine({ name: "moscow-washington", operator: "admin" })).id;
    await acceptInvite(
      moscow,
      direct,
      (await createInvite(washington, { line, expiresInMs: 60_000, operator: "admin" })).invite,
    );
    const missing: unknown[] = [];
    for (const e of await moscow.store.entries(line)) {
      if ((await washington.store.entryByHash(e.hash)) === null)
        missing.push(JSON.parse(e.bytes.toString("utf8")));
    }
    await washington.receive(missing);
    const tls = (s: Station) => ({
      cert: readFileSync(s.paths.tlsCert, "utf8"),
      key: readFileSync(s.paths.tlsKey, "utf8"),
    });
    return { washington, moscow, line, port, tls, direct };
  }

  /**
   * @returns a pair on a manual clock whose line tests every second, its second test a whole interval
   *   after the first; Washington's transport watched
   */
  async function everySecond() {
    const clock = new ManualClock({ start: "2026-12-01T10:00:00.000Z", random: WHOLE_INTERVAL });
    const { washington, moscow, line, direct } = await pair(clock);
    await washington.setLine({ line, testInterval: 1, operator: "admin" });
    return { clock, washington, moscow, line, ...watched(direct, clock) };
  }

  /**
   * @returns Washington's link monitor over `transport`, a test timing out at 1 s and a slow answer
   *   never counted (a loaded machine is slow, not a slow link), started and up with Moscow
   */
  async function upWith(washington: Station, transport: PeerTransport, line: string, moscow: string) {
    const monitor = new LinkMonitor(washington, {
      transport,
      timeoutMs: 1_000,
      rules: { degradedRttMs: 60_000 },
    });
    await monitor.start();
    cleanups.push(() => monitor.stop());
    await waitFor(() => monitor.state(line, moscow)?.health === "up");
    return monitor;
  }

  it("a peer that answers 200 and trickles a byte every 200 ms is not up: the test fails within its timeout", async () => {
    const { washington, moscow, line, port, tls } = await pair();
    // Moscow's address, served by something holding Moscow's certificate that never finishes an answer.
    const timers = new Set<NodeJS.Timeout>();
    const server = createServer(
      { ...tls(moscow), requestCert: true, rejectUnauthorized: false, minVersion: "TLSv1.3" },
      (req, res) => {
        req.resume();
        res.writeHead(200, { "content-type": "application/json" });
        res.write("{");
        const timer = setInterval(() => res.write(" "), 200);
        timers.add(timer);
        res.on("close", () => clearInterval(timer));
      },
    );
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    cleanups.push(() => {
      timers.forEach((t) => clearInterval(t));
      server.closeAllConnections();
      server.close();
    });
    const client = new PeerClient(tls(washington));
    cleanups.push(() => client.close());
    const monitor = new LinkMonitor(washington, { transport: client, timeoutMs: 1_000 });

    const started = Date.now();
    await monitor.start();
    cleanups.push(() => monitor.stop());
    await waitFor(() => monitor.state(line, moscow.id)?.lastTestAt != null);
    // Loosely bounded (a loaded machine stalls): the timeout is 1 s, the trickle would go on for ever.
    expect(Date.now() - started).toBeLessThan(15_000);
    const state = monitor.state(line, moscow.id);
    expect(state?.health).not.toBe("up");
    expect(state?.lastError).toMatch(/^PEER_UNREACHABLE/);
  });

  it("a transport that never settles does not hold a test: it fails at the test's own deadline, to the millisecond", async () => {
    const clock = new ManualClock();
    const { washington, moscow, line } = await pair(clock);
    const hanging: PeerTransport = {
      pair: () => new Promise(() => undefined),
      push: () => new Promise(() => undefined),
      heads: () => new Promise(() => undefined),
      entries: () => new Promise(() => undefined),
      statementOf: () => new Promise(() => undefined),
    };
    const monitor = new LinkMonitor(washington, { transport: hanging, timeoutMs: 1_000 });
    let outcome: unknown = null;
    void monitor.test(line, moscow.id, 10_000).then((o) => (outcome = o));
    await clock.advance(999);
    expect(outcome).toBeNull();
    await clock.advance(1);
    expect(outcome).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^PEER_UNREACHABLE/) as unknown,
    });
  });

  it("a peer that dies is down after two failed tests: within two test intervals plus the timeout, exactly", async () => {
    const clock = new ManualClock({ start: "2026-12-01T10:00:00.000Z", random: WHOLE_INTERVAL });
    const { washington, moscow, line, direct } = await pair(clock);
    // Moscow answers until it dies; then it never answers at all.
    const { transport, peer } = watched(direct, clock);
    const intervalMs = (await washington.settings(line)).testInterval * 1000; // 5 s by default
    const timeoutMs = 2_000;
    // A slow answer never counts here (a loaded machine is slow, not a slow link): only failures do.
    const monitor = new LinkMonitor(washington, { transport, timeoutMs, rules: { degradedRttMs: 60_000 } });
    await monitor.start();
    cleanups.push(() => monitor.stop());
    await waitFor(() => monitor.state(line, moscow.id)?.health === "up");
    const lastOk = clock.now();

    // It dies just after a good test: the next test, one interval on, fails at its timeout
    // (degraded); the one after, an interval later, fails too: down.
    peer.dead = true;
    await clock.advance(intervalMs + timeoutMs - 1);
    expect(monitor.state(line, moscow.id)?.health).toBe("up");
    await clock.advance(1);
    await waitFor(() => monitor.state(line, moscow.id)?.health === "degraded");
    await clock.advance(intervalMs - 1);
    expect(monitor.state(line, moscow.id)).toMatchObject({ health: "degraded", failures: 1 });
    await clock.advance(1);
    await waitFor(() => monitor.state(line, moscow.id)?.health === "down");
    expect(clock.now() - lastOk).toBe(2 * intervalMs + timeoutMs);
    expect(
      (await washington.store.healthHistory({ line, peer: moscow.id })).map((c) => [c.to, c.at]),
    ).toEqual([
      ["up", new Date(lastOk).toISOString()],
      ["degraded", new Date(lastOk + intervalMs + timeoutMs).toISOString()],
      ["down", new Date(lastOk + 2 * intervalMs + timeoutMs).toISOString()],
    ]);
    expect(
      (await washington.store.alarms()).filter((a) => a.code === "LINK_DOWN" && a.clearedAt === null),
    ).toHaveLength(1);
  });

  it("a new test interval applies at once, not after the sleep under the old one", async () => {
    const clock = new ManualClock({ start: "2026-12-01T10:00:00.000Z", random: WHOLE_INTERVAL });
    const { washington, moscow, line, direct } = await pair(clock);
    const { transport, calls } = watched(direct, clock);
    const monitor = new LinkMonitor(washington, { transport, rules: { degradedRttMs: 60_000 } });
    await monitor.start();
    cleanups.push(() => monitor.stop());
    await waitFor(() => monitor.state(line, moscow.id)?.health === "up");
    const first = clock.now(); // the default interval is 5 s: the next test would be at +5 s

    await clock.advance(1_500);
    await washington.setLine({ line, testInterval: 1, operator: "admin" });
    // Due one new interval after the last test: at once, since that is past; then on the cadence
    // of the new interval, in the phase it had.
    await waitFor(() => calls.length === 2);
    await clock.advance(500);
    await waitFor(() => calls.length === 3);
    await clock.advance(1_000);
    await waitFor(() => calls.length === 4);
    expect(calls.map((t) => t - first)).toEqual([0, 1_500, 2_000, 3_000]);
  });

  it("tests start every interval on a fixed cadence while the one before is in flight, and down comes at the second failure's deadline", async () => {
    const { clock, washington, moscow, line, transport, calls, peer } = await everySecond();
    // The timeout is the whole interval, the tail's worst case: each test of a dead peer is in
    // flight until the next is due.
    const monitor = await upWith(washington, transport, line, moscow.id);
    const lastOk = clock.now();

    peer.dead = true;
    await clock.advance(1_999);
    expect(monitor.state(line, moscow.id)?.health).toBe("up");
    await clock.advance(1);
    await waitFor(() => monitor.state(line, moscow.id)?.health === "degraded");
    await clock.advance(999);
    expect(monitor.state(line, moscow.id)).toMatchObject({ health: "degraded", failures: 1 });
    await clock.advance(1);
    await waitFor(() => monitor.state(line, moscow.id)?.health === "down");
    // Two intervals plus the timeout after the last good answer, and never a test late or skipped.
    expect(clock.now() - lastOk).toBe(2 * 1_000 + 1_000);
    expect(calls.map((t) => t - lastOk)).toEqual([0, 1_000, 2_000, 3_000]);
  });

  it("a test that starts late (the station was busy) still fails by the deadline of its slot", async () => {
    const { clock, washington, moscow, line, transport, peer } = await everySecond();
    const monitor = await upWith(washington, transport, line, moscow.id);
    const lastOk = clock.now();

    peer.dead = true;
    // The next test is due at +1 s; the station gets to it 300 ms late.
    clock.t = lastOk + 1_300;
    await clock.advance(0);
    await clock.advance(699);
    expect(monitor.state(line, moscow.id)?.health).toBe("up");
    await clock.advance(1);
    await waitFor(() => monitor.state(line, moscow.id)?.health === "degraded");
    expect(clock.now() - lastOk).toBe(2_000);
  });

  it("links started together test apart: the second test comes a drawn part of the interval after the first, then every interval", async () => {
    // The draw 0.75 puts the second test a quarter interval after the first.
    const clock = new ManualClock({ start: "2026-12-01T10:00:00.000Z", random: () => 0.75 });
    const { washington, moscow, line, direct } = await pair(clock);
    await washington.setLine({ line, testInterval: 4, operator: "admin" });
    const { transport, calls, peer } = watched(direct, clock);
    const monitor = await upWith(washington, transport, line, moscow.id);
    const first = clock.now();

    await clock.advance(999);
    expect(calls).toHaveLength(1);
    await clock.advance(1);
    await waitFor(() => calls.length === 2);
    await clock.advance(4_000);
    await waitFor(() => calls.length === 3);
    // A new interval draws the phase again: a quarter of 8 s after the last test.
    await washington.setLine({ line, testInterval: 8, operator: "admin" });
    await clock.advance(1_999);
    expect(calls).toHaveLength(3);
    await clock.advance(1);
    await waitFor(() => calls.length === 4);
    await clock.advance(8_000);
    await waitFor(() => calls.length === 5);
    expect(calls.map((t) => t - first)).toEqual([0, 1_000, 5_000, 7_000, 15_000]);

    // Dead after a good test: down still within two intervals and the timeout of it.
    await waitFor(() => monitor.state(line, moscow.id)?.health === "up");
    const lastOk = clock.now();
    peer.dead = true;
    await clock.advance(2 * 8_000 + 1_000);
    await waitFor(() => monitor.state(line, moscow.id)?.health === "down");
    expect(clock.now() - lastOk).toBe(2 * 8_000 + 1_000);
  });
});

/**
 * @returns a transport over `direct` that notes when each test's heads went (the clock's ms), and
 *   a peer that can die: from then on its heads are never answered
 */
function watched(direct: DirectTransport, clock: ManualClock) {
  const peer = { dead: false };
  const calls: number[] = [];
  const transport: PeerTransport = {
    pair: (target, request) => direct.pair(target, request),
    push: (target, l, entries) => direct.push(target, l, entries),
    entries: (target, l, author, after, limit) => direct.entries(target, l, author, after, limit),
    statementOf: (target, l, station) => direct.statementOf(target, l, station),
    heads: (target: PeerTarget, statement) => {
      calls.push(clock.now());
      return peer.dead ? new Promise(() => undefined) : direct.heads(target, statement);
    },
  };
  return { transport, calls, peer };
}

/** The randomness that draws a link's phase as a whole interval: the cadence these tests pin. */
const WHOLE_INTERVAL = (): number => 0;

/** Waits until a condition holds (a generous bound: a loaded machine is slow, not wrong). */
async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error("the condition did not come true in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
