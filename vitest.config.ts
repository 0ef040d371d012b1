import { defineConfig } from "vitest/config";

/**
 * `HOTLINE_TEST_STORE=postgres`: every station the tests make keeps its record in PostgreSQL (one
 * throwaway server for the run, a schema per station); see test/helpers/pg-stations.ts.
 */
const onPostgres = process.env.HOTLINE_TEST_STORE === "postgres";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    pool: "forks",
    // Three files at a time on two cores (vitest's default is cores - 1): most integration tests
    // wait on network round trips, timers, spawned processes and PostgreSQL, not this CPU, so their
    // waits overlap (measured on two cores: the suite used 1.45 cores on average with three).
    maxWorkers: 3,
    // Generous: a test waits for events and conditions, never for a time, so a bound only ends a hang,
    // and a machine loaded by other work must not fail a test that would pass.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ["default"],
    // The store's check that no call is made from inside a transaction's own function instead of
    // its tx (off in production: src/store/tx-guard.ts); spawned stations inherit it.
    env: { HOTLINE_STORE_GUARD: "1" },
    globalSetup: onPostgres ? ["test/helpers/pg-global-setup.ts"] : [],
    setupFiles: onPostgres ? ["test/helpers/pg-stations.ts"] : [],
  },
});
