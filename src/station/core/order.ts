/** What ordering needs of an entry. */
export interface Orderable {
  hash: string;
  author: string;
  seq: number;
  time: string;
  prev: string | null;
  seen: Record<string, string>;
}

/**
 * Puts a line's entries in causal order — each after the one before it in its chain and after
 * every entry it had seen — and otherwise in time order (then author, then seq), so a transcript
 * reads as it happened even when clocks disagree.
 *
 * @param entries the entries of one line, any order
 * @returns the same entries, ordered
 */
export function causalOrder<T extends Orderable>(entries: readonly T[]): T[] {
  const byTime = [...entries].sort((a, b) =>
    a.time < b.time
      ? -1
      : a.time > b.time
        ? 1
        : a.author < b.author
          ? -1
          : a.author > b.author
            ? 1
            : a.seq - b.seq,
  );
  const present = new Set(byTime.map((e) => e.hash));
  const emitted = new Set<string>();
  const waiting = new Map<string, T[]>(); // dependency hash → entries waiting on it
  const out: T[] = [];

  const missing = (e: T): string | undefined =>
    [e.prev, ...Object.values(e.seen)].find((dep) => dep !== null && present.has(dep) && !emitted.has(dep)) ??
    undefined;

  const emit = (e: T): void => {
    const stack = [e];
    while (stack.length > 0) {
      const next = stack.pop() as T;
      const dep = missing(next);
      if (dep !== undefined) {
        waiting.set(dep, [...(waiting.get(dep) ?? []), next]);
        continue;
      }
      out.push(next);
      emitted.add(next.hash);
      const released = waiting.get(next.hash);
      if (released !== undefined) {
        waiting.delete(next.hash);
        // Earliest first: the stack pops from the end.
        stack.push(...released.reverse());
      }
    }
  };
  for (const e of byTime) emit(e);
  return out;
}

/** What ordering a few entries by what their authors had seen needs of each. */
export interface Witnessed {
  author: string;
  seq: number;
  time: string;
  /** per other chain, the seq of the newest entry its author had seen when writing it */
  seenSeq: Record<string, number>;
}

/**
 * Orders a few entries of a line (its settings, its suspensions) so that each comes after every
 * one its author had seen when writing it — a later change that saw an earlier one always wins,
 * whatever time either claims — and concurrent ones by (time, author, seq). Every station holding
 * the same entries gets the same order.
 *
 * @param entries entries of one line, with what their authors had seen
 * @returns the same entries, ordered
 */
export function witnessOrder<T extends Witnessed>(entries: readonly T[]): T[] {
  const saw = (x: T, y: T): boolean =>
    x.author === y.author ? x.seq > y.seq : (x.seenSeq[y.author] ?? 0) >= y.seq;
  const byTime = [...entries].sort(
    (a, b) =>
      (a.time < b.time ? -1 : a.time > b.time ? 1 : 0) ||
      (a.author < b.author ? -1 : a.author > b.author ? 1 : 0) ||
      a.seq - b.seq,
  );
  const out: T[] = [];
  const left = new Set(byTime);
  while (left.size > 0) {
    // The earliest entry (by time) that saw nothing still left; a cycle (impossible between honest
    // chains) falls back to time order.
    const next =
      byTime.find((e) => left.has(e) && ![...left].some((o) => o !== e && saw(e, o))) ??
      byTime.find((e) => left.has(e));
    if (next === undefined) break;
    out.push(next);
    left.delete(next);
  }
  return out;
}
