import type { Clock, Timer } from "../core/mod.js";

/**
 * The longest a watch sleeps before it looks at the wall clock again, whatever it waits for. Its
 * timers count elapsed time, not the wall clock: a clock set forward (NTP, an operator) is noticed
 * within this, and a deadline or slot it jumped over is dealt with then.
 */
export const MAX_SLEEP_MS = 15_000;

/**
 * One timer for a watch that sleeps until something can be due: set to the earliest time the
 * watch knows of, brought forward when something earlier comes, and never further away than its
 * cap. When it fires it is first set again at the cap, so a watch whose look failed still looks
 * again; the look then sets it to what it found.
 */
export class WakeTimer {
  readonly #clock: Clock;
  readonly #capMs: number;
  readonly #fire: () => void;
  #timer: Timer | null = null;
  /** when the timer is set to fire, by the clock when it was set (ms since the epoch) */
  #at = Number.POSITIVE_INFINITY;
  #stopped = false;

  /**
   * @param clock the station's clock
   * @param capMs the longest it sleeps
   * @param fire what it wakes
   */
  constructor(clock: Clock, capMs: number, fire: () => void) {
    this.#clock = clock;
    this.#capMs = capMs;
    this.#fire = fire;
  }

  /**
   * Sets the timer to `at`, or to the cap if that comes first, in place of the time set before.
   *
   * @param at when something can be due next (ms since the epoch, by the clock), null when nothing is
   */
  set(at: number | null): void {
    if (this.#stopped) return;
    this.#clock.clearTimer(this.#timer);
    const now = this.#clock.now();
    const ms = Math.max(0, Math.min((at ?? Number.POSITIVE_INFINITY) - now, this.#capMs));
    this.#at = now + ms;
    this.#timer = this.#clock.setTimeout(() => {
      this.set(null);
      this.#fire();
    }, ms);
    this.#timer.unref();
  }

  /**
   * Brings the timer forward to `at` when that is earlier than the time set.
   *
   * @param at when something can be due (ms since the epoch, by the clock)
   */
  earlier(at: number): void {
    if (at < this.#at) this.set(at);
  }

  /** Stops it for good: nothing fires, nothing is set again. */
  stop(): void {
    this.#stopped = true;
    this.#clock.clearTimer(this.#timer);
    this.#timer = null;
    this.#at = Number.POSITIVE_INFINITY;
  }

  /** Lets it be set again after {@link stop}. */
  restart(): void {
    this.#stopped = false;
  }
}
