import {
  BODY_SCHEMAS,
  HotlineError,
  describeZodError,
  readStoredEntry,
  type BodyOf,
  type Kind,
} from "../../record/mod.js";
import type { StoredEntry } from "../../store/mod.js";
import { causalOrder } from "./order.js";
import { seenAlong } from "./seen-fold.js";
import type { Station } from "./station.js";

/** A stored entry read back: where it stands, its body, and what ordering needs. */
export interface ReadEntry<B = Record<string, unknown>> {
  hash: string;
  line: string;
  author: string;
  seq: number;
  time: string;
  /** when this station first held it: written here, or received */
  receivedAt: string;
  kind: string;
  prev: string | null;
  seen: Record<string, string>;
  body: B;
}

/**
 * @param stored an entry as stored
 * @returns it read back, checked against its kind's schema (STORE_DAMAGED if it does not decode);
 *   `B` is its body's type, for callers that checked its kind (see {@link referencedEntry})
 */
export function readEntry<B = Record<string, unknown>>(stored: StoredEntry): ReadEntry<B> {
  const entry = readStoredEntry(stored);
  return {
    hash: stored.hash,
    line: stored.line,
    author: stored.author,
    seq: stored.seq,
    time: stored.time,
    receivedAt: stored.receivedAt,
    kind: stored.kind,
    prev: entry.prev,
    seen: entry.seen,
    body: entry.body as B,
  };
}

/**
 * A line's entries of some kinds in causal order — the same order at every station that holds
 * them, whatever order they arrived in. The order is the causal order of the whole line,
 * restricted to these entries: each entry's `prev` and what its author had seen (the fold of `seen`
 * along its chain) are re-pointed at the newest entry of these kinds at or before the one they
 * name, so an entry still comes after everything of these kinds its author had seen, though what
 * it names directly is of another kind.
 *
 * @param station the station
 * @param line a line id
 * @param kinds the kinds wanted
 * @returns the entries read back, in causal, then time, order
 */
export async function entriesOfKinds(
  station: Station,
  line: string,
  kinds: readonly Kind[],
): Promise<ReadEntry[]> {
  const picked: ReadEntry[] = [];
  for (const kind of kinds) {
    for (const e of await station.store.entriesOfKind(line, kind)) picked.push(readEntry(e));
  }
  const chains = new Map<string, ReadEntry[]>();
  for (const e of picked) {
    const chain = chains.get(e.author);
    if (chain === undefined) chains.set(e.author, [e]);
    else chain.push(e);
  }
  for (const chain of chains.values()) chain.sort((a, b) => a.seq - b.seq);
  /** the newest picked entry of an author at or before seq */
  const newestUpTo = (author: string, seq: number): string | null => {
    const chain = chains.get(author) ?? [];
    let low = 0;
    let high = chain.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((chain[mid] as ReadEntry).seq <= seq) low = mid + 1;
      else high = mid;
    }
    return chain[low - 1]?.hash ?? null;
  };
  const seqOf = new Map<string, number | null>();
  const seqOfHash = async (hash: string): Promise<number | null> => {
    if (!seqOf.has(hash)) seqOf.set(hash, (await station.store.entryByHash(hash))?.seq ?? null);
    return seqOf.get(hash) ?? null;
  };
  const original = new Map(picked.map((e) => [e.hash, e]));
  const repointed: (ReadEntry & { prev: string | null; seen: Record<string, string> })[] = [];
  const authors = [...chains.keys()];
  for (const e of picked) {
    // What its author had seen is the fold of `seen` along its chain. The part up to the picked
    // entry before it on the chain comes with that entry (its prev here); the rest is read from
    // the chain, only for the authors of picked entries.
    const prev = newestUpTo(e.author, e.seq - 1);
    const wanted = new Set(authors.filter((a) => a !== e.author));
    const folded =
      wanted.size === 0
        ? new Map<string, string>()
        : await seenAlong(station.store, line, e.author, e.seq, {
            wanted,
            after: prev === null ? 0 : (original.get(prev)?.seq ?? 0),
          });
    const seen: Record<string, string> = {};
    for (const [author, hash] of folded) {
      const seq = await seqOfHash(hash);
      const newest = seq === null ? null : newestUpTo(author, seq);
      if (newest !== null) seen[author] = newest;
    }
    repointed.push({ ...e, prev, seen });
  }
  return causalOrder(repointed).map((e) => original.get(e.hash) as ReadEntry);
}

/**
 * Checks a body an operator is about to write, so that a wrong field is refused as bad input
 * with the action named, before anything is signed.
 *
 * @param kind the entry's kind
 * @param body its body
 * @param action what is being done, to complete "Cannot …"
 * @returns the body, checked
 * @throws HotlineError BAD_INPUT naming the first field that is wrong
 */
export function checkedBody<K extends Kind>(kind: K, body: BodyOf<K>, action: string): BodyOf<K> {
  const result = BODY_SCHEMAS[kind].safeParse(body);
  if (!result.success) {
    throw new HotlineError("BAD_INPUT", `Cannot ${action}: ${describeZodError(result.error)}`);
  }
  return body;
}

/**
 * Finds the entry an operator refers to (hash or unique prefix) and checks its kind, and its line
 * when one is given.
 *
 * @param station the station
 * @param ref the hash or prefix
 * @param options the kinds it may be, how to name them, the action, and the line it must be on
 * @returns the entry read back, its body typed (and checked) by its kind
 * @throws HotlineError UNKNOWN_ENTRY, AMBIGUOUS_ENTRY, or BAD_INPUT (another kind, another line)
 */
export async function referencedEntry<K extends Kind>(
  station: Station,
  ref: string,
  options: { kinds: readonly K[]; what: string; action: string; line?: string },
): Promise<ReadEntry<BodyOf<K>>> {
  const stored = await resolveEntry(station, ref);
  const short = stored.hash.slice(0, 12);
  if (!(options.kinds as readonly string[]).includes(stored.kind)) {
    throw new HotlineError(
      "BAD_INPUT",
      `Cannot ${options.action}: entry ${short} is a ${stored.kind}, not ${options.what}`,
    );
  }
  if (options.line !== undefined && stored.line !== options.line) {
    throw new HotlineError(
      "BAD_INPUT",
      `Cannot ${options.action}: entry ${short} is on another line (${stored.line.slice(0, 12)})`,
    );
  }
  return readEntry<BodyOf<K>>(stored);
}

/**
 * @param station the station
 * @param line a line id
 * @returns the names of the line's participants, by station id
 */
export async function namesOn(station: Station, line: string): Promise<Map<string, string>> {
  return new Map((await station.store.participants(line)).map((p) => [p.station, p.name]));
}

/**
 * Finds an entry by its hash or a unique prefix of it (at least 8 hex characters).
 *
 * @param station the station
 * @param ref the hash or prefix
 * @returns the entry
 */
export async function resolveEntry(station: Station, ref: string): Promise<StoredEntry> {
  const prefix = ref.trim().toLowerCase();
  if (!/^[0-9a-f]{8,64}$/.test(prefix)) {
    throw new HotlineError(
      "BAD_INPUT",
      `Cannot read entry '${ref}': give its hash, or at least its first 8 hex digits`,
    );
  }
  const found = await station.store.entriesByHashPrefix(prefix, 2);
  if (found.length === 0)
    throw new HotlineError("UNKNOWN_ENTRY", `Cannot find entry ${prefix}: there is none here`);
  if (found.length > 1) {
    throw new HotlineError("AMBIGUOUS_ENTRY", `Cannot tell which entry ${prefix} is: give more of its hash`);
  }
  return found[0] as StoredEntry;
}
