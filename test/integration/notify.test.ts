import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hotline, hotlineJson, tempDir, type TempDir } from "../helpers/cli.js";
import {
  initStation,
  pairOnLine,
  startStation,
  stopStation,
  waitFor,
  type TestStation,
} from "../helpers/stations.js";

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

/** A square of `size` degrees with its south-west corner at (lon, lat). */
function square(lon: number, lat: number, size: number): { type: "Polygon"; coordinates: number[][][] } {
  return {
    type: "Polygon",
    coordinates: [
      [
        [lon, lat],
        [lon + size, lat],
        [lon + size, lat + size],
        [lon, lat + size],
        [lon, lat],
      ],
    ],
  };
}

const DAY = 86_400_000;
const window = (fromDays: number, toDays: number) => ({
  start: new Date(Math.floor(Date.now() / DAY) * DAY + fromDays * DAY).toISOString(),
  end: new Date(Math.floor(Date.now() / DAY) * DAY + toDays * DAY).toISOString(),
});

/**
 * The Done-when, with real stations: Washington notifies an exercise whose volume crosses
 * a zone Moscow protects and Moscow's own announced air activity; both stations list the shared
 * conflict with the same id and raise an alarm, Moscow also its private zone conflict; a cancel
 * clears them.
 */
describe("notifications and conflicts between two stations", () => {
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
  const file = (name: string, value: unknown) => {
    const path = tmp.join(name);
    writeFileSync(path, JSON.stringify(value));
    return path;
  };

  beforeAll(async () => {
    tmp = tempDir();
    [washington, moscow] = await Promise.all([
      initStation(tmp.join("washington"), "Washington"),
      initStation(tmp.join("moscow"), "Moscow"),
    ]);
    await Promise.all([startStation(washington), startStation(moscow)]);
    line = (await pairOnLine(washington, [moscow])).line;
  }, 60_000);

  afterAll(async () => {
    await Promise.all([stopStation(washington), stopStation(moscow)]);
    tmp.remove();
  });

  it("both stations list the same conflict, with the same id, and raise an alarm; Moscow also its zone's; a cancel clears them", async () => {
    const zone = await hotline([
      "zone",
      "add",
      "--name",
      "power-plant",
      "--file",
      file("zone.json", square(35.0, 47.4, 0.2)),
      "--dir",
      moscow.dir,
    ]);
    expect(zone.code, zone.stderr).toBe(0);
    const air = await hotlineJson<{ hash: string }>([
      "notify",
      "--line",
      line,
      "--file",
      file("air.json", {
        type: "air-activity",
        title: "Transport flights",
        description: "Scheduled transport flights",
        volumes: [
          {
            geometry: square(35.3, 47.3, 0.5),
            altitude: { minMeters: 3000, maxMeters: 9000, ref: "MSL" },
            time: window(1, 2),
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
      file("exercise.json", {
        type: "exercise",
        title: "Air defence exercise",
        description: "Live firing, announced",
        volumes: [
          {
            geometry: square(35.1, 47.5, 0.4),
            altitude: { minMeters: 0, maxMeters: 5000, ref: "MSL" },
            time: window(1, 3),
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
  }, 60_000);

  it("refuses bad notifications with a code naming the field, and writes nothing", async () => {
    const before = (await hotlineJson<{ entries: number }[]>(["lines", "--dir", washington.dir]))[0]?.entries;
    const bad = await hotline([
      "notify",
      "--line",
      line,
      "--file",
      file("bad.json", {
        type: "exercise",
        title: "Upside down",
        description: "",
        volumes: [
          {
            geometry: square(35.1, 47.5, 0.4),
            altitude: { minMeters: 5000, maxMeters: 0, ref: "MSL" },
            time: window(1, 2),
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
  }, 30_000);
});
