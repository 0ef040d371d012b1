/**
 * The many-station line bench with its stations as processes (its default): a line of three, one
 * station in this process and two `hotline start` children (from dist/, as `npm test` builds it)
 * driven through their operator API. It measures every figure, counts the children's CPU and
 * memory, and leaves no station running.
 */
import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { lineBench } from "../../bench/_line.js";
import { countSpawn, tempDir } from "../helpers/cli.js";

const tmp = tempDir("hotline-line-bench-");

afterAll(() => tmp.remove());

/** @returns the `hotline start` processes whose data directory is under `dir` */
function stationsRunningIn(dir: string): string[] {
  try {
    return execFileSync("pgrep", ["-f", `hotline.js start --dir ${dir}`], { encoding: "utf8" })
      .split("\n")
      .filter((pid) => pid !== "");
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

describe("the line bench, stations as processes", () => {
  it("builds a line of three from processes, measures it, and stops every process it started", async () => {
    countSpawn();
    const said: string[] = [];
    let running: string[] = [];
    const { figures, rows } = await lineBench(
      tmp.path,
      { sizes: [3], messages: 3, deliveries: 60, idleSeconds: 1 },
      10_000,
      (message) => {
        said.push(message);
        // While the line carries traffic its two children are running.
        if (message.includes("every station writes")) running = stationsRunningIn(tmp.path);
      },
    );
    expect(running).toHaveLength(2);
    const [f] = figures;
    expect(f?.participants).toBe(3);
    // genesis, the test interval, two member.adds, station 1's approval of station 2
    expect(f?.setupEntries).toBe(5);
    expect(f?.latencyP50Ms).toBeGreaterThan(0);
    expect(f?.perStation).toBe(10);
    expect(f?.deliveriesPerSecond).toBeGreaterThan(0);
    // The children's CPU is counted besides the bench's own.
    expect(f?.cpuPerDeliveryUs).toBeGreaterThan(f?.benchCpuPerDeliveryUs ?? Infinity);
    expect(f?.idleTestIntervalSeconds).toBe(5);
    expect(f?.idleCpuPerTestMs).toBeGreaterThan(0);
    expect(f?.idleRssPerStationMb).toBeGreaterThan(10);
    expect(f?.idleRssMb).toBeGreaterThan(2 * (f?.idleRssPerStationMb ?? Infinity));
    expect(rows.some((r) => r.what === "line of 3: idle CPU per link test (every 5 s)")).toBe(true);
    expect(said).toContain("line of 3: stopping");
    expect(stationsRunningIn(tmp.path)).toEqual([]);
  });
});
