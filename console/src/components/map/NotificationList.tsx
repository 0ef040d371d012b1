import { useId } from "react";
import { useTranslation } from "react-i18next";
import type { NotificationView } from "../../api-types";
import { TYPE_COLOURS } from "./map-style";

/**
 * The notifications drawn now, as a list: the keyboard's way to every shape on the map, and the
 * way to find one too small to see at this zoom.
 */
export function NotificationList({
  notifications,
  selected,
  onOpen,
}: {
  notifications: NotificationView[];
  selected: string | null;
  onOpen: (notification: string) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <section className="map-notifications" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>
        {t("map.onMap")} <span className="count-badge sev-none">{notifications.length}</span>
      </h2>
      {notifications.length === 0 ? (
        <p className="muted">{t("map.nothingDrawn")}</p>
      ) : (
        <ul className="map-notification-list">
          {notifications.map((n) => (
            <li key={n.id}>
              <button
                type="button"
                className="map-notification-pick"
                aria-pressed={n.id === selected}
                onClick={() => onOpen(n.id)}
              >
                <span
                  className="map-type-dot"
                  style={{ background: TYPE_COLOURS[n.type] }}
                  aria-hidden="true"
                />
                <span className="map-notification-pick-title" dir="auto">
                  {n.title}
                </span>
                <span className="muted small">
                  {t(`notifyType.${n.type}`)} · {n.stationName}
                  {n.late && ` · ${t("map.late")}`}
                  {n.state === "cancelled" && ` · ${t("map.cancelledBadge")}`}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
