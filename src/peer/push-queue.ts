import { HotlineError, placeOf } from "../record/mod.js";
import type { PreparedEntry, Station } from "../station/mod.js";
import { MAX_BATCH, MAX_REQUEST_BYTES } from "./limits.js";

/** How much one sender may have queued at once, over all its lines. */
export interface PushQueueLimits {
  /** entries queued (default 4 full pushes: a courier's window) */
  entries: number;
  /** bytes of request bodies queued (default 4 of the largest requests) */
  bytes: number;
}

export const DEFAULT_PUSH_QUEUE_LIMITS: PushQueueLimits = {
  entries: 4 * MAX_BATCH,
  bytes: 4 * MAX_REQUEST_BYTES,
};

/** What became of one push. */
export interface PushOutcome {
  /** the first entry refused, if any; entries before it (this push's and the pushes' before) were stored */
  refused: HotlineError | null;
}

interface Push {
  values: readonly unknown[];
  /** where it goes in its sender's order: the seq of its first entry (-1 if it has none) */
  first: number;
  /** the seq of its last entry (-1 if it has none) */
  last: number;
  bytes: number;
  /** its signatures checked over worker threads, while earlier pushes are applied */
  checked: Promise<{ prepared: PreparedEntry[]; verifiedInMs: number } | null>;
  /** set once `checked` settled */
  ready: { prepared: PreparedEntry[]; verifiedInMs: number } | null | undefined;
  settle: (outcome: PushOutcome) => void;
  fail: (error: unknown) => void;
}

interface SenderLine {
  /** pushes waiting to be applied, in their sender's order (by first seq, then arrival) */
  waiting: Push[];
  draining: boolean;
}

/**
 * The peer server's pushes, applied per (sender, line) in the order sent. A courier keeps several
 * pushes in flight (pipelining); they arrive over several connections and their signatures are
 * checked on the worker threads at once, so the second may be checked before the first — applied
 * first, it would be refused as CHAIN_GAP. Here each push has its signatures checked as it arrives,
 * then waits its turn by the seq of its first entry; the pushes of one sender and line that are
 * ready together are applied in one transaction (one disk flush), and each is answered for itself.
 *
 * Bounded: what one sender has queued, over all its lines, is limited in entries and bytes
 * ({@link PushQueueLimits}); beyond it a push is refused (RATE_LIMITED) before anything of it is
 * looked at. The record decides, as ever: a push whose first entry gaps is applied when its turn
 * comes (nothing earlier of its sender waiting) and refused as CHAIN_GAP; a push refused leaves
 * the record as it was before its refused entry.
 */
export class PushQueue {
  readonly #station: Station;
  readonly #limits: PushQueueLimits;
  readonly #lines = new Map<string, SenderLine>();
  /** per sender: entries and bytes queued */
  readonly #held = new Map<string, { entries: number; bytes: number }>();

  constructor(station: Station, limits: Partial<PushQueueLimits> = {}) {
    this.#station = station;
    this.#limits = { ...DEFAULT_PUSH_QUEUE_LIMITS, ...limits };
  }

  /**
   * @param from the sender (a participant of the line, checked by the caller)
   * @param line the line (every entry's, checked by the caller)
   * @param values the entries as received
   * @param bytes the request's size
   * @returns what became of the push, once applied
   * @throws HotlineError RATE_LIMITED if the sender has too much queued already; what applying threw
   */
  push(from: string, line: string, values: readonly unknown[], bytes: number): Promise<PushOutcome> {
    const held = this.#held.get(from) ?? { entries: 0, bytes: 0 };
    if (held.entries + values.length > this.#limits.entries || held.bytes + bytes > this.#limits.bytes) {
      throw new HotlineError(
        "RATE_LIMITED",
        `Cannot queue the push: this peer has ${held.entries} entries (${held.bytes} bytes) waiting to be applied already, try later`,
      );
    }
    held.entries += values.length;
    held.bytes += bytes;
    this.#held.set(from, held);
    const key = `${from} ${line}`;
    let queue = this.#lines.get(key);
    if (queue === undefined) this.#lines.set(key, (queue = { waiting: [], draining: false }));
    return new Promise<PushOutcome>((resolve, reject) => {
      const release = () => {
        held.entries -= values.length;
        held.bytes -= bytes;
        if (held.entries <= 0) this.#held.delete(from);
      };
      const push: Push = {
        values,
        first: placeOf(values[0]).seq ?? -1,
        last: placeOf(values.at(-1)).seq ?? -1,
        bytes,
        // A pool that fails leaves the signatures to be checked as the entries are applied.
        checked: this.#station.checkSignatures(values).catch(() => null),
        ready: undefined,
        settle: (outcome) => {
          release();
          resolve(outcome);
        },
        fail: (error) => {
          release();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      };
      void push.checked.then((ready) => {
        push.ready = ready;
        this.#drain(key);
      });
      // In its sender's order; a push that says no order (a hostile one) first, to be refused at once.
      const at = queue.waiting.findIndex((p) => p.first > push.first);
      if (at === -1) queue.waiting.push(push);
      else queue.waiting.splice(at, 0, push);
    });
  }

  /** Applies what is ready of a (sender, line), in order, the ready pushes in a row together. */
  #drain(key: string): void {
    const queue = this.#lines.get(key);
    if (queue === undefined || queue.draining) return;
    const head = queue.waiting[0];
    // The first in order is not checked yet: it is applied once it is (its check calls here again).
    if (head?.ready === undefined) {
      if (head === undefined) this.#lines.delete(key);
      return;
    }
    const group = [head];
    for (const next of queue.waiting.slice(1)) {
      const before = group.at(-1) as Push;
      if (next.ready === undefined || before.last < 0 || next.first !== before.last + 1) break;
      group.push(next);
    }
    queue.waiting.splice(0, group.length);
    queue.draining = true;
    void this.#apply(key, group).finally(() => {
      queue.draining = false;
      this.#drain(key);
    });
  }

  async #apply(key: string, group: Push[]): Promise<void> {
    const from = key.slice(0, key.indexOf(" "));
    const values = group.flatMap((p) => p.values);
    const prepared: (PreparedEntry | undefined)[] = group.flatMap((p) =>
      p.ready === null || p.ready === undefined ? p.values.map(() => undefined) : p.ready.prepared,
    );
    const verifiedInMs = group.reduce((sum, p) => sum + (p.ready?.verifiedInMs ?? 0), 0);
    let result;
    try {
      result = await this.#station.receive(values, {
        from,
        ...(prepared.some((p) => p !== undefined) ? { prepared } : {}),
        verifiedInMs,
      });
    } catch (error) {
      for (const p of group) p.fail(error);
      return;
    }
    // Entries are applied in order up to the first refused: the pushes it ends before went through.
    const done = result.applied.length + result.duplicates;
    let start = 0;
    const after: Push[] = [];
    for (const p of group) {
      const end = start + p.values.length;
      if (result.refused === null || end <= done) p.settle({ refused: null });
      else if (start <= done) p.settle({ refused: result.refused });
      else after.push(p); // never tried: each is applied again in its turn (and answered for itself)
      start = end;
    }
    this.#lines.get(key)?.waiting.unshift(...after);
  }
}
