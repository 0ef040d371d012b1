import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freePort, startPostgres, type PostgresServer } from "../pglab/mod.js";
import { checkRecord } from "../record/mod.js";
import { chainAuthor, TestChains } from "./_test-chains.js";
import { openPostgresStore } from "./postgres.js";
import { openSqliteStore } from "./sqlite.js";
import type { Store, StoredEntry } from "./store.js";

const T0 = "2026-11-23T05:00:00.000Z";

async function collect(entries: AsyncIterable<StoredEntry>): Promise<StoredEntry[]> {
  const out: StoredEntry[] = [];
  for await (const e of entries) out.push(e);
  return out;
}

describe("the PostgreSQL store beyond the contract", () => {
  let server: PostgresServer;
  let databases = 0;
  const stores: Store[] = [];
  const dirs: string[] = [];
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server.stop();
  });
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  async function opened(url: string): Promise<Store> {
    const store = await openPostgresStore(url);
    stores.push(store);
    return store;
  }
  const newDatabase = (): Promise<string> => server.createDatabase(`t${++databases}`);

  it("backupTo writes a 0600 SQLite store from one snapshot, holding each batch written meanwhile wholly or not at all", async () => {
    const store = await opened(await newDatabase());
    const moscow = chainAuthor("Moscow");
    const chains = new TestChains();
    await store.appendEntries([chains.genesis(moscow)], T0);
    await store.addOperator({
      name: "alice",
      role: "admin",
      passwordHash: "h",
      disabled: false,
      createdAt: T0,
    });
    const batches = Array.from({ length: 30 }, (_, b) =>
      Array.from({ length: 5 }, (_, i) => chains.say(moscow, `batch ${b} entry ${i}`)),
    );
    const dir = mkdtempSync(join(tmpdir(), "hotline-pg-backup-"));
    dirs.push(dir);
    const path = join(dir, "copy.db");
    const writing = (async () => {
      for (const batch of batches) await store.appendEntries(batch, T0);
    })();
    const size = await store.backupTo(path);
    await writing;
    expect(size).toBe(statSync(path).size);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await expect(store.backupTo(path)).rejects.toMatchObject({ code: "FILE_EXISTS" });

    const copy = await openSqliteStore(path);
    stores.push(copy);
    const all = await collect(copy.allEntries());
    expect((all.length - 1) % 5).toBe(0);
    expect(checkRecord(all)).toEqual([]);
    expect(await copy.operator("alice")).toMatchObject({ role: "admin" });
    // and what the copy holds is what the store held, byte for byte, in the same order
    const held = await collect(store.allEntries());
    expect(all.map((e) => [e.n, e.hash, e.bytes.toString("base64")])).toEqual(
      held.slice(0, all.length).map((e) => [e.n, e.hash, e.bytes.toString("base64")]),
    );
  });

  it("a transaction whose statement failed, caught inside it, keeps nothing and fails aloud (PostgreSQL commits none of it)", async () => {
    const store = await opened(await newDatabase());
    const moscow = chainAuthor("Moscow");
    const chains = new TestChains();
    const genesis = chains.genesis(moscow);
    await store.appendEntries([genesis], T0);
    const fresh = chains.say(moscow, "fresh");
    await expect(
      store.transaction(async (tx) => {
        await tx.appendEntries([fresh], T0);
        // the genesis again: its seq is held, the INSERT fails, and the function goes on
        await tx.appendEntries([genesis], T0).catch(() => undefined);
        return "done";
      }),
    ).rejects.toThrow(/nothing of it was kept/);
    expect(await store.countEntries()).toBe(1);
    expect(await store.entryByHash(fresh.hash)).toBeNull();
    // and the store goes on
    await store.appendEntries([fresh], T0);
    expect(await store.countEntries()).toBe(2);
  });

  it("two processes opening a new database at once migrate it once", async () => {
    const url = await newDatabase();
    const [a, b] = await Promise.all([opened(url), opened(url)]);
    await a.addHealthChange({
      line: "L",
      peer: "P",
      from: "ok",
      to: "down",
      at: T0,
      lastOkAt: null,
      detail: "",
    });
    expect(await b.healthHistory()).toHaveLength(1);
    const sql = postgres(url, { max: 1, onnotice: false });
    try {
      expect((await sql`SELECT version, name FROM hotline_migrations`).map((r) => ({ ...r }))).toEqual([
        { version: 1, name: "0001-schema" },
      ]);
    } finally {
      await sql.end();
    }
  });

  it("a store kept in a schema of its own (search_path on the URL) is apart from another in the same database", async () => {
    const url = await newDatabase();
    const a = await opened(`${url}?search_path=station_a`);
    const b = await opened(`${url}?search_path=station_b`);
    await a.addOperator({ name: "alice", role: "admin", passwordHash: "h", disabled: false, createdAt: T0 });
    expect(await a.operator("alice")).not.toBeNull();
    expect(await b.operator("alice")).toBeNull();
  });

  it("a multi-host URL with target_session_attrs=read-write finds the server that takes writes", async () => {
    const url = new URL(await newDatabase());
    const gone = await freePort();
    const multi = `postgres://${url.username}@127.0.0.1:${gone},127.0.0.1:${url.port}${url.pathname}?target_session_attrs=read-write`;
    const store = await opened(multi);
    await store.addOperator({
      name: "alice",
      role: "admin",
      passwordHash: "h",
      disabled: false,
      createdAt: T0,
    });
    expect(await store.operator("alice")).toMatchObject({ role: "admin" });
  });

  it("a database that cannot be reached is STORE_UNAVAILABLE", async () => {
    const port = await freePort();
    await expect(openPostgresStore(`postgres://postgres@127.0.0.1:${port}/nothing`)).rejects.toMatchObject({
      code: "STORE_UNAVAILABLE",
    });
  });

  it("when its connections are cut, a write fails STORE_UNAVAILABLE at worst, and the store carries on by itself", async () => {
    const url = await newDatabase();
    const store = await opened(url);
    const moscow = chainAuthor("Moscow");
    const chains = new TestChains();
    await store.appendEntries([chains.genesis(moscow)], T0);
    expect(await store.countEntries()).toBe(1);
    // The server ends every session of the store, as a restart or a failover would.
    const admin = postgres(server.url(), { max: 1, onnotice: false });
    try {
      await admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'hotline'`;
    } finally {
      await admin.end();
    }
    const first = chains.say(moscow, "after the cut");
    try {
      await store.appendEntries([first], T0);
    } catch (error) {
      expect(error).toMatchObject({ code: "STORE_UNAVAILABLE" });
      await store.appendEntries([first], T0);
    }
    await store.appendEntries([chains.say(moscow, "and the next")], T0);
    expect(await store.countEntries()).toBe(3);
    expect(checkRecord(await collect(store.allEntries()))).toEqual([]);
  });
});
