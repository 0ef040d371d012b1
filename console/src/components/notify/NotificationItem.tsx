import { useTranslation } from "react-i18next";
import type { Conflict, NotificationView, SharedZoneView } from "../../api-types";
import { formatNumber } from "../../format";
import { useLocale } from "../../i18n";
import { Link } from "../../router";
import { useSession } from "../../session";
import { Time } from "../Time";
import { AltitudeBand } from "./AltitudeBand";
import { CancelNotification } from "./CancelNotification";
import { NotificationConflicts } from "./NotificationConflicts";
import { CRITICAL_TYPES, NotifyTypeBadge } from "./NotifyTypeBadge";
import { QuestionsToggle } from "./QuestionsToggle";
import { TimeWindow } from "./TimeWindow";

/**
 * @param id a notification's id (its original entry's hash)
 * @returns the map's address showing it
 */
export function notificationMapPath(id: string): string {
  return `/map?n=${encodeURIComponent(id)}`;
}

/**
 * One notification: its type, title, who made it and when, its notice, each volume's altitude
 * band and window, the conflicts it is in, its questions and answers; for this station's own
 * ones in force, "Cancel".
 *
 * @param notification the notification
 * @param conflicts the conflicts it is in
 * @param others the line's notifications, to name the other side of a conflict
 * @param sharedZones the zones shared on the line, likewise
 * @param onChanged after something was written about it: fetch the notifications again
 */
export function NotificationItem({
  notification: n,
  conflicts,
  others,
  sharedZones,
  onChanged,
}: {
  notification: NotificationView;
  conflicts: Conflict[];
  others: NotificationView[];
  sharedZones: SharedZoneView[];
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const { session } = useSession();
  const locale = useLocale();
  // Rounded down, so that a late notice never reads as given in full.
  const hours = (h: number) => {
    const tenths = Math.floor(h * 10) / 10;
    return formatNumber(tenths, locale, Number.isInteger(tenths) ? 0 : 1);
  };
  const cancelled = n.state === "cancelled";
  const critical = conflicts.some((c) => c.severity === "critical");
  const given = n.noticeHours !== null && n.marginHours !== null ? n.noticeHours + n.marginHours : null;
  const mayCancel = !cancelled && n.station === session.station.id && session.operator.role !== "observer";
  const classes = [
    "notify-item",
    `notify-item-${n.type}`,
    CRITICAL_TYPES.has(n.type) ? "notify-critical-type" : "",
    cancelled ? "notify-cancelled" : "",
  ];
  return (
    <li className={classes.join(" ").trim()} data-id={n.id}>
      <div className="notify-head">
        <NotifyTypeBadge type={n.type} />
        <strong className="notify-title">{n.title}</strong>
        {cancelled && <span className="badge notify-state-cancelled">{t("notify.cancelled")}</span>}
        {n.late && <span className="badge notify-late">{t("notify.late")}</span>}
        {n.tooLong && (
          <span className="badge notify-too-long" title={t("notify.tooLongHint")}>
            {t("notify.tooLong")}
          </span>
        )}
        <span
          className={`count-badge notify-conflict-count ${conflicts.length === 0 ? "sev-none" : critical ? "sev-critical" : "sev-warning"}`}
          data-count={conflicts.length}
        >
          {conflicts.length === 0
            ? t("notify.noConflicts")
            : t("notify.conflicts", { count: conflicts.length })}
        </span>
        <span className="notify-links">
          <Link to={notificationMapPath(n.id)}>{t("notify.showOnMap")}</Link>
        </span>
      </div>
      <p className="notify-from">
        {t("notify.from", { station: n.stationName, operator: n.operator })} <Time iso={n.time} />
        {n.updatedAt !== null && (
          <>
            {" · "}
            {t("notify.updated")} <Time iso={n.updatedAt} />
          </>
        )}
        {n.cancelledAt !== null && (
          <>
            {" · "}
            {t("notify.cancelledAt")} <Time iso={n.cancelledAt} />
          </>
        )}
        <span className="entry-id muted" title={n.id}>
          {n.id.slice(0, 8)}
        </span>
      </p>
      {n.noticeHours !== null && given !== null && (
        <p className={n.late ? "notify-notice warning-text" : "notify-notice muted"}>
          {n.late
            ? t("notify.lateText", { asked: hours(n.noticeHours), given: hours(Math.max(0, given)) })
            : t("notify.noticeText", { asked: hours(n.noticeHours), given: hours(given) })}
        </p>
      )}
      {n.description !== "" && (
        <p className="notify-description" dir="auto">
          {n.description}
        </p>
      )}
      <ol className="notify-volumes" aria-label={t("notify.volumes")}>
        {n.volumes.map((v, i) => (
          <li key={i}>
            <span className="volume-label">{t("notify.volume", { n: i + 1 })}</span>{" "}
            <AltitudeBand min={v.altitude.minMeters} max={v.altitude.maxMeters} />
            {" · "}
            <TimeWindow start={v.time.start} end={v.time.end} />
          </li>
        ))}
      </ol>
      <NotificationConflicts hash={n.hash} conflicts={conflicts} others={others} sharedZones={sharedZones} />
      <QuestionsToggle notification={n} onChanged={onChanged} />
      {mayCancel && (
        <div className="notify-actions">
          <CancelNotification notification={n} onCancelled={onChanged} />
        </div>
      )}
    </li>
  );
}
