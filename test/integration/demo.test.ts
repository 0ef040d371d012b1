import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hotlineJson, tempDir, type TempDir } from "../helpers/cli.js";
import { waitFor } from "../helpers/stations.js";

const DEMO = resolve(import.meta.dirname, "../../dist/demo/main.js");
const STATIONS = ["washington", "moscow", "paris", "ankara", "london"] as const;

function runDemo(args: readonly string[]) {
  const child = spawn(process.execPath, [DEMO, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const run = { child, stdout: "", stderr: "", exit: null as Promise<number | null> | null };
  child.stdout.on("data", (d: Buffer) => (run.stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (run.stderr += d.toString()));
  run.exit = new Promise((done) => child.once("exit", (code) => done(code)));
  return run as typeof run & { exit: Promise<number | null> };
}

interface LogEntry {
  hash: string;
  author: string;
  authorName: string;
  kind: string;
  body: { text?: string; lang?: string };
  acks: Record<string, { by: string; time: string }>;
  translations?: { lang: string; byAuthor: boolean }[];
}

interface Call {
  id: string;
  topic: string;
  state: string;
  requestedBy: { stationName: string; operator: string };
  durationSeconds: number | null;
  initiatedBy: { stationName: string } | null;
}

interface Readouts {
  readouts: {
    stationName: string;
    operator: string;
    lang: string;
    translations: { lang: string; byAuthor: boolean }[];
  }[];
  comparisons: { comparable: boolean; a: { lang: string } }[];
  agreed: { stationName: string; by: { stationName: string }[] }[];
  disputed: { stationName: string; by: { stationName: string; comment: string | null }[] }[];
}

describe("npm run demo", () => {
  let tmp: TempDir;
  beforeAll(() => {
    tmp = tempDir("hotline-demo-test-");
  });
  afterAll(() => tmp.remove());

  it("--once replays the 2022 timeline on five station processes, verifies every record, keeps the data and exits 0", async () => {
    const started = Date.now();
    const run = runDemo(["--once", "--dir", tmp.join("once")]);
    expect(await run.exit, run.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(60_000);
    const dir = (station: string) => tmp.join("once", station);

    // Four lines, each with the same safety code at both ends; five records intact.
    expect([...run.stdout.matchAll(/safety code [\d ]+ at both ends: the same/g)]).toHaveLength(4);
    for (const name of ["Washington", "Moscow", "Paris", "Ankara", "London"]) {
      expect(run.stdout).toMatch(new RegExp(`^  ${name} +intact, \\d+ entries$`, "m"));
    }
    expect(run.stdout).toMatch(
      /13 May 2022 — call held, 1 h 2 min \(14:00–15:02 UTC\), initiated by Washington/,
    );
    expect(run.stdout).toMatch(/\(to come\)/);
    expect(run.stdout).toMatch(/minister-office +\S+ +supervisor/);
    expect(run.stdout).not.toMatch(/keep running/); // --once stops them

    const verified = await Promise.all(
      STATIONS.map((s) => hotlineJson<{ ok: boolean }>(["verify", "--dir", dir(s)])),
    );
    for (const [i, s] of STATIONS.entries()) {
      expect(verified[i]?.ok, s).toBe(true);
      expect(existsSync(`${dir(s)}/station.lock`), s).toBe(false); // stopped cleanly
    }

    // moscow-washington: the line check each way, acknowledged; the presence tests answered and
    // the schedule back to twice daily; the 13 May and 21 October calls held, placed by Washington.
    const [log, lines, calls] = await Promise.all([
      hotlineJson<LogEntry[]>(["log", "--line", "moscow-washington", "--dir", dir("washington")]),
      hotlineJson<{ name: string; settings: { presenceSchedule: string } }[]>([
        "lines",
        "--dir",
        dir("moscow"),
      ]),
      hotlineJson<Call[]>(["calls", "--line", "moscow-washington", "--dir", dir("moscow")]),
    ]);
    const texts = log.filter((e) => e.kind === "text");
    expect(texts.map((e) => [e.authorName, e.body.lang])).toEqual([
      ["Washington", "en"],
      ["Moscow", "ru"],
    ]);
    expect(texts[0]?.body.text).toMatch(/^1 March 2022\./);
    expect(texts[1]?.translations).toMatchObject([{ lang: "en", byAuthor: true }]);
    for (const e of texts) expect(Object.values(e.acks).map((a) => a.by)).toEqual(["duty-officer"]);
    const tests = log.filter((e) => e.kind === "test");
    expect(tests.length).toBeGreaterThanOrEqual(1);
    for (const t of tests) expect(Object.keys(t.acks).filter((s) => s !== t.author)).toHaveLength(1);
    expect(lines.find((l) => l.name === "moscow-washington")?.settings.presenceSchedule).toBe("0 6,18 * * *");

    const may = calls.find((c) => c.topic.startsWith("13 May 2022"));
    const october = calls.find((c) => c.topic.startsWith("21 October 2022"));
    expect(may).toMatchObject({
      state: "held",
      durationSeconds: 62 * 60,
      initiatedBy: { stationName: "Washington" },
      requestedBy: { stationName: "Washington", operator: "minister-office" },
    });
    expect(october).toMatchObject({ state: "held", initiatedBy: { stationName: "Washington" } });

    const readoutsOf = (call: Call | undefined) =>
      hotlineJson<Readouts>(["readouts", "--call", call?.id ?? "", "--dir", dir("washington")]);
    const [mayReadouts, octoberReadouts] = await Promise.all([readoutsOf(may), readoutsOf(october)]);
    for (const view of [mayReadouts, octoberReadouts]) {
      expect(view.readouts.map((r) => [r.stationName, r.lang, r.operator])).toEqual([
        ["Washington", "en", "minister-office"],
        ["Moscow", "ru", "minister-office"],
      ]);
      expect(view.readouts[1]?.translations).toMatchObject([{ lang: "en", byAuthor: true }]);
      expect(view.comparisons).toMatchObject([{ comparable: true, a: { lang: "en" } }]);
    }
    expect(octoberReadouts.agreed).toMatchObject([
      { stationName: "Moscow", by: [{ stationName: "Washington" }] },
    ]);
    expect(octoberReadouts.disputed).toMatchObject([
      { stationName: "Washington", by: [{ stationName: "Moscow" }] },
    ]);
    expect(octoberReadouts.disputed[0]?.by[0]?.comment).toMatch(/Not our wording/);

    // 23 October: Moscow's calls to Paris, Ankara and London, each held with both sides' readouts.
    for (const [station, lang] of [
      ["paris", "fr"],
      ["ankara", "tr"],
      ["london", "en"],
    ] as const) {
      const held = await hotlineJson<Call[]>(["calls", "--line", `moscow-${station}`, "--dir", dir(station)]);
      expect(held, station).toMatchObject([{ state: "held", initiatedBy: { stationName: "Moscow" } }]);
      expect(held[0]?.topic).toMatch(/23 October 2022/);
      const view = await hotlineJson<Readouts>([
        "readouts",
        "--call",
        held[0]?.id ?? "",
        "--dir",
        dir("moscow"),
      ]);
      expect(
        view.readouts.map((r) => [r.stationName, r.lang]),
        station,
      ).toEqual([
        ["Moscow", "ru"],
        [station[0]?.toUpperCase() + station.slice(1), lang],
      ]);
      expect(view.comparisons[0]?.comparable, station).toBe(true);
    }
  }, 120_000);

  it("refuses a --dir that holds the stations already, touching nothing", async () => {
    const run = runDemo(["--once", "--dir", tmp.join("once")]);
    expect(await run.exit).toBe(1);
    expect(run.stderr).toMatch(/^error STATION_EXISTS: /);
  });

  it("without --once keeps all five stations running until Ctrl-C, then stops them cleanly", async () => {
    const run = runDemo(["--dir", tmp.join("live")]);
    try {
      await waitFor(() => run.stdout.includes("All five stations keep running; Ctrl-C stops them."), {
        what: "the demo to be up",
        timeoutMs: 60_000,
      });
      expect(run.stdout).toMatch(/http:\/\/127\.0\.0\.1:\d+\//);
      const status = await hotlineJson<{ running: boolean }>(["status", "--dir", tmp.join("live", "london")]);
      expect(status.running).toBe(true);
    } finally {
      run.child.kill("SIGINT");
    }
    expect(await run.exit).toBe(0);
    for (const s of STATIONS) expect(existsSync(tmp.join("live", s, "station.lock")), s).toBe(false);
  }, 90_000);
});
