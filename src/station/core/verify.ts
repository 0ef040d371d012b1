import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import {
  checkHeldEntry,
  checkLine,
  keyFindings,
  type EntryFacts,
  type HeldEntry,
  type KeyHistory,
  type Problem,
} from "../../record/mod.js";

/** The outcome of verifying a record. */
export interface VerifyReport {
  ok: boolean;
  lines: number;
  entries: number;
  problems: Problem[];
  /**
   * what an auditor must see though the record is intact: entries signed by a revoked key after its
   * `since`, revocations no other participant acknowledged (see keyFindings)
   */
  findings: Problem[];
}

export interface VerifyOptions {
  /** worker threads for signatures; default: one per core, none for small records */
  workers?: number | undefined;
  /** lines known to exist apart from their entries (a store's line list): one with no entries is a problem */
  lines?: readonly string[] | undefined;
  /**
   * the record's key rotations, read beforehand from its `key.rotate` entries (see keyHistoryOf):
   * each signature is checked against the key its author had at that seq, and the replay confirms it
   */
  keys?: KeyHistory | undefined;
}

const WORKER_FILE = fileURLToPath(new URL("./verify-worker.js", import.meta.url));
const BATCH = 256;
/** Below this many entries, starting threads costs more than it saves. */
const PARALLEL_FROM = 2_000;

/**
 * Verifies a whole record: every entry on its own (bytes, schema, hash, signature — spread over
 * worker threads, as signatures are the cost), then every chain and line.
 *
 * @param held every entry, e.g. streamed from the store
 * @param total how many there are (to decide on threads), if known
 * @param options thread count
 * @returns ok, counts and problems
 */
export async function verifyRecord(
  held: Iterable<HeldEntry> | AsyncIterable<HeldEntry>,
  total: number,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const workers =
    options.workers ?? (total >= PARALLEL_FROM && existsSync(WORKER_FILE) ? availableParallelism() : 0);
  const keys = options.keys ?? {};
  const facts =
    workers > 0 && existsSync(WORKER_FILE)
      ? await checkInWorkers(held, workers, keys)
      : await checkHere(held, keys);
  return finish(facts, options.lines ?? []);
}

async function checkHere(
  held: Iterable<HeldEntry> | AsyncIterable<HeldEntry>,
  keys: KeyHistory,
): Promise<EntryFacts[]> {
  const facts: EntryFacts[] = [];
  for await (const h of held) facts.push(checkHeldEntry(h, keys));
  return facts;
}

async function checkInWorkers(
  held: Iterable<HeldEntry> | AsyncIterable<HeldEntry>,
  count: number,
  keys: KeyHistory,
): Promise<EntryFacts[]> {
  // Each worker gets the key history once, before its first batch.
  const pool = Array.from({ length: count }, () => new Worker(WORKER_FILE, { workerData: { keys } }));
  const results: EntryFacts[][] = [];
  const iterator = asyncIterable(held)[Symbol.asyncIterator]();
  let nextId = 0;
  // Batches are read one after another (the record streams in order), each numbered as read.
  let reading: Promise<unknown> = Promise.resolve();
  const take = (): Promise<{ id: number; batch: HeldEntry[] }> => {
    const next = reading.then(async () => {
      const batch: HeldEntry[] = [];
      for (let r = await iterator.next(); r.done !== true; r = await iterator.next()) {
        const { line, author, seq, hash, bytes } = r.value;
        batch.push({ line, author, seq, hash, bytes });
        if (batch.length === BATCH) break;
      }
      return { id: nextId++, batch };
    });
    reading = next;
    return next;
  };
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            // batches being read or checked for this worker; none left: it is done
            let inFlight = 0;
            const send = (): void => {
              inFlight++;
              take().then(({ id, batch }) => {
                if (batch.length > 0) return worker.postMessage({ id, held: batch });
                if (--inFlight === 0) resolve();
              }, reject);
            };
            worker.on("message", (m: { id: number; facts: EntryFacts[] }) => {
              results[m.id] = m.facts;
              inFlight--;
              send();
            });
            worker.on("error", reject);
            // Two batches in flight per worker keep it busy while the main thread reads the next.
            send();
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results.flat();
}

function finish(facts: readonly EntryFacts[], lines: readonly string[]): VerifyReport {
  const problems: Problem[] = [];
  const byLine = new Map<string, EntryFacts[]>(lines.map((line) => [line, []]));
  for (const f of facts) {
    problems.push(...f.problems);
    const list = byLine.get(f.line) ?? [];
    list.push(f);
    byLine.set(f.line, list);
  }
  const findings: Problem[] = [];
  for (const [line, list] of byLine) {
    problems.push(...checkLine(line, list));
    findings.push(...keyFindings(line, list));
  }
  return { ok: problems.length === 0, lines: byLine.size, entries: facts.length, problems, findings };
}

async function* asyncIterable<T>(items: Iterable<T> | AsyncIterable<T>): AsyncIterable<T> {
  yield* items;
}
