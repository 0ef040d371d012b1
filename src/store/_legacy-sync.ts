import Database from "better-sqlite3";
import { HotlineError } from "../record/mod.js";
import { migrate } from "./migrate.js";
import { SqliteTables, type SyncTables } from "./_sqlite-tables.js";
import type { StoredEntry } from "./store.js";

/**
 * The synchronous store the station used before the async one: kept only until every caller
 * awaits the async {@link Store}; then this file goes.
 *
 * @deprecated use the async store (openSqliteStore in sqlite.ts)
 */
export type SyncStore = SyncTables & {
  withWriteLock<T>(fn: () => T): T;
  allEntries(): IterableIterator<StoredEntry>;
  close(): void;
};

/** @deprecated see {@link SyncStore} */
export function openSqliteSyncStore(path: string, options: { readonly?: boolean } = {}): SyncStore {
  let db: Database.Database;
  try {
    db = new Database(path, {
      readonly: options.readonly ?? false,
      fileMustExist: options.readonly ?? false,
    });
  } catch (cause) {
    throw new HotlineError("NO_STATION", `Cannot open the database ${path}: ${(cause as Error).message}`, {
      cause,
    });
  }
  db.pragma("busy_timeout = 5000");
  if (!options.readonly) {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.pragma("foreign_keys = ON");
    migrate(db);
  }
  const tables = new SqliteTables(db);
  return Object.assign(tables, {
    withWriteLock: <T>(fn: () => T): T => db.transaction(fn).immediate(),
    *allEntries(): IterableIterator<StoredEntry> {
      for (let after = 0; ;) {
        const page = tables.entriesPage(after, 1000);
        yield* page;
        const last = page[page.length - 1];
        if (last === undefined) return;
        after = last.n;
      }
    },
    close: (): void => {
      if (db.open) db.close();
    },
  });
}
