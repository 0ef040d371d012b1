/**
 * Link health: what the automatic link tests of one line to one participant say, as a state
 * machine with no clock or I/O of its own, so it is tested exactly.
 */

import type { Health } from "../views/mod.js";

export type { Health };

export interface LinkRules {
  /** consecutive failed tests that make a link down (default 2) */
  downAfter: number;
  /** a round trip slower than this makes a link degraded (default 1,000 ms) */
  degradedRttMs: number;
}

export const DEFAULT_LINK_RULES: LinkRules = { downAfter: 2, degradedRttMs: 1_000 };

/** Round trips kept for the median and 95th percentile: those of the last hour, at most this many. */
export const RTT_SAMPLES = 1_000;
/** How far back round trips are kept (ms): an hour, so the percentiles describe the link as it is now. */
export const RTT_WINDOW_MS = 3_600_000;

/** One good test's round trip. */
export interface RttSample {
  /** when the test ran, ms since the epoch */
  at: number;
  ms: number;
}

export interface LinkState {
  health: Health;
  /** failed tests in a row */
  failures: number;
  lastTestAt: string | null;
  /** the last test that succeeded */
  lastOkAt: string | null;
  /** round trip of the last good test */
  rttMs: number | null;
  lastError: string | null;
  /** round trips of the last hour (at most {@link RTT_SAMPLES}), oldest first */
  rtts: RttSample[];
}

export type TestResult = { at: string; ok: true; rttMs: number } | { at: string; ok: false; error: string };

/** @returns the state of a link not yet tested */
export function untestedLink(): LinkState {
  return {
    health: "unknown",
    failures: 0,
    lastTestAt: null,
    lastOkAt: null,
    rttMs: null,
    lastError: null,
    rtts: [],
  };
}

/**
 * @param state the link's state before the test
 * @param result the test's outcome
 * @param rules what makes a link degraded or down
 * @returns the state after it
 */
export function afterTest(
  state: LinkState,
  result: TestResult,
  rules: LinkRules = DEFAULT_LINK_RULES,
): LinkState {
  if (result.ok) {
    return {
      health: result.rttMs > rules.degradedRttMs ? "degraded" : "up",
      failures: 0,
      lastTestAt: result.at,
      lastOkAt: result.at,
      rttMs: result.rttMs,
      lastError: null,
      rtts: recentRtts([...state.rtts, { at: Date.parse(result.at), ms: result.rttMs }]),
    };
  }
  const failures = state.failures + 1;
  return {
    ...state,
    health: failures >= rules.downAfter ? "down" : "degraded",
    failures,
    lastTestAt: result.at,
    lastError: result.error,
  };
}

/**
 * @param samples round trips, oldest first
 * @param now ms since the epoch (default: the newest sample's time)
 * @returns those of the hour before now, at most the newest {@link RTT_SAMPLES}
 */
export function recentRtts(samples: readonly RttSample[], now?: number): RttSample[] {
  const newest = now ?? samples.at(-1)?.at ?? 0;
  let from = Math.max(0, samples.length - RTT_SAMPLES);
  while (from < samples.length && (samples[from] as RttSample).at < newest - RTT_WINDOW_MS) from++;
  return samples.slice(from);
}

/**
 * @param values numbers
 * @param p a fraction, e.g. 0.95
 * @returns the p-quantile (nearest rank), or null for none
 */
export function quantile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? null;
}
