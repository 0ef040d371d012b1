import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { HotlineError } from "../record/mod.js";
import { chainAuthor, TestChains } from "./_test-chains.js";
import { openSqliteStore } from "./sqlite.js";
import type { Store } from "./store.js";

const T0 = "2026-11-23T05:00:00.000Z";

describe("SQLite store: backupTo (the online backup of a running station)", () => {
  const dirs: string[] = [];
  const stores: Store[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  async function opened(path: string): Promise<Store> {
    const store = await openSqliteStore(path);
    stores.push(store);
    return store;
  }
  function newDir(): string {
    const dir = mkdtempSync(join(tmpdir(), "hotline-backup-"));
    dirs.push(dir);
    return dir;
  }

  it("the copy is 0600, opens as a store, and holds each batch written meanwhile wholly or not at all", async () => {
    const dir = newDir();
    const store = await opened(join(dir, "hotline.db"));
    const moscow = chainAuthor("Moscow");
    const chains = new TestChains();
    const genesis = chains.genesis(moscow);
    await store.appendEntries([genesis], T0);
    const batches = Array.from({ length: 40 }, (_, b) =>
      Array.from({ length: 5 }, (_, i) => chains.say(moscow, `batch ${b} entry ${i}`)),
    );
    // Batches are written while the backup runs: it sees each wholly or not at all.
    const writing = (async () => {
      for (const batch of batches) await store.appendEntries(batch, T0);
    })();
    const bytes = await store.backupTo(join(dir, "copy.db"));
    await writing;

    expect(statSync(join(dir, "copy.db")).mode & 0o777).toBe(0o600);
    expect(bytes).toBe(statSync(join(dir, "copy.db")).size);
    const copy = await opened(join(dir, "copy.db"));
    const held = await copy.entries(genesis.hash);
    expect((held.length - 1) % 5).toBe(0);
    expect(held.map((e) => e.hash)).toEqual(
      [genesis, ...batches.flat()].slice(0, held.length).map((e) => e.hash),
    );
  });

  it("refuses a file that exists with FILE_EXISTS and leaves it as it was", async () => {
    const dir = newDir();
    const store = await opened(join(dir, "hotline.db"));
    writeFileSync(join(dir, "taken"), "mine");
    const error = await store.backupTo(join(dir, "taken")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HotlineError);
    expect((error as HotlineError).code).toBe("FILE_EXISTS");
    expect(statSync(join(dir, "taken")).size).toBe(4);
  });
});
