/**
 * Notifications of activities as 4D volumes, clarifications, private and shared zones, the
 * conflicts every station computes alike, the geometry under them, and the map.
 *
 * This file is the folder's only door (see docs/DESIGN.md, the map).
 *
 * @module
 */
export { VolumeIndex, conflictBetween, conflictId, conflictsAmong } from "./conflicts.js";
export type { OwnedVolume } from "./conflicts.js";
export { areasOverlap, overlapOf, shapeOf } from "./geometry.js";
export type { Shape } from "./geometry.js";
export { mapOf } from "./map.js";
export { notificationFromFile, notificationsToGeoJson } from "./notify-geojson.js";
export { isNotifyTextKind, notifyText, volumeText } from "./notify-text.js";
export {
  NotifyWatch,
  conflictsOf,
  syncAllNotifyAlarms,
  syncNotifyAlarms,
  volumesOf,
} from "./notify-watch.js";
export { NOTIFY_KINDS, amendNotification, clarify, notificationsOf, notify } from "./notify.js";
export type { NotificationDraft } from "./notify.js";
export { SHARED_ZONE_KINDS, sharedZoneVolumes, sharedZonesOf, withdrawSharedZone } from "./shared-zones.js";
export { addZone, listZones, removeZone, shareZone, zoneVolumes } from "./zones.js";
