import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    pool: "forks",
    // Two files at a time on two cores (vitest's default is cores - 1): most integration tests
    // wait on network round trips and timers, not the CPU, so their waits overlap.
    maxWorkers: 2,
    // Generous: a test waits for events and conditions, never for a time, so a bound only ends a hang,
    // and a machine loaded by other work must not fail a test that would pass.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ["default"],
  },
});
