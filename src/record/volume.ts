import { circle as turfCircle } from "@turf/circle";
import { z } from "zod";
import { selfIntersects } from "./self-intersection.js";

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
/** Most vertices in one ring: a real area (a NOTAM's, a coastline's corridor) needs far fewer. */
export const MAX_RING_VERTICES = 1_000;
/** Most rings in one polygon (its outer ring and its holes). */
export const MAX_RINGS = 100;
/** Most polygons in one MultiPolygon. */
export const MAX_POLYGONS = 100;
/** Most vertices in one notification, all volumes together (a circle counts as its polygon). */
export const MAX_NOTIFY_VERTICES = 5_000;
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
const POLYGON_RINGS = z
  .array(RING)
  .min(1, "a polygon needs an outer ring")
  .max(MAX_RINGS, `a polygon may have at most ${MAX_RINGS} rings`);
const POLYGON = z.strictObject({ type: z.literal("Polygon"), coordinates: POLYGON_RINGS });
const MULTI_POLYGON = z.strictObject({
  type: z.literal("MultiPolygon"),
  coordinates: z
    .array(POLYGON_RINGS)
    .min(1, "a multipolygon needs at least one polygon")
    .max(MAX_POLYGONS, `a multipolygon may have at most ${MAX_POLYGONS} polygons`),
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
 * Refused: too many vertices, rings or polygons (counted first, before anything else is read),
 * coordinates out of range, unclosed or self-intersecting rings, rings crossing the antimeridian,
 * and circles that cross it or hold a pole. The checks are pure and the same at every station, so
 * a bad geometry is refused alike when written and when received, and is stored nowhere.
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
  const tooComplex = complexityOf(value);
  if (tooComplex !== null) {
    ctx.addIssue({ code: "custom", message: tooComplex, path: ["coordinates"] });
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
  for (const [i, rings] of polygons.entries()) {
    if (selfIntersects(rings)) {
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
 * Counts a geometry's vertices, rings and polygons without reading any position, so that a
 * huge shape is refused before anything costly looks at it. Whatever is not an array is left
 * for the schema to name.
 *
 * @returns why the shape is too complex, or null
 */
function complexityOf(value: unknown): string | null {
  const { type, coordinates } = value as { type?: unknown; coordinates?: unknown };
  if (!Array.isArray(coordinates)) return null;
  const polygons: unknown[] = type === "MultiPolygon" ? coordinates : [coordinates];
  if (polygons.length > MAX_POLYGONS) return `a multipolygon may have at most ${MAX_POLYGONS} polygons`;
  let vertices = 0;
  let longestRing = 0;
  for (const rings of polygons) {
    if (!Array.isArray(rings)) continue;
    if (rings.length > MAX_RINGS) return `a polygon may have at most ${MAX_RINGS} rings`;
    for (const ring of rings) {
      if (!Array.isArray(ring)) continue;
      vertices += ring.length;
      longestRing = Math.max(longestRing, ring.length);
    }
  }
  if (vertices > MAX_VERTICES) return `has ${vertices} vertices: at most ${MAX_VERTICES} (split the volume)`;
  return longestRing > MAX_RING_VERTICES
    ? `a ring has ${longestRing} vertices: at most ${MAX_RING_VERTICES} (simplify or split it)`
    : null;
}

/**
 * @param value a volume's geometry, not yet checked
 * @returns how many vertices it counts for: a polygon's positions, a circle's polygon
 */
function verticesOf(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  const { type, coordinates } = value as { type?: unknown; coordinates?: unknown };
  if (type === undefined) return CIRCLE_STEPS + 1;
  if (!Array.isArray(coordinates)) return 0;
  const polygons: unknown[] = type === "MultiPolygon" ? coordinates : [coordinates];
  let n = 0;
  for (const rings of polygons) {
    if (!Array.isArray(rings)) continue;
    for (const ring of rings) if (Array.isArray(ring)) n += ring.length;
  }
  return n;
}

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

/**
 * A notification's volumes: at most {@link MAX_VOLUMES}, with at most
 * {@link MAX_NOTIFY_VERTICES} vertices in all, counted before any volume is checked.
 */
export const VOLUMES = z
  .array(z.unknown())
  .min(1, "must hold at least one volume")
  .max(MAX_VOLUMES, `must hold at most ${MAX_VOLUMES} volumes`)
  .superRefine((volumes, ctx) => {
    let vertices = 0;
    for (const v of volumes) {
      vertices +=
        typeof v === "object" && v !== null ? verticesOf((v as { geometry?: unknown }).geometry) : 0;
    }
    if (vertices > MAX_NOTIFY_VERTICES) {
      ctx.addIssue({
        code: "custom",
        message: `the volumes have ${vertices} vertices in all: at most ${MAX_NOTIFY_VERTICES} (simplify them or send several notifications)`,
      });
    }
  })
  .pipe(z.array(VOLUME));

function isoMs(t: string): number | null {
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(t) ? Date.parse(t) : Number.NaN;
  return !Number.isNaN(ms) && new Date(ms).toISOString() === t ? ms : null;
}
