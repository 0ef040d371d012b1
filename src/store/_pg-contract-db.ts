import { createHash } from "node:crypto";
import postgres from "postgres";

/**
 * The environment variable that tells the PostgreSQL contract's processes (the test and its crash
 * child) which server to keep their stores on: a URL of the server's `postgres` database.
 */
export const CONTRACT_SERVER_ENV = "HOTLINE_PG_CONTRACT_SERVER";

/**
 * The contract opens a store "in a directory"; on PostgreSQL that is a database of its own per
 * directory, named after the directory's path, created the first time it is opened.
 *
 * @param dir the contract's directory
 * @returns the URL of its database
 */
export async function contractDatabase(dir: string): Promise<string> {
  const server = process.env[CONTRACT_SERVER_ENV];
  if (server === undefined)
    throw new Error(`Cannot open a contract store: ${CONTRACT_SERVER_ENV} is not set`);
  const name = `c_${createHash("sha256").update(dir).digest("hex").slice(0, 24)}`;
  const admin = postgres(server, { max: 1, onnotice: false });
  try {
    const [found] = await admin`SELECT 1 AS one FROM pg_database WHERE datname = ${name}`;
    if (found === undefined) {
      try {
        await admin.unsafe(`CREATE DATABASE ${name}`);
      } catch (error) {
        // another process of the same test created it meanwhile
        if ((error as { code?: string }).code !== "42P04") throw error;
      }
    }
  } finally {
    await admin.end();
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}
