import { orient2d } from "robust-predicates";

/** [longitude, latitude]: a position as the self-intersection check reads it. */
type Point = readonly [number, number];

/** A segment of a ring, its ends ordered left to right (then bottom to top), never of zero length. */
interface Segment {
  lx: number;
  ly: number;
  rx: number;
  ry: number;
  ring: number;
  /** its index in its ring */
  index: number;
}

/**
 * Whether a polygon's rings intersect themselves or each other, exactly as turf's `kinks` counts
 * it (so a shape is refused alike by every version of the station): two edges that are not
 * neighbours in one ring and are not parallel must not meet, not even at an end. Parallel edges
 * never count (turf skips them), nor do zero-length ones.
 *
 * Unlike `kinks`, which compares every pair of edges (seconds and hundreds of megabytes for a few
 * thousand vertices), this sweeps a line across the edges once (Shamos–Hoey), comparing an edge
 * only with its neighbours above and below and at each vertex with the edges through it; every
 * test is an exact orientation test (robust-predicates), so the answer is the same everywhere.
 * O(n log n) orientation tests; the active list is a sorted array, so inserting costs a memmove.
 *
 * @param rings a polygon's rings (closed: the last position repeats the first)
 * @returns true when some pair of edges meets as described
 */
export function selfIntersects(rings: readonly (readonly Point[])[]): boolean {
  const segments = segmentsOf(rings);
  const ringSizes = rings.map((r) => r.length - 1);
  const closed = rings.map((r) => {
    const first = r[0];
    const last = r.at(-1);
    return first !== undefined && last !== undefined && first[0] === last[0] && first[1] === last[1];
  });
  // Two edges of one ring that are neighbours (turf's exceptions), so they may share their vertex.
  const neighbours = (a: Segment, b: Segment): boolean => {
    if (a.ring !== b.ring) return false;
    const gap = Math.abs(a.index - b.index);
    return gap === 1 || (closed[a.ring] === true && gap === (ringSizes[a.ring] ?? 0) - 1);
  };
  const bad = (a: Segment, b: Segment): boolean => meets(a, b) && !neighbours(a, b);

  // Events: each segment's two ends, in sweep order.
  const events: { x: number; y: number; segment: Segment; left: boolean }[] = [];
  for (const s of segments) {
    events.push({ x: s.lx, y: s.ly, segment: s, left: true }, { x: s.rx, y: s.ry, segment: s, left: false });
  }
  events.sort((a, b) => a.x - b.x || a.y - b.y);

  const active: Segment[] = [];
  for (let start = 0; start < events.length;) {
    const first = events[start] as (typeof events)[number];
    const { x, y } = first;
    let end = start;
    while (end < events.length && events[end]?.x === x && events[end]?.y === y) end++;
    const group = events.slice(start, end);
    start = end;
    const ends = group.map((e) => e.segment);

    // Edges ending here: at a vertex that only two edges end at, they may be neighbours; where
    // three or more end, two that are not neighbours meet here unless all are collinear.
    if (ends.length === 2 && bad(ends[0] as Segment, ends[1] as Segment)) return true;
    if (ends.length > 2) {
      const e0 = ends[0] as Segment;
      if (ends.some((e) => !collinear(e0, e))) return true;
    }

    // Edges passing through this vertex (it is inside them): in the active list, they sit between
    // those below the vertex and those above it, with the edges that end here.
    let lo = lowerBound(active, (u) => side(u, x, y) <= 0);
    const hi = lowerBound(active, (u) => side(u, x, y) < 0, lo);
    const through = active.slice(lo, hi).filter((u) => !(u.rx === x && u.ry === y));
    if (through.length > 0) {
      const u0 = through[0] as Segment;
      // Sorted by slope: the first and last are collinear only when all are; two that are not cross here.
      if (!collinear(u0, through.at(-1) as Segment)) return true;
      if (ends.some((e) => !collinear(u0, e))) return true;
    }

    // Remove the edges ending here, then compare the edges that became neighbours.
    const removed = group.filter((e) => !e.left).length;
    if (removed > 0) {
      active.splice(lo, hi - lo, ...through);
      for (let i = Math.max(lo, 1); i <= Math.min(lo + through.length, active.length - 1); i++) {
        if (bad(active[i - 1] as Segment, active[i] as Segment)) return true;
      }
    }

    // Insert the edges starting here, each compared with its new neighbours.
    for (const e of group) {
      if (!e.left) continue;
      const s = e.segment;
      lo = lowerBound(active, (u) => below(s, u));
      active.splice(lo, 0, s);
      const under = active[lo - 1];
      const over = active[lo + 1];
      if ((under !== undefined && bad(under, s)) || (over !== undefined && bad(s, over))) return true;
    }
  }
  return false;
}

function segmentsOf(rings: readonly (readonly Point[])[]): Segment[] {
  const segments: Segment[] = [];
  for (const [ring, positions] of rings.entries()) {
    for (let index = 0; index + 1 < positions.length; index++) {
      const [ax, ay] = positions[index] as Point;
      const [bx, by] = positions[index + 1] as Point;
      // A zero-length edge is parallel to every edge: turf never counts it.
      if (ax === bx && ay === by) continue;
      const aFirst = ax < bx || (ax === bx && ay < by);
      segments.push(
        aFirst
          ? { lx: ax, ly: ay, rx: bx, ry: by, ring, index }
          : { lx: bx, ly: by, rx: ax, ry: ay, ring, index },
      );
    }
  }
  return segments;
}

/** @returns positive when (x, y) lies above the segment's line (left of its left-to-right direction), 0 on it */
function side(s: Segment, x: number, y: number): number {
  return -orient2d(s.lx, s.ly, s.rx, s.ry, x, y);
}

/** @returns whether two segments that share a point lie on one line */
function collinear(a: Segment, b: Segment): boolean {
  return side(a, b.lx, b.ly) === 0 && side(a, b.rx, b.ry) === 0;
}

/** @returns whether two segments meet at a point and are not parallel (turf skips parallel ones) */
function meets(a: Segment, b: Segment): boolean {
  const d1 = Math.sign(side(b, a.lx, a.ly));
  const d2 = Math.sign(side(b, a.rx, a.ry));
  if (d1 === 0 && d2 === 0) return false;
  const d3 = Math.sign(side(a, b.lx, b.ly));
  const d4 = Math.sign(side(a, b.rx, b.ry));
  if (d3 === 0 && d4 === 0) return false;
  return d1 * d2 <= 0 && d3 * d4 <= 0;
}

/**
 * Whether `s` (starting at the sweep's vertex) goes below the active edge `u`: by where the vertex
 * is, then, when it lies on `u`, by where `s` heads. Collinear edges go above the ones already there.
 */
function below(s: Segment, u: Segment): boolean {
  const at = side(u, s.lx, s.ly);
  if (at !== 0) return at < 0;
  return side(u, s.rx, s.ry) < 0;
}

/** @returns the first index from `from` whose item satisfies `test` (which must hold from some index on) */
function lowerBound<T>(items: readonly T[], test: (item: T) => boolean, from = 0): number {
  let lo = from;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (test(items[mid] as T)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
