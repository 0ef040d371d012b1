import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { HeadStatement } from "../../record/mod.js";
import type { Clock } from "../core/clock.js";
import { ManualClock } from "../core/manual-clock.js";
import { untestedLink, type LinkState } from "./health.js";
import { healthReport, type LinkStates } from "./health-report.js";
import { initStation } from "../core/init.js";
import { LinkMonitor } from "./link-monitor.js";
import { acceptInvite, answerPairRequest, createInvite } from "../delivery/pairing.js";
import type { PairRequest } from "../delivery/transport.js";
import { Station } from "../core/station.js";
import type { PeerTarget, PeerTransport } from "../delivery/transport.js";

/** Stations in one process, each answering the other directly (the peer protocol without HTTP). */
class DirectTransport implements PeerTransport {
  readonly #stations = new Map<string, Station>();

  constructor(...stations: Station[]) {
    for (const s of stations) this.#stations.set(s.id, s);
  }

  #at(target: PeerTarget): Station {
    const station = this.#stations.get(target.station);
    if (station === undefined) throw new Error("no such station");
    return station;
  }

  async pair(target: PeerTarget, request: PairRequest) {
    return Promise.resolve(await answerPairRequest(this.#at(target), request, request.joiner.cert));
  }

  push(target: PeerTarget, line: string) {
    return Promise.resolve(this.#at(target).headStatement(line));
  }

  heads(target: PeerTarget, statement: HeadStatement) {
    return Promise.resolve(this.#at(target).headStatement(statement.line));
  }

  statementOf(target: PeerTarget, line: string, station: string) {
    return Promise.resolve(this.#at(target).heardFrom(line, station));
  }

  async entries(target: PeerTarget, line: string, author: string, after: number, limit: number) {
    const page = await this.#at(target).store.chainAfter(line, author, after, limit);
    return page.map((e) => JSON.parse(e.bytes.toString("utf8")) as unknown);
  }
}

const NOW = Date.parse("2026-11-30T12:00:00.000Z");
const MIN = 60_000;
const HOUR = 60 * MIN;
/** @returns the ISO time `ms` before NOW */
const ago = (ms: number) => new Date(NOW - ms).toISOString();

/** With no routed transport given: the one route a peer paired with, untested here, carrying the traffic. */
const PAIRED_ROUTE = {
  name: "primary",
  url: expect.stringMatching(/^https:\/\//) as string,
  priority: 0,
  health: "unknown",
  rttMs: null,
  active: true,
  standby: false,
  uptime: { "1h": null, "24h": null, "7d": null },
  changedAt: null,
};

describe("healthReport()", () => {
  const roots: string[] = [];
  const open: Station[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
  });

  async function station(name: string, port: number, clock: Clock): Promise<Station> {
    const root = mkdtempSync(join(tmpdir(), "hotline-health-report-"));
    roots.push(root);
    await initStation({ dir: join(root, name), name, listen: `127.0.0.1:${port}` });
    const s = await Station.open({ dir: join(root, name), clock });
    open.push(s);
    return s;
  }

  /** Washington and Moscow on one line, both on a fake clock at NOW. */
  async function twoOnALine() {
    const clock = new ManualClock({ start: NOW });
    const washington = await station("Washington", 17011, clock);
    const moscow = await station("Moscow", 17012, clock);
    const transport = new DirectTransport(washington, moscow);
    const line = (await washington.createLine({ name: "moscow-washington", operator: "admin" })).id;
    const { invite } = await createInvite(washington, { line, expiresInMs: 60_000, operator: "admin" });
    await acceptInvite(moscow, transport, invite);
    /** Keeps a change of Washington's link to Moscow in the health history. */
    const change = async (from: string, to: string, at: string, lastOkAt: string | null = null) =>
      await washington.store.addHealthChange({
        line,
        peer: moscow.id,
        from,
        to,
        at,
        lastOkAt,
        detail: `${from} → ${to}`,
      });
    return { clock, washington, moscow, transport, line, change };
  }

  it("gives uptime over 1 h, 24 h and 7 d, incidents newest first with time to detect, and round-trip percentiles", async () => {
    const { washington, moscow, line, change } = await twoOnALine();
    // Two days ago: up 30 min, down 30 min, then this station was stopped (kept as → unknown).
    await change("unknown", "up", ago(48 * HOUR));
    await change("up", "down", ago(47.5 * HOUR), ago(47.5 * HOUR + 3_000));
    await change("down", "unknown", ago(47 * HOUR));
    // Started again 4 h ago; a failure 30 min ago, detected 15 s after the last good test; back 15 min ago.
    await change("unknown", "up", ago(4 * HOUR));
    await change("up", "degraded", ago(30 * MIN + 10_000), ago(30 * MIN + 15_000));
    await change("degraded", "down", ago(30 * MIN), ago(30 * MIN + 15_000));
    await change("down", "up", ago(15 * MIN));

    const rtts = [
      { at: NOW - 2 * HOUR, ms: 1_000 }, // older than an hour: left out
      ...Array.from({ length: 20 }, (_, i) => ({ at: NOW - (20 - i) * 5_000, ms: i + 1 })),
    ];
    const link: LinkState = {
      ...untestedLink(),
      health: "up",
      lastTestAt: ago(5_000),
      lastOkAt: ago(5_000),
      rttMs: 4.26,
      rtts,
    };
    const monitor: LinkStates = { state: (l, peer) => (l === line && peer === moscow.id ? link : null) };

    const report = await healthReport(washington, "moscow-washington", { monitor });
    expect(report.line).toEqual({ id: line, name: "moscow-washington" });
    expect(report.generatedAt).toBe(ago(0));
    expect(report.running).toBe(true);
    expect(report.participants).toHaveLength(1);
    expect(report.participants[0]).toEqual({
      id: moscow.id,
      name: "Moscow",
      state: "up",
      routes: [PAIRED_ROUTE],
      switchedAt: null,
      routeHistory: [],
      lastTestAt: ago(5_000),
      rttMs: { last: 4.3, p50: 10, p95: 19, samples: 20 },
      // 1 h: down 15 of 60 min. 24 h: down 15 of the 240 min known. 7 d: down 45 of 300 min known.
      uptime: { "1h": 75, "24h": 93.75, "7d": 85 },
      incidents: [
        {
          start: ago(30 * MIN + 15_000),
          detectedAt: ago(30 * MIN),
          end: ago(15 * MIN),
          endedBy: "recovery",
          timeToDetectMs: 15_000,
          durationMs: 15 * MIN + 15_000,
          detail: "degraded → down",
        },
        {
          start: ago(47.5 * HOUR + 3_000),
          detectedAt: ago(47.5 * HOUR),
          end: ago(47 * HOUR),
          endedBy: "stop",
          timeToDetectMs: 3_000,
          durationMs: 30 * MIN + 3_000,
          detail: "up → down",
        },
      ],
    });
  });

  it("takes the state before a crash (no stop kept) to last until the next start; a link still down has an open incident", async () => {
    const { washington, line, change } = await twoOnALine();
    await change("unknown", "up", ago(2 * HOUR));
    await change("up", "down", ago(90 * MIN), ago(90 * MIN + 4_000));
    // crashed while Moscow was down; started again 75 min ago
    await change("unknown", "up", ago(75 * MIN));
    await change("up", "down", ago(30 * MIN), ago(30 * MIN + 2_000));

    const [moscow] = (await healthReport(washington, line, { monitor: null })).participants;
    expect(moscow).toMatchObject({
      state: "unknown",
      lastTestAt: null,
      rttMs: { last: null, p50: null, p95: null, samples: 0 },
      // 1 h: up 30, down 30. 24 h: up 30, down 15 (to the restart), up 45, down 30.
      uptime: { "1h": 50, "24h": 62.5, "7d": 62.5 },
    });
    expect(moscow?.incidents).toEqual([
      {
        start: ago(30 * MIN + 2_000),
        detectedAt: ago(30 * MIN),
        end: null,
        endedBy: null,
        timeToDetectMs: 2_000,
        durationMs: null,
        detail: "up → down",
      },
      {
        start: ago(90 * MIN + 4_000),
        detectedAt: ago(90 * MIN),
        end: ago(75 * MIN),
        endedBy: "stop",
        timeToDetectMs: 4_000,
        durationMs: 15 * MIN + 4_000,
        detail: "up → down",
      },
    ]);
  });

  it("a down with no good test before it (the peer was unreachable when this station started) is detected at once", async () => {
    const { washington, line, change } = await twoOnALine();
    await change("unknown", "degraded", ago(10 * MIN));
    await change("degraded", "down", ago(10 * MIN - 5_000));
    await change("down", "up", ago(5 * MIN));
    const [moscow] = (await healthReport(washington, line, { monitor: null })).participants;
    expect(moscow?.incidents).toEqual([
      {
        start: ago(10 * MIN - 5_000),
        detectedAt: ago(10 * MIN - 5_000),
        end: ago(5 * MIN),
        endedBy: "recovery",
        timeToDetectMs: 0,
        durationMs: 5 * MIN - 5_000,
        detail: "degraded → down",
      },
    ]);
    // degraded counts as available: down 295 s of the 600 s known
    expect(moscow?.uptime["1h"]).toBeCloseTo((100 * 305) / 600, 9);
  });

  it("an empty history: health never known, uptime null, no incidents", async () => {
    const { washington, moscow, line } = await twoOnALine();
    const report = await healthReport(washington, line.slice(0, 8), { monitor: null });
    expect(report.running).toBe(false);
    expect(report.participants).toEqual([
      {
        id: moscow.id,
        name: "Moscow",
        state: "unknown",
        routes: [PAIRED_ROUTE],
        switchedAt: null,
        routeHistory: [],
        lastTestAt: null,
        rttMs: { last: null, p50: null, p95: null, samples: 0 },
        uptime: { "1h": null, "24h": null, "7d": null },
        incidents: [],
      },
    ]);
    // A running monitor that has not tested the link yet says no more.
    const untested = await healthReport(washington, line, { monitor: { state: () => untestedLink() } });
    expect(untested.participants[0]?.rttMs).toEqual({ last: null, p50: null, p95: null, samples: 0 });
  });

  it("refuses a line this station is not on with UNKNOWN_LINE", async () => {
    const { washington } = await twoOnALine();
    for (const ref of ["no-such-line", "ffffffff", "f".repeat(64), ""]) {
      await expect(healthReport(washington, ref, { monitor: null })).rejects.toThrow(
        expect.objectContaining({ code: "UNKNOWN_LINE" }),
      );
    }
  });

  it("a clean stop of the link monitor is kept as a change to unknown, so the stop is left out of uptime", async () => {
    const { clock, washington, moscow, transport, line } = await twoOnALine();
    const monitor = new LinkMonitor(washington, { transport });
    await monitor.start();
    for (let i = 0; i < 100 && monitor.state(line, moscow.id)?.health !== "up"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(monitor.state(line, moscow.id)?.health).toBe("up");
    const running = (await healthReport(washington, line, { monitor })).participants[0];
    expect(running?.rttMs.samples).toBe(1);
    expect(running?.rttMs.p50).toBeGreaterThan(0);

    clock.t += 10 * MIN;
    await monitor.stop();
    expect(await washington.store.healthHistory({ line, peer: moscow.id })).toMatchObject([
      { from: "unknown", to: "up", at: ago(0) },
      { from: "up", to: "unknown", at: ago(-10 * MIN), lastOkAt: ago(0) },
    ]);
    clock.t += 20 * MIN;
    const [stopped] = (await healthReport(washington, line, { monitor: null })).participants;
    expect(stopped?.uptime).toEqual({ "1h": 100, "24h": 100, "7d": 100 });
    expect(stopped?.incidents).toEqual([]);
  });
});
