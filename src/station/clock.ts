/** Where a station gets the time; tests pass a fake one. */
export interface Clock {
  /** @returns milliseconds since the epoch */
  now(): number;
}

/** The system clock. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * @param clock a clock
 * @returns its time as UTC ISO 8601 with milliseconds
 */
export function isoNow(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}
