/**
 * The suite on PostgreSQL (`HOTLINE_TEST_STORE=postgres npx vitest run …`): one throwaway server
 * for the whole run, its URL handed to the test processes in HOTLINE_TEST_DATABASE_URL. Tuned for
 * a test run, not for keeping data: nothing here outlives the run.
 *
 * @module
 */
import { startPostgres } from "../../src/pglab/mod.js";

/** @returns the teardown: the server stopped and its directory removed */
export default async function setup(): Promise<() => Promise<void>> {
  const server = await startPostgres({
    settings: ["max_connections=500", "fsync=off", "synchronous_commit=off", "full_page_writes=off"],
  });
  process.env.HOTLINE_TEST_DATABASE_URL = server.url();
  return async () => {
    await server.stop();
  };
}
