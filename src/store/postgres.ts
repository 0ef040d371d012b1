import { rmSync, statSync } from "node:fs";
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";
import postgres from "postgres";
import { HotlineError } from "../record/mod.js";
import { migrate } from "./migrate.js";
import { counted } from "./in-flight.js";
import { Mutex } from "./mutex.js";
import { migratePostgres } from "./_pg-migrate.js";
import { PgTables, type AsyncTables } from "./_pg-tables.js";
import { tablesView, type TablesRunner } from "./_tables-view.js";
import { leaseRowOf, type LeaseRecord } from "./lease.js";
import { createBackupFile } from "./_backup-file.js";
import { copyPostgresToSqlite } from "./_store-copy.js";
import type { Store, Transaction } from "./store.js";
import { TransactionGuard } from "./tx-guard.js";

/** Entries read at a time by `allEntries`: a large record is never held at once. */
const ENTRIES_PAGE = 500;

/** A transaction open longer than this is reported (process warning): it holds the write lock. */
const SLOW_TRANSACTION_MS = 2000;

/**
 * How long the server lets a session sit idle inside a transaction before it ends the session
 * (and so its locks): a process paused mid-transaction (SIGSTOP, a long pause) cannot hold the
 * lease row for ever, and the standby's takeover waits this long at most.
 */
const IDLE_IN_TRANSACTION_MS = 5000;

/** How long a lease call waits for the lease row (held by fenced writes in flight) before giving up. */
const LEASE_LOCK_TIMEOUT_MS = 10_000;

/** Seconds to wait for a connection to the database before calling it unavailable. */
const CONNECT_TIMEOUT_S = 5;

export interface PostgresStoreOptions {
  /**
   * Told when a write first fails for want of disk space on the database server (`true`) and
   * when one succeeds again (`false`), as the SQLite store does.
   */
  onDiskFull?: (full: boolean) => void;
  /** connections for reads outside a transaction (default 4); writes have one of their own */
  readers?: number;
}

/** SQLSTATEs of a server that went away or cannot take writes now (failover, shutdown, a standby). */
const UNAVAILABLE_STATES = new Set([
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up, shutting down)
  "25006", // read_only_sql_transaction: connected to a standby (the primary changed)
  "25P03", // idle_in_transaction_session_timeout: this process paused inside a transaction
  "55P03", // lock_not_available: lock_timeout on a lease call
  "53300", // too_many_connections
]);

/** The driver's and the socket's codes of a connection that failed or was lost. */
const CONNECTION_CODES = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EPIPE",
]);

/**
 * @param error what a query threw
 * @returns whether the database is unreachable or its connection was lost (the next query may work)
 */
export function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return false;
  return CONNECTION_CODES.has(code) || UNAVAILABLE_STATES.has(code) || code.startsWith("08");
}

/**
 * @param error what a query threw
 * @returns it as STORE_UNAVAILABLE when the database could not be reached, else as it is
 */
function unavailable(error: unknown): unknown {
  if (!isUnavailable(error)) return error;
  return new HotlineError(
    "STORE_UNAVAILABLE",
    `Cannot reach the station's database: ${(error as Error).message} (nothing was stored; it goes on once the database is back)`,
    { cause: error },
  );
}

/** Options every connection of the store opens with. */
export function connectionOptions(max: number): postgres.Options<Record<string, postgres.PostgresType>> {
  return {
    max,
    // int8 (counts, seqs, arrival numbers) as numbers, as SQLite gives them: all far below 2^53.
    types: { int8: { from: [20], parse: (raw: string) => Number(raw) } },
    onnotice: false,
    connect_timeout: CONNECT_TIMEOUT_S,
    connection: {
      application_name: "hotline",
      idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
    },
  };
}

/**
 * Opens the PostgreSQL store at a URL (any URL postgres.js takes, multi-host with
 * `target_session_attrs=read-write` included; a `search_path` parameter keeps the store in that
 * schema, created if need be), applying every migration.
 *
 * A pool of reader connections for reads outside a transaction (they see committed data only) and
 * one writer connection on which every write and every transaction runs, one at a time (an async
 * mutex), each in a transaction of its own. Both reconnect by themselves when the database comes
 * back; meanwhile calls fail with STORE_UNAVAILABLE.
 *
 * @param url the database's URL, kept as given
 * @param options `onDiskFull`, `readers`
 * @returns the store
 * @throws HotlineError STORE_UNAVAILABLE when the database cannot be reached
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const writer = postgres(url, connectionOptions(1));
  const reader = postgres(url, connectionOptions(options.readers ?? 4));
  try {
    await migratePostgres(writer);
  } catch (error) {
    await Promise.allSettled([writer.end({ timeout: 1 }), reader.end({ timeout: 1 })]);
    throw unavailable(error);
  }
  return postgresStore(writer, reader, options.onDiskFull);
}

/** Runs a call on the tables: a read on the pool, or a write in a transaction of its own. */
type Runner = TablesRunner<AsyncTables>;

