import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { bodyString, type LogEntry } from "../../api-types";
import { hoursMinutes, utcDay } from "../../format";
import { useLocale } from "../../i18n";
import { Link, callPath } from "../../router";
import { useStationName } from "../../station-name";
import { Time } from "../Time";

/** Kinds drawn by {@link CallSystemText}. */
export const CALL_SYSTEM_KINDS: readonly string[] = [
  "call.request",
  "call.accept",
  "call.decline",
  "call.cancel",
  "call.held",
  "readout.mark",
];

/**
 * A call's request, answers and record, and a mark on a readout, as one readable line, e.g.
 * "admin (Washington) requested a call — minister level — “Ukraine” — proposed for 13 May 2022
 * 14:00:00Z", with a link to the call.
 */
export function CallSystemText({ entry, byHash }: { entry: LogEntry; byHash: Map<string, LogEntry> }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const stationName = useStationName();
  const body = entry.body;
  const who = { operator: bodyString(body, "operator") ?? "", station: entry.authorName };
  // The request names the topic; answers, records and readouts name the request.
  const request = entry.kind === "call.request" ? entry : byHash.get(bodyString(body, "call") ?? "");
  const topic = request === undefined ? "…" : (bodyString(request.body, "topic") ?? "…");
  const call = request?.hash ?? bodyString(body, "call");
  const open = (label: string) =>
    call === undefined ? null : (
      <>
        {" "}
        <Link to={callPath(entry.line, call)} className="system-link">
          {label}
        </Link>
      </>
    );
  const note = (text: string | undefined) =>
    text === undefined || text === "" ? null : <q className="note">{text}</q>;

  let text: ReactNode;
  switch (entry.kind) {
    case "call.request": {
      const level = bodyString(body, "level") ?? "";
      text = (
        <>
          {t("system.callRequest", {
            ...who,
            level: ["working", "senior", "minister"].includes(level)
              ? t(`calls.level.${level as "working" | "senior" | "minister"}`)
              : level,
            topic,
          })}{" "}
          <Time iso={bodyString(body, "proposedTime") ?? null} date="always" />
          {open(t("system.callLink"))}
        </>
      );
      break;
    }
    case "call.accept":
      text = (
        <>
          ✓ {t("system.callAccept", { ...who, topic })}
          {note(bodyString(body, "note"))}
          {open(t("system.callLink"))}
        </>
      );
      break;
    case "call.decline":
      text = (
        <>
          ✗ {t("system.callDecline", { ...who, topic })}
          {note(bodyString(body, "reason"))}
          {open(t("system.callLink"))}
        </>
      );
      break;
    case "call.cancel":
      text = (
        <>
          {t("system.callCancel", { ...who, topic })}
          {note(bodyString(body, "reason"))}
          {open(t("system.callLink"))}
        </>
      );
      break;
    case "call.held": {
      const start = bodyString(body, "start") ?? "";
      const end = bodyString(body, "end") ?? "";
      const seconds = (Date.parse(end) - Date.parse(start)) / 1000;
      const initiator = bodyString(body, "initiatedBy");
      text = (
        <>
          {t("system.callHeld", { ...who, topic })} <Time iso={start} date="always" /> –{" "}
          <Time
            iso={end}
            date={!Number.isNaN(seconds) && utcDay(start) === utcDay(end) ? "never" : "always"}
          />
          {!Number.isNaN(seconds) && ` (${hoursMinutes(seconds, locale)})`}
          {initiator !== undefined && `, ${t("calls.initiatedBy", { station: stationName(initiator) })}`}
          {open(t("system.callLink"))}
        </>
      );
      break;
    }
    case "readout.mark": {
      const readout = byHash.get(bodyString(body, "readout") ?? "");
      const verdict = bodyString(body, "verdict") === "agreed" ? "agreed" : "disputed";
      const readoutCall = readout === undefined ? undefined : bodyString(readout.body, "call");
      text = (
        <>
          {verdict === "agreed" ? "✓" : "✗"}{" "}
          {t(`system.mark.${verdict}`, {
            ...who,
            point: typeof body["point"] === "number" ? body["point"] : "?",
            author: readout?.authorName ?? "?",
          })}
          {note(bodyString(body, "quote"))}
          {bodyString(body, "comment") !== undefined && <> — {bodyString(body, "comment")}</>}
          {readoutCall !== undefined && (
            <>
              {" "}
              <Link to={callPath(entry.line, readoutCall)} className="system-link">
                {t("system.sideBySide")}
              </Link>
            </>
          )}
        </>
      );
      break;
    }
    default:
      text = t("system.other", { kind: entry.kind, station: entry.authorName });
  }
  return <>{text}</>;
}
