import { readStoredEntry } from "../../record/mod.js";
import type { CoverageRow, StoredEntry } from "../../store/mod.js";
import { ackStatesOf, acksOf, deadlineOf } from "../attention/mod.js";
import { causalOrder } from "../core/mod.js";
import type { Station } from "../core/mod.js";
import { TRANSLATABLE_KINDS, translationsByOriginal, translationsOf } from "./translations.js";
import type { LogEntry } from "../views/mod.js";

/**
 * The transcript of a line: every entry as people read it, with who received it (receipts), who
 * acknowledged it and by when they must, and its translations.
 *
 * @param station the station
 * @param ref line id, prefix or name
 * @returns its entries in causal, then time, order
 */
export async function logOf(station: Station, ref: string): Promise<LogEntry[]> {
  const line = await station.resolveLine(ref);
  const names = new Map((await station.store.participants(line.id)).map((p) => [p.station, p.name]));
  const receiptsOf = receiptFinder(await station.store.coverage(line.id));
  const extras = await extrasOn(station, line.id);
  const entries = (await station.store.entries(line.id)).map((stored) => toLogEntry(stored, names));
  return causalOrder(entries).map(({ prev: _prev, seen: _seen, ...entry }) => ({
    ...entry,
    receipts: receiptsOf(entry.author, entry.seq),
    ...extras(entry),
  }));
}

/**
 * What arrived on a line after a point, in arrival order: for following a line as it grows.
 *
 * @param station the station
 * @param ref line id, prefix or name
 * @param after the cursor returned by the previous call (0: from the start)
 * @param limit most entries to return
 * @returns the entries, and the cursor to pass next time
 */
export async function arrivalsOf(
  station: Station,
  ref: string,
  after: number,
  limit = 500,
): Promise<{ entries: LogEntry[]; cursor: number }> {
  const line = await station.resolveLine(ref);
  const stored = await station.store.entriesAfter(line.id, after, limit);
  if (stored.length === 0) return { entries: [], cursor: after };
  const names = new Map((await station.store.participants(line.id)).map((p) => [p.station, p.name]));
  const receiptsOf = receiptFinder(await station.store.coverage(line.id));
  const extras = await extrasOn(station, line.id);
  return {
    entries: stored.map((e) => {
      const { prev: _prev, seen: _seen, ...entry } = toLogEntry(e, names);
      return { ...entry, receipts: receiptsOf(entry.author, entry.seq), ...extras(entry) };
    }),
    cursor: stored[stored.length - 1]?.n ?? after,
  };
}

/** @returns for a log entry of a line: its acknowledgements, deadline and who still owes one */
async function extrasOn(
  station: Station,
  line: string,
): Promise<
  (e: {
    hash: string;
    author: string;
    kind: string;
    time: string;
    body: Record<string, unknown>;
  }) => Pick<LogEntry, "acks" | "deadline" | "ackStates" | "translations">
> {
  const acks = await acksOf(station, line);
  const translations = translationsByOriginal(await translationsOf(station, line));
  const settings = await station.settings(line);
  const participants = (await station.store.participants(line)).map((p) => p.station);
  const now = station.clock.now();
  return (e) => {
    const attached = (TRANSLATABLE_KINDS as readonly string[]).includes(e.kind)
      ? { translations: translations.get(e.hash) ?? [] }
      : {};
    const deadline = deadlineOf(e, settings);
    if (deadline === null) return { acks: {}, deadline, ackStates: {}, ...attached };
    const marks: Record<string, { by: string; time: string }> = {};
    for (const [station, mark] of Object.entries(acks.get(e.hash) ?? {})) {
      marks[station] = { by: mark.by, time: mark.time };
    }
    const owers = participants.filter((p) => p !== e.author);
    return { acks: marks, deadline, ackStates: ackStatesOf(deadline, owers, marks, now), ...attached };
  };
}

/**
 * @param coverage a line's coverage steps, ordered by peer, author, seq
 * @returns for an entry (author, seq), when each other participant's signed heads first covered it
 */
function receiptFinder(
  coverage: readonly CoverageRow[],
): (author: string, seq: number) => Record<string, string> {
  // Per author: per peer, the steps in seq order. A step (seq s, time t) says the peer's heads
  // covered the author's chain up to s from time t on; the first step with s >= seq is the receipt.
  const byAuthor = new Map<string, Map<string, CoverageRow[]>>();
  for (const step of coverage) {
    if (step.peer === step.author) continue;
    let peers = byAuthor.get(step.author);
    if (peers === undefined) byAuthor.set(step.author, (peers = new Map<string, CoverageRow[]>()));
    let steps = peers.get(step.peer);
    if (steps === undefined) peers.set(step.peer, (steps = []));
    steps.push(step);
  }
  return (author, seq) => {
    const out: Record<string, string> = {};
    for (const [peer, steps] of byAuthor.get(author) ?? []) {
      let low = 0;
      let high = steps.length;
      while (low < high) {
        const mid = (low + high) >> 1;
        if ((steps[mid] as CoverageRow).seq < seq) low = mid + 1;
        else high = mid;
      }
      const step = steps[low];
      if (step !== undefined) out[peer] = step.time;
    }
    return out;
  };
}

function toLogEntry(
  stored: StoredEntry,
  names: Map<string, string>,
): Omit<LogEntry, "receipts" | "acks" | "deadline" | "ackStates"> & {
  prev: string | null;
  seen: Record<string, string>;
} {
  const entry = readStoredEntry(stored);
  return {
    hash: stored.hash,
    line: stored.line,
    author: stored.author,
    authorName: names.get(stored.author) ?? stored.author.slice(0, 8),
    seq: stored.seq,
    time: stored.time,
    kind: stored.kind,
    body: entry.body,
    prev: entry.prev,
    seen: entry.seen,
    ...(stored.receivedFrom !== null && stored.receivedFrom !== stored.author
      ? {
          via: {
            station: stored.receivedFrom,
            name: names.get(stored.receivedFrom) ?? stored.receivedFrom.slice(0, 8),
          },
        }
      : {}),
  };
}
