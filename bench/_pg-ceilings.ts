/**
 * The storage ceilings on PostgreSQL, as `_ceilings.ts` has them on SQLite: bare durable inserts of
 * an entry's bytes into a fresh table (fsync on, `synchronous_commit=on`), through postgres.js on
 * one connection over loopback TCP, as the store talks to its database.
 */
import postgres from "postgres";
import { opsPerSecondAsync } from "./_measure.js";

/**
 * @param url a database to make a scratch table in (dropped afterwards)
 * @param rowBytes size of the bytes each row holds
 * @param ops measured inserts
 * @returns one-row inserts per second, each its own transaction
 */
export async function pgDurableInsertRate(url: string, rowBytes: number, ops: number): Promise<number> {
  return await withTable(url, async (sql) => {
    const row = Buffer.alloc(rowBytes, 0x61);
    return await opsPerSecondAsync(
      ops,
      async () => {
        await sql`INSERT INTO ceiling (bytes) VALUES (${row})`;
      },
      20,
    );
  });
}

/**
 * @param url a database to make a scratch table in (dropped afterwards)
 * @param rowBytes size of the bytes each row holds
 * @param batches measured transactions
 * @param perBatch rows in each, one multi-row INSERT (the fewest round trips a batch can take)
 * @returns rows inserted per second
 */
export async function pgDurableBatchInsertRate(
  url: string,
  rowBytes: number,
  batches: number,
  perBatch: number,
): Promise<number> {
  return await withTable(url, async (sql) => {
    const rows = Array.from({ length: perBatch }, () => ({ bytes: Buffer.alloc(rowBytes, 0x61) }));
    const rate = await opsPerSecondAsync(
      batches,
      async () => {
        await sql`INSERT INTO ceiling ${sql(rows, "bytes")}`;
      },
      2,
    );
    return rate * perBatch;
  });
}

async function withTable<T>(url: string, measure: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`DROP TABLE IF EXISTS ceiling`;
    await sql`CREATE TABLE ceiling (n bigserial PRIMARY KEY, bytes bytea NOT NULL)`;
    try {
      return await measure(sql);
    } finally {
      await sql`DROP TABLE ceiling`;
    }
  } finally {
    await sql.end();
  }
}
