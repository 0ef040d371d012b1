import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { MIGRATIONS } from "./migrations/mod.js";
import { MAX_EVIDENCE_BYTES, MAX_EVIDENCE_PER_AUTHOR, openSqliteStore, type Store } from "./mod.js";

describe("alarms and evidence in the SQLite store", () => {
  const roots: string[] = [];
  const stores: Store[] = [];
  afterEach(() => {
    for (const s of stores.splice(0)) s.close();
    for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
  });

  function path(): string {
    const root = mkdtempSync(join(tmpdir(), "hotline-store-"));
    roots.push(root);
    return join(root, "hotline.db");
  }

  function open(file: string): Store {
    const store = openSqliteStore(file);
    stores.push(store);
    return store;
  }

  it("an alarm raised before the upgrade counts once, and the same cause raised after it counts on it", () => {
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

    const store = open(file);
    expect(store.alarms()[0]).toMatchObject({
      count: 1,
      raisedAt: "2026-11-23T05:40:02.113Z",
      lastRaisedAt: "2026-11-23T05:40:02.113Z",
    });
    const again = store.raiseAlarm({
      code: "LINK_DOWN",
      severity: "critical",
      line: "L",
      peer: "P",
      entry: null,
      detail: "still down",
      raisedAt: "2026-11-23T05:41:00.000Z",
    });
    expect(again.outcome).toBe("repeated");
    expect(store.alarms()).toHaveLength(1);
    expect(store.alarm(again.id)).toMatchObject({ count: 2, lastRaisedAt: "2026-11-23T05:41:00.000Z" });
  });

  it("a more severe repeat raises the alarm's severity and reopens it", () => {
    const store = open(path());
    const alarm = { code: "X", line: "L", peer: null, entry: "E", detail: "d" } as const;
    const first = store.raiseAlarm({ ...alarm, severity: "warning", raisedAt: "2026-11-23T05:00:00.000Z" });
    const worse = store.raiseAlarm({ ...alarm, severity: "critical", raisedAt: "2026-11-23T05:01:00.000Z" });
    const milder = store.raiseAlarm({ ...alarm, severity: "info", raisedAt: "2026-11-23T05:02:00.000Z" });
    expect([first.outcome, worse.outcome, milder.outcome]).toEqual(["raised", "reopened", "repeated"]);
    expect(store.alarm(first.id)).toMatchObject({ severity: "critical", count: 3 });
  });

  it("evidence: the same again is counted, not kept; past the cap per (line, author) the first rows stay; oversized bytes are not kept", () => {
    const store = open(path());
    const evidence = (seq: number, author = "A", bytes: Buffer | null = null) => ({
      code: "EQUIVOCATION",
      line: "L",
      author,
      seq,
      heldHash: "h",
      otherHash: `o${seq}`,
      otherBytes: bytes,
      reportedBy: null,
      detectedAt: "2026-11-23T05:00:00.000Z",
    });
    expect(store.addEvidence(evidence(1))).toBe(true);
    expect(store.addEvidence(evidence(1))).toBe(false);
    for (let seq = 2; seq <= MAX_EVIDENCE_PER_AUTHOR + 5; seq++) store.addEvidence(evidence(seq));
    expect(store.evidence("L").map((e) => e.seq)).toEqual(
      Array.from({ length: MAX_EVIDENCE_PER_AUTHOR }, (_, i) => i + 1),
    );
    expect(store.droppedEvidence("L", "A")).toBe(6);
    expect(store.addEvidence(evidence(1, "B", Buffer.alloc(MAX_EVIDENCE_BYTES + 1)))).toBe(true);
    expect(store.evidence("L").find((e) => e.author === "B")?.otherBytes).toBeNull();
    expect(store.droppedEvidence("L", "B")).toBe(0);
  });
});
