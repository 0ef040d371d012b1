/**
 * An async mutex: runs functions one at a time, in the order they were given, each waiting until
 * the one before has settled (fulfilled or rejected).
 */
export class Mutex {
  #tail: Promise<unknown> = Promise.resolve();

  /**
   * @param fn the work to run alone
   * @returns what fn returns, once it has run
   */
  run<T>(fn: () => T | Promise<T>): Promise<T> {
    const result = this.#tail.then(fn);
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
