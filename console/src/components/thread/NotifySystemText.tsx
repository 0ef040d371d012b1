import { useTranslation } from "react-i18next";
import { NOTIFY_TYPES, bodyString, type LogEntry, type NotifyType } from "../../api-types";
import { Link, mapPath } from "../../router";

/** Kinds drawn by {@link NotifySystemText}. */
export const NOTIFY_SYSTEM_KINDS: readonly string[] = [
  "notify",
  "notify.update",
  "notify.cancel",
  "clarify",
  "clarify.answer",
  "zone.share",
  "zone.withdraw",
];

/**
 * A notification, its update or withdrawal, a question about it or an answer, as one readable
 * line, e.g. "admin (Washington) notified a nuclear exercise “Steadfast Noon” (2 volumes)", with
 * a link to it on the map; a question's or an answer's text is quoted.
 */
export function NotifySystemText({ entry, byHash }: { entry: LogEntry; byHash: Map<string, LogEntry> }) {
  const { t } = useTranslation();
  const body = entry.body;
  const who = { operator: bodyString(body, "operator") ?? "", station: entry.authorName };
  const typeName = (type: string | undefined) =>
    NOTIFY_TYPES.includes(type as NotifyType) ? t(`notifyType.${type as NotifyType}`) : (type ?? "");
  const volumes = Array.isArray(body["volumes"]) ? body["volumes"].length : 0;
  // A question names the notification; an answer names the question, which names it.
  const of = bodyString(body, "of") ?? "";
  const question = entry.kind === "clarify.answer" ? byHash.get(of) : undefined;
  const notificationId =
    entry.kind === "notify"
      ? entry.hash
      : entry.kind === "clarify.answer"
        ? bodyString(question?.body ?? {}, "of")
        : of;
  const notification = notificationId === undefined ? undefined : byHash.get(notificationId);
  const title = bodyString(notification?.body ?? body, "title") ?? "…";
  if (entry.kind === "zone.share" || entry.kind === "zone.withdraw") {
    const share = entry.kind === "zone.share" ? entry : byHash.get(of);
    const name = bodyString(share?.body ?? {}, "name") ?? "…";
    const reason = entry.kind === "zone.withdraw" ? bodyString(body, "reason") : undefined;
    return (
      <>
        {t(entry.kind === "zone.share" ? "system.zoneShare" : "system.zoneWithdraw", { ...who, name })}
        {reason !== undefined && reason !== "" && <q className="note">{reason}</q>}
      </>
    );
  }
  let text: string;
  let quote: string | undefined;
  switch (entry.kind) {
    case "notify":
      text = t("system.notify", { ...who, type: typeName(bodyString(body, "type")), title, count: volumes });
      break;
    case "notify.update":
      text = t("system.notifyUpdate", {
        ...who,
        type: typeName(bodyString(body, "type")),
        title: bodyString(body, "title") ?? "…",
        count: volumes,
      });
      break;
    case "notify.cancel":
      text = t("system.notifyCancel", { ...who, title });
      quote = bodyString(body, "reason");
      break;
    case "clarify":
      text = t("system.clarify", { ...who, title });
      quote = bodyString(body, "question");
      break;
    default:
      text = t("system.clarifyAnswer", { ...who, title });
      quote = bodyString(body, "text");
  }
  return (
    <>
      {text}
      {quote !== undefined && quote !== "" && <q className="note">{quote}</q>}
      {notificationId !== undefined && (
        <>
          {" "}
          <Link to={mapPath(notificationId)} className="system-link">
            {t("system.onMap")}
          </Link>
        </>
      )}
    </>
  );
}
