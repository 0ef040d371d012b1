import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hotline, hotlineJson } from "../helpers/cli.js";
import { startPairedStations, waitFor, type PairedStations, type TestStation } from "../helpers/stations.js";
import { dayWindow, square } from "../helpers/volumes.js";

interface Conflict {
  id: string;
  a: string;
  b: string;
  minAltitude: number;
  maxAltitude: number;
}
interface SharedZone {
  id: string;
  name: string;
  stationName: string;
  state: string;
}

/**
 * The Done-when, word for word: Washington notifies an exercise whose volume crosses a
 * zone Moscow protects — shared on the line, so both sides hold it — and both stations list the
 * same conflict with the same id and raise an alarm; the map draws both shapes and the overlap;
 * a cancel clears it.
 */
describe("a protected zone shared on a line", () => {
  let pair: PairedStations;
  let washington: TestStation;
  let moscow: TestStation;
  let line: string;
  let zone: string;

  const conflicts = (station: TestStation) =>
    hotlineJson<Conflict[]>(["conflicts", "--line", line, "--dir", station.dir]);
  const openConflictAlarms = async (station: TestStation) =>
    (
      await hotlineJson<{ code: string; entry: string; clearedAt: string | null }[]>([
        "alarms",
        "--dir",
        station.dir,
      ])
    ).filter((a) => a.code === "CONFLICT" && a.clearedAt === null);
  const file = (name: string, value: unknown) => pair.tmp.writeJson(name, value);
  const api = async (station: TestStation, path: string) => {
    const token = readFileSync(`${station.dir}/api.token`, "utf8").trim();
    const response = await fetch(`http://127.0.0.1:${station.apiPort}${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    const body: unknown = await response.json();
    return body;
  };

  beforeAll(async () => {
    pair = await startPairedStations();
    ({ washington, moscow, line } = pair);
  });

  afterAll(() => pair.close());

  it("Moscow shares its zone; Washington's exercise crosses it; both list the same conflict and raise an alarm; a cancel clears it", async () => {
    const area = square(34.5, 47.3, 0.3);
    const added = await hotline([
      "zone",
      "add",
      "--name",
      "npp",
      "--file",
      file("npp.json", area),
      "--max-alt",
      "3000",
      "--dir",
      moscow.dir,
    ]);
    expect(added.code, added.stderr).toBe(0);
    zone = (
      await hotlineJson<{ hash: string }>([
        "zone",
        "share",
        "npp",
        "--line",
        line,
        "--json",
        "--dir",
        moscow.dir,
      ])
    ).hash;
    // Shared: the line holds it now, not Moscow's private list.
    expect(await hotlineJson<unknown[]>(["zone", "list", "--json", "--dir", moscow.dir])).toEqual([]);
    await waitFor(
      async () =>
        (
          await hotlineJson<SharedZone[]>(["zone", "list", "--line", line, "--json", "--dir", washington.dir])
        ).some(
          (z) => z.id === zone && z.name === "npp" && z.stationName === "Moscow" && z.state === "active",
        ),
      { what: "Washington to hold Moscow's shared zone" },
    );

    const exercise = await hotlineJson<{ hash: string }>([
      "notify",
      "--line",
      line,
      "--json",
      "--dir",
      washington.dir,
      "--file",
      file("exercise.json", {
        type: "exercise",
        title: "Air defence exercise",
        description: "",
        volumes: [
          {
            geometry: {
              type: "Polygon",
              coordinates: [
                [
                  [34.7, 47.0],
                  [35.5, 47.0],
                  [35.5, 47.5],
                  [34.7, 47.5],
                  [34.7, 47.0],
                ],
              ],
            },
            altitude: { minMeters: 1000, maxMeters: 9000, ref: "MSL" },
            time: dayWindow(3, 4),
          },
        ],
      }),
    ]);

    await waitFor(async () => (await conflicts(moscow)).length === 1, {
      what: "Moscow to list the conflict",
    });
    const [atWashington] = await conflicts(washington);
    expect(await conflicts(moscow)).toEqual([atWashington]);
    expect([atWashington?.a, atWashington?.b].sort()).toEqual([exercise.hash, zone].sort());
    expect([atWashington?.minAltitude, atWashington?.maxAltitude]).toEqual([1000, 3000]);
    for (const station of [washington, moscow]) {
      await waitFor(
        async () => (await openConflictAlarms(station)).some((a) => a.entry === atWashington?.id),
        {
          what: `a CONFLICT alarm at ${station.name}`,
        },
      );
    }

    // The map at Washington: the exercise, Moscow's shared zone, and the overlap.
    const map = (await api(washington, "/api/map")) as {
      sharedZones: { id: string; name: string }[];
      conflicts: { id: string; overlap: { coordinates: number[][][][] } | null }[];
    };
    expect(map.sharedZones.map((z) => [z.id, z.name])).toEqual([[zone, "npp"]]);
    const overlap = map.conflicts.find((c) => c.id === atWashington?.id)?.overlap?.coordinates.flat(2) ?? [];
    const xs = overlap.map((p) => p[0] as number);
    const ys = overlap.map((p) => p[1] as number);
    expect([Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)]).toEqual([
      34.7, 34.8, 47.3, 47.5,
    ]);

    // The transcript says it plainly.
    const log = await hotline(["log", "--line", line, "--dir", washington.dir]);
    expect(log.stdout).toContain('SHARED protected zone "npp"');

    // Only Moscow may withdraw its zone.
    const notHis = await hotline(["zone", "withdraw", zone.slice(0, 10), "--dir", washington.dir]);
    expect(notHis.code).toBe(1);
    expect(notHis.stderr).toMatch(/^error BAD_INPUT: .*another station shared it/);

    const cancelled = await hotline(["notification", "cancel", exercise.hash, "--dir", washington.dir]);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    await waitFor(async () => (await conflicts(moscow)).length === 0, { what: "the cancel to reach Moscow" });
    expect(await conflicts(washington)).toEqual([]);
    for (const station of [washington, moscow]) {
      await waitFor(async () => (await openConflictAlarms(station)).length === 0, {
        what: `${station.name}'s CONFLICT alarm to clear`,
      });
    }

    // Moscow withdraws it: both hold it as withdrawn.
    const withdrawn = await hotline([
      "zone",
      "withdraw",
      zone,
      "--reason",
      "Plant decommissioned",
      "--dir",
      moscow.dir,
    ]);
    expect(withdrawn.code, withdrawn.stderr).toBe(0);
    await waitFor(
      async () =>
        (
          await hotlineJson<SharedZone[]>(["zone", "list", "--line", line, "--json", "--dir", washington.dir])
        )[0]?.state === "withdrawn",
      { what: "the withdrawal to reach Washington" },
    );
    const again = await hotline(["zone", "withdraw", zone, "--dir", moscow.dir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error BAD_INPUT: .*withdrawn already/);
  });
});
