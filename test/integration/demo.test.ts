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

interface Notification {
  id: string;
  hash: string;
  stationName: string;
  type: string;
  title: string;
  state: string;
  late: boolean;
  noticeHours: number | null;
  marginHours: number | null;
  givenAt: string;
  volumes: { time: { start: string; end: string } }[];
  clarifications: {
    stationName: string;
    operator: string;
    question: string;
    answers: { stationName: string; operator: string; text: string }[];
  }[];
}

interface Conflict {
  id: string;
  a: string;
  b: string;
  severity: string;
}

interface Alarm {
  code: string;
  severity: string;
  entry: string | null;
  clearedAt: string | null;
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
    const dir = (station: string) => tmp.join("once", station);

    // Four lines, each with the same safety code at both ends; five records intact.
    expect([...run.stdout.matchAll(/safety code [\d ]+ at both ends: the same/g)]).toHaveLength(4);
    for (const name of ["Washington", "Moscow", "Paris", "Ankara", "London"]) {
      expect(run.stdout).toMatch(new RegExp(`^  ${name} +intact, \\d+ entries$`, "m"));
    }
    expect(run.stdout).toMatch(
      /13 May 2022 — call held, 1 h 2 min \(14:00–15:02 UTC\), initiated by Washington/,
    );
    expect(run.stdout).toMatch(/CONFLICT [0-9a-f]{12} \(critical\), the same id at Washington and Moscow/);
    expect(run.stdout).toMatch(
      /^ {2}Moscow +http:\/\/127\.0\.0\.1:(\d+)\/ +map: http:\/\/127\.0\.0\.1:\1\/map$/m,
    );
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
      hotlineJson<
        {
          name: string;
          settings: {
            presenceSchedule: string;
            noticeHours: Record<string, number>;
            maxWindowHours: number;
          };
        }[]
      >(["lines", "--dir", dir("moscow")]),
      hotlineJson<Call[]>(["calls", "--line", "moscow-washington", "--dir", dir("moscow")]),
    ]);
    const texts = log.filter((e) => e.kind === "text");
    expect(texts.map((e) => [e.authorName, e.body.lang])).toEqual([
      ["Washington", "en"],
      ["Moscow", "ru"],
      ["Washington", "en"], // the notice rules proposed
    ]);
    expect(texts[0]?.body.text).toMatch(/^1 March 2022\./);
    expect(texts[1]?.translations).toMatchObject([{ lang: "en", byAuthor: true }]);
    for (const e of texts) expect(Object.values(e.acks).map((a) => a.by)).toEqual(["duty-officer"]);
    const tests = log.filter((e) => e.kind === "test");
    expect(tests.length).toBeGreaterThanOrEqual(1);
    for (const t of tests) expect(Object.keys(t.acks).filter((s) => s !== t.author)).toHaveLength(1);
    const settings = lines.find((l) => l.name === "moscow-washington")?.settings;
    expect(settings?.presenceSchedule).toBe("0 6,18 * * *");
    // The notice rules Washington proposed, set on the line by Moscow: in force at both ends.
    expect(texts[2]?.body.text).toMatch(/notice rules/);
    expect(settings?.noticeHours).toEqual({ "missile-launch": 24, "nuclear-exercise": 72, exercise: 72 });
    expect(settings?.maxWindowHours).toBe(720);

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

    // October 2022 on moscow-washington: NATO's nuclear exercise, notified by Washington in time
    // and held alike at both ends, with Moscow's question and Washington's answer beside it.
    const [atWashington, atMoscow] = await Promise.all(
      (["washington", "moscow"] as const).map((s) =>
        hotlineJson<Notification[]>(["notifications", "--line", "moscow-washington", "--dir", dir(s)]),
      ),
    );
    // Alike at both ends, but for when each station first held each one (notice is judged from
    // there), and so the margin, which may differ by the milliseconds delivery took.
    const alike = (list: Notification[] | undefined) =>
      list?.map(({ givenAt: _givenAt, marginHours: _marginHours, ...rest }) => rest);
    expect(alike(atMoscow)).toEqual(alike(atWashington));
    const exercise = atMoscow?.find((n) => n.type === "nuclear-exercise");
    expect(atWashington?.find((n) => n.type === "nuclear-exercise")?.id).toBe(exercise?.id);
    expect(exercise).toMatchObject({
      stationName: "Washington",
      state: "active",
      late: false,
      noticeHours: 72,
      clarifications: [
        {
          stationName: "Moscow",
          operator: "duty-officer",
          answers: [{ stationName: "Washington", operator: "duty-officer" }],
        },
      ],
    });
    expect(exercise?.title).toMatch(/Steadfast Noon.*17 to 30 October 2022/);
    expect(exercise?.marginHours).toBeGreaterThan(0);
    expect(exercise?.volumes).toHaveLength(2);
    for (const v of exercise?.volumes ?? []) expect(Date.parse(v.time.start)).toBeGreaterThan(started);
    expect(exercise?.clarifications[0]?.question).toMatch(/Steadfast Noon/);
    expect(exercise?.clarifications[0]?.answers[0]?.text).toMatch(/no live weapons/);
    const patrol = atMoscow?.find((n) => n.type === "air-activity");
    expect(patrol).toMatchObject({ stationName: "Moscow", state: "active" });
    expect(atMoscow?.find((n) => n.type === "missile-launch")).toMatchObject({
      stationName: "Moscow",
      late: false,
      noticeHours: 24,
    });

    // The exercise and Moscow's patrol share a volume: the same conflict, by id, at both ends
    // (Moscow's own zones cross nothing), and a critical CONFLICT alarm at each; no late notice.
    const [conflictsAtWashington, conflictsAtMoscow] = await Promise.all(
      (["washington", "moscow"] as const).map((s) => hotlineJson<Conflict[]>(["conflicts", "--dir", dir(s)])),
    );
    expect(conflictsAtMoscow).toEqual(conflictsAtWashington);
    expect(conflictsAtMoscow).toHaveLength(1);
    const conflict = conflictsAtMoscow?.[0];
    expect([conflict?.a, conflict?.b].sort()).toEqual([exercise?.hash, patrol?.hash].sort());
    expect(conflict?.severity).toBe("critical");
    const [alarmsAtWashington, alarmsAtMoscow, zonesAtWashington, zonesAtMoscow] = await Promise.all([
      hotlineJson<Alarm[]>(["alarms", "--dir", dir("washington")]),
      hotlineJson<Alarm[]>(["alarms", "--dir", dir("moscow")]),
      hotlineJson<{ kind: string }[]>(["zone", "list", "--dir", dir("washington")]),
      hotlineJson<{ kind: string }[]>(["zone", "list", "--dir", dir("moscow")]),
    ]);
    for (const [s, alarms] of [
      ["washington", alarmsAtWashington],
      ["moscow", alarmsAtMoscow],
    ] as const) {
      expect(
        alarms.filter((a) => a.code === "CONFLICT" && a.clearedAt === null),
        s,
      ).toMatchObject([{ entry: conflict?.id, severity: "critical" }]);
      expect(
        alarms.filter((a) => a.code === "LATE_NOTICE"),
        s,
      ).toEqual([]);
    }
    // Moscow's zone and plan are its own: on no line, at no other station.
    expect(zonesAtMoscow.map((z) => z.kind).sort()).toEqual(["plan", "protected"]);
    expect(zonesAtWashington).toEqual([]);
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
  });
});
