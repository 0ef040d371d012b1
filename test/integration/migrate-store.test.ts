import { cpSync, existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { freePort, startPostgres, type PostgresServer } from "../../src/pglab/mod.js";
import { hotline, hotlineJson, tempDir, type TempDir } from "../helpers/cli.js";
import { initStation, startStation, stopStation, type TestStation } from "../helpers/stations.js";

// This file chooses each station's engine itself: under HOTLINE_TEST_STORE=postgres too.
vi.unmock("../../src/station/core/init.js");

interface LogEntry {
  hash: string;
  seq: number;
  receipts: Record<string, string>;
}

describe("hotline migrate-store: an SQLite station moves into PostgreSQL", () => {
  let server: PostgresServer;
  let tmp: TempDir;
  let station: TestStation;
  let before: LogEntry[];

  beforeAll(async () => {
    server = await startPostgres();
    tmp = tempDir();
    station = await initStation(tmp.join("washington"), "Washington");
    await hotlineJson(["line", "create", "--name", "moscow-washington", "--dir", station.dir]);
    for (let i = 1; i <= 20; i++) {
      await hotlineJson(["send", "--dir", station.dir, "--line", "moscow-washington", `Message ${i}`]);
    }
    await hotlineJson(["operator", "add", "alice", "--role", "officer", "--dir", station.dir]);
    before = await hotlineJson<LogEntry[]>(["log", "--line", "moscow-washington", "--dir", station.dir]);
  });

  afterAll(async () => {
    await stopStation(station);
    tmp.remove();
    await server.stop();
  });

  /** The station is still on SQLite, as it was. */
  function unchanged(dir = station.dir): void {
    expect(existsSync(join(dir, "store.url"))).toBe(false);
    expect(existsSync(join(dir, "hotline.db"))).toBe(true);
    expect(existsSync(join(dir, "hotline.db.migrated"))).toBe(false);
  }

  it("refuses while the station runs (STATION_RUNNING)", async () => {
    const url = await server.createDatabase("while_running");
    await startStation(station);
    try {
      const refused = await hotline(["migrate-store", "--to", url, "--dir", station.dir]);
      expect(refused.stderr).toMatch(/^error STATION_RUNNING: .*stop it first/);
      expect(refused.code).not.toBe(0);
    } finally {
      await stopStation(station);
    }
    unchanged();
  });

  it("refuses a URL that is not PostgreSQL's, and a server that cannot be reached, changing nothing", async () => {
    const bad = await hotline(["migrate-store", "--to", "mysql://root@db/hotline", "--dir", station.dir]);
    expect(bad.stderr).toMatch(/^error BAD_INPUT: /);
    const port = await freePort();
    const gone = await hotline([
      "migrate-store",
      "--to",
      `postgres://postgres@127.0.0.1:${port}/hotline`,
      "--dir",
      station.dir,
    ]);
    expect(gone.stderr).toMatch(/^error STORE_UNAVAILABLE: Cannot reach the database/);
    expect(gone.code).not.toBe(0);
    unchanged();
  });

  it("refuses a database that holds a station already (STATION_EXISTS), changing nothing", async () => {
    const url = await server.createDatabase("taken");
    await initStation(tmp.join("paris"), "Paris", undefined, url);
    const refused = await hotline(["migrate-store", "--to", url, "--dir", station.dir]);
    expect(refused.stderr).toMatch(/^error STATION_EXISTS: .*not empty/);
    unchanged();
  });

  it("refuses a damaged record (STORE_DAMAGED) before copying anything", async () => {
    const copy = tmp.join("damaged");
    cpSync(station.dir, copy, { recursive: true });
    const db = new Database(join(copy, "hotline.db"));
    db.prepare(
      "UPDATE entries SET bytes = CAST(replace(CAST(bytes AS TEXT), 'Message 7', 'Message X') AS BLOB) WHERE seq = 8",
    ).run();
    db.close();
    const url = await server.createDatabase("for_damaged");
    const refused = await hotline(["migrate-store", "--to", url, "--dir", copy]);
    expect(refused.stderr).toMatch(/^error STORE_DAMAGED: .*before copying: the SQLite record is not intact/);
    unchanged(copy);
    // nothing was written to the database: a good record can still go there
    const counts = await hotline(["migrate-store", "--to", url, "--dir", station.dir, "--json"]);
    expect(counts.code).toBe(0);
    // (this moved the real station: the next test checks it)
  });

  it("moves every row, verify clean after; the SQLite file is kept as hotline.db.migrated; the station runs on PostgreSQL", async () => {
    expect(readFileSync(join(station.dir, "store.url"), "utf8").trim()).toMatch(/\/for_damaged$/);
    expect(existsSync(join(station.dir, "hotline.db"))).toBe(false);
    expect(statSync(join(station.dir, "hotline.db.migrated")).size).toBeGreaterThan(0);
    expect(statSync(join(station.dir, "store.url")).mode & 0o777).toBe(0o600);
    const verified = await hotlineJson<{ ok: boolean; entries: number }>(["verify", "--dir", station.dir]);
    expect(verified).toMatchObject({ ok: true, entries: 21 });
    const after = await hotlineJson<LogEntry[]>(["log", "--line", "moscow-washington", "--dir", station.dir]);
    expect(after).toEqual(before);
    const operators = await hotlineJson<{ name: string }[]>(["operator", "list", "--dir", station.dir]);
    expect(operators.map((o) => o.name).sort()).toEqual(["admin", "alice"]);
    // it writes on where it left off
    await startStation(station);
    const sent = await hotlineJson<{ seq: number }>([
      "send",
      "--dir",
      station.dir,
      "--line",
      "moscow-washington",
      "after the move",
    ]);
    expect(sent.seq).toBe(22);
    await stopStation(station);
    const again = await hotline(["migrate-store", "--to", "postgres://x@127.0.0.1/y", "--dir", station.dir]);
    expect(again.stderr).toMatch(/^error BAD_INPUT: .*not in this directory's SQLite file/);
  });

  it("says where the record went and that the SQLite file is kept", async () => {
    const dir = tmp.join("moscow");
    await initStation(dir, "Moscow");
    const url = await server.createDatabase("moscow");
    const moved = await hotline(["migrate-store", "--to", url, "--dir", dir]);
    expect(moved.code).toBe(0);
    expect(moved.stdout).toContain(`Record moved to ${url}`);
    expect(moved.stdout).toContain(`kept as ${join(dir, "hotline.db.migrated")}`);
  });
});
