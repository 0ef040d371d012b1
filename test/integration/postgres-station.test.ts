import { cpSync, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startPostgres, type PostgresServer } from "../../src/pglab/mod.js";
import { hotline, hotlineJson, tempDir, type TempDir } from "../helpers/cli.js";
import {
  initStation,
  pairOnLine,
  startStation,
  stopStation,
  waitFor,
  type TestStation,
} from "../helpers/stations.js";

// This file chooses each station's engine itself: under HOTLINE_TEST_STORE=postgres too.
vi.unmock("../../src/station/core/init.js");

interface LogEntry {
  hash: string;
  author: string;
  seq: number;
  kind: string;
  body: { text?: string };
  receipts: Record<string, string>;
}

/** Sends through the station's operator API, as the console and `send` do. */
async function send(station: TestStation, line: string, text: string): Promise<void> {
  const lock = JSON.parse(readFileSync(join(station.dir, "station.lock"), "utf8")) as { api: string };
  const token = readFileSync(join(station.dir, "api.token"), "utf8").trim();
  const response = await fetch(`http://${lock.api}/api/lines/${line}/messages`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ text }),
  });
  if (!response.ok) throw new Error(`send failed: ${await response.text()}`);
}

function log(station: TestStation, line: string): Promise<LogEntry[]> {
  return hotlineJson<LogEntry[]>(["log", "--line", line, "--dir", station.dir]);
}

/** Waits until `to` holds every entry of `from`'s, and `from` a receipt from `to` for each. */
async function waitDelivered(from: TestStation, to: TestStation, line: string): Promise<void> {
  await waitFor(
    async () => {
      const [sent, got] = await Promise.all([log(from, line), log(to, line)]);
      const held = new Set(got.map((e) => e.hash));
      return sent
        .filter((e) => e.author === from.id)
        .every((e) => held.has(e.hash) && e.receipts[to.id] !== undefined);
    },
    { what: `${from.name}'s entries to reach ${to.name}, receipted`, everyMs: 300 },
  );
}

describe("a station whose record lives in PostgreSQL, paired with one on SQLite", () => {
  let server: PostgresServer;
  let tmp: TempDir;
  let url: string;
  let washington: TestStation;
  let moscow: TestStation;
  let line: string;

  beforeAll(async () => {
    server = await startPostgres();
    tmp = tempDir();
    url = await server.createDatabase("washington");
    [washington, moscow] = await Promise.all([
      initStation(tmp.join("washington"), "Washington", undefined, url),
      initStation(tmp.join("moscow"), "Moscow"),
    ]);
    await Promise.all([startStation(washington), startStation(moscow)]);
    line = (await pairOnLine(washington, [moscow])).line;
  });

  afterAll(async () => {
    await Promise.all([stopStation(washington), stopStation(moscow)]);
    tmp.remove();
    await server.stop();
  });

  it("keeps keys and settings in the data directory and no SQLite file; store.url is 0600; whoami and status say where the record is", async () => {
    expect(existsSync(join(washington.dir, "hotline.db"))).toBe(false);
    expect(statSync(join(washington.dir, "store.url")).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(washington.dir, "store.url"), "utf8").trim()).toBe(url);
    expect(existsSync(join(washington.dir, "identity.key"))).toBe(true);
    const me = await hotlineJson<{ store: string }>(["whoami", "--dir", washington.dir]);
    expect(me.store).toBe(url);
    const status = await hotlineJson<{ station: { store: string } }>(["status", "--dir", washington.dir]);
    expect(status.station.store).toBe(url);
    const sqlite = await hotlineJson<{ store: string }>(["whoami", "--dir", moscow.dir]);
    expect(sqlite.store).toBe(join(moscow.dir, "hotline.db"));
  });

  it("messages go both ways, receipted; both records are the same and verify clean", async () => {
    for (let i = 0; i < 10; i++) {
      await Promise.all([send(washington, line, `W ${i}`), send(moscow, line, `M ${i}`)]);
    }
    await Promise.all([waitDelivered(washington, moscow, line), waitDelivered(moscow, washington, line)]);
    const [atW, atM] = await Promise.all([log(washington, line), log(moscow, line)]);
    expect(new Set(atW.map((e) => e.hash))).toEqual(new Set(atM.map((e) => e.hash)));
    expect(atW.filter((e) => e.kind === "text")).toHaveLength(20);
    for (const station of [washington, moscow]) {
      const verified = await hotline(["verify", "--dir", station.dir]);
      expect(verified.stdout).toMatch(/^Record intact/);
      expect(verified.code).toBe(0);
    }
  });

  it("a restart of the PostgreSQL station keeps everything, and it carries on", async () => {
    const before = await log(washington, line);
    await stopStation(washington);
    await startStation(washington);
    expect((await log(washington, line)).map((e) => e.hash)).toEqual(before.map((e) => e.hash));
    await send(washington, line, "after the restart");
    await waitDelivered(washington, moscow, line);
    expect((await log(moscow, line)).some((e) => e.body.text === "after the restart")).toBe(true);
  });

  it("hotline backup of the running PostgreSQL station writes an SQLite copy that restores and verifies clean", async () => {
    const file = tmp.join("washington.backup");
    const made = await hotline(["backup", "--out", file, "--dir", washington.dir]);
    expect(made.code).toBe(0);
    const dir = tmp.join("washington-restored");
    const restored = await hotline(["restore", file, "--dir", dir]);
    expect(restored.code).toBe(0);
    for (const name of ["station.json", "identity.key", "tls.key", "tls.crt"]) {
      cpSync(join(washington.dir, name), join(dir, name));
    }
    const verified = await hotlineJson<{ ok: boolean; entries: number }>(["verify", "--dir", dir]);
    const held = await log(washington, line);
    expect(verified).toMatchObject({ ok: true });
    expect(verified.entries).toBeGreaterThanOrEqual(held.length - 1);
    expect((await hotlineJson<{ store: string }>(["whoami", "--dir", dir])).store).toBe(
      join(dir, "hotline.db"),
    );
  });

  it("init into a database that holds a station is STATION_EXISTS, and leaves nothing in the directory", async () => {
    const dir = tmp.join("again");
    const again = await hotline(["init", "--name", "Again", "--dir", dir, "--store", url]);
    expect(again.stderr).toMatch(/^error STATION_EXISTS: .*holds a station already/);
    expect(again.code).not.toBe(0);
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  });

  it("HOTLINE_DATABASE_URL is where init keeps the record when --store is not given", async () => {
    // (the throwaway server trusts loopback: the password is only there to be masked)
    const fresh = (await server.createDatabase("paris")).replace("//postgres@", "//postgres:s3cret@");
    const dir = tmp.join("paris");
    const made = await hotline(["init", "--name", "Paris", "--dir", dir, "--json"], {
      env: { HOTLINE_DATABASE_URL: fresh },
    });
    expect(made.code).toBe(0);
    expect(made.stdout).not.toContain("s3cret");
    expect(JSON.parse(made.stdout)).toMatchObject({ store: fresh.replace(":s3cret@", ":***@") });
    expect(readFileSync(join(dir, "store.url"), "utf8").trim()).toBe(fresh);
    const me = await hotline(["whoami", "--dir", dir]);
    expect(me.stdout).toMatch(/record\s+postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/paris/);
  });
});
