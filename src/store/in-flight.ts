/**
 * Calls to a store that answers over the network (PostgreSQL) still in flight, in this process.
 * A test's ManualClock waits for none to be left before it moves time on: SQLite answers within a
 * turn of the event loop, a database server does not, and a timer must not fire before what the
 * one before it started has been stored.
 */
let inFlight = 0;
let idle: (() => void)[] = [];

/**
 * Counts a call while it runs.
 *
 * @param call the store call
 * @returns what it returns
 */
export async function counted<T>(call: () => Promise<T>): Promise<T> {
  inFlight++;
  try {
    return await call();
  } finally {
    inFlight--;
    if (inFlight === 0) {
      const waiting = idle;
      idle = [];
      for (const resolve of waiting) resolve();
    }
  }
}

/** @returns how many store calls are in flight in this process */
export function storeCallsInFlight(): number {
  return inFlight;
}

/** @returns a promise that settles once no store call is in flight (at once if none is) */
export function storeCallsSettled(): Promise<void> {
  if (inFlight === 0) return Promise.resolve();
  return new Promise((resolve) => idle.push(resolve));
}
