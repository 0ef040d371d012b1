import { EventEmitter } from "node:events";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import {
  RecordReplay,
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
  /**
   * worker threads for signatures, besides this thread, which takes an equal share; default: one
   * per core but one, none for small records (0: this thread only)
   */
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
/** Entries per chunk sent to a worker (their bytes in one transferred buffer), and its most bytes. */
const CHUNK = 1024;
const CHUNK_BYTES = 1024 * 1024;
/**
 * A worker's heap: a chunk's entries parsed and checked, then dropped. Without a limit each
 * worker's heap grows with the record before V8 collects it (some 100 MB each for 100k entries).
 */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 4 };
/** Below this many entries, starting threads costs more than it saves. */
const PARALLEL_FROM = 2_000;

/** Where the entries to verify come from: the entries, or a way to read them again. */
export type HeldSource =
  Iterable<HeldEntry> | AsyncIterable<HeldEntry> | (() => Iterable<HeldEntry> | AsyncIterable<HeldEntry>);

/**
 * Verifies a whole record: every entry on its own (bytes, schema, hash, signature — spread over
 * worker threads, as signatures are the cost), then every chain and line. The record streams
 * through: each entry is replayed as it comes ({@link RecordReplay}), and only a line where
 * something is wrong is read again and checked in full ({@link checkLine}), so a large intact
 * record is not held in memory. Given entries that cannot be read twice (a one-shot iterator),
 * their facts are kept for that second look.
 *
 * @param held every entry (e.g. an array), or a function that reads them (again) from the store
 * @param total how many there are (to decide on threads), if known
 * @param options thread count
 * @returns ok, counts and problems
 */
export async function verifyRecord(
  held: HeldSource,
  total: number,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const workers =
    options.workers ??
    (total >= PARALLEL_FROM && existsSync(WORKER_FILE) ? Math.max(1, availableParallelism() - 1) : 0);
  const keys = options.keys ?? {};
  const again: (() => Iterable<HeldEntry> | AsyncIterable<HeldEntry>) | null =
    typeof held === "function" ? held : Array.isArray(held) ? () => held as HeldEntry[] : null;
  const source = typeof held === "function" ? held() : held;
  const replay = new RecordReplay(options.lines ?? []);
  // A one-shot source: every entry's facts kept, for the lines that need a second look.
  const kept: EntryFacts[] | null = again === null ? [] : null;
  // What key findings need, kept as the record streams by: revocations, their acknowledgements, and
  // the entries of chains whose keys changed (the key history names them; few, if any).
  const keyFacts = new Map<string, EntryFacts[]>();
  const take = (f: EntryFacts) => {
    replay.take(f);
    kept?.push(f);
    if (f.revoke !== null || f.revokeAck !== null || keys[`${f.line} ${f.author}`] !== undefined) {
      const list = keyFacts.get(f.line) ?? [];
      list.push(f);
      keyFacts.set(f.line, list);
    }
  };
  if (workers > 0 && existsSync(WORKER_FILE)) await checkInWorkers(source, workers, keys, take);
  else for await (const h of source) take(checkHeldEntry(h, keys));
  replay.finish();

  // Lines with something wrong: their entries checked again, and the line in full.
  const wrong = replay.needsFullCheck;
  const byLine = new Map<string, EntryFacts[]>([...wrong].map((line) => [line, []]));
  const problems: Problem[] = [];
  if (wrong.size > 0) {
    const facts =
      kept ?? (await collect(again?.() ?? [], (h) => (wrong.has(h.line) ? checkHeldEntry(h, keys) : null)));
    for (const f of facts) {
      if (!wrong.has(f.line)) continue;
      problems.push(...f.problems);
      byLine.get(f.line)?.push(f);
    }
  }
  for (const line of replay.lines()) {
    const list = byLine.get(line);
    if (list !== undefined) problems.push(...checkLine(line, list));
  }
  const findings = [...keyFacts].flatMap(([line, list]) => keyFindings(line, list));
  return {
    ok: problems.length === 0,
    lines: replay.lines().length,
    entries: replay.entries,
    problems,
    findings,
  };
}

async function collect<T>(
  items: Iterable<HeldEntry> | AsyncIterable<HeldEntry>,
  map: (h: HeldEntry) => T | null,
): Promise<T[]> {
  const out: T[] = [];
  for await (const h of items) {
    const mapped = map(h);
    if (mapped !== null) out.push(mapped);
  }
  return out;
}

/** A chunk of entries as sent to a worker: their bytes in one buffer, transferred, not copied. */
export interface Chunk {
  id: number;
  /** every entry's bytes, one after another */
  bytes: ArrayBuffer;
  /** where each entry's bytes end in `bytes` */
  ends: Uint32Array;
  line: string[];
  author: string[];
  seq: number[];
  hash: string[];
  /** entries whose stored bytes are not bytes (an edited database), by index: passed as they are */
  odd: Record<number, unknown>;
}

function pack(id: number, batch: readonly HeldEntry[]): Chunk {
  let size = 0;
  for (const h of batch) if (Buffer.isBuffer(h.bytes)) size += h.bytes.length;
  const bytes = new ArrayBuffer(size);
  const into = new Uint8Array(bytes);
  const ends = new Uint32Array(batch.length);
  const odd: Record<number, unknown> = {};
  let at = 0;
  batch.forEach((h, i) => {
    if (Buffer.isBuffer(h.bytes)) {
      into.set(h.bytes, at);
      at += h.bytes.length;
    } else odd[i] = h.bytes;
    ends[i] = at;
  });
  return {
    id,
    bytes,
    ends,
    line: batch.map((h) => h.line),
    author: batch.map((h) => h.author),
    seq: batch.map((h) => h.seq),
    hash: batch.map((h) => h.hash),
    odd,
  };
}

