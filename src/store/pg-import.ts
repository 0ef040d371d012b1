import Database from "better-sqlite3";
import postgres from "postgres";
import { HotlineError } from "../record/mod.js";
import { connectionOptions, isUnavailable } from "./postgres.js";
import { migratePostgres } from "./_pg-migrate.js";
import { copySqliteToPostgres, STORE_TABLES } from "./_store-copy.js";

/**
 * Copies an SQLite store file into an empty PostgreSQL database, every table in one transaction:
 * the rows are counted on both sides before it commits, and any difference rolls it all back. The
 * SQLite file is only read. A database that cannot be reached, or that holds rows already, is
 * refused before anything is written.
 *
 * @param path the SQLite store file (the station stopped)
 * @param url the PostgreSQL database's URL
 * @returns rows copied, by table
 * @throws HotlineError STORE_UNAVAILABLE (unreachable), STATION_EXISTS (not empty), STORE_DAMAGED (counts differ)
 */
export async function importSqliteIntoPostgres(path: string, url: string): Promise<Record<string, number>> {
  let lite: Database.Database;
  try {
    lite = new Database(path, { readonly: true, fileMustExist: true });
  } catch (cause) {
    throw new HotlineError("NO_STATION", `Cannot open the database ${path}: ${(cause as Error).message}`, {
      cause,
    });
  }
  const sql = postgres(url, connectionOptions(1));
  try {
    await migratePostgres(sql);
    return await sql.begin(async (tx) => {
      // Taken first: two migrations into one database at once cannot both find it empty.
      await tx.unsafe(`LOCK TABLE ${STORE_TABLES.map((t) => t.name).join(", ")} IN EXCLUSIVE MODE`);
      for (const table of STORE_TABLES) {
        const [held] = await tx.unsafe<{ n: number }[]>(`SELECT count(*) AS n FROM ${table.name}`);
        if ((held?.n ?? 0) > 0) {
          throw new HotlineError(
            "STATION_EXISTS",
            `Cannot migrate the record into this database: it is not empty (its table ${table.name} holds rows); give an empty database`,
          );
        }
      }
      const copied = await copySqliteToPostgres(lite, tx);
      const counts: Record<string, number> = {};
      for (const table of STORE_TABLES) {
        const source = (lite.prepare(`SELECT count(*) AS n FROM ${table.name}`).get() as { n: number }).n;
        const [target] = await tx.unsafe<{ n: number }[]>(`SELECT count(*) AS n FROM ${table.name}`);
        if (source !== copied.get(table.name) || source !== target?.n) {
          throw new HotlineError(
            "STORE_DAMAGED",
            `Cannot migrate the record: table ${table.name} has ${source} rows in SQLite but ${target?.n ?? 0} were copied (nothing was kept)`,
          );
        }
        counts[table.name] = source;
      }
      return counts;
    });
  } catch (error) {
    if (error instanceof HotlineError) throw error;
    if (isUnavailable(error)) {
      throw new HotlineError("STORE_UNAVAILABLE", `Cannot reach the database: ${(error as Error).message}`, {
        cause: error,
      });
    }
    throw new HotlineError("INTERNAL", `Cannot migrate the record: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    lite.close();
    await sql.end({ timeout: 5 });
  }
}
