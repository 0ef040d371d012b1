import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { startPostgres } from "./mod.js";

describe("a throwaway PostgreSQL server", () => {
  it("starts in its own directory, takes a database and a commit, and is gone after stop", async () => {
    const server = await startPostgres();
    try {
      const url = await server.createDatabase("station_a");
      const sql = postgres(url, { onnotice: () => {} });
      try {
        await sql`CREATE TABLE t (n bigint PRIMARY KEY, b bytea NOT NULL)`;
        await sql`INSERT INTO t VALUES (${1}, ${Buffer.from("hello")})`;
        const rows = await sql<{ n: string; b: Buffer }[]>`SELECT n, b FROM t`;
        expect(rows.map((r) => [String(r.n), r.b.toString()])).toEqual([["1", "hello"]]);
        const [settings] = await sql<{ fsync: string }[]>`SELECT current_setting('fsync') AS fsync`;
        expect(settings?.fsync).toBe("on");
      } finally {
        await sql.end();
      }
    } finally {
      await server.stop();
    }
    const { existsSync } = await import("node:fs");
    expect(existsSync(server.dir)).toBe(false);
  });
});
