/**
 * The PostgreSQL store's crash child (see crash-child.ts): `node dist/src/store/_pg-crash-child.js
 * <dir> <mode>`, with the server in HOTLINE_PG_CONTRACT_SERVER.
 *
 * @module
 */
import { runCrashChild } from "./crash-child.js";
import { contractDatabase } from "./_pg-contract-db.js";
import { openPostgresStore } from "./postgres.js";

await runCrashChild(async (dir) => openPostgresStore(await contractDatabase(dir)), process.argv.slice(2));