/**
 * @param chunk a chunk as a worker receives it
 * @returns its entries, each's bytes a view into the chunk's buffer
 */
export function unpack(chunk: Chunk): HeldEntry[] {
  const whole = Buffer.from(chunk.bytes);
  let start = 0;
  return chunk.line.map((line, i) => {
    const end = chunk.ends[i] ?? start;
    const bytes = i in chunk.odd ? (chunk.odd[i] as Buffer) : whole.subarray(start, end);
    start = end;
    return { line, author: chunk.author[i] ?? "", seq: chunk.seq[i] ?? 0, hash: chunk.hash[i] ?? "", bytes };
  });
}

/**
 * Checks the entries over worker threads, fed chunks in the order held; their facts are handed to
 * `take` in that same order as they come back (a chunk that comes back early waits for those
 * before it), so only the chunks in flight are held.
 */
async function checkInWorkers(
  held: Iterable<HeldEntry> | AsyncIterable<HeldEntry>,
  count: number,
  keys: KeyHistory,
  take: (f: EntryFacts) => void,
): Promise<void> {
  // Each worker gets the key history once, before its first chunk.
  // This thread takes its share as one more worker (one isolate fewer to hold in memory), one
  // chunk at a time: while it checks one, the workers have three queued each and never wait.
  const pool: { checker: Checker; depth: number }[] = [
    ...Array.from({ length: count }, () => ({
      checker: new Worker(WORKER_FILE, { workerData: { keys }, resourceLimits: WORKER_LIMITS }),
      depth: 3,
    })),
    { checker: new HereChecker(keys), depth: 1 },
  ];
  const iterator = asyncIterable(held)[Symbol.asyncIterator]();
  let nextId = 0;
  let nextTaken = 0;
  const back = new Map<number, EntryFacts[]>();
  // Chunks are read one after another (the record streams in order), each numbered as read.
  let reading: Promise<unknown> = Promise.resolve();
  const read = (): Promise<Chunk | null> => {
    const next = reading.then(async () => {
      const batch: HeldEntry[] = [];
      let size = 0;
      for (let r = await iterator.next(); r.done !== true; r = await iterator.next()) {
        batch.push(r.value);
        size += Buffer.isBuffer(r.value.bytes) ? r.value.bytes.length : 0;
        if (batch.length === CHUNK || size >= CHUNK_BYTES) break;
      }
      return batch.length === 0 ? null : pack(nextId++, batch);
    });
    reading = next;
    return next;
  };
  // Chunks read and not yet taken, at most this many: a worker that is ahead waits for the one
  // behind it (one slow to start), so the facts that came back early do not pile up.
  const window = pool.reduce((sum, p) => sum + p.depth, 2);
  const waiting: (() => void)[] = [];
  const taken = (): void => {
    while (waiting.length > 0 && nextId - nextTaken < window) waiting.shift()?.();
  };
  try {
    await Promise.all(
      pool.map(
        ({ checker: worker, depth }) =>
          new Promise<void>((resolve, reject) => {
            // chunks being read or checked for this worker; none left: it is done
            let inFlight = 0;
            const send = (): void => {
              inFlight++;
              if (nextId - nextTaken >= window) {
                waiting.push(() => void read().then(post, reject));
                return;
              }
              read().then(post, reject);
            };
            const post = (chunk: Chunk | null): void => {
              if (chunk !== null) {
                worker.postMessage(chunk, [chunk.bytes, chunk.ends.buffer as ArrayBuffer]);
                return;
              }
              if (--inFlight === 0) resolve();
            };
            worker.on("message", (m: { id: number; facts: EntryFacts[] }) => {
              back.set(m.id, m.facts);
              for (let facts = back.get(nextTaken); facts !== undefined; facts = back.get(nextTaken)) {
                back.delete(nextTaken++);
                for (const f of facts) take(f);
              }
              inFlight--;
              send();
              taken();
            });
            worker.on("error", reject);
            for (let k = 0; k < depth; k++) send();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((p) => p.checker.terminate()));
  }
}

/** What checks chunks: a worker thread, or this thread ({@link HereChecker}). */
interface Checker {
  postMessage(chunk: Chunk, transfer?: ArrayBuffer[]): void;
  on(event: "message", listener: (m: { id: number; facts: EntryFacts[] }) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  terminate(): Promise<number>;
}

/** This thread as a worker: a chunk posted is checked on the next turn, its facts "sent back". */
class HereChecker extends EventEmitter {
  readonly #keys: KeyHistory;

  constructor(keys: KeyHistory) {
    super();
    this.#keys = keys;
  }

  postMessage(chunk: Chunk): void {
    setImmediate(() => {
      try {
        const facts = unpack(chunk).map((h) => checkHeldEntry(h, this.#keys));
        this.emit("message", { id: chunk.id, facts });
      } catch (error) {
        this.emit("error", error);
      }
    });
  }

  terminate(): Promise<number> {
    return Promise.resolve(0);
  }
}

async function* asyncIterable<T>(items: Iterable<T> | AsyncIterable<T>): AsyncIterable<T> {
  yield* items;
}
