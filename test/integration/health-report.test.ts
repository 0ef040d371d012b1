import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hotline, hotlineJson, tempDir, type TempDir } from "../helpers/cli.js";
import {
  initStation,
  pairOnLine,
  startStation,
  stopStation,
  waitFor,
  type TestStation,
} from "../helpers/stations.js";

interface Report {
  line: { id: string; name: string };
  running: boolean;
  participants: {
    id: string;
    name: string;
    state: string;
    lastTestAt: string | null;
    rttMs: { last: number | null; p50: number | null; p95: number | null; samples: number };
    uptime: Record<"1h" | "24h" | "7d", number | null>;
    incidents: {
      start: string;
      detectedAt: string;
      end: string | null;
      endedBy: string | null;
      timeToDetectMs: number;
      durationMs: number | null;
    }[];
  }[];
}
interface Status {
  lines: {
    id: string;
    unacked: number;
    awaitingAcks: number;
    participants: { id: string; health: string }[];
  }[];
}

describe("health report: per participant state, round trips, uptime and incidents", () => {
  let tmp: TempDir;
  let washington: TestStation;
  let moscow: TestStation;
  let line: string;

  const statusOfLine = async (station: TestStation) =>
    (await hotlineJson<Status>(["status", "--dir", station.dir])).lines.find((l) => l.id === line);
  const healthAt = async (here: TestStation, there: TestStation) =>
    (await statusOfLine(here))?.participants.find((p) => p.id === there.id)?.health;
  const report = (station: TestStation) =>
    hotlineJson<Report>(["health", "--line", line, "--dir", station.dir]);

  beforeAll(async () => {
    tmp = tempDir();
    [washington, moscow] = await Promise.all([
      initStation(tmp.join("washington"), "Washington"),
      initStation(tmp.join("moscow"), "Moscow"),
    ]);
    // Moscow in its own process: a test kills it with -9.
    await Promise.all([startStation(washington), startStation(moscow, { process: true })]);
    line = (await pairOnLine(washington, [moscow])).line;
    await hotlineJson(["line", "set", "--line", line, "--test-interval", "1", "--dir", washington.dir]);
  });

  afterAll(async () => {
    await Promise.all([stopStation(washington), stopStation(moscow)]);
    tmp.remove();
  });

  it("status --json counts messages not yet acknowledged here (unacked) and own ones awaiting acknowledgement", async () => {
    const sent = await hotlineJson<{ hash: string }>([
      "send",
      "--line",
      line,
      "Exercise in sector 4 from 06:00Z",
      "--dir",
      moscow.dir,
    ]);
    await waitFor(async () => (await statusOfLine(washington))?.unacked === 1, {
      what: "Washington to count Moscow's message unacknowledged",
    });
    expect(await statusOfLine(moscow)).toMatchObject({ unacked: 0, awaitingAcks: 1 });
    const text = await hotline(["status", "--dir", washington.dir]);
    expect(text.stdout).toMatch(/to acknowledge 1 {2}awaiting acks 0/);

    await hotlineJson(["ack", sent.hash, "--dir", washington.dir]);
    expect(await statusOfLine(washington)).toMatchObject({ unacked: 0, awaitingAcks: 0 });
    await waitFor(async () => (await statusOfLine(moscow))?.awaitingAcks === 0, {
      what: "Moscow to see its message acknowledged",
    });
  });

  it("after Moscow is killed (kill -9) and started again, Washington reports it up, with round trips, uptime under 100 % and one incident with its time to detect", async () => {
    await waitFor(async () => (await healthAt(washington, moscow)) === "up", {
      what: "Washington to see Moscow up",
    });
    // One more test: from then on the link is tested every second (the one before may have waited 5 s).
    const lastTest = async () => (await report(washington)).participants[0]?.lastTestAt ?? "";
    const before = await lastTest();
    await waitFor(async () => (await lastTest()) > before, { what: "a further link test" });
    await stopStation(moscow, "SIGKILL");
    await waitFor(async () => (await healthAt(washington, moscow)) === "down", {
      what: "Washington to see Moscow down",
      timeoutMs: 60_000,
    });
    const restartedAt = Date.now();
    await startStation(moscow);
    await waitFor(async () => (await healthAt(washington, moscow)) === "up", {
      what: "Washington to see Moscow up again",
      timeoutMs: 60_000,
    });

    const health = await report(washington);
    expect(health.line.id).toBe(line);
    expect(health.running).toBe(true);
    expect(health.participants).toHaveLength(1);
    const [p] = health.participants;
    expect(p).toMatchObject({ id: moscow.id, name: "Moscow", state: "up" });
    // Tested since the restart (not a bound on the test's age: load may stretch it).
    expect(Date.parse(p?.lastTestAt ?? "")).toBeGreaterThanOrEqual(restartedAt);
    expect(p?.rttMs.p50).toBeGreaterThan(0);
    expect(p?.rttMs.p95).toBeGreaterThanOrEqual(p?.rttMs.p50 ?? Infinity);
    expect(p?.rttMs.samples).toBeGreaterThan(1);
    expect(p?.uptime["1h"]).toBeGreaterThan(0);
    expect(p?.uptime["1h"]).toBeLessThan(100);
    expect(p?.uptime["7d"]).toBe(p?.uptime["1h"]);

    expect(p?.incidents).toHaveLength(1);
    const incident = p?.incidents[0];
    expect(incident?.endedBy).toBe("recovery");
    const [start, detected, end] = [incident?.start, incident?.detectedAt, incident?.end].map((t) =>
      Date.parse(t ?? ""),
    );
    expect(start).toBeLessThanOrEqual(detected ?? NaN);
    expect(detected).toBeLessThan(end ?? NaN);
    expect(incident?.timeToDetectMs).toBe((detected ?? NaN) - (start ?? NaN));
    // Down after 2 failed tests a second apart (how soon is the link monitor's unit test, on a fake
    // clock: here a loaded machine may stretch it).
    expect(incident?.timeToDetectMs).toBeGreaterThan(0);
    expect(incident?.durationMs).toBe((end ?? NaN) - (start ?? NaN));

    const text = await hotline(["health", "--line", "moscow-washington", "--dir", washington.dir]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ {2}Moscow {2}up {2}last test \d\d:\d\d:\d\dZ {2}RTT p50 [\d.]+ ms p95 /m);
    expect(text.stdout).toMatch(/uptime 1h \d+\.\d% {2}24h \d+\.\d% {2}7d \d+\.\d%/);
    expect(text.stdout).toMatch(/down \S+Z → \d\d:\d\d:\d\dZ \([\d.]+ s\), detected after \d\.\d s/);
  });

  it("refuses a line this station is not on with UNKNOWN_LINE, exit 1", async () => {
    const unknown = await hotline(["health", "--line", "nosuch", "--dir", washington.dir]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error UNKNOWN_LINE: Cannot find line 'nosuch'/);
    const noLine = await hotline(["health", "--dir", washington.dir]);
    expect(noLine.code).toBe(2);
  });

  it("with Washington stopped, the report comes from the history: state unknown, no round trips, the same incident", async () => {
    const before = await report(washington);
    await stopStation(washington);
    const health = await report(washington);
    expect(health.running).toBe(false);
    const [p] = health.participants;
    expect(p).toMatchObject({
      state: "unknown",
      lastTestAt: null,
      rttMs: { last: null, p50: null, p95: null, samples: 0 },
    });
    expect(p?.incidents).toEqual(before.participants[0]?.incidents);
    expect(p?.uptime["1h"]).toBeGreaterThan(0);
    const text = await hotline(["health", "--line", line, "--dir", washington.dir]);
    expect(text.stdout).toMatch(/This station is not running/);
    expect(text.stdout).toMatch(/Moscow {2}unknown {2}not tested {2}RTT –/);
  });
});
