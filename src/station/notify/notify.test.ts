import { afterEach, describe, expect, it } from "vitest";
import { inProcessPair, type InProcessPair } from "../../../test/helpers/in-process-pair.js";
import {
  BODY_SCHEMAS,
  describeZodError,
  isHotlineError,
  type Position,
  type Volume,
} from "../../record/mod.js";
import { conflictsAmong, type OwnedVolume } from "./conflicts.js";
import { shapeOf } from "./geometry.js";
import { amendNotification, notificationsOf, notify } from "./notify.js";
import { conflictsOf, syncNotifyAlarms } from "./notify-watch.js";
import type { Station } from "../core/station.js";
import { addZone } from "./zones.js";

const square = (x: number, y: number, size: number): Position[][] => [
  [
    [x, y],
    [x + size, y],
    [x + size, y + size],
    [x, y + size],
    [x, y],
  ],
];
const volume = (
  coordinates: Position[][],
  over: { min?: number; max?: number; start?: string; end?: string } = {},
): Volume => ({
  geometry: { type: "Polygon", coordinates },
  altitude: { minMeters: over.min ?? 0, maxMeters: over.max ?? 10_000, ref: "MSL" },
  time: { start: over.start ?? "2026-12-01T00:00:00.000Z", end: over.end ?? "2026-12-02T00:00:00.000Z" },
});
const owned = (owner: string, v: Volume, index = 0): OwnedVolume => ({
  owner,
  index,
  line: "l",
  critical: false,
  shape: shapeOf(v),
});
const schemaError = (body: unknown): string => {
  const r = BODY_SCHEMAS.notify.safeParse(body);
  return r.success ? "ok" : describeZodError(r.error);
};
const body = (v: unknown) => ({
  type: "exercise",
  title: "T",
  description: "",
  volumes: [v],
  operator: "admin",
});

describe("notify volumes are checked by schema, alike at both ends", () => {
  it("refuses bad geometry, bands and windows naming the field", () => {
    expect(schemaError(body(volume(square(0, 0, 1))))).toBe("ok");
    expect(
      schemaError(
        body(
          volume([
            [
              [0, 0],
              [200, 0],
              [1, 1],
              [0, 0],
            ],
          ]),
        ),
      ),
    ).toMatch(/^volumes\.0\.geometry\.coordinates\.0\.1\.0: longitude must be at most 180/);
    expect(
      schemaError(
        body(
          volume([
            [
              [0, 0],
              [1, 0],
              [1, 1],
              [0, 1],
            ],
          ]),
        ),
      ),
    ).toMatch(/closed/);
    expect(
      schemaError(
        body(
          volume([
            [
              [0, 0],
              [1, 1],
              [1, 0],
              [0, 1],
              [0, 0],
            ],
          ]),
        ),
      ),
    ).toMatch(/^volumes\.0\.geometry\.coordinates: a polygon must not intersect itself/);
    expect(schemaError(body(volume(square(0, 0, 1), { min: 500, max: 100 })))).toMatch(
      /^volumes\.0\.altitude\.maxMeters: minMeters must not be above maxMeters/,
    );
    expect(
      schemaError(
        body(volume(square(0, 0, 1), { start: "2026-12-02T00:00:00.000Z", end: "2026-12-01T00:00:00.000Z" })),
      ),
    ).toMatch(/^volumes\.0\.time\.end: must not end before it starts/);
    const many: Position[] = Array.from({ length: 2_100 }, (_, i) => [
      Math.cos((i / 2_100) * 2 * Math.PI),
      Math.sin((i / 2_100) * 2 * Math.PI),
    ]);
    expect(schemaError(body(volume([[...many, many[0] as Position]])))).toMatch(/vertices: at most 2000/);
  });

  it("refuses three 2,000-vertex stars at once, and a 1,001-vertex ring, naming the cap", () => {
    const star = (n: number, cx: number): Position[][] => {
      const ring: Position[] = Array.from({ length: n }, (_, i) => {
        const r = i % 2 === 0 ? 1 : 0.2;
        return [cx + r * Math.cos((2 * Math.PI * i) / n), r * Math.sin((2 * Math.PI * i) / n)];
      });
      return [[...ring, ring[0] as Position]];
    };
    const stars = {
      ...body(volume(star(1_999, 0))),
      volumes: [0, 3, 6].map((cx) => volume(star(1_999, cx))),
    };
    expect(schemaError(stars)).toMatch(/^volumes: the volumes have 6000 vertices in all: at most 5000/);
    expect(schemaError(body(volume(star(1_000, 0))))).toMatch(
      /^volumes\.0\.geometry\.coordinates: a ring has 1001 vertices: at most 1000/,
    );
    expect(schemaError(body(volume(star(998, 0))))).toBe("ok");
  });

  it("refuses a polygon crossing the antimeridian, asking to split it; accepts one touching ±180 and a pole", () => {
    expect(
      schemaError(
        body(
          volume([
            [
              [179, 0],
              [-179, 0],
              [-179, 1],
              [179, 1],
              [179, 0],
            ],
          ]),
        ),
      ),
    ).toMatch(/antimeridian.*split it/);
    expect(
      schemaError(
        body(
          volume([
            [
              [179, 0],
              [180, 0],
              [180, 1],
              [179, 1],
              [179, 0],
            ],
          ]),
        ),
      ),
    ).toBe("ok");
    expect(
      schemaError(
        body(
          volume([
            [
              [0, 89],
              [10, 89],
              [10, 90],
              [0, 90],
              [0, 89],
            ],
          ]),
        ),
      ),
    ).toBe("ok");
    const circle = (center: Position, radiusMeters: number) => ({
      ...volume(square(0, 0, 1)),
      geometry: { center, radiusMeters },
    });
    expect(schemaError(body(circle([179.9, 0], 50_000)))).toMatch(/circle must not cross the antimeridian/);
    expect(schemaError(body(circle([0, 89.9], 50_000)))).toMatch(/must not hold a pole/);
    expect(schemaError(body(circle([30, 50], 50_000)))).toBe("ok");
  });
});

