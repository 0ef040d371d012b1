import * as m0001 from "./0001-schema.js";

/**
 * The PostgreSQL store's schema migrations, in order; the index + 1 is the version each brings the
 * database to, kept in the table `hotline_migrations`.
 *
 * How they relate to SQLite's (src/store/migrations/): 0001 is the whole schema as of SQLite's
 * 0018, where both engines began as one. From there a change to the schema is a migration on each
 * engine: the next free number here, named with the same suffix as its SQLite twin (SQLite
 * "0019-x" -> PostgreSQL "0002-x") and saying which one it matches in its doc comment. The
 * numbers differ by 17 for as long as every change is made on both.
 */
export const PG_MIGRATIONS: readonly { name: string; sql: string }[] = [
  { name: "0001-schema", sql: m0001.sql },
];
