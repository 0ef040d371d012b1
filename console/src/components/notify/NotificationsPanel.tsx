import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api";
import {
  bodyString,
  type Conflict,
  type LogEntry,
  type NotificationView,
  type SharedZoneView,
} from "../../api-types";
import { useSession } from "../../session";
import "../../notify.css";
import { conflictsOfNotification } from "./NotificationConflicts";
import { NotificationItem } from "./NotificationItem";
import { NotifyDialog } from "./NotifyDialog";

/** The kinds of entry that change a line's notifications (and so its conflicts). */
export const NOTIFY_KINDS: readonly string[] = [
  "notify",
  "notify.update",
  "notify.cancel",
  "clarify",
  "clarify.answer",
  "zone.share",
  "zone.withdraw",
];

/**
 * @param entries a line's log
 * @returns how many of its notifications are in force (not cancelled by the station that made them)
 */
export function activeNotifications(entries: readonly LogEntry[]): number {
  const cancelled = new Set(
    entries
      .filter((e) => e.kind === "notify.cancel")
      .map((e) => `${e.author}/${bodyString(e.body, "of") ?? ""}`),
  );
  return entries.filter((e) => e.kind === "notify" && !cancelled.has(`${e.author}/${e.hash}`)).length;
}

/**
 * A line's notifications, newest first: type, title, who notified, each volume's band and window,
 * late notice, the conflicts each is in and their questions; "Notify…" for officers.
 *
 * @param line the line's id
 * @param entries the line's log: the notifications are fetched again when one of their entries arrives
 * @param id the panel's element id
 */
export function NotificationsPanel({ line, entries, id }: { line: string; entries: LogEntry[]; id: string }) {
  const { t } = useTranslation();
  const { session } = useSession();
  const [notifications, setNotifications] = useState<NotificationView[] | null>(null);
  const [conflicts, setConflicts] = useState<Conflict[]>([]);
  const [sharedZones, setSharedZones] = useState<SharedZoneView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [conflictsError, setConflictsError] = useState<string | null>(null);
  const [composing, setComposing] = useState(false);
  const [notified, setNotified] = useState<number | null>(null);
  // Fetched again when an entry about notifications arrives (from any station), and after this
  // console wrote one.
  const [written, setWritten] = useState(0);
  const changes = entries.filter((e) => NOTIFY_KINDS.includes(e.kind)).length;
  const reload = useCallback(() => setWritten((n) => n + 1), []);

  useEffect(() => {
    let current = true;
    api.notifications(line).then(
      (found) => {
        if (!current) return;
        setNotifications(found);
        setError(null);
      },
      (failure: unknown) => current && setError((failure as Error).message),
    );
    api.sharedZones(line).then(
      (found) => current && setSharedZones(found),
      () => undefined, // a conflict's other side is then named by its id
    );
    api.conflicts(line).then(
      (found) => {
        if (!current) return;
        setConflicts(found);
        setConflictsError(null);
      },
      (failure: unknown) => current && setConflictsError((failure as Error).message),
    );
    return () => {
      current = false;
    };
  }, [line, changes, written]);

  const newestFirst = [...(notifications ?? [])].reverse();

  return (
    <section
      className="panel notify-panel"
      id={id}
      aria-labelledby={`${id}-title`}
      aria-busy={notifications === null}
    >
      <div className="notify-panel-head">
        <h2 id={`${id}-title`}>{t("notify.title")}</h2>
        {session.operator.role === "observer" ? (
          <span className="muted small">{t("notify.observer")}</span>
        ) : (
          <button type="button" className="primary" onClick={() => setComposing(true)}>
            {t("notify.notify")}
          </button>
        )}
      </div>
      {notified !== null && (
        <p role="status" className="ok-text small">
          {t("notify.sent", { seq: notified })}
        </p>
      )}
      {error !== null && (
        <p role="alert" className="error-text">
          {t("notify.failed", { message: error })}
        </p>
      )}
      {conflictsError !== null && (
        <p role="alert" className="error-text">
          {t("notify.conflictsFailed", { message: conflictsError })}
        </p>
      )}
      {notifications === null ? (
        error === null && <p className="muted">{t("app.loading")}</p>
      ) : notifications.length === 0 ? (
        <p className="muted">{t("notify.none")}</p>
      ) : (
        <ol className="notify-list">
          {newestFirst.map((n) => (
            <NotificationItem
              key={n.id}
              notification={n}
              conflicts={conflictsOfNotification(n.hash, conflicts)}
              others={notifications}
              sharedZones={sharedZones}
              onChanged={reload}
            />
          ))}
        </ol>
      )}
      {composing && (
        <NotifyDialog
          line={line}
          onNotified={(seq) => {
            setNotified(seq);
            reload();
          }}
          onClose={() => setComposing(false)}
        />
      )}
    </section>
  );
}