describe("conflictsAmong()", () => {
  it("finds an overlap of positive size in all four dimensions, with the overlaps as from/to and band", () => {
    const [c] = conflictsAmong([
      owned("a", volume(square(0, 0, 2), { min: 0, max: 5_000 })),
      owned(
        "b",
        volume(square(1, 1, 2), {
          min: 3_000,
          max: 9_000,
          start: "2026-12-01T12:00:00.000Z",
          end: "2026-12-03T00:00:00.000Z",
        }),
      ),
    ]);
    expect(c).toMatchObject({
      a: "a",
      b: "b",
      volumeA: 0,
      volumeB: 0,
      from: "2026-12-01T12:00:00.000Z",
      to: "2026-12-02T00:00:00.000Z",
      minAltitude: 3_000,
      maxAltitude: 5_000,
      severity: "warning",
    });
  });

  it("treats a shared edge, corner, altitude or instant as no conflict", () => {
    const a = owned("a", volume(square(0, 0, 1)));
    expect(conflictsAmong([a, owned("b", volume(square(1, 0, 1)))])).toEqual([]);
    expect(conflictsAmong([a, owned("b", volume(square(1, 1, 1)))])).toEqual([]);
    expect(conflictsAmong([a, owned("b", volume(square(0, 0, 1), { min: 10_000, max: 20_000 }))])).toEqual(
      [],
    );
    expect(
      conflictsAmong([
        a,
        owned(
          "b",
          volume(square(0, 0, 1), { start: "2026-12-02T00:00:00.000Z", end: "2026-12-03T00:00:00.000Z" }),
        ),
      ]),
    ).toEqual([]);
  });

  it("counts a zero-length window or a surface band when it lies inside the other", () => {
    const a = owned("a", volume(square(0, 0, 1)));
    const instant = volume(square(0, 0, 1), {
      start: "2026-12-01T06:00:00.000Z",
      end: "2026-12-01T06:00:00.000Z",
    });
    expect(conflictsAmong([a, owned("b", instant)])).toHaveLength(1);
    expect(conflictsAmong([a, owned("b", volume(square(0, 0, 1), { min: 0, max: 0 }))])).toHaveLength(1);
  });
});

