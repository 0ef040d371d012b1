import { AsyncLocalStorage } from "node:async_hooks";
import { HotlineError } from "../record/mod.js";

/**
 * Whether the guard is on: `HOTLINE_STORE_GUARD=1` (the test configuration sets it, so every
 * test run, the spawned stations of the tests included, checks every store call).
 */
const ON = process.env.HOTLINE_STORE_GUARD === "1";

/** A transaction whose function is running; `open` turns false when it ends. */
export interface TransactionState {
  open: boolean;
}

/**
 * Notices a call on the store made from inside a transaction's own function, instead of on its
 * `tx`: that call would wait for the write lock its own transaction holds, a deadlock; with the
 * guard on it throws INTERNAL at once, naming what was called.
 *
 * It is a check for the code, not for its input (no peer or operator can make a store call from
 * inside a transaction), so it runs where the code is tested and not in production: knowing which
 * transaction an async call belongs to takes an AsyncLocalStorage, and on Node 20 the first one
 * used turns on promise hooks for the whole process — about 8 % of a busy station's CPU, on every
 * promise of every path (measured: docs/performance.md, session 11).
 */
export class TransactionGuard {
  readonly #inside = ON ? new AsyncLocalStorage<TransactionState>() : null;

  /**
   * Runs a transaction's function, known as inside it for everything it awaits (guard on).
   *
   * @param state the transaction
   * @param fn its function
   * @returns what fn returns
   */
  run<T>(state: TransactionState, fn: () => Promise<T>): Promise<T> {
    return this.#inside === null ? fn() : this.#inside.run(state, fn);
  }

  /**
   * @param what what is about to be done on the store, e.g. "write"
   * @throws HotlineError INTERNAL when called from inside a transaction's function (guard on)
   */
  check(what: string): void {
    if (this.#inside?.getStore()?.open === true) {
      throw new HotlineError(
        "INTERNAL",
        `Cannot ${what} on the store from inside a transaction: use the transaction's tx`,
      );
    }
  }
}
