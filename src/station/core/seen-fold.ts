import { HotlineError } from "../../record/mod.js";
import type { EntryStore, StoredEntry } from "../../store/mod.js";

/** What folding a chain's `seen` needs of the store. */
export type FoldReads = Pick<EntryStore, "chainAfter">;

/** How many entries of a chain one read takes when walking back along it. */
const PAGE = 256;

/**
 * An entry's `seen` names only the heads of other chains that moved since its author's previous
 * entry on the line (every head, on its author's first entry). What its author had seen when
 * writing it is the fold along its chain: per other author, the latest hash its chain named up to
 * and including it. A `seen` naming every head (as every entry written before session 10 does) is
 * a delta too, so the fold of an old record is what each entry names.
 *
 * Walks back from an entry along its chain, a page at a time, and takes for each author the first
 * hash met (the latest named): until every wanted author is found, or the chain's first entry, or
 * `after` (exclusive) is reached.
 *
 * @param store the store (or a transaction)
 * @param line the line id
 * @param author the chain's author
 * @param seq the entry's seq (the fold includes its own `seen`)
 * @param options wanted: the authors asked about (absent: every author, to the chain's start);
 *   after: stop before this seq (default 0: the whole chain)
 * @returns per author found, the latest hash the chain named of it
 */
export async function seenAlong(
  store: FoldReads,
  line: string,
  author: string,
  seq: number,
  options: { wanted?: ReadonlySet<string>; after?: number } = {},
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const wanted = options.wanted;
  const stop = Math.max(0, options.after ?? 0);
  let top = seq;
  const done = () => wanted !== undefined && [...wanted].every((a) => found.has(a));
  while (top > stop && !done()) {
    const from = Math.max(stop, top - PAGE);
    const page = await store.chainAfter(line, author, from, top - from);
    for (let i = page.length - 1; i >= 0; i--) {
      const stored = page[i] as StoredEntry;
      if (stored.seq > top) continue;
      for (const [other, hash] of Object.entries(seenOf(stored))) {
        if (!found.has(other) && (wanted === undefined || wanted.has(other))) found.set(other, hash);
      }
    }
    top = from;
  }
  return found;
}

/**
 * Folds one entry's `seen` onto what its author had seen before it: the later name wins.
 *
 * @param before the fold at the author's previous entry (not changed)
 * @param seen the entry's own `seen`
 * @returns the fold at the entry
 */
export function foldSeen(
  before: ReadonlyMap<string, string>,
  seen: Readonly<Record<string, string>>,
): Map<string, string> {
  const after = new Map(before);
  for (const [author, hash] of Object.entries(seen)) after.set(author, hash);
  return after;
}

/**
 * @param stored an entry as stored (checked when it was stored: only `seen` is read here)
 * @returns its `seen`
 */
export function seenOf(stored: StoredEntry): Record<string, string> {
  return seenIn(envelopeOf(stored), stored);
}

/** The `seen` of an entry's envelope already parsed (STORE_DAMAGED when it names none). */
function seenIn(envelope: { seen?: unknown }, stored: StoredEntry): Record<string, string> {
  const seen = envelope.seen;
  if (typeof seen !== "object" || seen === null || Array.isArray(seen)) {
    throw new HotlineError(
      "STORE_DAMAGED",
      `Cannot read stored entry ${stored.hash.slice(0, 12)}: it names no seen (the database was changed or damaged; run 'hotline verify')`,
      { place: { hash: stored.hash } },
    );
  }
  return seen as Record<string, string>;
}

/** A chain's newest entry, as the writer reads it. */
interface ChainHead {
  author: string;
  seq: number;
  hash: string;
}

/**
 * This station's own fold per line: what its chain has named of every other chain so far, kept
 * in memory with the head it is the fold at. Rebuilt from the store on first use after start (a
 * walk back along its own chain until every other head is found), and moved on by the entries it
 * writes; entries of its chain written by another writer of the same store (the CLI, the other
 * station of a standby pair) are folded in from the store when the head is not the one cached.
 */
export class OwnFolds {
  readonly #lines = new Map<string, { seq: number; hash: string; fold: ReadonlyMap<string, string> }>();

  /**
   * The `seen` of this station's next entry on a line: the heads of the other chains that moved
   * since its previous entry (every one, when it has none).
   *
   * @param store the write transaction the entry is written in
   * @param line the line id
   * @param author this station
   * @param head its chain's head, read in that transaction (null: no entry yet)
   * @param heads every chain's head, read in that transaction
   * @returns the `seen` to sign
   */
  async next(
    store: FoldReads,
    line: string,
    author: string,
    head: ChainHead | null,
    heads: readonly ChainHead[],
  ): Promise<Record<string, string>> {
    const others = heads.filter((h) => h.author !== author);
    const fold =
      head === null ? new Map<string, string>() : await this.#foldAt(store, line, author, head, others);
    const seen: Record<string, string> = {};
    for (const h of others) if (fold.get(h.author) !== h.hash) seen[h.author] = h.hash;
    return seen;
  }

  /**
   * Moves the fold on by entries this station wrote and committed (in chain order).
   *
   * @param line the line id
   * @param entries the entries, each with its seq, prev and seen
   */
  wrote(
    line: string,
    entries: readonly {
      hash: string;
      entry: { seq: number; prev: string | null; seen: Record<string, string> };
    }[],
  ): void {
    for (const { hash, entry } of entries) {
      const cached = this.#lines.get(line);
      const before =
        entry.prev === null ? new Map<string, string>() : cached?.hash === entry.prev ? cached.fold : null;
      // Not the entry after the cached one (another writer wrote between): the next write folds
      // from the store instead.
      if (before === null) continue;
      this.#lines.set(line, { seq: entry.seq, hash, fold: foldSeen(before, entry.seen) });
    }
  }

  async #foldAt(
    store: FoldReads,
    line: string,
    author: string,
    head: ChainHead,
    others: readonly ChainHead[],
  ): Promise<ReadonlyMap<string, string>> {
    const cached = this.#lines.get(line);
    if (cached?.hash === head.hash) return cached.fold;
    let fold: ReadonlyMap<string, string> | null = null;
    if (cached !== undefined && cached.seq < head.seq) {
      // Another writer of this chain wrote since: fold its entries on, oldest first.
      let at = cached.seq;
      let prev: string | null = cached.hash;
      fold = cached.fold;
      while (fold !== null && at < head.seq) {
        const page = await store.chainAfter(line, author, at, Math.min(PAGE, head.seq - at));
        if (page.length === 0) break;
        for (const stored of page) {
          const envelope = envelopeOf(stored);
          // The chain is not the one cached (a store restored from a backup): walk it afresh.
          if (fold === null || (typeof envelope.prev === "string" ? envelope.prev : null) !== prev) {
            fold = null;
            break;
          }
          fold = foldSeen(fold, seenIn(envelope, stored));
          prev = stored.hash;
        }
        at = (page[page.length - 1] as StoredEntry).seq;
      }
    }
    fold ??= await seenAlong(store, line, author, head.seq, { wanted: new Set(others.map((h) => h.author)) });
    this.#lines.set(line, { seq: head.seq, hash: head.hash, fold });
    return fold;
  }
}

function envelopeOf(stored: StoredEntry): { seen?: unknown; prev?: unknown } {
  try {
    const value: unknown = JSON.parse(stored.bytes.toString("utf8"));
    return typeof value === "object" && value !== null ? value : {};
  } catch {
    return {};
  }
}