describe("notifications on a line, at two stations", () => {
  const pairs: InProcessPair[] = [];
  afterEach(async () => {
    for (const p of pairs.splice(0)) await p.close();
  });

  /** Washington and Moscow on a line; `sync` also brings each one's notification alarms up to date. */
  async function pair() {
    const p = await inProcessPair("2026-11-23T06:00:00.000Z");
    pairs.push(p);
    const sync = async () => {
      await p.sync();
      await syncNotifyAlarms(p.washington, p.line);
      await syncNotifyAlarms(p.moscow, p.line);
    };
    await sync();
    return { washington: p.washington, moscow: p.moscow, line: p.line, sync };
  }

  const open = async (s: Station, code: string) =>
    (await s.store.alarms()).filter((a) => a.code === code && a.clearedAt === null);

  it("computes the same conflicts, with the same ids, at both ends; a zone conflict only where the zone is", async () => {
    const { washington, moscow, line, sync } = await pair();
    const w = await notify(washington, {
      line,
      type: "missile-launch",
      title: "Test launch",
      volumes: [volume(square(10, 10, 2)), volume(square(30, 30, 1))],
      operator: "admin",
    });
    const m = await notify(moscow, {
      line,
      type: "air-activity",
      title: "Patrol",
      volumes: [volume(square(11, 11, 2))],
      operator: "admin",
    });
    await addZone(moscow, {
      name: "Kaliningrad",
      geojson: { type: "Polygon", coordinates: square(30.5, 30.5, 2) },
      operator: "admin",
    });
    await sync();
    const atW = await conflictsOf(washington, { line });
    const atM = await conflictsOf(moscow, { line });
    expect(atW).toHaveLength(1);
    expect(atW[0]).toMatchObject({ a: [w.hash, m.hash].sort()[0], severity: "critical" });
    expect(atM.filter((c) => !c.b.startsWith("zone:"))).toEqual(atW);
    expect(atM.find((c) => c.b === "zone:Kaliningrad")).toMatchObject({ a: w.hash, volumeA: 1 });
    expect((await open(washington, "CONFLICT")).map((a) => a.entry)).toEqual(atW.map((c) => c.id));
    expect((await open(moscow, "CONFLICT")).map((a) => a.entry).sort()).toEqual(atM.map((c) => c.id).sort());
    expect((await open(moscow, "CONFLICT"))[0]?.severity).toBe("critical");

    await amendNotification(washington, { of: w.hash, cancel: true, operator: "admin" });
    await sync();
    expect(await conflictsOf(washington, { line })).toEqual([]);
    expect(await open(washington, "CONFLICT")).toEqual([]);
    expect(await open(moscow, "CONFLICT")).toEqual([]);
  });

  it("flags a notification later than the line's notice rule LATE_NOTICE at both ends", async () => {
    const { washington, moscow, line, sync } = await pair();
    await washington.setLine({ line, noticeHours: { "missile-launch": 24 * 30 }, operator: "admin" });
    await sync();
    await notify(washington, {
      line,
      type: "missile-launch",
      title: "Launch",
      volumes: [volume(square(0, 0, 1))],
      operator: "admin",
    });
    await sync();
    for (const s of [washington, moscow]) {
      const [n] = await notificationsOf(s, line);
      expect(n).toMatchObject({ late: true, noticeHours: 720 });
      expect(n?.marginHours).toBeLessThan(0);
      expect(await open(s, "LATE_NOTICE")).toHaveLength(1);
    }
  });

  it("takes times written without milliseconds, with an offset or in lowercase, and keeps them as UTC with ms", async () => {
    const { washington, moscow, line, sync } = await pair();
    await notify(washington, {
      line,
      type: "exercise",
      title: "Times",
      volumes: [
        volume(square(0, 0, 1), { start: "2030-10-17T00:00:00Z", end: "2030-10-17t05:30:00.5+03:00" }),
      ],
      operator: "admin",
    });
    await sync();
    for (const s of [washington, moscow]) {
      expect((await notificationsOf(s, line))[0]?.volumes[0]?.time).toEqual({
        start: "2030-10-17T00:00:00.000Z",
        end: "2030-10-17T02:30:00.500Z",
      });
    }
    const zone = await addZone(washington, {
      name: "plant",
      geojson: { type: "Polygon", coordinates: square(0, 0, 1) },
      from: "2030-10-17T00:00:00-01:30",
      to: "2030-10-18T00:00:00.123456z",
      operator: "admin",
    });
    expect([zone.from, zone.to]).toEqual(["2030-10-17T01:30:00.000Z", "2030-10-18T00:00:00.123Z"]);
    await expect(
      notify(washington, {
        line,
        type: "exercise",
        title: "Bad",
        volumes: [volume(square(0, 0, 1), { start: "2030-02-30T00:00:00Z" })],
        operator: "admin",
      }),
    ).rejects.toThrow(expect.objectContaining({ code: "BAD_INPUT" }) as Error);
  });

  it("refuses a window longer than the line's maxWindowHours as BAD_INPUT naming the field", async () => {
    const { washington, line } = await pair();
    await washington.setLine({ line, maxWindowHours: 12, operator: "admin" });
    let error: unknown;
    try {
      await notify(washington, {
        line,
        type: "exercise",
        title: "Long",
        volumes: [volume(square(0, 0, 1))],
        operator: "admin",
      });
    } catch (e) {
      error = e;
    }
    expect(isHotlineError(error, "BAD_INPUT")).toBe(true);
    expect((error as Error).message).toMatch(/volumes\.0\.time\.end: the window must last at most 12 hours/);
  });
});
