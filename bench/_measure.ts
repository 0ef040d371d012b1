/**
 * Timing: the monotonic high-resolution clock, warm-up before every measured run, and the best
 * of several rounds (on a small, noisy machine the best round is the one least disturbed).
 */

/**
 * @param fn work to time
 * @returns how long it took, in seconds
 */
export function seconds(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/**
 * @param fn asynchronous work to time
 * @returns how long it took, in seconds, and what it returned
 */
export async function secondsAsync<T>(fn: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, value };
}

/**
 * Runs an operation some times unmeasured, then `ops` times measured.
 *
 * @param ops measured operations
 * @param op the operation; gets its index
 * @param warmup unmeasured operations first (default a tenth of `ops`, at most 200)
 * @returns operations per second
 */
export function opsPerSecond(ops: number, op: (i: number) => void, warmup = Math.min(200, ops / 10)): number {
  for (let i = 0; i < warmup; i++) op(i);
  const took = seconds(() => {
    for (let i = 0; i < ops; i++) op(i);
  });
  return ops / took;
}

/**
 * @param rounds how many rounds
 * @param measure one round; returns a rate (higher is better)
 * @returns the best rate
 */
export function bestOf(rounds: number, measure: (round: number) => number): number {
  let best = 0;
  for (let r = 0; r < rounds; r++) best = Math.max(best, measure(r));
  return best;
}

/**
 * As {@link opsPerSecond}, for an operation that returns a promise: each waited for in turn.
 *
 * @param ops how many operations to time
 * @param op one operation
 * @param warmup how many to run first, untimed
 * @returns operations per second
 */
export async function opsPerSecondAsync(
  ops: number,
  op: (i: number) => Promise<void>,
  warmup = Math.min(200, ops / 10),
): Promise<number> {
  for (let i = 0; i < warmup; i++) await op(i);
  const { seconds: took } = await secondsAsync(async () => {
    for (let i = 0; i < ops; i++) await op(i);
  });
  return ops / took;
}

/**
 * As {@link bestOf}, for a measure that returns a promise.
 *
 * @param rounds how many rounds
 * @param measure one round; returns a rate (higher is better)
 * @returns the best rate
 */
export async function bestOfAsync(
  rounds: number,
  measure: (round: number) => Promise<number>,
): Promise<number> {
  let best = 0;
  for (let r = 0; r < rounds; r++) best = Math.max(best, await measure(r));
  return best;
}
