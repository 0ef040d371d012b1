/** A timer set on a {@link Clock}; `unref` lets the process exit while it waits. */
export interface Timer {
  unref(): void;
}

/**
 * Where a station gets the time, its timers and its randomness: nothing in the station reads the
 * system's time, sets a timer or draws a random number but through it, so tests pass a
 * {@link ManualClock} and move time on instead of waiting.
 */
export interface Clock {
  /** @returns milliseconds since the epoch */
  now(): number;
  /** Calls back once, ms from now (by this clock). */
  setTimeout(callback: () => void, ms: number): Timer;
  /** Calls back every ms (by this clock) until cleared. */
  setInterval(callback: () => void, ms: number): Timer;
  /** Clears a timeout or an interval; nothing for null, undefined or one already fired. */
  clearTimer(timer: Timer | null | undefined): void;
  /** @returns a number in [0, 1), e.g. for jitter */
  random(): number;
}

/** The system clock: `Date.now`, Node's timers, `Math.random`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearTimer: (timer) => {
    if (timer !== null && timer !== undefined) clearTimeout(timer as NodeJS.Timeout);
  },
  random: () => Math.random(),
};

/**
 * A clock that tells the time, with whatever else it lacks taken from the system: a test's clock
 * held still (`{ now: () => t }`) keeps real timers, as before timers went through the clock.
 *
 * @param clock a clock, whole or only its `now`
 * @returns a whole clock
 */
export function completeClock(clock: Pick<Clock, "now"> & Partial<Clock>): Clock {
  if (isClock(clock)) return clock;
  return {
    now: () => clock.now(),
    setTimeout: (callback, ms) =>
      clock.setTimeout ? clock.setTimeout(callback, ms) : systemClock.setTimeout(callback, ms),
    setInterval: (callback, ms) =>
      clock.setInterval ? clock.setInterval(callback, ms) : systemClock.setInterval(callback, ms),
    clearTimer: (timer) => (clock.clearTimer ? clock.clearTimer(timer) : systemClock.clearTimer(timer)),
    random: () => (clock.random ? clock.random() : systemClock.random()),
  };
}

function isClock(clock: Partial<Clock>): clock is Clock {
  return (
    typeof clock.now === "function" &&
    typeof clock.setTimeout === "function" &&
    typeof clock.setInterval === "function" &&
    typeof clock.clearTimer === "function" &&
    typeof clock.random === "function"
  );
}

/**
 * @param clock a clock
 * @returns its time as UTC ISO 8601 with milliseconds
 */
export function isoNow(clock: Pick<Clock, "now">): string {
  return new Date(clock.now()).toISOString();
}
