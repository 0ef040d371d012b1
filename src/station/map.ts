import type { Position } from "../record/mod.js";
import type { Conflict } from "./conflicts.js";
import { overlapArea, polygonsOf } from "./geometry.js";
import { conflictsOf } from "./notify-watch.js";
import { notificationsOf, type NotificationView } from "./notify.js";
import type { Station } from "./station.js";
import { listZones, type ZoneView } from "./zones.js";

type MultiPolygon = { type: "MultiPolygon"; coordinates: Position[][][] };

/** A conflict with the area its two volumes share, to draw. */
export interface MapConflict extends Conflict {
  overlap: MultiPolygon | null;
}

/** A notification's volume, drawn: its area as conflict checks see it (a circle as its polygon). */
export interface MapVolume {
  type: "Feature";
  geometry: MultiPolygon;
  properties: {
    /** the notification's id (its first entry) and current hash (what conflicts name) */
    notification: string;
    hash: string;
    volume: number;
    line: string;
    type: NotificationView["type"];
    title: string;
    stationName: string;
    state: NotificationView["state"];
    late: boolean;
    minMeters: number;
    maxMeters: number;
    start: string;
    end: string;
  };
}

/** Everything the console's map draws, from one read. */
export interface MapView {
  lines: { id: string; name: string }[];
  notifications: NotificationView[];
  volumes: { type: "FeatureCollection"; features: MapVolume[] };
  /** this station's own protected zones and plans (private) */
  zones: ZoneView[];
  conflicts: MapConflict[];
}

/**
 * Every line's notifications, their volumes as drawn, this station's zones and plans, and the
 * conflicts with the areas they share.
 *
 * @param station the station
 * @returns the map's contents
 */
export function mapOf(station: Station): MapView {
  const lines = station.store.lines().map((l) => ({ id: l.id, name: l.name }));
  const notifications = lines.flatMap((l) => notificationsOf(station, l.id));
  const zones = listZones(station);
  const areas = new Map<string, Position[][][]>();
  const features: MapVolume[] = [];
  for (const n of notifications) {
    for (const [volume, v] of n.volumes.entries()) {
      const coordinates = polygonsOf(v.geometry);
      if (n.state === "active") areas.set(`${n.hash}#${volume}`, coordinates);
      features.push({
        type: "Feature",
        geometry: { type: "MultiPolygon", coordinates },
        properties: {
          notification: n.id,
          hash: n.hash,
          volume,
          line: n.line,
          type: n.type,
          title: n.title,
          stationName: n.stationName,
          state: n.state,
          late: n.late,
          minMeters: v.altitude.minMeters,
          maxMeters: v.altitude.maxMeters,
          start: v.time.start,
          end: v.time.end,
        },
      });
    }
  }
  for (const z of zones) {
    areas.set(`${z.kind === "plan" ? "plan" : "zone"}:${z.name}#0`, polygonsOf(z.geometry as never));
  }
  const conflicts = conflictsOf(station).map((c): MapConflict => {
    const a = areas.get(`${c.a}#${c.volumeA}`);
    const b = areas.get(`${c.b}#${c.volumeB}`);
    const shared = a === undefined || b === undefined ? null : overlapArea(a, b);
    return { ...c, overlap: shared === null ? null : { type: "MultiPolygon", coordinates: shared } };
  });
  return { lines, notifications, volumes: { type: "FeatureCollection", features }, zones, conflicts };
}
