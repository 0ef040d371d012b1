import * as m0001 from "./0001-initial.js";
import * as m0002 from "./0002-peers.js";

/** Every schema migration, in order; the index + 1 is the schema version it brings the database to. */
export const MIGRATIONS: readonly { name: string; sql: string }[] = [
  { name: "0001-initial", sql: m0001.sql },
  { name: "0002-peers", sql: m0002.sql },
];
