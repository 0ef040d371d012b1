import { featureCollection, multiPolygon } from "@turf/helpers";
import { intersect } from "@turf/intersect";
import { orient2d } from "robust-predicates";
import { circleRing, type Position, type Volume, type VolumeGeometry } from "../../record/mod.js";

/**
 * A volume as conflict checks see it: its area as MultiPolygon coordinates (a circle
 * polygonized with a fixed step count), its bounding box, its altitude band and time window.
 * Unbounded zone bands and windows are ±Infinity.
 */
export interface Shape {
  polygons: Position[][][];
  /** [minLon, minLat, maxLon, maxLat] */
  bbox: [number, number, number, number];
  minAltitude: number;
  maxAltitude: number;
  /** ms since the epoch */
  start: number;
  end: number;
}

/**
 * @param geometry a polygon, multipolygon or circle
 * @returns its area as MultiPolygon coordinates
 */
export function polygonsOf(geometry: VolumeGeometry): Position[][][] {
  if (!("type" in geometry)) return [[circleRing(geometry)]];
  return geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
}

/**
 * @param polygons MultiPolygon coordinates
 * @returns their bounding box
 */
export function bboxOf(polygons: readonly Position[][][]): [number, number, number, number] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const rings of polygons) {
    // The outer ring bounds the polygon; holes lie inside it.
    for (const [x, y] of rings[0] ?? []) {
      if (x < minX) minX = x;
      if (y < minY) minY = y;
      if (x > maxX) maxX = x;
      if (y > maxY) maxY = y;
    }
  }
  return [minX, minY, maxX, maxY];
}

/**
 * A zone's shape: its area, and a band and window whose missing bounds are unbounded.
 *
 * @param geometry the zone's area
 * @param bounds its altitude band (metres MSL) and window (UTC ISO); null: unbounded
 * @returns its shape, with ±Infinity for the missing bounds
 */
export function zoneShape(
  geometry: VolumeGeometry,
  bounds: { minAltitude: number | null; maxAltitude: number | null; from: string | null; to: string | null },
): Shape {
  const polygons = polygonsOf(geometry);
  return {
    polygons,
    bbox: bboxOf(polygons),
    minAltitude: bounds.minAltitude ?? -Infinity,
    maxAltitude: bounds.maxAltitude ?? Infinity,
    start: bounds.from === null ? -Infinity : Date.parse(bounds.from),
    end: bounds.to === null ? Infinity : Date.parse(bounds.to),
  };
}

/**
 * @param volume a notification's volume (checked by its schema)
 * @returns its shape
 */
export function shapeOf(volume: Volume): Shape {
  const polygons = polygonsOf(volume.geometry);
  return {
    polygons,
    bbox: bboxOf(polygons),
    minAltitude: volume.altitude.minMeters,
    maxAltitude: volume.altitude.maxMeters,
    start: Date.parse(volume.time.start),
    end: Date.parse(volume.time.end),
  };
}

/**
 * Where two closed intervals overlap. Two intervals that only share an end point do not overlap
 * (a band 0–100 m and one 100–200 m, a window ending when another starts); but a degenerate
 * interval (a surface band 0–0 m, an instant) overlaps an interval that holds it, ends included.
 *
 * @returns the overlap [low, high], or null
 */
export function overlapOf(aLow: number, aHigh: number, bLow: number, bHigh: number): [number, number] | null {
  const low = Math.max(aLow, bLow);
  const high = Math.min(aHigh, bHigh);
  if (low < high) return [low, high];
  if (low === high && (aLow === aHigh || bLow === bHigh)) return [low, high];
  return null;
}

/**
 * Whether two areas share a part of positive area: polygons that only touch (a shared edge or
 * corner) do not. Planar in longitude and latitude, as turf computes, the same at every station.
 *
 * @returns true when they overlap
 */
export function areasOverlap(a: readonly Position[][][], b: readonly Position[][][]): boolean {
  return boundariesDecide(a, b) ?? overlapArea(a, b) !== null;
}

/** Above this many edge pairs, turf's sweep line is quicker than comparing every pair. */
const MAX_EDGE_PAIRS = 250_000;

/**
 * Decides whether two areas overlap from their boundaries alone, with exact orientation tests
 * (robust-predicates), so the answer is the same at every station. Two edges crossing properly,
 * or a vertex strictly inside the other area, means they share a part of positive area. With
 * neither, and no boundary contact at all, they are apart: the shared part's corners would have
 * to be vertices inside, or crossings. A contact (a vertex on an edge, collinear edges) is left
 * to `overlapArea`, as are very large shapes.
 *
 * @returns true or false when the boundaries decide; null when `overlapArea` must
 */
