import { useId } from "react";
import { useTranslation } from "react-i18next";
import type { MapConflict, NotificationView } from "../../api-types";
import { useLocale } from "../../i18n";
import { notificationOf } from "./map-data";
import { TYPE_COLOURS } from "./map-style";
import { altitudeBand, timeWindow, type PartyNames } from "./map-text";

export interface ConflictListProps {
  /** every conflict: the list never hides one, even outside the chosen time */
  conflicts: MapConflict[];
  /** ids of those drawn at the chosen time */
  drawn: ReadonlySet<string>;
  selected: string | null;
  parties: PartyNames;
  notifications: NotificationView[];
  onSelect: (conflict: MapConflict) => void;
  onOpen: (notification: string) => void;
}

/**
 * The conflicts, critical first: severity, the two sides, the altitude and time they share, and
 * the id's first 12 hex digits (as `hotline conflicts` prints them). A click shows one on the map;
 * each side that is a notification opens its details.
 */
export function ConflictList({
  conflicts,
  drawn,
  selected,
  parties,
  notifications,
  onSelect,
  onOpen,
}: ConflictListProps) {
  const { t } = useTranslation();
  const locale = useLocale();
  const id = useId();
  const worst = conflicts.some((c) => c.severity === "critical")
    ? "critical"
    : conflicts.length > 0
      ? "warning"
      : "none";
  const sorted = [...conflicts].sort(
    (a, b) =>
      Number(b.severity === "critical") - Number(a.severity === "critical") || a.from.localeCompare(b.from),
  );

  return (
    <section className="map-conflicts" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>
        {t("map.conflicts")} <span className={`count-badge sev-${worst}`}>{conflicts.length}</span>
      </h2>
      {conflicts.length === 0 ? (
        <p className="muted">{t("map.noConflicts")}</p>
      ) : (
        <ol className="map-conflict-list">
          {sorted.map((c) => {
            const sides = [c.a, c.b].map((ref) => ({
              ref,
              notification: notificationOf(ref, notifications),
            }));
            return (
              <li
                key={c.id}
                className={`map-conflict-item ${c.severity}${c.id === selected ? " selected" : ""}${drawn.has(c.id) ? "" : " elsewhere"}`}
                data-conflict-item={c.id}
              >
                <button
                  type="button"
                  className="map-conflict-select"
                  aria-pressed={c.id === selected}
                  onClick={() => onSelect(c)}
                  title={c.overlap === null ? t("map.noOverlap") : t("map.showConflict")}
                >
                  <span className="map-conflict-head">
                    <span className={`count-badge sev-${c.severity}`}>{t(`severity.${c.severity}`)}</span>
                    <code className="map-conflict-id">{c.id.slice(0, 12)}</code>
                  </span>
                  <span className="map-conflict-parties">
                    {sides.map((side) => (
                      <span key={side.ref} className="map-conflict-party" dir="auto">
                        <span
                          className={`map-type-dot${side.notification === undefined ? " zone" : ""}`}
                          style={
                            side.notification === undefined
                              ? undefined
                              : { background: TYPE_COLOURS[side.notification.type] }
                          }
                          aria-hidden="true"
                        />
                        {parties(side.ref)}
                      </span>
                    ))}
                  </span>
                  <span className="map-conflict-facts">
                    {altitudeBand(c.minAltitude, c.maxAltitude, { t, locale })}
                    <br />
                    {timeWindow(c.from, c.to, locale)}
                  </span>
                  {!drawn.has(c.id) && <span className="muted small">{t("map.notAtTime")}</span>}
                </button>
                <span className="map-conflict-open small">
                  {sides.map(
                    (side) =>
                      side.notification !== undefined && (
                        <button
                          key={side.ref}
                          type="button"
                          className="map-link-button"
                          onClick={() => side.notification !== undefined && onOpen(side.notification.id)}
                        >
                          {t("map.openDetails", { title: side.notification.title })}
                        </button>
                      ),
                  )}
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
