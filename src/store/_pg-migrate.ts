import type postgres from "postgres";
import { HotlineError } from "../record/mod.js";
import { PG_MIGRATIONS } from "./pg-migrations/mod.js";

/**
 * The advisory lock every hotline process takes before migrating a PostgreSQL database: two
 * processes starting together (an active and a standby) do not both migrate. One number for every
 * schema of the database: migrating is rare and quick.
 */
const MIGRATION_LOCK = 0x686f746c; // "hotl"

/**
 * Brings a PostgreSQL database to the newest schema in one transaction, under an advisory lock,
 * tracked in the table `hotline_migrations` (one row per migration applied). When the connection's
 * `search_path` names a schema (`?search_path=` on the URL), that schema is created first if need be.
 *
 * @param sql a connection to the database
 * @returns the schema version now in force
 * @throws HotlineError BAD_INPUT when the database's schema is newer than this hotline knows
 */
export async function migratePostgres(sql: postgres.Sql): Promise<number> {
  const schema = sql.options.connection.search_path;
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`;
    if (typeof schema === "string" && /^[a-z_][a-z0-9_]*$/.test(schema)) {
      await tx.unsafe(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    }
    await tx.unsafe(
      `CREATE TABLE IF NOT EXISTS hotline_migrations (
         version     integer PRIMARY KEY,
         name        text NOT NULL,
         applied_at  timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const [row] = await tx<
      { version: number | null }[]
    >`SELECT max(version) AS version FROM hotline_migrations`;
    const current = row?.version ?? 0;
    if (current > PG_MIGRATIONS.length) {
      throw new HotlineError(
        "BAD_INPUT",
        `Cannot open the database: its schema version ${current} is newer than this hotline knows (${PG_MIGRATIONS.length}); upgrade hotline`,
      );
    }
    for (let version = current + 1; version <= PG_MIGRATIONS.length; version++) {
      const migration = PG_MIGRATIONS[version - 1];
      if (migration === undefined) break;
      await tx.unsafe(migration.sql);
      await tx`INSERT INTO hotline_migrations (version, name) VALUES (${version}, ${migration.name})`;
    }
  });
  return PG_MIGRATIONS.length;
}
