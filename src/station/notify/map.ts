import type { Position } from "../../record/mod.js";
import { overlapArea, polygonsOf } from "./geometry.js";
import { lineConflicts } from "./notify-watch.js";
import { notificationsOf } from "./notify.js";
import { sharedZonesOf } from "./shared-zones.js";
import type { Station } from "../core/mod.js";
import type { MapConflict, MapView, MapVolume, NotificationView, SharedZoneView } from "../views/mod.js";
import { listZones, zoneVolumes } from "./zones.js";

/**
 * Every line's notifications, their volumes as drawn, the zones shared on them, this station's
 * own zones and plans, and the conflicts with the areas they share. Each line is read once.
 *
 * @param station the station
 * @returns the map's contents
 */
export async function mapOf(station: Station): Promise<MapView> {
  const lines = (await station.store.lines()).map((l) => ({ id: l.id, name: l.name }));
  const read: { notifications: NotificationView[]; shared: SharedZoneView[] }[] = [];
  for (const l of lines) {
    read.push({
      notifications: await notificationsOf(station, l.id),
      shared: await sharedZonesOf(station, l.id),
    });
  }
  const notifications = read.flatMap((r) => r.notifications);
  const zones = await listZones(station);
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
    areas.set(`${z.kind === "plan" ? "plan" : "zone"}:${z.name}#0`, polygonsOf(z.geometry));
  }
  // Shared zones in force, their areas as MultiPolygons (a circle as conflict checks see it).
  const sharedZones = read
    .flatMap((r) => r.shared)
    .filter((z) => z.state === "active")
    .map((z) => ({ ...z, geometry: { type: "MultiPolygon" as const, coordinates: polygonsOf(z.geometry) } }));
  for (const z of sharedZones) areas.set(`${z.id}#0`, z.geometry.coordinates);
  const own = await zoneVolumes(station);
  const found = read.flatMap((r) => lineConflicts(r.notifications, r.shared, own));
  const conflicts = found.map((c): MapConflict => {
    const a = areas.get(`${c.a}#${c.volumeA}`);
    const b = areas.get(`${c.b}#${c.volumeB}`);
    const shared = a === undefined || b === undefined ? null : overlapArea(a, b);
    return { ...c, overlap: shared === null ? null : { type: "MultiPolygon", coordinates: shared } };
  });
  return {
    lines,
    notifications,
    volumes: { type: "FeatureCollection", features },
    zones,
    sharedZones,
    conflicts,
  };
}
