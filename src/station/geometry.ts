import { featureCollection, multiPolygon } from "@turf/helpers";
import { intersect } from "@turf/intersect";
import { circleRing, type Position, type Volume, type VolumeGeometry } from "../record/mod.js";

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
  return overlapArea(a, b) !== null;
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
