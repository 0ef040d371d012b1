import { createHash } from "node:crypto";
import Flatbush from "flatbush";
import { canonicalJson } from "../../record/mod.js";
import { areasOverlap, overlapOf, type Shape } from "./geometry.js";
import type { Conflict } from "../views/mod.js";

/** One volume of a notification (owner: its current hash) or of a zone (owner: "zone:NAME", a plan "plan:NAME"). */
export interface OwnedVolume {
  owner: string;
  /** the volume's index in its notification (0 for a zone) */
  index: number;
  shape: Shape;
  /** true for a volume whose overlaps are critical (nuclear exercises, missile launches) */
  critical: boolean;
  /** the line the notification is on; null for a zone */
  line: string | null;
}

/**
 * A conflict's id: SHA-256 of the canonical JSON of the two (owner, volume index) pairs, sorted.
 *
 * @returns 64 hex characters
 */
export function conflictId(a: { owner: string; index: number }, b: { owner: string; index: number }): string {
  const pair = [
    [a.owner, a.index],
    [b.owner, b.index],
  ].sort((x, y) => compare(String(x[0]), String(y[0])) || Number(x[1]) - Number(y[1]));
  return createHash("sha256").update(canonicalJson(pair)).digest("hex");
}

/**
 * Checks two volumes exactly: time windows, altitude bands, then areas.
 *
 * @returns their conflict, or null when they do not share a part of positive size in all four
 *   dimensions (touching edges, bands or windows are no conflict)
 */
export function conflictBetween(x: OwnedVolume, y: OwnedVolume): Conflict | null {
  if (x.owner === y.owner) return null;
  const time = overlapOf(x.shape.start, x.shape.end, y.shape.start, y.shape.end);
  if (time === null) return null;
  const band = overlapOf(x.shape.minAltitude, x.shape.maxAltitude, y.shape.minAltitude, y.shape.maxAltitude);
  if (band === null) return null;
  if (!boxesMeet(x.shape.bbox, y.shape.bbox)) return null;
  if (!areasOverlap(x.shape.polygons, y.shape.polygons)) return null;
  const [a, b] = compare(x.owner, y.owner) < 0 ? [x, y] : [y, x];
  return {
    id: conflictId(a, b),
    a: a.owner,
    b: b.owner,
    volumeA: a.index,
    volumeB: b.index,
    from: new Date(time[0]).toISOString(),
    to: new Date(time[1]).toISOString(),
    minAltitude: band[0],
    maxAltitude: band[1],
    line: a.line ?? b.line,
    severity: a.critical || b.critical ? "critical" : "warning",
  };
}

/**
 * Volumes indexed by their bounding boxes (a packed R-tree, flatbush), so that a new volume is
 * checked exactly only against those whose boxes meet its own.
 */
export class VolumeIndex {
  readonly volumes: readonly OwnedVolume[];
  readonly #tree: Flatbush | null;

  /** @param volumes the volumes to index */
  constructor(volumes: readonly OwnedVolume[]) {
    this.volumes = volumes;
    if (volumes.length === 0) {
      this.#tree = null;
      return;
    }
    const tree = new Flatbush(volumes.length);
    for (const v of volumes) tree.add(...v.shape.bbox);
    tree.finish();
    this.#tree = tree;
  }

  /**
   * @param volume a volume, indexed or not
   * @returns its conflicts with the indexed volumes (of other owners)
   */
  conflictsWith(volume: OwnedVolume): Conflict[] {
    if (this.#tree === null) return [];
    const out: Conflict[] = [];
    for (const i of this.#tree.search(...volume.shape.bbox)) {
      const conflict = conflictBetween(volume, this.volumes[i] as OwnedVolume);
      if (conflict !== null) out.push(conflict);
    }
    return out;
  }
}

/**
 * Every conflict among some volumes: between volumes of different notifications, and between a
 * notification's volume and a zone (never between two zones). A pure function of its input, in
 * id order, so every station computes the same set.
 *
 * @param volumes the notifications' volumes
 * @param zones this station's zones' volumes
 * @returns the conflicts, by id
 */
export function conflictsAmong(
  volumes: readonly OwnedVolume[],
  zones: readonly OwnedVolume[] = [],
): Conflict[] {
  const index = new VolumeIndex([...volumes, ...zones]);
  const found = new Map<string, Conflict>();
  for (const v of volumes) {
    for (const c of index.conflictsWith(v)) found.set(c.id, c);
  }
  return [...found.values()].sort((a, b) => compare(a.id, b.id));
}

function boxesMeet(a: readonly number[], b: readonly number[]): boolean {
  return (
    (a[0] as number) <= (b[2] as number) &&
    (b[0] as number) <= (a[2] as number) &&
    (a[1] as number) <= (b[3] as number) &&
    (b[1] as number) <= (a[3] as number)
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
