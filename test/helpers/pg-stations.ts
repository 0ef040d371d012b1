/**
 * Under `HOTLINE_TEST_STORE=postgres` (a setup file of every test file, see vitest.config.ts):
 * every station a test makes keeps its record in PostgreSQL, each in a schema of its own on the
 * run's server (`?search_path=` on its URL), whichever way the test makes it (the `hotline()` CLI
 * helper, `initStation` from the station, a helper): `initStation` is wrapped to add `--store`
 * when none is given.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { vi } from "vitest";

vi.mock(import("../../src/station/core/init.js"), async (importOriginal) => {
  const actual = await importOriginal();
  const server = process.env.HOTLINE_TEST_DATABASE_URL;
  if (server === undefined)
    throw new Error("HOTLINE_TEST_STORE=postgres without a server: see test/helpers/pg-global-setup.ts");
  return {
    ...actual,
    initStation: (options) =>
      actual.initStation({
        ...options,
        store: options.store ?? `${server}?search_path=s_${randomBytes(8).toString("hex")}`,
      }),
  };
});
