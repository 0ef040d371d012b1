/**
 * The SQLite store's crash child (see crash-child.ts): `node dist/src/store/_sqlite-crash-child.js <dir> <mode>`.
 *
 * @module
 */
import { join } from "node:path";
import { runCrashChild } from "./crash-child.js";
import { openSqliteStore } from "./sqlite.js";

await runCrashChild((dir) => openSqliteStore(join(dir, "hotline.db")), process.argv.slice(2));
