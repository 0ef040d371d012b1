import { storeCallsInFlight, storeCallsSettled } from "../../store/mod.js";
import type { Clock, Timer } from "./clock.js";

interface Scheduled extends Timer {
  readonly id: number;
  at: number;
  /** the period of an interval, null for a timeout */
  readonly every: number | null;
  readonly callback: () => void;
}

export interface ManualClockOptions {
  /** the first time: ms since the epoch or ISO 8601 (default 2022-10-21T09:00:00.000Z) */
  start?: number | string | undefined;
  /** the randomness, in [0, 1) (default a generator seeded with `seed`: the same draws each run) */
  random?: (() => number) | undefined;
  /** the seed of the default randomness (default 1) */
  seed?: number | undefined;
}

/**
 * A clock for tests: time stands still until the test moves it, and timers fire only then, in the
 * order they are due, each at its own time — so a backoff, a link test's cadence or a deadline is
 * tested exactly and in milliseconds, not by waiting. Randomness is deterministic.
 *
 * @example
 * const clock = new ManualClock({ start: "2026-01-01T00:00:00Z" });
 * const station = Station.open({ dir, clock });
 * await clock.advance(30_000); // every timer due in the next 30 s fires, in order
 */
export class ManualClock implements Clock {
  #t: number;
  #nextId = 1;
  readonly #timers = new Map<number, Scheduled>();
  readonly #random: () => number;

  constructor(options: ManualClockOptions = {}) {
    const start = options.start ?? "2022-10-21T09:00:00.000Z";
    this.#t = typeof start === "string" ? Date.parse(start) : start;
    this.#random = options.random ?? seeded(options.seed ?? 1);
  }

  /** The time, ms since the epoch; setting it moves time without firing any timer. */
  get t(): number {
    return this.#t;
  }

  set t(value: number) {
    this.#t = value;
  }

  now(): number {
    return this.#t;
  }

  setTimeout(callback: () => void, ms: number): Timer {
    return this.#schedule(callback, ms, null);
  }

  setInterval(callback: () => void, ms: number): Timer {
    return this.#schedule(callback, ms, Math.max(1, ms));
  }

  clearTimer(timer: Timer | null | undefined): void {
    if (timer !== null && timer !== undefined) this.#timers.delete((timer as Scheduled).id);
  }

  random(): number {
    return this.#random();
  }

  /** @returns how many timers wait */
  get pending(): number {
    return this.#timers.size;
  }

  /** @returns when the next timer is due (ms since the epoch), or null when none waits */
  nextAt(): number | null {
    return this.#next(Number.POSITIVE_INFINITY)?.at ?? null;
  }

  /**
   * Sets the wall clock by ms (forward or back) without firing anything, as NTP or an operator
   * setting the system clock does: the timers keep their own delays (Node's timers count elapsed
   * time, not the wall clock), so each fires as far from now as it was due before.
   *
   * @param ms how far the wall clock is set, negative for back
   */
  jump(ms: number): void {
    this.#t += ms;
    for (const timer of this.#timers.values()) timer.at += ms;
  }

  /**
   * Moves time on by ms: each timer due by then fires at its own time, in order, and what it
   * started is let run (promise callbacks, immediates) before the next one fires.
   *
   * @param ms how far
   */
  async advance(ms: number): Promise<void> {
    const end = this.#t + ms;
    await settle();
    for (let next = this.#next(end); next !== undefined; next = this.#next(end)) {
      this.#t = Math.max(this.#t, next.at);
      if (next.every === null) this.#timers.delete(next.id);
      else next.at += next.every;
      next.callback();
      await settle();
    }
    this.#t = Math.max(this.#t, end);
  }

  #schedule(callback: () => void, ms: number, every: number | null): Timer {
    const timer: Scheduled = {
      id: this.#nextId++,
      at: this.#t + Math.max(0, ms),
      every,
      callback,
      unref: () => undefined,
    };
    this.#timers.set(timer.id, timer);
    return timer;
  }

  /** @returns the timer due first by `end` (the one set first among those due together) */
  #next(end: number): Scheduled | undefined {
    let first: Scheduled | undefined;
    for (const timer of this.#timers.values()) {
      if (timer.at <= end && (first === undefined || timer.at < first.at)) first = timer;
    }
    return first;
  }
}

/**
 * Lets what was just started run: promise callbacks, then a few turns of immediates, and again
 * after the store calls it started are answered (a PostgreSQL store answers over the network).
 */
async function settle(): Promise<void> {
  for (let round = 0; round < 100; round++) {
    for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    if (storeCallsInFlight() === 0) return;
    await storeCallsSettled();
  }
}

/** mulberry32: a small generator, good enough for jitter, the same for the same seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
