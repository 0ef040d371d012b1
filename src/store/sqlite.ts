import { rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { performance } from "node:perf_hooks";
import Database, { type Statement } from "better-sqlite3";
import { HotlineError } from "../record/mod.js";
import { migrate } from "./migrate.js";
import { Mutex } from "./mutex.js";
import { SqliteTables, type SyncTables } from "./_sqlite-tables.js";
import { tablesView, type TablesRunner } from "./_tables-view.js";
import { leaseRowOf, type LeaseRecord } from "./lease.js";
import { createBackupFile } from "./_backup-file.js";
import type { LeaseRow, Store, Transaction } from "./store.js";
import { TransactionGuard } from "./tx-guard.js";

const require = createRequire(import.meta.url);

/** The page cache of a store, in KiB: better-sqlite3's default for one connection. */
const PAGE_CACHE_KIB = 16_000;
/** The reader connection's share of it. */
const READER_CACHE_KIB = 2_000;

/**
 * Entries read at a time by `allEntries`: a large record is never held at once. Small pages cost
 * no speed (the query walks the primary key) and keep fewer native buffers alive at a time, which
 * the allocator then cannot return: with pages of 1000 a verify of 100k entries left 243 MB
 * resident after GC, with pages of 100, 187 MB.
 */
const ENTRIES_PAGE = 100;

/** A transaction open longer than this is reported (process warning): it holds the write lock. */
const SLOW_TRANSACTION_MS = 2000;

export interface SqliteStoreOptions {
  /** open without writing (for `verify` on a copy); the file must exist */
  readonly?: boolean;
  /**
   * Told when a write first fails for want of disk space (`true`) and when one succeeds again
   * (`false`): the station logs it and keeps the incident as an alarm, which it cannot write while
   * the disk is full.
   */
  onDiskFull?: (full: boolean) => void;
}

/**
 * @param error what a write threw
 * @returns whether SQLite found no room on the disk (SQLITE_FULL)
 */
function isDiskFull(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "SQLITE_FULL";
}

/**
 * Opens (creating if need be) the SQLite store at a path: WAL, `synchronous=FULL` so a commit
 * survives power loss, a busy timeout for the CLI and the running station sharing the file, and
 * every migration applied.
 *
 * Two connections: a writer, on which every write and every transaction runs one at a time (an
 * async mutex, so two async transactions never interleave on it), and a reader for reads outside a
 * transaction, which in WAL mode sees only committed data, as another engine's reader would.
 *
 * @param path the database file
 * @param options `readonly` opens without writing (one connection, and every write fails)
 * @returns the store
 */
export async function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Promise<Store> {
  const readonly = options.readonly ?? false;
  const writer = connect(path, { readonly, fileMustExist: readonly });
  if (!readonly) {
    writer.pragma("journal_mode = WAL");
    writer.pragma("synchronous = FULL");
    writer.pragma("foreign_keys = ON");
    try {
      migrate(writer);
    } catch (error) {
      writer.close();
      throw error;
    }
  }
  if (readonly) return sqliteStore(writer, writer, options.onDiskFull);
  const reader = connect(path, { readonly: true, fileMustExist: true });
  // better-sqlite3 builds SQLite with a 16 MB page cache per connection; the two share that one
  // budget. The writer keeps most of it (heads, lookups, appends); the reader mostly streams the
  // record once (verify, export), which a cache does not speed up: SQLite's own default, 2 MB.
  writer.pragma(`cache_size = -${PAGE_CACHE_KIB - READER_CACHE_KIB}`);
  reader.pragma(`cache_size = -${READER_CACHE_KIB}`);
  return sqliteStore(writer, reader, options.onDiskFull);
}

function connect(path: string, options: { readonly: boolean; fileMustExist: boolean }): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(path, options);
  } catch (cause) {
    throw new HotlineError("NO_STATION", `Cannot open the database ${path}: ${(cause as Error).message}`, {
      cause,
    });
  }
  db.pragma("busy_timeout = 5000");
  return db;
}

/** Runs a synchronous call on a connection's tables. */
type Runner = TablesRunner<SyncTables>;

