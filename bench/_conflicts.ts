/**
 * Conflict checks at scale: a deterministic field of stored volumes (squares and circles spread
 * over the map, random bands and windows); the time to index them all (shapes, circles
 * polygonized, the flatbush R-tree), and the p99 time to check one new notification against them.
 */
import Flatbush from "flatbush";
import type { Position, Volume } from "../src/record/mod.js";
import { VolumeIndex, quantile, shapeOf, type OwnedVolume } from "../src/station/mod.js";
import { timed, type Row } from "./_table.js";

/** A small deterministic PRNG (mulberry32), so every run checks the same field. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const DAY = 86_400_000;
const T0 = Date.parse("2026-12-01T00:00:00.000Z");

function volumeAt(next: () => number, size: number): Volume {
  const x = -170 + next() * 330;
  const y = -60 + next() * 120;
  const min = Math.floor(next() * 10_000);
  const start = T0 + Math.floor(next() * 30) * DAY;
  const ring: Position[] = [
    [x, y],
    [x + size, y],
    [x + size, y + size],
    [x, y + size],
    [x, y],
  ];
  return {
    geometry:
      next() < 0.2
        ? { center: [x + size / 2, y + size / 2], radiusMeters: size * 50_000 }
        : { type: "Polygon", coordinates: [ring] },
    altitude: { minMeters: min, maxMeters: min + 5_000, ref: "MSL" },
    time: { start: new Date(start).toISOString(), end: new Date(start + 2 * DAY).toISOString() },
  };
}

/**
 * @param count volumes stored
 * @param checks new notifications checked (the p99 counts)
 * @returns the rows: indexing all, and checking one notification
 */
export function conflictBench(count: number, checks: number): Row[] {
  const next = random(8);
  const stored = Array.from({ length: count }, () => volumeAt(next, 0.05 + next() * 0.45));
  const started = performance.now();
  const owned: OwnedVolume[] = stored.map((v, i) => ({
    owner: `n${i >> 2}`,
    index: i & 3,
    line: "bench",
    critical: false,
    shape: shapeOf(v),
  }));
  const index = new VolumeIndex(owned);
  const indexMs = performance.now() - started;
  // Ceiling: the R-tree alone, over boxes already computed.
  const treeStarted = performance.now();
  const tree = new Flatbush(owned.length);
  for (const v of owned) tree.add(...v.shape.bbox);
  tree.finish();
  const treeMs = performance.now() - treeStarted;

  const times: number[] = [];
  const searchTimes: number[] = [];
  let found = 0;
  for (let i = 0; i < checks; i++) {
    const notification = Array.from({ length: 3 }, () => volumeAt(next, 2));
    const t = performance.now();
    for (const [index_, v] of notification.entries()) {
      found += index.conflictsWith({
        owner: "new",
        index: index_,
        line: "bench",
        critical: false,
        shape: shapeOf(v),
      }).length;
    }
    times.push(performance.now() - t);
    const s = performance.now();
    for (const v of notification) tree.search(...shapeOf(v).bbox);
    searchTimes.push(performance.now() - s);
  }
  void found;
  const p99 = quantile(times, 0.99) ?? 0;
  return [
    timed(
      `index ${count.toLocaleString("en-US")} volumes for conflicts`,
      indexMs / 1000,
      "s",
      treeMs / 1000,
      {
        atMost: 2,
        of: "value",
      },
    ),
    timed(
      `check a 3-volume notification against ${count.toLocaleString("en-US")}, p99`,
      p99,
      "ms",
      Math.max(quantile(searchTimes, 0.99) ?? 0, 0.001),
      { atMost: 10, of: "value" },
    ),
  ];
}
