import type { Database } from "better-sqlite3";
import { HotlineError } from "../record/mod.js";
import { MIGRATIONS } from "./migrations/mod.js";

/**
 * Brings a database to the newest schema, one transaction per migration, tracked in
 * `PRAGMA user_version`.
 *
 * @param db an open database
 * @returns the schema version now in force
 */
export function migrate(db: Database): number {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new HotlineError(
      "BAD_INPUT",
      `Cannot open the database: its schema version ${current} is newer than this hotline knows (${MIGRATIONS.length}); upgrade hotline`,
    );
  }
  for (let version = current + 1; version <= MIGRATIONS.length; version++) {
    const migration = MIGRATIONS[version - 1];
    if (migration === undefined) break;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${version}`);
    })();
  }
  return MIGRATIONS.length;
}
