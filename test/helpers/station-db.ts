/**
 * A station's database read beside it, as an auditor would, on whichever engine holds its record:
 * its SQLite file (read-only), or its PostgreSQL database (`store.url`: under
 * `HOTLINE_TEST_STORE=postgres`, a schema of the run's server). The same SQL runs on both (`?`
 * placeholders; counts come back as numbers on both).
 *
 * @module
 */
import { readFileSync } from "node:fs";
import Database from "better-sqlite3";
import postgres from "postgres";
import { stationPaths, storeLocationOf } from "../../src/station/mod.js";
import { openPostgresStore, openSqliteStore, type Store } from "../../src/store/mod.js";
import { connectionOptions } from "../../src/store/postgres.js";

/** Whether this run keeps every station's record in PostgreSQL (see test/helpers/pg-stations.ts). */
export const ON_POSTGRES = process.env.HOTLINE_TEST_STORE === "postgres";

/**
 * @param dir a station's data directory
 * @param sql one statement, `?` for each parameter
 * @param params its parameters
 * @returns the rows it gives
 */
export function stationRows<T>(dir: string, sql: string, ...params: unknown[]): Promise<T[]> {
  return onStationDb(dir, true, sql, params) as Promise<T[]>;
}

/**
 * Changes a station's database behind its back (damage a test then expects to be found).
 *
 * @param dir a station's data directory
 * @param sql one statement, `?` for each parameter
 * @param params its parameters
 * @returns how many rows it changed
 */
export async function stationChange(dir: string, sql: string, ...params: unknown[]): Promise<number> {
  return (await onStationDb(dir, false, sql, params)) as number;
}

async function onStationDb(
  dir: string,
  read: boolean,
  sql: string,
  params: readonly unknown[],
): Promise<unknown[] | number> {
  const location = storeLocationOf(stationPaths(dir));
  if (location.engine === "sqlite") {
    const db = new Database(location.path, { readonly: read, fileMustExist: true });
    try {
      return read ? db.prepare(sql).all(...params) : db.prepare(sql).run(...params).changes;
    } finally {
      db.close();
    }
  }
  const db = postgres(location.url, connectionOptions(1));
  try {
    let i = 0;
    const text = sql.replace(/\?/g, () => `$${++i}`);
    const rows = await db.unsafe(text, params as postgres.ParameterOrJSON<never>[]);
    return read ? rows.map((r) => ({ ...r })) : rows.count;
  } finally {
    await db.end({ timeout: 5 });
  }
}

/**
 * @param dir a station's data directory
 * @param sql one statement, `?` for each parameter, giving one row of one column
 * @param params its parameters
 * @returns that value
 */
export async function stationValue<T>(dir: string, sql: string, ...params: unknown[]): Promise<T> {
  const [row] = await stationRows<Record<string, T>>(dir, sql, ...params);
  if (row === undefined) throw new Error(`no row: ${sql}`);
  return Object.values(row)[0] as T;
}

/**
 * @param dir a station's data directory
 * @returns everything its database holds, as text to search (a secret must not be in it): the
 *   SQLite file's bytes, or every row of every table of its PostgreSQL schema (bytes as latin1)
 */
export async function stationDump(dir: string): Promise<string> {
  const location = storeLocationOf(stationPaths(dir));
  if (location.engine === "sqlite") return readFileSync(location.path).toString("latin1");
  const tables = await stationRows<{ name: string }>(
    dir,
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()",
  );
  const parts: string[] = [];
  for (const { name } of tables) {
    for (const row of await stationRows<Record<string, unknown>>(dir, `SELECT * FROM "${name}"`)) {
      parts.push(
        JSON.stringify(row, (_key, value: unknown) =>
          typeof value === "object" && value !== null && (value as { type?: unknown }).type === "Buffer"
            ? Buffer.from((value as { data: number[] }).data).toString("latin1")
            : value,
        ),
      );
    }
  }
  if (parts.length === 0) throw new Error(`no rows in the database of ${dir}`);
  return parts.join("\n");
}

/**
 * @param dir a station's data directory
 * @returns its store, opened beside the running station: SQLite's read-only, PostgreSQL's as the
 *   station opens it (the test only reads)
 */
export async function openStationStore(dir: string): Promise<Store> {
  const location = storeLocationOf(stationPaths(dir));
  if (location.engine === "sqlite") return await openSqliteStore(location.path, { readonly: true });
  return await openPostgresStore(location.url, { readers: 1 });
}
