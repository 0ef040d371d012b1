import { existsSync, renameSync } from "node:fs";
import { HotlineError } from "../../record/mod.js";
import { importSqliteIntoPostgres } from "../../store/mod.js";
import { readConfig, stationPaths } from "./config.js";
import { Station } from "./station.js";
import {
  describeStoreLocation,
  parseStoreUrl,
  saveStoreUrl,
  storeLocationOf,
  type StoreLocation,
} from "./store-location.js";

/** What {@link migrateStore} did. */
export interface MigrateStoreResult {
  /** where the record lives now (password masked) */
  store: string;
  /** rows copied, by table */
  tables: Record<string, number>;
  /** entries verified, before and after */
  entries: number;
  /** the SQLite file, kept under its new name */
  kept: string;
}

/**
 * Moves a stopped station's record from its SQLite file into an empty PostgreSQL database:
 * `verify` first (a damaged record is refused), every table copied in one PostgreSQL transaction
 * with the rows counted on both sides, `verify` again on PostgreSQL, and only then `store.url`
 * written; the SQLite file is kept as `hotline.db.migrated`. Until store.url is written the
 * station is as it was: a failure anywhere before leaves it on SQLite.
 *
 * @param options the data directory, and the database's URL
 * @returns what was copied and verified
 * @throws HotlineError BAD_INPUT (not a PostgreSQL URL, or already there), STORE_DAMAGED (verify
 *   failed), STORE_UNAVAILABLE (unreachable), STATION_EXISTS (the database is not empty)
 */
export async function migrateStore(options: {
  dir?: string | undefined;
  to: string;
}): Promise<MigrateStoreResult> {
  const paths = stationPaths(options.dir);
  readConfig(paths); // a station must be there
  const target = parseStoreUrl(options.to);
  if (target.engine !== "postgres") {
    throw new HotlineError("BAD_INPUT", "Cannot migrate the store: give a postgres:// URL to migrate to");
  }
  const current = storeLocationOf(paths);
  if (current.engine !== "sqlite" || existsSync(paths.storeUrl)) {
    throw new HotlineError(
      "BAD_INPUT",
      `Cannot migrate the store: the record is not in this directory's SQLite file (it is in ${describeStoreLocation(current)})`,
    );
  }
  const before = await verified(paths.dir, undefined, "before copying: the SQLite record");
  const tables = await importSqliteIntoPostgres(current.path, target.url);
  const after = await verified(paths.dir, target, "after copying: the PostgreSQL copy");
  if (after !== before) {
    throw new HotlineError(
      "STORE_DAMAGED",
      `Cannot migrate the store: ${before} entries verified in SQLite but ${after} in PostgreSQL; the station stays on SQLite`,
    );
  }
  saveStoreUrl(paths, options.to);
  const kept = `${current.path}.migrated`;
  renameSync(current.path, kept);
  // (a clean close leaves no WAL; any left would belong to the file renamed)
  for (const suffix of ["-wal", "-shm"]) {
    if (existsSync(current.path + suffix)) renameSync(current.path + suffix, kept + suffix);
  }
  return { store: describeStoreLocation(target), tables, entries: after, kept };
}

/**
 * @returns the entries verified
 * @throws HotlineError STORE_DAMAGED when the record is not intact
 */
async function verified(dir: string, location: StoreLocation | undefined, what: string): Promise<number> {
  const station = await Station.open({ dir, location });
  try {
    const report = await station.verify();
    if (!report.ok) {
      const first = report.problems[0];
      throw new HotlineError(
        "STORE_DAMAGED",
        `Cannot migrate the store: ${what} is not intact (${report.problems.length} problem(s), first: ${first?.code ?? "?"} ${first?.detail ?? ""}); run 'hotline verify'. The station stays on SQLite.`,
      );
    }
    return report.entries;
  } finally {
    await station.close();
  }
}