function boundariesDecide(a: readonly Position[][][], b: readonly Position[][][]): boolean | null {
  const edgesOf = (area: readonly Position[][][]) =>
    area.reduce((n, rings) => n + rings.reduce((m, r) => m + r.length, 0), 0);
  if (edgesOf(a) * edgesOf(b) > MAX_EDGE_PAIRS) return null;
  let contact = false;
  for (const ringsA of a) {
    for (const ringA of ringsA) {
      for (let i = 1; i < ringA.length; i++) {
        const p = ringA[i - 1] as Position;
        const q = ringA[i] as Position;
        for (const ringsB of b) {
          for (const ringB of ringsB) {
            for (let j = 1; j < ringB.length; j++) {
              const meeting = segmentsMeet(p, q, ringB[j - 1] as Position, ringB[j] as Position);
              if (meeting === "cross") return true;
              if (meeting === "touch") contact = true;
            }
          }
        }
      }
    }
  }
  if (contact) return null;
  // No contact: each ring is wholly inside or outside the other area, so one vertex tells.
  for (const rings of a) if (insideArea(rings[0]?.[0] as Position, b)) return true;
  for (const rings of b) if (insideArea(rings[0]?.[0] as Position, a)) return true;
  return false;
}

/** @returns "cross" when two segments cross at a point inside both, "touch" when they meet otherwise, else null */
function segmentsMeet(p: Position, q: Position, r: Position, s: Position): "cross" | "touch" | null {
  if (
    Math.max(p[0], q[0]) < Math.min(r[0], s[0]) ||
    Math.max(r[0], s[0]) < Math.min(p[0], q[0]) ||
    Math.max(p[1], q[1]) < Math.min(r[1], s[1]) ||
    Math.max(r[1], s[1]) < Math.min(p[1], q[1])
  )
    return null;
  const d1 = Math.sign(orient2d(r[0], r[1], s[0], s[1], p[0], p[1]));
  const d2 = Math.sign(orient2d(r[0], r[1], s[0], s[1], q[0], q[1]));
  const d3 = Math.sign(orient2d(p[0], p[1], q[0], q[1], r[0], r[1]));
  const d4 = Math.sign(orient2d(p[0], p[1], q[0], q[1], s[0], s[1]));
  if (d1 * d2 < 0 && d3 * d4 < 0) return "cross";
  if (d1 * d2 > 0 || d3 * d4 > 0) return null;
  // An end on the other segment's line, within the boxes' overlap: collinear or touching ends
  // (or close enough that only the careful computation should say).
  return "touch";
}

/** @returns whether a point (on no edge of the area) lies inside it: even-odd over its rings */
function insideArea(point: Position, area: readonly Position[][][]): boolean {
  const [x, y] = point;
  for (const rings of area) {
    let inside = false;
    for (const ring of rings) {
      for (let i = 1; i < ring.length; i++) {
        const [x1, y1] = ring[i - 1] as Position;
        const [x2, y2] = ring[i] as Position;
        if (y1 > y === y2 > y) continue;
        // The edge spans the point's latitude: the ray to +x crosses it when the point is left of
        // an upward edge or right of a downward one (orient2d is negative for counterclockwise).
        const side = Math.sign(orient2d(x1, y1, x2, y2, x, y));
        if (side === 0) continue;
        if (y2 > y1 === side < 0) inside = !inside;
      }
    }
    if (inside) return true;
  }
  return false;
}

/**
 * The part two areas share, for drawing a conflict: planar in longitude and latitude, as
 * `areasOverlap` decides.
 *
 * @returns its MultiPolygon coordinates (only its parts of positive area), or null when the
 *   areas do not overlap
 */
export function overlapArea(a: readonly Position[][][], b: readonly Position[][][]): Position[][][] | null {
  const shared = intersect(
    featureCollection([multiPolygon(a as Position[][][]), multiPolygon(b as Position[][][])]),
  );
  if (shared === null) return null;
  const g = shared.geometry;
  const polygons = (g.type === "Polygon" ? [g.coordinates] : g.coordinates) as Position[][][];
  const parts = polygons.filter((rings) => Math.abs(ringArea(rings[0] ?? [])) > 0);
  return parts.length === 0 ? null : parts;
}

/** Planar (shoelace) area of a ring, in square degrees: only its sign and zero-ness matter here. */
function ringArea(ring: readonly Position[]): number {
  let sum = 0;
  for (let i = 1; i < ring.length; i++) {
    const [x1, y1] = ring[i - 1] as Position;
    const [x2, y2] = ring[i] as Position;
    sum += x1 * y2 - x2 * y1;
  }
  return sum / 2;
}
