import { useTranslation } from "react-i18next";
import type { Conflict, NotificationView, SharedZoneView } from "../../api-types";
import { AltitudeBand } from "./AltitudeBand";
import { TimeWindow } from "./TimeWindow";

/**
 * @param hash a notification's current hash
 * @param conflicts conflicts on its line
 * @returns those it is in
 */
export function conflictsOfNotification(hash: string, conflicts: readonly Conflict[]): Conflict[] {
  return conflicts.filter((c) => c.a === hash || c.b === hash);
}

/**
 * What a notification conflicts with: another notification on the line, or one of this station's
 * own zones or plans; with the severity, and where and when the two overlap.
 *
 * @param hash the notification's current hash, as conflicts name it
 * @param conflicts the conflicts it is in
 * @param others the line's notifications, to name the other side of each conflict
 * @param sharedZones the zones shared on the line, likewise
 */
export function NotificationConflicts({
  hash,
  conflicts,
  others,
  sharedZones,
}: {
  hash: string;
  conflicts: Conflict[];
  others: NotificationView[];
  sharedZones: SharedZoneView[];
}) {
  const { t } = useTranslation();
  if (conflicts.length === 0) return null;
  const describe = (other: string) => {
    if (other.startsWith("zone:")) return t("notify.conflictWithZone", { name: other.slice(5) });
    if (other.startsWith("plan:")) return t("notify.conflictWithPlan", { name: other.slice(5) });
    const zone = sharedZones.find((z) => z.id === other);
    if (zone !== undefined)
      return t("notify.conflictWithSharedZone", { name: zone.name, station: zone.stationName });
    const n = others.find((o) => o.hash === other);
    return n === undefined
      ? t("notify.conflictWithUnknown", { id: other.slice(0, 8) })
      : t("notify.conflictWith", { title: n.title, station: n.stationName });
  };
  return (
    <ul className="notify-conflict-list" aria-label={t("notify.conflictsLabel")}>
      {conflicts.map((c) => (
        <li key={c.id} className={`notify-conflict conflict-${c.severity}`}>
          <span className={`badge sev-${c.severity}`}>{t(`severity.${c.severity}`)}</span>{" "}
          <span className="conflict-other">{describe(c.a === hash ? c.b : c.a)}</span>
          <span className="muted">
            {" · "}
            <AltitudeBand min={c.minAltitude} max={c.maxAltitude} />
            {" · "}
            <TimeWindow start={c.from} end={c.to} />
          </span>
        </li>
      ))}
    </ul>
  );
}
