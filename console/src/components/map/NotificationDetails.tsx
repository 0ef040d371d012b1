import { useEffect, useId, useRef } from "react";
import { useTranslation } from "react-i18next";
import type { NotificationView } from "../../api-types";
import { useLocale } from "../../i18n";
import { Clarifications } from "../notify/Clarifications";
import { Time } from "../Time";
import { TYPE_COLOURS } from "./map-style";
import { altitudeBand, timeWindow } from "./map-text";

export interface NotificationDetailsProps {
  notification: NotificationView;
  lineName: string;
  onClose: () => void;
  /** fits the map to the notification's volumes */
  onShow: () => void;
  /** after a question or answer was written */
  onChanged: () => void;
}

/**
 * One notification, in the side panel: what, who, on which line, whether late or withdrawn, each
 * volume's altitude band and window, and its questions and answers.
 */
export function NotificationDetails({
  notification: n,
  lineName,
  onClose,
  onShow,
  onChanged,
}: NotificationDetailsProps) {
  const { t } = useTranslation();
  const locale = useLocale();
  const id = useId();
  const cancelled = n.state === "cancelled";
  const heading = useRef<HTMLHeadingElement>(null);
  // Opened by a click on the map or in a list: the keyboard and the eye go to what opened.
  useEffect(() => heading.current?.focus(), []);

  return (
    <section className="map-details" aria-labelledby={`${id}-title`} data-notification={n.id}>
      <div className="map-details-head">
        <h2 id={`${id}-title`} dir="auto" ref={heading} tabIndex={-1}>
          {n.title}
        </h2>
        <button type="button" className="tool" onClick={onClose} aria-label={t("map.closeDetails")}>
          ×
        </button>
      </div>
      <p className="map-badges">
        <span className="map-type-chip" style={{ borderColor: TYPE_COLOURS[n.type] }}>
          <span className="map-type-dot" style={{ background: TYPE_COLOURS[n.type] }} aria-hidden="true" />
          {t(`notifyType.${n.type}`)}
        </span>
        {n.late && (
          <span className="map-badge-late" title={t("map.lateHint", { hours: n.noticeHours ?? "?" })}>
            {t("map.late")}
          </span>
        )}
        {n.tooLong && <span className="map-badge-late">{t("map.tooLong")}</span>}
        {cancelled && <span className="map-badge-cancelled">{t("map.cancelledBadge")}</span>}
      </p>
      <dl className="map-facts">
        <dt>{t("map.station")}</dt>
        <dd>
          {n.stationName} <span className="muted">({n.operator})</span>
        </dd>
        <dt>{t("map.line")}</dt>
        <dd>{lineName}</dd>
        <dt>{t("map.state")}</dt>
        <dd>
          {cancelled ? (
            <>
              {t("map.stateCancelled")} <Time iso={n.cancelledAt} date="always" />
            </>
          ) : (
            t("map.stateActive")
          )}
        </dd>
        <dt>{t("map.notified")}</dt>
        <dd>
          <Time iso={n.time} date="always" />
          {n.updatedAt !== null && (
            <>
              {" "}
              · {t("map.updated")} <Time iso={n.updatedAt} date="always" />
            </>
          )}
        </dd>
      </dl>
      {n.description !== "" && (
        <p className="map-description" dir="auto">
          {n.description}
        </p>
      )}
      <h3>{t("map.volumes", { count: n.volumes.length })}</h3>
      <ol className="map-volume-list">
        {n.volumes.map((v, i) => (
          <li key={i}>
            <span className="map-volume-altitude">
              {altitudeBand(v.altitude.minMeters, v.altitude.maxMeters, { t, locale })}
            </span>
            <br />
            <span className="map-volume-window">{timeWindow(v.time.start, v.time.end, locale)}</span>
          </li>
        ))}
      </ol>
      <button type="button" className="tool" onClick={onShow}>
        {t("map.showOnMap")}
      </button>
      <Clarifications notification={n} onChanged={onChanged} />
    </section>
  );
}