function sqliteStore(
  writerDb: Database.Database,
  readerDb: Database.Database,
  onDiskFull: ((full: boolean) => void) | undefined,
): Store {
  const writerTables = new SqliteTables(writerDb);
  const readerTables = readerDb === writerDb ? writerTables : new SqliteTables(readerDb);
  const mutex = new Mutex();
  const begin = writerDb.prepare("BEGIN IMMEDIATE");
  const commit = writerDb.prepare("COMMIT");
  const rollback = writerDb.prepare("ROLLBACK");
  /** the transaction whose function is running in this async context, if any */
  const inside = new TransactionGuard();
  let closed = false;
  let full = false;
  /** rows changed on the writer connection: a commit that changed none says nothing of the disk */
  const totalChanges = writerDb.prepare("SELECT total_changes()").pluck();
  let changesWhenFull = 0;
  /** A write went through: if the disk was full and it changed a row, the disk has room again. */
  const wrote = <R>(result: R): R => {
    if (full && totalChanges.get() !== changesWhenFull) {
      full = false;
      onDiskFull?.(false);
    }
    return result;
  };
  /** A write failed: a full disk becomes DISK_FULL, a code a peer and an operator can act on. */
  const failed = (error: unknown): never => {
    if (!isDiskFull(error)) throw error;
    // (rows a failed commit changed, rolled back since, count too: only a later change says room)
    changesWhenFull = totalChanges.get() as number;
    if (!full) {
      full = true;
      onDiskFull?.(true);
    }
    throw new HotlineError(
      "DISK_FULL",
      "Cannot write to the station's database: the disk is full (nothing was stored; free space and the station goes on)",
      { cause: error },
    );
  };

  /** the lease epoch every write is fenced by, null when not fenced (see LeaseStore.fence) */
  let fenceEpoch: number | null = null;
  // (prepared when first used: a read-only copy of an older schema has no lease table)
  let leaseEpoch: Database.Statement | undefined;
  /** Inside the write lock: throws FENCED when the lease moved to another epoch. */
  const checkFence = (): void => {
    if (fenceEpoch === null) return;
    leaseEpoch ??= writerDb.prepare("SELECT epoch FROM lease WHERE id = 1").pluck();
    const epoch = leaseEpoch.get() as number | undefined;
    if (epoch !== fenceEpoch) {
      throw new HotlineError(
        "FENCED",
        `Cannot write: this process's lease (epoch ${fenceEpoch}) was taken by another (epoch ${epoch ?? "none"}); it is no longer the active one`,
      );
    }
  };
  /** Runs a write alone in one IMMEDIATE transaction with the fence checked first, when fenced. */
  const fenced = <R>(fn: () => R): R => {
    if (fenceEpoch === null) return fn();
    begin.run();
    try {
      checkFence();
      const result = fn();
      commit.run();
      return result;
    } catch (error) {
      if (writerDb.inTransaction) rollback.run();
      throw error;
    }
  };

  const guard = (what: string): void => inside.check(what);
  const read: Runner = async (fn) => fn(readerTables);
  const write: Runner = (fn, options) => {
    guard("write");
    if (options?.durable !== false) {
      return mutex.run(() => {
        try {
          return wrote(fenced(() => fn(writerTables)));
        } catch (error) {
          return failed(error);
        }
      });
    }
    // Committed without waiting for the disk: in WAL mode the next durable commit (or a
    // checkpoint) takes it to the disk with its own, and a process crash loses nothing.
    return mutex.run(() => {
      writerDb.pragma("synchronous = NORMAL");
      try {
        return wrote(fenced(() => fn(writerTables)));
      } catch (error) {
        return failed(error);
      } finally {
        writerDb.pragma("synchronous = FULL");
      }
    });
  };

  return {
    ...tablesView(read, write, ENTRIES_PAGE),
    transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
      guard("start a transaction");
      return mutex.run(async () => {
        const state = { open: true };
        const run: Runner = async (call) => {
          if (!state.open) {
            throw new HotlineError("INTERNAL", "Cannot use a transaction after it ended");
          }
          return call(writerTables);
        };
        const started = performance.now();
        begin.run();
        try {
          checkFence();
          const result = await inside.run(state, () => fn(tablesView(run, run, ENTRIES_PAGE)));
          state.open = false;
          commit.run();
          return wrote(result);
        } catch (error) {
          state.open = false;
          if (writerDb.inTransaction) rollback.run();
          return failed(error);
        } finally {
          const ms = performance.now() - started;
          if (ms > SLOW_TRANSACTION_MS) {
            process.emitWarning(`A store transaction held the write lock for ${Math.round(ms)} ms`, {
              code: "HOTLINE_SLOW_TRANSACTION",
            });
          }
        }
      });
    },
    ...leaseOf(writerDb, (fn) => {
      guard("take the lease");
      return mutex.run(fn);
    }),
    fence(epoch) {
      fenceEpoch = epoch;
    },
    backupTo: (path) => backupTo(writerDb.name, path),
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await mutex.run(() => {
        if (readerDb !== writerDb && readerDb.open) readerDb.close();
        // the last connection to close checkpoints the WAL into the main file
        if (writerDb.open) writerDb.close();
      });
    },
  };
}

