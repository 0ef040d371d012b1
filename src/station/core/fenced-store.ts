import { HotlineError } from "../../record/mod.js";
import type { Store } from "../../store/mod.js";

/** How a station's writes are fenced by the lease of an active/standby pair. */
export interface Fence {
  /** the epoch of the lease this process holds: every write checks it inside its transaction */
  epoch: number;
  /** told (once per refused write) that a write was refused FENCED: another process took the lease */
  onFenced: () => void;
}

/**
 * The fence of a pair's directory opened by no process of the pair (the CLI offline): no lease, so
 * every write is refused, with a message saying where to write instead. Only the active writes.
 */
export const OFFLINE_FENCE: Fence = { epoch: 0, onFenced: () => undefined };

/**
 * Fences a store at the lease's epoch and wraps it so that a write refused FENCED, wherever it
 * came from (an operator's send, the outbox, a link test), tells the lease loop at once: it steps
 * down without waiting for its next renewal. The error still reaches the writer.
 *
 * @param store the station's store
 * @param fence the epoch and whom to tell
 * @returns the same store, fenced and watched
 */
export function fencedStore(store: Store, fence: Fence): Store {
  store.fence(fence.epoch);
  const watch = (error: unknown): never => {
    if (!(error instanceof HotlineError && error.code === "FENCED")) throw error;
    if (fence === OFFLINE_FENCE) {
      throw new HotlineError(
        "STANDBY",
        "Cannot write here: this directory is one of an active/standby pair, and only the active process writes; run the command against the running active one (its --dir, or its operator API)",
      );
    }
    fence.onFenced();
    throw error;
  };
  return new Proxy(store, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key);
      if (typeof value !== "function") return value;
      return (...args: unknown[]): unknown => {
        let result: unknown;
        try {
          result = (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (error) {
          return watch(error);
        }
        return result instanceof Promise ? result.catch(watch) : result;
      };
    },
  });
}
