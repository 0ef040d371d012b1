import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { startReplicatedPostgres } from "./mod.js";

/** The errors postgres.js 4.2 gives while no server on the URL takes writes. */
const UNAVAILABLE = ["ECONNREFUSED", "CONNECTION_CLOSED", "CONNECTION_DESTROYED"];

/**
 * Retries an insert until it is acknowledged, as a store would: the errors in between are kept.
 *
 * @returns the codes of the errors seen before the insert went through
 */
async function insertUntilAcknowledged(sql: postgres.Sql, n: number): Promise<string[]> {
  const codes: string[] = [];
  for (let attempt = 0; attempt < 500; attempt++) {
    try {
      await sql`INSERT INTO t VALUES (${n})`;
      return codes;
    } catch (error) {
      codes.push(String((error as { code?: unknown }).code));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  throw new Error(`insert ${n} never acknowledged; errors: ${[...new Set(codes)].join(", ")}`);
}

describe("a replicated PostgreSQL pair", () => {
  it("keeps every acknowledged commit through the primary's loss, and the same client writes again once the standby is promoted", async () => {
    const pair = await startReplicatedPostgres();
    try {
      const url = await pair.createDatabase("station_a");
      expect(url).toBe(
        `postgres://${pair.user}@127.0.0.1:${pair.primaryPort},127.0.0.1:${pair.standbyPort}/station_a?target_session_attrs=primary`,
      );
      const sql = postgres(url, { onnotice: () => {}, backoff: () => 0.05 });
      try {
        await sql`CREATE TABLE t (n bigint PRIMARY KEY)`;
        for (let n = 1; n <= 200; n++) await sql`INSERT INTO t VALUES (${n})`;
        const [where] = await sql<{ port: number }[]>`SELECT current_setting('port')::int AS port`;
        expect(where?.port).toBe(pair.primaryPort);

        // A transaction open on the primary when it dies: the client hears the connection close.
        const open = sql.begin(async (tx) => {
          await tx`INSERT INTO t VALUES (${-1})`;
          await tx`SELECT pg_sleep(5)`;
        });
        const openOutcome = open.then(
          () => "committed",
          (error: { code?: string }) => error.code,
        );
        await pair.killPrimary();
        expect(await openOutcome).toBe("CONNECTION_CLOSED");

        // Before the promotion: the standby is up but in recovery, so nothing on the URL takes writes.
        const refused = await sql`INSERT INTO t VALUES (${201})`.then(
          () => "acknowledged",
          (error: { code?: string }) => error.code ?? "no code",
        );
        expect(UNAVAILABLE).toContain(refused);

        await pair.promoteStandby();
        const between = await insertUntilAcknowledged(sql, 201);
        expect(between.every((code) => UNAVAILABLE.includes(code))).toBe(true);
        const [now] = await sql<{ port: number }[]>`SELECT current_setting('port')::int AS port`;
        expect(now?.port).toBe(pair.standbyPort);
      } finally {
        await sql.end({ timeout: 1 });
      }

      // Every acknowledged row, none of the transaction that never committed.
      const promoted = postgres(pair.standbyUrl("station_a"), { onnotice: () => {} });
      try {
        const rows = await promoted<{ n: string }[]>`SELECT n FROM t ORDER BY n`;
        expect(rows.map((r) => Number(r.n))).toEqual(Array.from({ length: 201 }, (_, i) => i + 1));
      } finally {
        await promoted.end();
      }
    } finally {
      await pair.stop();
    }
    const { existsSync } = await import("node:fs");
    expect(existsSync(pair.dir)).toBe(false);
  }, 60_000);

  it("acknowledges a commit only once the standby has it (synchronous replication)", async () => {
    const pair = await startReplicatedPostgres();
    try {
      const sql = postgres(pair.url(), { onnotice: () => {}, max: 1 });
      try {
        const [settings] = await sql<{ names: string; commit: string; states: string[] }[]>`
          SELECT current_setting('synchronous_standby_names') AS names,
                 current_setting('synchronous_commit') AS commit,
                 array(SELECT sync_state FROM pg_stat_replication) AS states`;
        expect(settings).toEqual({ names: "hotline_standby", commit: "on", states: ["sync"] });
      } finally {
        await sql.end();
      }
    } finally {
      await pair.stop();
    }
  }, 60_000);
});