/**
 * The lease on SQLite: the host's clock is the database's (a SQLite file is shared only by
 * processes of one host). Each call takes the write lock (BEGIN IMMEDIATE), so a takeover and a
 * fenced write never interleave.
 *
 * @param db the writer connection
 * @param locked runs a call under the store's write mutex
 * @returns the lease calls
 */
function leaseOf(
  db: Database.Database,
  locked: <R>(fn: () => R) => Promise<R>,
): Omit<Store, Exclude<keyof Store, "acquireLease" | "renewLease" | "releaseLease" | "lease">> {
  // (prepared when first used: a read-only copy of an older schema has no lease table)
  let prepared: { get: Statement; put: Statement; extend: Statement } | undefined;
  const statements = (): { get: Statement; put: Statement; extend: Statement } =>
    (prepared ??= {
      get: db.prepare("SELECT holder, epoch, acquired_at, expires_at FROM lease WHERE id = 1"),
      put: db.prepare(
        `INSERT INTO lease (id, holder, epoch, acquired_at, expires_at) VALUES (1, @holder, @epoch, @acquired_at, @expires_at)
         ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, epoch = excluded.epoch,
           acquired_at = excluded.acquired_at, expires_at = excluded.expires_at`,
      ),
      extend: db.prepare("UPDATE lease SET expires_at = ? WHERE id = 1 AND epoch = ?"),
    });
  return {
    acquireLease: (holder, ttlMs) =>
      locked(() =>
        db
          .transaction((): LeaseRow | null => {
            const { get, put } = statements();
            const now = Date.now();
            const current = get.get() as LeaseRecord | undefined;
            if (current !== undefined && current.expires_at > now) return null;
            put.run({
              holder,
              epoch: (current?.epoch ?? 0) + 1,
              acquired_at: new Date(now).toISOString(),
              expires_at: now + ttlMs,
            });
            return leaseRowOf(get.get() as LeaseRecord);
          })
          .immediate(),
      ),
    renewLease: (epoch, ttlMs) =>
      locked(() =>
        db
          .transaction((): LeaseRow | null => {
            const { get, extend } = statements();
            if (extend.run(Date.now() + ttlMs, epoch).changes === 0) return null;
            return leaseRowOf(get.get() as LeaseRecord);
          })
          .immediate(),
      ),
    releaseLease: (epoch) =>
      locked(() => {
        statements().extend.run(0, epoch);
      }),
    lease: async () => leaseRowOf(statements().get.get() as LeaseRecord | undefined),
  };
}

/**
 * Runs SQLite's online backup of a database file in a worker thread, on a connection of its own,
 * all pages in one step: the step holds one read transaction, so the copy is consistent (each
 * transaction in it wholly or not at all), and writers go on meanwhile (WAL). In steps, a write
 * from another connection would restart the copy, and a busy station would restart it for ever;
 * in this thread, one step would hold the station's event loop (about 5 ms per MB).
 */
const BACKUP_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.module);
const db = new Database(workerData.source, { readonly: true, fileMustExist: true });
db.pragma("busy_timeout = 5000");
db.backup(workerData.dest, { progress: ({ totalPages }) => Math.max(totalPages, 1) }).then(
  () => { db.close(); parentPort.postMessage({ ok: true }); },
  (error) => { db.close(); parentPort.postMessage({ ok: false, message: String(error && error.message) }); },
);
`;

/**
 * @param source the database file
 * @param path the new file
 * @returns its size in bytes
 */
async function backupTo(source: string, path: string): Promise<number> {
  createBackupFile(path);
  try {
    const answer = await new Promise<{ ok: boolean; message?: string }>((done, fail) => {
      const worker = new Worker(BACKUP_WORKER, {
        eval: true,
        workerData: { module: require.resolve("better-sqlite3"), source, dest: path },
      });
      worker.once("message", (message: { ok: boolean; message?: string }) => {
        done(message);
        void worker.terminate();
      });
      worker.once("error", fail);
    });
    if (!answer.ok) throw new Error(answer.message ?? "the backup failed");
    return statSync(path).size;
  } catch (cause) {
    rmSync(path, { force: true });
    throw new HotlineError(
      "INTERNAL",
      `Cannot back up the database to ${path}: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
}
