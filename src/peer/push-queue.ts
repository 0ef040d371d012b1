import {
  HotlineError,
  WAITS_FOR_ANOTHER_CHAIN,
  changesMembership,
  placeOf,
  type SealedEntry,
} from "../record/mod.js";
import type { PreparedEntry, Station } from "../station/mod.js";
import { MAX_BATCH, MAX_REQUEST_BYTES } from "./limits.js";

/** How much one sender may have queued at once, over all its lines. */
export interface PushQueueLimits {
  /** entries queued (default 4 full pushes: a courier's window) */
  entries: number;
  /** bytes of request bodies queued (default 4 of the largest requests) */
  bytes: number;
  /**
   * how long a push refused for want of an entry of another chain (UNKNOWN_SEEN and kin) is held
   * for that entry to arrive before the refusal is answered, in ms (default 1 s; 0: at once)
   */
  holdMs: number;
}

export const DEFAULT_PUSH_QUEUE_LIMITS: PushQueueLimits = {
  entries: 4 * MAX_BATCH,
  bytes: 4 * MAX_REQUEST_BYTES,
  holdMs: 1_000,
};

/** Refusals that wait for an author or member (an entry changing who is on the line), not an entry named. */
const WAITS_FOR_MEMBERS: ReadonlySet<string> = new Set(["UNKNOWN_AUTHOR", "PENDING_MEMBER"]);

/**
 * Tries of a held push that came no further (refused again for the same entry and the same want),
 * at most; a try that came further (an entry it waited for arrived) does not count against these.
 */
const TRIES_WHILE_HELD = 4;

/** Tries of a held push at most, however far each came: what bounds the work a hold can cost. */
const TRIES_IN_ALL = 32;

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
  /** once refused for want of another chain's entry: the refusal, and the tries left while held */
  held?: {
    refused: HotlineError;
    /** tries left that may come no further */
    tries: number;
    /** tries left in all */
    triesInAll: number;
    expired: boolean;
    deadline?: number;
  };
}

interface SenderLine {
  line: string;
  /** pushes waiting to be applied, in their sender's order (by first seq, then arrival) */
  waiting: Push[];
  draining: boolean;
  /** while the first waiting push is held: the timer that ends its hold */
  holding: NodeJS.Timeout | null;
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
 *
 * A push refused because an entry of it names one of another chain not held here yet (UNKNOWN_SEEN
 * and kin) is held a moment ({@link PushQueueLimits.holdMs}) and tried again whenever entries of its
 * line are stored: when every participant writes at once, the entry named is usually on its way
 * from its own author, and a refusal answered at once would cost a pull from the sender and a
 * resend. Held, the push and those after it of the same sender and line wait; the queue's bounds
 * hold as before (what is held counts), and each hold ends in its time, a few tries at most.
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
    station.events.on("entries", this.#stored);
  }

  /**
   * Entries were stored: a push held on their line is tried again if one of them is the entry its
   * refusal waits for, or — for a refusal that waits for an author or member, not an entry — one
   * that changes who is on the line. Any entry at all would use up its tries on a busy line in a
   * moment; any entry its refused one names would too, when it names 56 heads and lacks several.
   */
  readonly #stored = (entries: SealedEntry[]): void => {
    for (const [key, queue] of this.#lines) {
      if (queue.holding === null) continue;
      const awaits = queue.waiting[0]?.held?.refused.awaits;
      if (entries.some((e) => awaited(e, queue.line, awaits))) this.#endHold(key, false);
    }
  };

  /** Ends the hold of a (sender, line): its push is tried again, or answered with its refusal if `expired`. */
  #endHold(key: string, expired: boolean): void {
    const queue = this.#lines.get(key);
    if (queue?.holding === null || queue?.holding === undefined) return;
    clearTimeout(queue.holding);
    queue.holding = null;
    const head = queue.waiting[0];
    if (head?.held !== undefined && expired) head.held.expired = true;
    this.#drain(key);
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
    if (queue === undefined)
      this.#lines.set(key, (queue = { line, waiting: [], draining: false, holding: null }));
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
    if (queue === undefined || queue.draining || queue.holding !== null) return;
    const head = queue.waiting[0];
    // Held once and out of time or tries: answered with its refusal, and the next one's turn.
    if (head?.held !== undefined && (head.held.expired || head.held.tries <= 0)) {
      queue.waiting.shift();
      head.settle({ refused: head.held.refused });
      this.#drain(key);
      return;
    }
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
    const refused = result.refused;
    let start = 0;
    const after: Push[] = [];
    for (const p of group) {
      const end = start + p.values.length;
      if (refused === null || end <= done) p.settle({ refused: null });
      else if (start <= done && this.#hold(key, p, refused)) after.push(p);
      else if (start <= done) p.settle({ refused });
      else after.push(p); // never tried: each is applied again in its turn (and answered for itself)
      start = end;
    }
    this.#lines.get(key)?.waiting.unshift(...after);
  }

  /**
   * @returns whether a refused push is held for the entry it waits for (it stays first in its
   *   queue), rather than answered with its refusal now
   */
  #hold(key: string, push: Push, refused: HotlineError): boolean {
    const queue = this.#lines.get(key);
    const holdMs = this.#limits.holdMs;
    if (queue === undefined || holdMs <= 0 || !WAITS_FOR_ANOTHER_CHAIN.has(refused.code)) return false;
    // An entry named that is held but is not what the name says (another author's, the entry's own
    // chain): nothing that arrives can change that.
    if (!WAITS_FOR_MEMBERS.has(refused.code) && refused.awaits === undefined) return false;
    if (push.held === undefined) {
      push.held = { refused, tries: TRIES_WHILE_HELD, triesInAll: TRIES_IN_ALL, expired: false };
    } else {
      // Further, when the entry it waited for arrived: refused for a later entry, or for another want.
      const before = push.held.refused;
      const further =
        refused.place.hash !== before.place.hash ||
        refused.awaits !== before.awaits ||
        refused.code !== before.code;
      push.held.refused = refused;
      push.held.triesInAll--;
      if (!further) push.held.tries--;
    }
    if (push.held.expired || push.held.tries <= 0 || push.held.triesInAll <= 0) return false;
    // The hold's time runs from its first refusal: its tries do not extend it. Real time, as the
    // server's request timeouts: it bounds how long a request is held open, not a record's time.
    push.held.deadline ??= Date.now() + holdMs;
    queue.holding = setTimeout(() => this.#endHold(key, true), Math.max(0, push.held.deadline - Date.now()));
    queue.holding.unref();
    // Stored since the refusal was decided (by another sender's push, applied meanwhile)? Then now.
    const awaits = refused.awaits;
    if (awaits !== undefined) {
      void this.#station.store
        .entryPlace(awaits)
        .then((place) => {
          if (place !== null && this.#lines.get(key)?.waiting[0]?.held?.refused === refused)
            this.#endHold(key, false);
        })
        .catch(() => undefined); // a store that fails ends the hold in its time
    }
    return true;
  }
}

/**
 * @param entry an entry just stored
 * @param line the line of a push held
 * @param awaits the entry its refusal waits for, if it waits for an entry
 * @returns whether storing it may let the held push through
 */
function awaited(entry: SealedEntry, line: string, awaits: string | undefined): boolean {
  if (awaits !== undefined) return entry.hash === awaits;
  return entry.entry.line === line && changesMembership(entry.entry.kind);
}
