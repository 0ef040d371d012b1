import { circle as turfCircle } from "@turf/circle";
import { kinks } from "@turf/kinks";
import { z } from "zod";

/** What a notification announces. */
export const NOTIFY_TYPES = [
  "exercise",
  "nuclear-exercise",
  "missile-launch",
  "air-activity",
  "maritime-activity",
  "other",
] as const;
export type NotifyType = (typeof NOTIFY_TYPES)[number];

/** Most volumes in one notification. */
export const MAX_VOLUMES = 50;
/** Most vertices in one volume's geometry, all rings together. */
export const MAX_VERTICES = 2_000;
/** Largest circle radius, in metres. */
export const MAX_RADIUS_METERS = 2_000_000;
/** Longest time window any schema accepts (a line may set a shorter one: `maxWindowHours`). */
export const MAX_WINDOW_HOURS = 366 * 24;
/** Steps a circle is polygonized with: fixed, so every station computes the same polygon. */
export const CIRCLE_STEPS = 64;

/** [longitude, latitude] in degrees (WGS 84). */
export type Position = [number, number];
export interface PolygonGeometry {
  type: "Polygon";
  coordinates: Position[][];
}
export interface MultiPolygonGeometry {
  type: "MultiPolygon";
  coordinates: Position[][][];
}
export interface CircleGeometry {
  center: Position;
  radiusMeters: number;
}
export type VolumeGeometry = PolygonGeometry | MultiPolygonGeometry | CircleGeometry;

const POSITION = z.tuple([
  z.number().min(-180, "longitude must be at least -180").max(180, "longitude must be at most 180"),
  z.number().min(-90, "latitude must be at least -90").max(90, "latitude must be at most 90"),
]);
const RING = z
  .array(POSITION)
  .min(4, "a ring needs at least 4 positions (3 corners and the first again)")
  .refine((ring) => {
    const first = ring[0];
    const last = ring.at(-1);
    return first !== undefined && last !== undefined && first[0] === last[0] && first[1] === last[1];
  }, "a ring must be closed: its last position must repeat its first")
  .refine(
    (ring) => ring.every((p, i) => i === 0 || Math.abs(p[0] - (ring[i - 1] as Position)[0]) <= 180),
    "a ring must not cross the antimeridian (±180°): split it into one polygon each side",
  );
const POLYGON_RINGS = z.array(RING).min(1, "a polygon needs an outer ring").max(100);
const POLYGON = z.strictObject({ type: z.literal("Polygon"), coordinates: POLYGON_RINGS });
const MULTI_POLYGON = z.strictObject({
  type: z.literal("MultiPolygon"),
  coordinates: z.array(POLYGON_RINGS).min(1, "a multipolygon needs at least one polygon").max(100),
});
const CIRCLE = z.strictObject({
  center: POSITION,
  radiusMeters: z
    .number()
    .gt(0, "radiusMeters must be more than 0")
    .max(MAX_RADIUS_METERS, `radiusMeters must be at most ${MAX_RADIUS_METERS}`),
});

/** Metres per degree of latitude (mean), enough to tell whether a circle holds a pole. */
const METERS_PER_DEGREE = 111_195;

/**
 * A volume's area: a GeoJSON Polygon or MultiPolygon, or a circle `{ center, radiusMeters }`.
 * Refused: coordinates out of range, unclosed or self-intersecting rings, too many vertices,
 * rings crossing the antimeridian, and circles that cross it or hold a pole. The checks are
 * pure and the same at every station, so a bad geometry is refused alike when written and when
 * received, and is stored nowhere.
 */
