import type { SealedEntry } from "../record/mod.js";
import type { Transaction } from "./store.js";

/** A transaction whose appends wait, and are written together, until something else is asked of it. */
export interface BufferedTransaction extends Transaction {
  /**
   * Writes the appends still waiting. Throws the error of any append that failed, now or before
   * (also when that error was thrown already to a read): the caller's transaction must not commit
   * part of what it was told was appended.
   */
  flush(): Promise<void>;
}

/** Appends waiting, at most this many: one statement carries them, whatever the engine. */
const MAX_WAITING = 1000;

/**
 * Wraps a transaction so that entries appended one at a time (applying a page of a catch-up, a
 * peer's push) are written as one `appendEntries` each time the caller next reads or writes
 * anything else, or calls `flush`: on PostgreSQL one statement instead of a round trip per entry.
 * Every other call writes what waits first, so a read still sees every entry appended before it.
 * Appends with another `receivedAt` or `from` than those waiting are written after them, in order.
 *
 * @param tx the transaction (used only for as long as it is open)
 * @returns the same transaction, appends buffered; call `flush` before it ends
 */
export function bufferAppends(tx: Transaction): BufferedTransaction {
  let waiting: SealedEntry[] = [];
  let receivedAt = "";
  let from: string | null = null;
  let failed: { error: unknown } | null = null;

  const flush = async (): Promise<void> => {
    if (failed !== null) throw failed.error;
    if (waiting.length === 0) return;
    const batch = waiting;
    waiting = [];
    try {
      await tx.appendEntries(batch, receivedAt, from);
    } catch (error) {
      failed = { error };
      throw error;
    }
  };
  const append = async (
    entries: readonly SealedEntry[],
    at: string,
    by: string | null = null,
  ): Promise<void> => {
    if (failed !== null) throw failed.error;
    if (waiting.length > 0 && (at !== receivedAt || by !== from)) await flush();
    receivedAt = at;
    from = by;
    waiting.push(...entries);
    if (waiting.length >= MAX_WAITING) await flush();
  };

  // Every call of the transaction but appendEntries writes what waits first. (A Proxy rather than
  // a list of methods: a method added to Transaction later is covered without a change here.)
  return new Proxy(tx as BufferedTransaction, {
    get(target, key, receiver) {
      if (key === "appendEntries") return append;
      if (key === "flush") return flush;
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      if (key === "allEntries") {
        // an async iterable, not a promise: written first, then read
        return async function* (): AsyncGenerator<unknown> {
          await flush();
          yield* (value as () => AsyncIterable<unknown>).call(target);
        };
      }
      return async (...args: unknown[]): Promise<unknown> => {
        await flush();
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
