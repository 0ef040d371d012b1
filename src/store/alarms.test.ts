import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { MIGRATIONS } from "./migrations/mod.js";
import { openSqliteStore } from "./sqlite.js";
import type { Store } from "./store.js";

describe("alarms in the SQLite store across its migrations", () => {
  const roots: string[] = [];
  const stores: Store[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
  });

  function path(): string {
    const root = mkdtempSync(join(tmpdir(), "hotline-store-"));
    roots.push(root);
    return join(root, "hotline.db");
  }

  async function open(file: string): Promise<Store> {
    const store = await openSqliteStore(file);
    stores.push(store);
    return store;
  }

  it("an alarm raised before the upgrade counts once, and the same cause raised after it counts on it", async () => {
    const file = path();
    const old = new Database(file);
    const before = MIGRATIONS.findIndex((m) => m.name === "0009-bounds");
    for (const m of MIGRATIONS.slice(0, before)) old.exec(m.sql);
    old.pragma(`user_version = ${before}`);
    old
      .prepare(
        "INSERT INTO alarms (code, severity, line, peer, entry, detail, raised_at) VALUES ('LINK_DOWN', 'critical', 'L', 'P', NULL, 'down', '2026-11-23T05:40:02.113Z')",
      )
      .run();
    old.close();

    const store = await open(file);
    expect((await store.alarms())[0]).toMatchObject({
      count: 1,
      raisedAt: "2026-11-23T05:40:02.113Z",
      lastRaisedAt: "2026-11-23T05:40:02.113Z",
    });
    const again = await store.raiseAlarm({
      code: "LINK_DOWN",
      severity: "critical",
      line: "L",
      peer: "P",
      entry: null,
      detail: "still down",
      raisedAt: "2026-11-23T05:41:00.000Z",
    });
    expect(again.outcome).toBe("repeated");
    expect(await store.alarms()).toHaveLength(1);
    expect(await store.alarm(again.id)).toMatchObject({ count: 2, lastRaisedAt: "2026-11-23T05:41:00.000Z" });
  });
});