export const VOLUME_GEOMETRY = z.custom<VolumeGeometry>().superRefine((value, ctx) => {
  const shape = value as { type?: unknown } | null;
  const schema =
    typeof shape !== "object" || shape === null
      ? null
      : shape.type === "Polygon"
        ? POLYGON
        : shape.type === "MultiPolygon"
          ? MULTI_POLYGON
          : shape.type === undefined
            ? CIRCLE
            : null;
  if (schema === null) {
    ctx.addIssue({
      code: "custom",
      message: "must be a GeoJSON Polygon or MultiPolygon, or a circle { center, radiusMeters }",
    });
    return;
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      ctx.addIssue({ code: "custom", message: issue.message, path: issue.path.map((p) => p as string) });
    }
    return;
  }
  const geometry = parsed.data;
  if (!("type" in geometry)) {
    const [lon, lat] = geometry.center;
    if ((90 - Math.abs(lat)) * METERS_PER_DEGREE <= geometry.radiusMeters) {
      ctx.addIssue({ code: "custom", message: "a circle must not hold a pole: give a polygon instead" });
      return;
    }
    const ring = circleRing(geometry);
    if (ring.some(([x]) => x < -180 || x > 180) || Math.abs(lon) === 180) {
      ctx.addIssue({
        code: "custom",
        message: "a circle must not cross the antimeridian (±180°): split it into one polygon each side",
      });
    }
    return;
  }
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  const vertices = polygons.reduce((n, rings) => n + rings.reduce((m, r) => m + r.length, 0), 0);
  if (vertices > MAX_VERTICES) {
    ctx.addIssue({
      code: "custom",
      message: `has ${vertices} vertices: at most ${MAX_VERTICES} (split the volume)`,
      path: ["coordinates"],
    });
    return;
  }
  for (const [i, rings] of polygons.entries()) {
    if (kinks({ type: "Polygon", coordinates: rings }).features.length > 0) {
      ctx.addIssue({
        code: "custom",
        message: "a polygon must not intersect itself",
        path: geometry.type === "Polygon" ? ["coordinates"] : ["coordinates", i],
      });
      return;
    }
  }
});

/**
 * A circle as a polygon ring: always {@link CIRCLE_STEPS} steps, so every station gets exactly
 * the same ring for the same circle.
 *
 * @param circle the circle
 * @returns its ring, closed
 */
export function circleRing(circle: CircleGeometry): Position[] {
  const polygon = turfCircle(circle.center, circle.radiusMeters, { steps: CIRCLE_STEPS, units: "meters" });
  return (polygon.geometry.coordinates[0] ?? []) as Position[];
}

/** One 4D volume: an area, an altitude band (metres above mean sea level) and a time window. */
export const VOLUME = z.strictObject({
  geometry: VOLUME_GEOMETRY,
  altitude: z
    .strictObject({
      minMeters: z.number().min(-12_000).max(2_000_000),
      maxMeters: z.number().min(-12_000).max(2_000_000),
      ref: z.literal("MSL"),
    })
    .refine((a) => a.minMeters <= a.maxMeters, {
      message: "minMeters must not be above maxMeters",
      path: ["maxMeters"],
    }),
  time: z
    .strictObject({
      start: z.string(),
      end: z.string(),
    })
    .superRefine((t, ctx) => {
      const start = isoMs(t.start);
      const end = isoMs(t.end);
      if (start === null || end === null) {
        ctx.addIssue({
          code: "custom",
          message: "must be real UTC ISO 8601 times with milliseconds, e.g. 2026-11-23T05:45:00.123Z",
          path: [start === null ? "start" : "end"],
        });
      } else if (end < start) {
        ctx.addIssue({ code: "custom", message: "must not end before it starts", path: ["end"] });
      } else if (end - start > MAX_WINDOW_HOURS * 3_600_000) {
        ctx.addIssue({
          code: "custom",
          message: `must last at most ${MAX_WINDOW_HOURS} hours`,
          path: ["end"],
        });
      }
    }),
});
export type Volume = z.infer<typeof VOLUME>;

function isoMs(t: string): number | null {
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(t) ? Date.parse(t) : Number.NaN;
  return !Number.isNaN(ms) && new Date(ms).toISOString() === t ? ms : null;
}
