import * as m0001 from "./0001-initial.js";

/** Every schema migration, in order; the index + 1 is the schema version it brings the database to. */
export const MIGRATIONS: readonly { name: string; sql: string }[] = [
  { name: "0001-initial", sql: m0001.sql },
];