/** The database's clock in milliseconds since 1970, and as ISO text (UTC). */
const NOW_MS = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint";
const NOW_ISO = `to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

function postgresStore(
  writer: postgres.Sql,
  reader: postgres.Sql,
  onDiskFull: ((full: boolean) => void) | undefined,
): Store {
  const readerTables = new PgTables(reader);
  const mutex = new Mutex();
  /** the transaction whose function is running in this async context, if any */
  const inside = new TransactionGuard();
  let closed = false;
  let full = false;
  /** the lease epoch every write is fenced by, null when not fenced (see LeaseStore.fence) */
  let fenceEpoch: number | null = null;

  /** A write went through: if the disk was full, it has room again. */
  const wrote = <R>(result: R): R => {
    if (full) {
      full = false;
      onDiskFull?.(false);
    }
    return result;
  };
  /** A write failed: a full disk becomes DISK_FULL, a lost database STORE_UNAVAILABLE. */
  const failed = (error: unknown): never => {
    if ((error as { code?: unknown } | null)?.code !== "53100") throw unavailable(error);
    if (!full) {
      full = true;
      onDiskFull?.(true);
    }
    throw new HotlineError(
      "DISK_FULL",
      "Cannot write to the station's database: its disk is full (nothing was stored; free space and the station goes on)",
      { cause: error },
    );
  };
  /**
   * Inside a write's transaction, before it writes: asks for the lease row, and returns what throws
   * FENCED when the lease had moved to another epoch. FOR SHARE holds the lease row until this
   * transaction ends, so a takeover (which updates the row) waits for the writes in flight, and
   * every write after it sees the new epoch. The question is sent at once and its answer awaited
   * only before the commit (the transaction's statements follow it on the connection, in order):
   * a fenced write costs no round trip more than an unfenced one, and one that was fenced commits
   * nothing.
   */
  const askFence = (tx: postgres.TransactionSql): (() => Promise<void>) => {
    const epoch = fenceEpoch;
    if (epoch === null) return () => Promise.resolve();
    const asked = tx<{ epoch: number }[]>`SELECT epoch FROM lease WHERE id = 1 FOR SHARE`.execute();
    asked.catch(() => {}); // answered below, or the transaction failed before it was
    return async () => {
      const [row] = await asked;
      if (row?.epoch !== epoch) {
        throw new HotlineError(
          "FENCED",
          `Cannot write: this process's lease (epoch ${epoch}) was taken by another (epoch ${row?.epoch ?? "none"}); it is no longer the active one`,
        );
      }
    };
  };
  const guard = (what: string): void => inside.check(what);
  const closedError = (): HotlineError => new HotlineError("INTERNAL", "Cannot use the store: it was closed");

  const read: Runner = (fn) =>
    counted(async () => {
      if (closed) throw closedError();
      try {
        return await fn(readerTables);
      } catch (error) {
        throw unavailable(error);
      }
    });
  const write: Runner = (fn, options) => {
    guard("write");
    return counted(() =>
      mutex.run(async () => {
        if (closed) throw closedError();
        try {
          const result = await writer.begin(async (tx) => {
            // Committed without waiting for the disk: a crash of the server may lose it, never a
            // later durable commit's data (see AuditStore.addAudit, PeerStore.contactSucceeded).
            // (sent without waiting for its answer: the statements after it see it; a failure fails them)
            if (options?.durable === false) tx`SET LOCAL synchronous_commit = off`.execute().catch(() => {});
            const fenced = askFence(tx);
            let result: Awaited<ReturnType<typeof fn>>;
            try {
              result = await fn(new PgTables(tx));
            } finally {
              await fenced(); // FENCED said first: what failed after it was refused by the lease
            }
            return result;
          });
          return wrote(result as Awaited<ReturnType<typeof fn>>);
        } catch (error) {
          return failed(error);
        }
      }),
    );
  };

  /** Runs a lease call in a transaction of its own, waiting a bounded time for the lease row. */
  const leaseCall = <R>(fn: (tx: postgres.TransactionSql) => Promise<R>): Promise<R> =>
    counted(() =>
      mutex.run(async () => {
        if (closed) throw closedError();
        try {
          return await writer.begin(async (tx) => {
            await tx.unsafe(`SET LOCAL lock_timeout = ${LEASE_LOCK_TIMEOUT_MS}`);
            return await fn(tx);
          });
        } catch (error) {
          throw unavailable(error);
        }
      }),
    );

  return {
    ...tablesView(read, write, ENTRIES_PAGE),
    transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
      guard("start a transaction");
      return counted(() =>
        mutex.run(async () => {
          if (closed) throw closedError();
          const state = { open: true };
          /** a statement of the transaction that failed: PostgreSQL then commits none of it */
          let broken: unknown;
          const started = performance.now();
          try {
            const result = await writer.begin(async (tx) => {
              const fenced = askFence(tx);
              const tables = new PgTables(tx);
              const run: Runner = async (call) => {
                if (!state.open) {
                  throw new HotlineError("INTERNAL", "Cannot use a transaction after it ended");
                }
                try {
                  return await call(tables);
                } catch (error) {
                  // (a HotlineError of the tables' own is thrown before any statement fails)
                  if (!(error instanceof HotlineError)) broken ??= error;
                  throw error;
                }
              };
              let result: T;
              try {
                result = await inside.run(state, () => fn(tablesView(run, run, ENTRIES_PAGE)));
              } finally {
                state.open = false;
                await fenced(); // FENCED said first: what failed after it was refused by the lease
              }
              // SQLite keeps the statements before one that failed when fn goes on; PostgreSQL keeps
              // none of a transaction with a failed statement. Said aloud as a HotlineError (the
              // driver's own refusal would name only the statement's error), so the caller knows
              // that nothing of it was kept.
              if (broken !== undefined) {
                const error = unavailable(broken);
                if (error instanceof HotlineError) throw error;
                throw new HotlineError(
                  "INTERNAL",
                  `Cannot commit the transaction: a statement in it failed (${(broken as Error).message}); nothing of it was kept`,
                  { cause: broken },
                );
              }
              return result;
            });
            return wrote(result as T);
          } catch (error) {
            state.open = false;
            if (error instanceof HotlineError) throw error;
            return failed(error);
          } finally {
            const ms = performance.now() - started;
            if (ms > SLOW_TRANSACTION_MS) {
              process.emitWarning(`A store transaction held the write lock for ${Math.round(ms)} ms`, {
                code: "HOTLINE_SLOW_TRANSACTION",
              });
            }
          }
        }),
      );
    },
    // The lease on PostgreSQL: the database's clock decides expiry, so hosts whose clocks differ
    // agree. One statement takes it, so two takers at once cannot both win.
    acquireLease: (holder, ttlMs) =>
      leaseCall(async (tx) => {
        const [row] = await tx.unsafe<LeaseRecord[]>(
          `INSERT INTO lease (id, holder, epoch, acquired_at, expires_at)
             VALUES (1, $1, 1, ${NOW_ISO}, ${NOW_MS} + $2::bigint)
           ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, epoch = lease.epoch + 1,
             acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
             WHERE lease.expires_at <= ${NOW_MS}
           RETURNING holder, epoch, acquired_at, expires_at`,
          [holder, Math.round(ttlMs)],
          { prepare: true },
        );
        return leaseRowOf(row);
      }),
    renewLease: (epoch, ttlMs) =>
      leaseCall(async (tx) => {
        const [row] = await tx.unsafe<LeaseRecord[]>(
          `UPDATE lease SET expires_at = ${NOW_MS} + $1::bigint WHERE id = 1 AND epoch = $2
           RETURNING holder, epoch, acquired_at, expires_at`,
          [Math.round(ttlMs), epoch],
          { prepare: true },
        );
        return leaseRowOf(row);
      }),
    releaseLease: (epoch) =>
      leaseCall(async (tx) => {
        await tx`UPDATE lease SET expires_at = 0 WHERE id = 1 AND epoch = ${epoch}`;
      }),
    lease: async () => {
      if (closed) throw closedError();
      try {
        const [row] = await reader<
          LeaseRecord[]
        >`SELECT holder, epoch, acquired_at, expires_at FROM lease WHERE id = 1`;
        return leaseRowOf(row);
      } catch (error) {
        throw unavailable(error);
      }
    },
    fence(epoch) {
      fenceEpoch = epoch;
    },
    backupTo: (path) => backupTo(reader, path),
    async close(): Promise<void> {
      if (closed) return;
      await mutex.run(async () => {
        closed = true;
        await Promise.allSettled([writer.end({ timeout: 5 }), reader.end({ timeout: 5 })]);
      });
    },
  };
}

/**
 * Writes a consistent copy of the PostgreSQL store as a new SQLite store file (0600): every table
 * read in one REPEATABLE READ snapshot, so the copy holds each transaction wholly or not at all
 * while writes go on. `hotline backup` of a station on PostgreSQL is this; the file opens as any
 * SQLite store does (and restores as one).
 *
 * @param reader the reader pool
 * @param path the new file
 * @returns its size in bytes
 */
async function backupTo(reader: postgres.Sql, path: string): Promise<number> {
  createBackupFile(path);
  let db: Database.Database | undefined;
  try {
    db = new Database(path);
    db.pragma("journal_mode = DELETE");
    migrate(db);
    const target = db;
    await reader.begin("isolation level repeatable read read only", (tx) => copyPostgresToSqlite(tx, target));
    db.close();
    db = undefined;
    return statSync(path).size;
  } catch (cause) {
    db?.close();
    rmSync(path, { force: true });
    const error = unavailable(cause);
    if (error instanceof HotlineError) throw error;
    throw new HotlineError(
      "INTERNAL",
      `Cannot back up the database to ${path}: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
}
