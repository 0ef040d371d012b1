import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readConfig, stationPaths } from "./config.js";
import { initStation } from "./init.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function station(): Promise<ReturnType<typeof stationPaths>> {
  const dir = join(mkdtempSync(join(tmpdir(), "hotline-config-")), "station");
  dirs.push(dir);
  await initStation({ dir, name: "Washington" });
  return stationPaths(dir);
}

function edit(paths: ReturnType<typeof stationPaths>, change: Record<string, unknown>): void {
  const config = JSON.parse(readFileSync(paths.config, "utf8")) as Record<string, unknown>;
  writeFileSync(paths.config, JSON.stringify({ ...config, ...change }));
}

describe("station.json", () => {
  it("takes how often idle routes are tested, from 1 to 100 link tests", async () => {
    const paths = await station();
    expect(readConfig(paths).routeTestEvery).toBeUndefined();
    edit(paths, { routeTestEvery: 5 });
    expect(readConfig(paths).routeTestEvery).toBe(5);
  });

  it("refuses a route test rate out of bounds, or a setting it does not know, with BAD_INPUT naming it", async () => {
    const paths = await station();
    for (const bad of [
      { routeTestEvery: 0 },
      { routeTestEvery: 1.5 },
      { routeTestEvery: 101 },
      { routeTestEvry: 2 },
    ]) {
      edit(paths, bad);
      expect(() => readConfig(paths)).toThrow(/Cannot read .*station\.json/);
      edit(paths, { routeTestEvery: undefined, routeTestEvry: undefined });
    }
  });

  it("takes how long to wait for a peer and how often to compare heads, in ms, and refuses either out of bounds", async () => {
    const paths = await station();
    expect(readConfig(paths).peerTimeoutMs).toBeUndefined();
    expect(readConfig(paths).syncIntervalMs).toBeUndefined();
    edit(paths, { peerTimeoutMs: 28_500, syncIntervalMs: 30_000 });
    expect(readConfig(paths)).toMatchObject({ peerTimeoutMs: 28_500, syncIntervalMs: 30_000 });
    for (const bad of [
      { peerTimeoutMs: 999 },
      { peerTimeoutMs: 300_001 },
      { peerTimeoutMs: 1_500.5 },
      { syncIntervalMs: 999 },
      { syncIntervalMs: 3_600_001 },
    ]) {
      edit(paths, bad);
      expect(() => readConfig(paths)).toThrow(
        /Cannot read .*station\.json: .*(peerTimeoutMs|syncIntervalMs)/,
      );
      edit(paths, { peerTimeoutMs: 28_500, syncIntervalMs: 30_000 });
    }
  });
});
