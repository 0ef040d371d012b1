import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hotline, hotlineJson, type TempDir } from "../helpers/cli.js";
import { startPairedStations, waitFor, type PairedStations, type TestStation } from "../helpers/stations.js";
import { dayWindow, square } from "../helpers/volumes.js";

interface Conflict {
  id: string;
  a: string;
  b: string;
  from: string;
  to: string;
  minAltitude: number;
  maxAltitude: number;
}
interface Alarm {
  code: string;
  severity: string;
  clearedAt: string | null;
}

/**
 * The Done-when, with real stations: Washington notifies an exercise whose volume crosses
 * a zone Moscow protects and Moscow's own announced air activity; both stations list the shared
 * conflict with the same id and raise an alarm, Moscow also its private zone conflict; a cancel
 * clears them.
 */
describe("notifications and conflicts between two stations", () => {
  let stations: PairedStations;
  let tmp: TempDir;
  let washington: TestStation;
  let moscow: TestStation;
  let line: string;

  const conflicts = (station: TestStation) =>
    hotlineJson<Conflict[]>(["conflicts", "--line", line, "--dir", station.dir]);
  const openConflictAlarms = async (station: TestStation) =>
    (await hotlineJson<Alarm[]>(["alarms", "--dir", station.dir])).filter(
      (a) => a.code === "CONFLICT" && a.clearedAt === null,
    );

  beforeAll(async () => {
    stations = await startPairedStations();
    ({ tmp, washington, moscow, line } = stations);
  });

  afterAll(async () => {
    await stations?.close();
  });

  it("both stations list the same conflict, with the same id, and raise an alarm; Moscow also its zone's; a cancel clears them", async () => {
    const zone = await hotline([
      "zone",
      "add",
      "--name",
      "power-plant",
      "--file",
      tmp.writeJson("zone.json", square(35.0, 47.4, 0.2)),
      "--dir",
      moscow.dir,
    ]);
    expect(zone.code, zone.stderr).toBe(0);
    const air = await hotlineJson<{ hash: string }>([
      "notify",
      "--line",
      line,
      "--file",
      tmp.writeJson("air.json", {
        type: "air-activity",
        title: "Transport flights",
        description: "Scheduled transport flights",
        volumes: [
          {
            geometry: square(35.3, 47.3, 0.5),
            altitude: { minMeters: 3000, maxMeters: 9000, ref: "MSL" },
            time: dayWindow(1, 2),
          },
        ],
      }),
      "--dir",
      moscow.dir,
    ]);
    const exercise = await hotlineJson<{ hash: string }>([
      "notify",
      "--line",
      line,
      "--file",
      tmp.writeJson("exercise.json", {
        type: "exercise",
        title: "Air defence exercise",
        description: "Live firing, announced",
        volumes: [
          {
            geometry: square(35.1, 47.5, 0.4),
            altitude: { minMeters: 0, maxMeters: 5000, ref: "MSL" },
            time: dayWindow(1, 3),
          },
        ],
      }),
      "--dir",
      washington.dir,
    ]);

    await waitFor(async () => (await conflicts(washington)).length === 1, {
      what: "Washington to list the conflict with Moscow's air activity",
    });
    await waitFor(async () => (await conflicts(moscow)).length === 2, {
      what: "Moscow to list the shared conflict and its zone's",
    });
    const [shared] = await conflicts(washington);
    const atMoscow = await conflicts(moscow);
    expect(atMoscow).toContainEqual(shared);
    expect(shared?.minAltitude).toBe(3000);
    expect(shared?.maxAltitude).toBe(5000);
    expect([shared?.a, shared?.b].sort()).toEqual([air.hash, exercise.hash].sort());
    expect(atMoscow.find((c) => c.id !== shared?.id)?.b).toBe("zone:power-plant");
    await waitFor(async () => (await openConflictAlarms(washington)).length === 1, {
      what: "a CONFLICT alarm at Washington",
    });
    await waitFor(async () => (await openConflictAlarms(moscow)).length === 2, {
      what: "CONFLICT alarms at Moscow",
    });

    const cancelled = await hotline(["notification", "cancel", exercise.hash, "--dir", washington.dir]);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    await waitFor(async () => (await conflicts(moscow)).length === 0, { what: "the cancel to reach Moscow" });
    expect(await conflicts(washington)).toEqual([]);
    await waitFor(async () => (await openConflictAlarms(moscow)).length === 0, {
      what: "Moscow's CONFLICT alarms to clear",
    });
    expect(await openConflictAlarms(washington)).toEqual([]);
  });

  it("refuses bad notifications with a code naming the field, and writes nothing", async () => {
    const before = (await hotlineJson<{ entries: number }[]>(["lines", "--dir", washington.dir]))[0]?.entries;
    const bad = await hotline([
      "notify",
      "--line",
      line,
      "--file",
      tmp.writeJson("bad.json", {
        type: "exercise",
        title: "Upside down",
        description: "",
        volumes: [
          {
            geometry: square(35.1, 47.5, 0.4),
            altitude: { minMeters: 5000, maxMeters: 0, ref: "MSL" },
            time: dayWindow(1, 2),
          },
        ],
      }),
      "--dir",
      washington.dir,
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error (BAD_INPUT|SCHEMA): .*maxMeters/);
    const garbled = writeFileSync(tmp.join("garbled.json"), "{ not json");
    expect(garbled).toBeUndefined();
    const notJson = await hotline([
      "notify",
      "--line",
      line,
      "--file",
      tmp.join("garbled.json"),
      "--dir",
      washington.dir,
    ]);
    expect(notJson.code).not.toBe(0);
    expect(notJson.stderr).toMatch(/^error [A-Z_]+: /);
    const after = (await hotlineJson<{ entries: number }[]>(["lines", "--dir", washington.dir]))[0]?.entries;
    expect(after).toBe(before);
  });
  it("a plan stays private until shared: then both sides have it as a notification; the map draws the overlap", async () => {
    const plan = {
      type: "Polygon",
      coordinates: [
        [
          [20.0, 55.0],
          [21.0, 55.0],
          [21.0, 56.0],
          [20.0, 56.0],
          [20.0, 55.0],
        ],
      ],
    };
    const w = dayWindow(4, 5);
    const added = await hotlineJson<{ kind: string }>([
      "zone",
      "add",
      "--plan",
      "--name",
      "patrol",
      "--file",
      tmp.writeJson("plan.json", plan),
      "--min-alt",
      "1000",
      "--max-alt",
      "8000",
      "--from",
      w.start,
      "--to",
      w.end,
      "--dir",
      moscow.dir,
    ]);
    expect(added.kind).toBe("plan");
    const unbounded = await hotline([
      "zone",
      "add",
      "--plan",
      "--name",
      "someday",
      "--file",
      tmp.writeJson("plan.json", plan),
      "--dir",
      moscow.dir,
    ]);
    expect(unbounded.code, unbounded.stderr).toBe(0);

    // Washington's exercise crosses the plan: a conflict at Moscow only, named by the plan.
    const exercise = await hotlineJson<{ hash: string }>([
      "notify",
      "--line",
      line,
      "--file",
      tmp.writeJson("baltic.json", {
        type: "exercise",
        title: "Baltic exercise",
        description: "",
        volumes: [
          {
            geometry: square(20.5, 55.5, 1),
            altitude: { minMeters: 0, maxMeters: 3000, ref: "MSL" },
            time: w,
          },
        ],
      }),
      "--dir",
      washington.dir,
    ]);
    await waitFor(async () => (await conflicts(moscow)).some((c) => c.b === "plan:patrol"), {
      what: "Moscow to see its plan's conflict",
    });
    const privately = (await conflicts(moscow)).filter((c) => c.b.startsWith("plan:"));
    // the bounded plan, and "someday", unbounded in altitude and time
    expect(privately.map((c) => [c.a, c.b]).sort()).toEqual([
      [exercise.hash, "plan:patrol"],
      [exercise.hash, "plan:someday"],
    ]);
    expect(await conflicts(washington)).toEqual([]);

    // What cannot be shared is refused with a code, and nothing is written.
    const before = (await hotlineJson<{ entries: number }[]>(["lines", "--dir", moscow.dir]))[0]?.entries;
    const share = (name: string) =>
      hotline([
        "zone",
        "share",
        name,
        "--line",
        line,
        "--type",
        "air-activity",
        "--title",
        "Patrol",
        "--dir",
        moscow.dir,
      ]);
    const unknown = await share("nowhere");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error NOT_FOUND: .*no such zone or plan/);
    const notBounded = await share("someday");
    expect(notBounded.code).toBe(1);
    expect(notBounded.stderr).toMatch(/^error BAD_INPUT: .*bounded altitude band and time window/);
    const zoneFile = tmp.writeJson("zone2.json", square(30, 50, 1));
    expect(
      (await hotline(["zone", "add", "--name", "corridor", "--file", zoneFile, "--dir", moscow.dir])).code,
    ).toBe(0);
    // A plan is shared as a notification: it needs a type and a title.
    const untitled = await hotline(["zone", "share", "patrol", "--line", line, "--dir", moscow.dir]);
    expect(untitled.code).toBe(1);
    expect(untitled.stderr).toMatch(/^error BAD_INPUT: .*give its type and title/);
    const badType = await hotline([
      "zone",
      "share",
      "patrol",
      "--line",
      line,
      "--type",
      "picnic",
      "--title",
      "x",
      "--dir",
      moscow.dir,
    ]);
    expect(badType.code).toBe(2);
    expect((await hotlineJson<{ entries: number }[]>(["lines", "--dir", moscow.dir]))[0]?.entries).toBe(
      before,
    );

    // Shared: a notification both sides hold; the private plan is gone, its conflict now shared.
    const shared = await hotlineJson<{ hash: string }>([
      "zone",
      "share",
      "patrol",
      "--line",
      line,
      "--type",
      "air-activity",
      "--title",
      "Long-range patrol",
      "--json",
      "--dir",
      moscow.dir,
    ]);
    const zones = await hotlineJson<{ name: string }[]>(["zone", "list", "--dir", moscow.dir]);
    expect(zones.map((z) => z.name)).toEqual(["corridor", "power-plant", "someday"]);
    await waitFor(
      async () =>
        (
          await hotlineJson<{ id: string }[]>(["notifications", "--line", line, "--dir", washington.dir])
        ).some((n) => n.id === shared.hash),
      { what: "the shared plan to reach Washington" },
    );
    await waitFor(async () => (await conflicts(washington)).length === 1, {
      what: "Washington to list the shared conflict",
    });
    const [both] = await conflicts(washington);
    expect((await conflicts(moscow)).map((c) => c.id)).toContain(both?.id);
    expect([both?.a, both?.b].sort()).toEqual([exercise.hash, shared.hash].sort());

    // The map: every volume as drawn, the zones, and each conflict with the area both share.
    const token = readFileSync(`${moscow.dir}/api.token`, "utf8").trim();
    const response = await fetch(`http://127.0.0.1:${moscow.apiPort}/api/map`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    const map = (await response.json()) as {
      volumes: { features: { properties: { hash: string } }[] };
      zones: { name: string; kind: string }[];
      conflicts: { id: string; overlap: { type: string; coordinates: number[][][][] } | null }[];
    };
    expect(map.volumes.features.map((f) => f.properties.hash)).toEqual(
      expect.arrayContaining([exercise.hash, shared.hash]),
    );
    expect(map.zones.map((z) => [z.name, z.kind])).toEqual([
      ["corridor", "protected"],
      ["power-plant", "protected"],
      ["someday", "plan"],
    ]);
    const overlap = map.conflicts.find((c) => c.id === both?.id)?.overlap;
    expect(overlap?.type).toBe("MultiPolygon");
    // The exercise (20.5–21.5, 55.5–56.5) and the plan (20–21, 55–56) share 20.5–21 × 55.5–56.
    const xs = overlap?.coordinates.flat(2).map((p) => p[0] as number) ?? [];
    const ys = overlap?.coordinates.flat(2).map((p) => p[1] as number) ?? [];
    expect([Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)]).toEqual([
      20.5, 21, 55.5, 56,
    ]);

    // Moscow asks about the exercise, Washington answers: both hold the question and its answer.
    const asked = await hotlineJson<{ hash: string }>([
      "clarify",
      "--of",
      exercise.hash.slice(0, 10),
      "--question",
      "Live firing?",
      "--json",
      "--dir",
      moscow.dir,
    ]);
    await waitFor(
      async () =>
        (await hotline(["clarify", "answer", "--of", asked.hash, "--text", "No.", "--dir", washington.dir]))
          .code === 0,
      { what: "the question to reach Washington, and its answer there" },
    );
    const questionsAt = async (station: TestStation) =>
      (
        await hotlineJson<
          { id: string; clarifications: { question: string; answers: { text: string }[] }[] }[]
        >(["notifications", "--line", line, "--json", "--dir", station.dir])
      ).find((n) => n.id === exercise.hash)?.clarifications;
    await waitFor(async () => (await questionsAt(moscow))?.[0]?.answers.length === 1, {
      what: "the answer to reach Moscow",
    });
    expect(await questionsAt(moscow)).toEqual(await questionsAt(washington));
    expect((await questionsAt(moscow))?.map((q) => [q.question, q.answers.map((a) => a.text)])).toEqual([
      ["Live firing?", ["No."]],
    ]);
  });
});
