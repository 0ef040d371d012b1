import type { TFunction } from "i18next";
import type { Conflict, NotificationView, SharedZoneView } from "../../api-types";
import { formatNumber, utcDate } from "../../format";
import { notificationOf, zoneRefOf } from "./map-data";

// The words the map puts beside its shapes, shared by tooltips and the side panel.

/** Names one side of a conflict for people: a notification's title, "Zone NAME", "Plan NAME". */
export type PartyNames = (ref: string) => string;

/**
 * @param notifications the notifications the map knows
 * @param t the console's words
 * @returns a function naming each side of a conflict
 */
export function partyNames(
  notifications: readonly NotificationView[],
  t: TFunction,
  sharedZones: readonly SharedZoneView[] = [],
): PartyNames {
  return (ref) => {
    const zone = zoneRefOf(ref);
    if (zone !== null)
      return t(zone.kind === "plan" ? "map.planNamed" : "map.zoneNamed", { name: zone.name });
    const shared = sharedZones.find((z) => z.id === ref);
    if (shared !== undefined) return `${t("map.zoneNamed", { name: shared.name })} (${shared.stationName})`;
    return notificationOf(ref, notifications)?.title ?? t("map.unknownParty", { id: ref.slice(0, 12) });
  };
}

/**
 * @param conflict a conflict
 * @param names how to name its sides
 * @returns the names of its two sides
 */
export function conflictParties(conflict: Conflict, names: PartyNames): [string, string] {
  return [names(conflict.a), names(conflict.b)];
}

/**
 * @param min lowest altitude in metres MSL, or null for none
 * @param max highest, or null for none
 * @param words the console's words and locale
 * @returns e.g. "0–5,000 m MSL", "up to 5,000 m MSL", "all altitudes"
 */
export function altitudeBand(
  min: number | null,
  max: number | null,
  words: { t: TFunction; locale: string },
): string {
  const { t, locale } = words;
  if (min === null && max === null) return t("map.allAltitudes");
  if (min === null) return t("map.altitudeUpTo", { max: formatNumber(max ?? 0, locale) });
  if (max === null) return t("map.altitudeFrom", { min: formatNumber(min, locale) });
  return t("map.altitude", { min: formatNumber(min, locale), max: formatNumber(max, locale) });
}

/**
 * @param iso a time
 * @param locale an Intl locale
 * @returns its UTC date and time to the minute, e.g. "1 Dec 2026 06:00Z"
 */
export function utcMinute(iso: string | number, locale: string): string {
  const date = new Date(iso);
  return `${utcDate(date.toISOString(), locale)} ${date.toISOString().slice(11, 16)}Z`;
}

/**
 * @param start a window's start, or null for "since always"
 * @param end its end, or null for "for ever"
 * @param locale an Intl locale
 * @returns e.g. "1 Dec 2026 06:00Z → 3 Dec 2026 18:00Z", or "1 Dec 2026 06:00–18:00Z" within a day
 */
export function timeWindow(start: string | null, end: string | null, locale: string): string {
  if (start !== null && end !== null && start.slice(0, 10) === end.slice(0, 10)) {
    return `${utcMinute(start, locale).slice(0, -1)}–${new Date(end).toISOString().slice(11, 16)}Z`;
  }
  return `${start === null ? "…" : utcMinute(start, locale)} → ${end === null ? "…" : utcMinute(end, locale)}`;
}
