import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { isAbsolute } from "node:path";
import { HotlineError } from "../../record/mod.js";
import { openPostgresStore, openSqliteStore, type Store } from "../../store/mod.js";
import type { StationPaths } from "./config.js";

/** Where a station's record lives. */
export type StoreLocation = { engine: "sqlite"; path: string } | { engine: "postgres"; url: string };

/**
 * Reads a store URL as given to `init --store` or kept in `store.url`.
 *
 * @param url `sqlite:/absolute/path.db`, or `postgres://…` / `postgresql://…`
 * @returns where it points
 * @throws HotlineError BAD_INPUT for anything else
 */
export function parseStoreUrl(url: string): StoreLocation {
  const text = url.trim();
  if (/^postgres(ql)?:\/\//.test(text)) return { engine: "postgres", url: text };
  if (text.startsWith("sqlite:")) {
    const path = text.slice("sqlite:".length);
    if (isAbsolute(path)) return { engine: "sqlite", path };
  }
  throw new HotlineError(
    "BAD_INPUT",
    "Cannot use the store URL: give postgres://USER@HOST:PORT/DATABASE or sqlite:/absolute/path.db",
  );
}

/**
 * @param paths the station's files
 * @returns where its record lives: `store.url` in the data directory when there is one, else the
 *   SQLite file `hotline.db` beside it
 */
export function storeLocationOf(paths: StationPaths): StoreLocation {
  if (!existsSync(paths.storeUrl)) return { engine: "sqlite", path: paths.database };
  return parseStoreUrl(readFileSync(paths.storeUrl, "utf8"));
}

/**
 * Records where the station's record lives (0600: a URL may hold a password).
 *
 * @param paths the station's files
 * @param url the store URL (see {@link parseStoreUrl})
 */
export function saveStoreUrl(paths: StationPaths, url: string): void {
  parseStoreUrl(url);
  writeFileSync(paths.storeUrl, `${url.trim()}\n`, { mode: 0o600, flag: "wx" });
  chmodSync(paths.storeUrl, 0o600);
}

/**
 * A URL with its password masked, for logs and status.
 *
 * @param location where the record lives
 * @returns it, printable
 */
export function describeStoreLocation(location: StoreLocation): string {
  if (location.engine === "sqlite") return location.path;
  return location.url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
}

/**
 * Opens the store where a station's record lives.
 *
 * @param location where it lives
 * @param options `onDiskFull`: told when writes start and stop failing for want of space
 * @returns the store
 * @throws HotlineError STORE_UNAVAILABLE when its PostgreSQL database cannot be reached
 */
export async function openStore(
  location: StoreLocation,
  options: { onDiskFull?: (full: boolean) => void } = {},
): Promise<Store> {
  if (location.engine === "sqlite") return await openSqliteStore(location.path, options);
  return await openPostgresStore(location.url, options);
}
