import { join } from "node:path";
import { afterAll } from "vitest";
import { startPostgres, type PostgresServer } from "../pglab/mod.js";
import { storeContract } from "./contract.js";
import { CONTRACT_SERVER_ENV, contractDatabase } from "./_pg-contract-db.js";
import { openPostgresStore } from "./postgres.js";

// One throwaway server for the file, started when the first store is opened; each contract
// directory is a database of its own on it, and opening the same directory again reopens it.
let server: Promise<PostgresServer> | undefined;
afterAll(async () => {
  await (await server)?.stop();
});

storeContract(
  "PostgreSQL",
  async (dir) => {
    server ??= startPostgres().then((started) => {
      process.env[CONTRACT_SERVER_ENV] = started.url();
      return started;
    });
    await server;
    return openPostgresStore(await contractDatabase(dir));
  },
  {
    // The crash child runs from the build (npm run build), as SQLite's does; the server's URL
    // reaches it in its environment.
    crashChild: [process.execPath, join(import.meta.dirname, "../../dist/src/store/_pg-crash-child.js")],
  },
);
