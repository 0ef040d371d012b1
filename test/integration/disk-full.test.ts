/**
 * A station whose disk fills up (found by the chaos run: it answered INTERNAL, raised nothing, and
 * its peers' deliveries then waited out a refusal's backoff). Two real stations in this process;
 * Moscow's database writes fail with SQLite's own SQLITE_FULL while `full` is set, as on a disk
 * with no room (reads go on).
 */
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hotline, hotlineJson, tempDir, type TempDir } from "../helpers/cli.js";
import { ON_POSTGRES } from "../helpers/station-db.js";
import {
  initStation as init,
  isRunning,
  startStation,
  stopStation,
  waitFor,
  type TestStation,
} from "../helpers/stations.js";

interface Statement {
  reader: boolean;
  source: string;
  database: { name: string };
  run: (this: Statement, ...args: unknown[]) => unknown;
}
interface Alarm {
  code: string;
  severity: string;
  peer: string | null;
  detail: string;
  clearedAt: string | null;
}
interface LogEntry {
  author: string;
  kind: string;
  body: { text?: string };
}

// SQLite's only: the fault is injected into better-sqlite3's statements. A full disk on a
// PostgreSQL server (SQLSTATE 53100, DISK_FULL) is the PostgreSQL store's (src/store/postgres.ts).
describe.skipIf(ON_POSTGRES)("a full disk", () => {
  let tmp: TempDir;
  let washington: TestStation;
  let moscow: TestStation;
  let line: string;
  let full = false;
  let restore: () => void;

  const texts = async (at: TestStation) =>
    (await hotlineJson<LogEntry[]>(["log", "--line", line, "--dir", at.dir]))
      .filter((e) => e.kind === "text")
      .map((e) => e.body.text);
  const alarms = (at: TestStation) => hotlineJson<Alarm[]>(["alarms", "--all", "--dir", at.dir]);

  beforeAll(async () => {
    tmp = tempDir();
    washington = await init(tmp.join("washington"), "Washington");
    moscow = await init(tmp.join("moscow"), "Moscow");
    // Moscow's disk only: every statement that writes (not opening or undoing a transaction).
    const probe = new Database(":memory:");
    const proto = Object.getPrototypeOf(probe.prepare("SELECT 1")) as Statement;
    probe.close();
    const run = proto.run;
    proto.run = function (this: Statement, ...args: unknown[]) {
      if (
        full &&
        !this.reader &&
        this.database.name.startsWith(moscow.dir) &&
        !/^\s*(BEGIN|SAVEPOINT|ROLLBACK)/i.test(this.source)
      ) {
        throw new Database.SqliteError("database or disk is full", "SQLITE_FULL");
      }
      return run.apply(this, args);
    };
    restore = () => (proto.run = run);
    await startStation(washington);
    await startStation(moscow);
    ({ id: line } = await hotlineJson<{ id: string }>([
      "line",
      "create",
      "--name",
      "mw",
      "--dir",
      washington.dir,
    ]));
    await hotlineJson(["line", "set", "--line", line, "--test-interval", "1", "--dir", washington.dir]);
    const { invite } = await hotlineJson<{ invite: string }>([
      "invite",
      "--line",
      line,
      "--dir",
      washington.dir,
    ]);
    await hotlineJson(["accept", invite, "--dir", moscow.dir]);
  });
  afterAll(async () => {
    full = false;
    restore();
    await stopStation(washington);
    await stopStation(moscow);
    tmp.remove();
  });

  it("refuses writes with DISK_FULL, keeps running, is seen down by its peer, and catches up with the incident kept as an alarm", async () => {
    await hotlineJson(["send", "--line", line, "before", "--dir", washington.dir]);
    await waitFor(async () => (await texts(moscow)).includes("before"), {
      what: "the first message at Moscow",
    });

    full = true;
    const refused = await hotline(["send", "--line", line, "from a full disk", "--dir", moscow.dir]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("DISK_FULL");
    expect(refused.stderr).toMatch(/disk is full/);
    // Washington writes on; its link tests are refused by Moscow, naming the cause.
    await hotlineJson(["send", "--line", line, "while Moscow is full", "--dir", washington.dir]);
    await waitFor(
      async () =>
        (await alarms(washington)).some(
          (a) => a.code === "LINK_DOWN" && a.clearedAt === null && a.detail.includes("DISK_FULL"),
        ),
      { what: "LINK_DOWN naming DISK_FULL at Washington" },
    );
    expect(isRunning(moscow)).toBe(true);
    expect(await texts(moscow)).not.toContain("while Moscow is full");

    full = false;
    await waitFor(async () => (await texts(moscow)).includes("while Moscow is full"), {
      what: "what Washington wrote meanwhile, at Moscow",
    });
    await hotlineJson(["send", "--line", line, "room again", "--dir", moscow.dir]);
    await waitFor(async () => (await texts(washington)).includes("room again"), {
      what: "Moscow's next message at Washington",
    });
    await waitFor(async () => (await alarms(washington)).every((a) => a.clearedAt !== null), {
      what: "LINK_DOWN cleared at Washington",
    });
    const incident = (await alarms(moscow)).filter((a) => a.code === "DISK_FULL");
    expect(incident).toHaveLength(1);
    expect(incident[0]).toMatchObject({ severity: "critical", peer: null });
    expect(incident[0]?.detail).toMatch(/^The disk was full from .* to /);
    // Shown until acknowledged, though its cause is gone.
    expect(incident[0]?.clearedAt).not.toBeNull();
    const shown = await hotlineJson<Alarm[]>(["alarms", "--dir", moscow.dir]);
    expect(shown.map((a) => a.code)).toContain("DISK_FULL");
  });
});
