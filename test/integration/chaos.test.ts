/**
 * The chaos run's 60-second variant (`npm run chaos` runs it for minutes): three `hotline start`
 * processes on one line, every route behind a fault proxy, messages written at every station, and
 * for a minute faults drawn from a fixed seed (its first ones: kill -9, a route cut, a blackhole,
 * a full disk, SIGSTOP). Then everything is healed, convergence awaited by condition, and nothing
 * may be violated: every accepted entry at every station once, the same heads, `verify` clean,
 * every fault's alarm raised at the peers and cleared. Needs the build (`npm test` builds first).
 */
import { describe, expect, it } from "vitest";
import { checkRecords, type Accepted } from "../../chaos/_checks.js";
import { renderReport } from "../../chaos/_report.js";
import { runChaos } from "../../chaos/run.js";
import { ON_POSTGRES } from "../helpers/station-db.js";

describe("a minute of chaos", () => {
  // SQLite's only: the full-disk fault is a preload into the stations' better-sqlite3 (chaos/).
  it.skipIf(ON_POSTGRES)(
    "loses nothing a station accepted, converges, verifies, and raises and clears every fault's alarm",
    async () => {
      const report = await runChaos({
        minutes: 1,
        stations: 3,
        seed: 327,
        // Short, spaced faults: each is long enough to be detected at a 1 s test interval, and a
        // detection still awaited extends it (up to detectMs) rather than failing on a busy machine.
        faultSeconds: [4, 7],
        gapSeconds: [2, 3],
        detectMs: 30_000,
        clearMs: 60_000,
        convergeMs: 120_000,
        sendEveryMs: 500,
      });
      process.stdout.write(`${renderReport(report)}\n`);
      expect(report.violations).toEqual([]);
      // It did something: faults of several kinds, and messages accepted at every station.
      expect(new Set(report.faults.map((f) => f.kind)).size).toBeGreaterThanOrEqual(3);
      expect(Object.values(report.accepted).every((n) => n > 0)).toBe(true);
      expect(report.convergeMs).not.toBeNull();
    },
    240_000,
  );

  it("its checks see an accepted entry lost, an entry held twice, one replaced, and heads that differ", () => {
    const stations = [
      { id: "W", name: "Washington" },
      { id: "M", name: "Moscow" },
    ];
    const accepted: Accepted[] = [
      { line: "L", author: "W", seq: 1, hash: "w1", station: "Washington" },
      { line: "L", author: "W", seq: 2, hash: "w2", station: "Washington" },
    ];
    const w1 = { author: "W", seq: 1, hash: "w1" };
    const w2 = { author: "W", seq: 2, hash: "w2" };
    const whole = { station: "Washington", entries: [w1, w2] };
    expect(checkRecords([whole, { station: "Moscow", entries: [w1, w2] }], accepted, stations)).toEqual([]);
    const found = (moscow: { author: string; seq: number; hash: string }[]) =>
      checkRecords([whole, { station: "Moscow", entries: moscow }], accepted, stations).map((v) => v.what);
    expect(found([w1])).toEqual(["accepted entries missing at Moscow", "heads differ"]);
    expect(found([w1, w2, w2])).toEqual(["entries held more than once at Moscow"]);
    expect(found([w1, { author: "W", seq: 2, hash: "forged" }])).toEqual([
      "accepted entries missing at Moscow",
      "accepted entries replaced at Moscow",
    ]);
  });
});
