import type { MapConflict, MapView, MapVolume, NotificationView, Position, ZoneView } from "../../api-types";

// What the map shows, worked out from `GET /api/map` without Leaflet: which shapes are in force
// at a chosen time, what to call the two sides of a conflict, and where to point the map.

/** South-west and north-east corners, [lat, lon] each, as Leaflet takes them. */
export type LatLonBounds = [[number, number], [number, number]];

/**
 * @param start a window's start (ISO), or null for "since always"
 * @param end its end (ISO), or null for "for ever"
 * @param at a time in ms, or null for "all times"
 * @returns whether the window is open at that time (start included, end not)
 */
export function openAt(start: string | null, end: string | null, at: number | null): boolean {
  if (at === null) return true;
  return (start === null || Date.parse(start) <= at) && (end === null || at < Date.parse(end));
}

/**
 * @param view the map's contents
 * @returns the earliest volume start and the latest volume end, in ms, or null with no volumes
 */
export function volumeSpan(view: MapView): { min: number; max: number } | null {
  let min = Infinity;
  let max = -Infinity;
  for (const f of view.volumes.features) {
    min = Math.min(min, Date.parse(f.properties.start));
    max = Math.max(max, Date.parse(f.properties.end));
  }
  return Number.isFinite(min) && Number.isFinite(max) ? { min, max } : null;
}

/** What the map draws after the operator's filters. */
export interface Drawn {
  volumes: MapVolume[];
  /** this station's zones and plans, and the zones shared on its lines (with who shared them) */
  zones: (ZoneView & { sharedBy?: string })[];
  conflicts: MapConflict[];
}

/**
 * @param view the map's contents
 * @param options the chosen time (null: all times) and whether cancelled notifications show
 * @returns the shapes to draw: cancelled volumes beneath the others, launches and nuclear
 *   exercises above the rest, so the ones that matter most are never hidden
 */
export function drawnAt(view: MapView, options: { at: number | null; showCancelled: boolean }): Drawn {
  const rank = (f: MapVolume) =>
    f.properties.state === "cancelled"
      ? 0
      : f.properties.type === "nuclear-exercise" || f.properties.type === "missile-launch"
        ? 2
        : 1;
  return {
    volumes: view.volumes.features
      .filter((f) => options.showCancelled || f.properties.state !== "cancelled")
      .filter((f) => openAt(f.properties.start, f.properties.end, options.at))
      .sort((a, b) => rank(a) - rank(b)),
    zones: [
      ...view.zones,
      ...view.sharedZones.map((z) => ({
        name: z.name,
        kind: "protected" as const,
        geometry: z.geometry as ZoneView["geometry"],
        minAltitude: z.minAltitude,
        maxAltitude: z.maxAltitude,
        from: z.from,
        to: z.to,
        createdBy: z.operator,
        createdAt: z.time,
        sharedBy: z.stationName,
      })),
    ].filter((z) => openAt(z.from, z.to, options.at)),
    conflicts: view.conflicts.filter((c) => c.overlap !== null && openAt(c.from, c.to, options.at)),
  };
}

/**
 * @param ref one side of a conflict: a notification's current hash, or "zone:NAME" / "plan:NAME"
 * @param notifications the notifications the map knows
 * @returns the notification it names (by current hash, else by id), or undefined
 */
export function notificationOf(ref: string, notifications: readonly NotificationView[]) {
  return notifications.find((n) => n.hash === ref) ?? notifications.find((n) => n.id === ref);
}

/**
 * @param ref one side of a conflict
 * @returns the zone or plan it names, or null when it names a notification
 */
export function zoneRefOf(ref: string): { kind: "zone" | "plan"; name: string } | null {
  const match = /^(zone|plan):(.*)$/s.exec(ref);
  if (match?.[1] === undefined || match[2] === undefined) return null;
  return { kind: match[1] === "plan" ? "plan" : "zone", name: match[2] };
}

/**
 * @param polygons MultiPolygon coordinates, any number of them
 * @returns the box around them all, or null when there is no point
 */
export function boundsOf(polygons: readonly Position[][][][]): LatLonBounds | null {
  let south = Infinity;
  let west = Infinity;
  let north = -Infinity;
  let east = -Infinity;
  for (const multi of polygons) {
    for (const polygon of multi) {
      for (const ring of polygon) {
        for (const [lon, lat] of ring) {
          south = Math.min(south, lat);
          north = Math.max(north, lat);
          west = Math.min(west, lon);
          east = Math.max(east, lon);
        }
      }
    }
  }
  return Number.isFinite(south)
    ? [
        [south, west],
        [north, east],
      ]
    : null;
}

/**
 * @param geometry a zone's area
 * @returns its coordinates as a MultiPolygon's
 */
export function zonePolygons(geometry: ZoneView["geometry"]): Position[][][] {
  return geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
}
