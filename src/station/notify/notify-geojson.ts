import { HotlineError, type Volume } from "../../record/mod.js";
import type { NotificationDraft } from "./notify.js";
import type { NotificationView } from "../views/mod.js";

/**
 * Reads a notification an operator gives: either its JSON (`{ type, title, description,
 * volumes }`) or a GeoJSON FeatureCollection, one Feature per volume, whose properties carry
 * `type`, `title`, `description` (from the first Feature), `altitude` and `time`; a Point with a
 * `radiusMeters` property is a circle. Shapes only: the station checks the content.
 *
 * @param value the parsed file
 * @returns the notification
 * @throws HotlineError BAD_INPUT when it is neither
 */
export function notificationFromFile(value: unknown): NotificationDraft {
  const v = value as Record<string, unknown> | null;
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new HotlineError("BAD_INPUT", "Cannot read the notification: the file must hold a JSON object");
  if (v.type !== "FeatureCollection") return v as unknown as NotificationDraft;
  const features = Array.isArray(v.features) ? (v.features as Record<string, unknown>[]) : [];
  if (features.length === 0)
    throw new HotlineError(
      "BAD_INPUT",
      "Cannot read the notification: features: must hold at least one Feature",
    );
  const first = (features[0]?.properties ?? {}) as Record<string, unknown>;
  const volumes = features.map((f) => {
    const props = (f.properties ?? {}) as Record<string, unknown>;
    const g = f.geometry as { type?: string; coordinates?: unknown } | null;
    const geometry =
      g?.type === "Point" && props.radiusMeters !== undefined
        ? { center: g.coordinates, radiusMeters: props.radiusMeters }
        : g;
    return { geometry, altitude: props.altitude, time: props.time } as unknown as Volume;
  });
  return {
    type: first.type as NotificationDraft["type"],
    title: first.title as string,
    description: (first.description as string | undefined) ?? "",
    volumes,
  };
}

/**
 * @param notifications notifications
 * @returns them as one GeoJSON FeatureCollection, a Feature per volume (a circle as a Point with
 *   `radiusMeters`), whose properties carry the notification and the volume's altitude and time
 */
export function notificationsToGeoJson(notifications: readonly NotificationView[]): object {
  return {
    type: "FeatureCollection",
    features: notifications.flatMap((n) =>
      n.volumes.map((v, volume) => {
        const circle = "type" in v.geometry ? null : v.geometry;
        return {
          type: "Feature",
          geometry: circle === null ? v.geometry : { type: "Point", coordinates: circle.center },
          properties: {
            id: n.id,
            hash: n.hash,
            volume,
            station: n.stationName,
            state: n.state,
            late: n.late,
            type: n.type,
            title: n.title,
            description: n.description,
            altitude: v.altitude,
            time: v.time,
            ...(circle === null ? {} : { radiusMeters: circle.radiusMeters }),
          },
        };
      }),
    ),
  };
}
