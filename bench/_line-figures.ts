/**
 * What the line bench measures at each size, and the settings both of its modes (stations as
 * processes, or all in one process) give the stations.
 */

import { availableParallelism } from "node:os";

export interface LineBenchSizes {
  /** participants of each line measured, e.g. [2, 8, 57] (at most 64, a line's most) */
  sizes: readonly number[];
  /** messages from station 0 whose latency is measured, one at a time (after 5 unmeasured) */
  messages: number;
  /** deliveries (entry × receiving participant) aimed at by the throughput run, at every size */
  deliveries: number;
  /** seconds the line sits idle while its CPU and RSS are measured (at least two test intervals) */
  idleSeconds: number;
}

/** How the line's stations run. */
export type LineMode = "processes" | "in-process";

/** What one size of line measured. */
export interface LineFigures {
  participants: number;
  setupSeconds: number;
  /** entries on the line once set up (genesis, member.add, member.approve) */
  setupEntries: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** entries each station wrote in the throughput run */
  perStation: number;
  deliveriesPerSecond: number;
  throughputSeconds: number;
  /** CPU µs of every process of the line (the bench's included) per delivered entry, in the throughput run */
  cpuPerDeliveryUs: number;
  /** of which the bench's process: station 0, and the operator API calls it makes to the others */
  benchCpuPerDeliveryUs: number;
  /**
   * the same less the idle line's CPU over the run's time (measured at the same pace of link
   * tests): what the traffic itself costs; absent in one process, where the paces differ
   */
  trafficCpuPerDeliveryUs?: number | undefined;
  /** seconds between link tests while idle */
  idleTestIntervalSeconds: number;
  /** CPU ms of every process of the line per second, idle */
  idleCpuMsPerSecond: number;
  /** idle CPU per link test: the line's idle CPU over its N (N − 1) / interval tests a second, ms */
  idleCpuPerTestMs: number;
  /** RSS of every process of the line, idle */
  idleRssMb: number;
  /** RSS of one station, idle: a `hotline start` child's, on average (in one process: the process's / N) */
  idleRssPerStationMb: number;
  /**
   * bytes of a text entry as stored, written once the line is full and every chain moved since
   * its author's previous entry (its `seen` names every other chain)
   */
  entryBytes: number;
  /** bytes of a text entry as stored when one other chain moved since its author's previous one */
  entryBytesOneMoved: number;
}

export const MB = 1024 * 1024;

/** Unmeasured messages before the latency is measured. */
export const WARMUP = 5;

/**
 * Seconds between link tests while the line is built and while it carries traffic. In one process
 * the stations' link tests add up: at the default 5 s a line of 57 runs N (N-1) / 5 = 638 tests a
 * second (each two signed statements of 57 heads), more than two cores can do, so it could not be
 * built. Each station on its own machine does 1/N of that. As processes the same holds: 57
 * processes share two cores.
 */
export const BUSY_TEST_INTERVAL = 30;

/** The outbox's comparison of heads with each peer (default 10 s), for the same reason. */
export const SYNC_INTERVAL_MS = 30_000;

/**
 * @param n participants on the line
 * @returns the outbox's comparison of heads with each peer, in ms: 30 s, or twice the pace of the
 *   line's link tests when that is longer. A courier skips its comparison when a link test
 *   compared heads lately; with tests slower than comparisons, every courier (N − 1 per station)
 *   compares itself, each a full statement of N heads both ways: at 57 with tests every 128 s and
 *   comparisons every 30 s that was 106 full exchanges a second line-wide, more than the tests.
 */
export function syncIntervalMs(n: number): number {
  return Math.max(SYNC_INTERVAL_MS, 2 * busyTestInterval(n) * 1000);
}

/**
 * @param n participants on the line
 * @returns how long each station of the line waits for a peer's answer: 5 s on a machine of its
 *   own, times N / cores here. N stations share this machine's cores, so each has cores / N of
 *   what it would have alone, and every answer comes N / cores times later (142.5 s at 57 on two
 *   cores; it was N × 0.5 s, 28.5 s, until session 12). A timeout kept at one station's pace turns
 *   the sharing into failures that cost more work than they interrupt — a new connection, a link
 *   taken down, a relay, a resend: in session 11's runs of 57, thousands of "peer not reached"
 *   and relays while every station was alive and answering.
 */
export function peerTimeoutMs(n: number): number {
  return Math.min(300_000, Math.max(5_000, Math.round((5_000 * n) / availableParallelism())));
}

/**
 * Link tests a second the whole line may run on this machine. Each station of a real line has a
 * machine of its own; here N of them share two cores, and as processes a test costs 7–11 ms of CPU
 * at its two ends (session 11), so a line of 57 at the default 5 s (638 tests a second) would need
 * four to seven cores for its link tests alone, and at 30 s still more than one: its answers then
 * come later than the peers wait, links go down, traffic goes by relay, and the line measures the
 * machine's overload instead of the protocol. 25 a second is a quarter of a core.
 */
export const LINE_TESTS_PER_SECOND = 25;

/**
 * @param n participants on the line
 * @returns seconds between link tests while the line of stations as processes is measured idle:
 *   the default 5 s, or longer so that its N (N − 1) links make at most
 *   {@link LINE_TESTS_PER_SECOND} tests a second (10 s at 16, 128 s at 57), whole seconds (the
 *   setting's unit)
 */
export function idleTestInterval(n: number): number {
  return Math.max(5, Math.ceil(links(n) / LINE_TESTS_PER_SECOND));
}

/**
 * @param n participants on the line
 * @returns seconds between link tests while the line is built and carries traffic: 30 s, or longer
 *   for the same budget as idle (128 s at 57)
 */
export function busyTestInterval(n: number): number {
  return Math.max(BUSY_TEST_INTERVAL, idleTestInterval(n));
}

/** @returns the links of a line of n participants, each pair tested both ways: n (n − 1) */
export function links(n: number): number {
  return Math.max(1, n * (n - 1));
}

/**
 * What a station on its own machine would spend idle at the default 5 s, by the per-test cost
 * measured: it starts N − 1 tests each interval and answers N − 1, each test's cost taken as
 * split evenly between its two ends, so 2 (N − 1) / 5 × (per test) / 2 = (N − 1) / 5 × per test.
 *
 * @param f a size's figures
 * @returns ms of CPU a second
 */
export function idlePerStationAt5s(f: LineFigures): number {
  return ((f.participants - 1) / 5) * f.idleCpuPerTestMs;
}

/**
 * @param values samples
 * @param p 0..1
 * @returns the p-th percentile (nearest rank)
 */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}
