import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { bodyString, textBody, type LogEntry } from "../../api-types";
import { Time } from "../Time";
import { CALL_SYSTEM_KINDS, CallSystemText } from "./CallSystemText";
import { NOTIFY_SYSTEM_KINDS, NotifySystemText } from "./NotifySystemText";

/**
 * The record's housekeeping as one compact line: acknowledgements, settings, suspension, members,
 * the line's opening, calls and marks on readouts, notifications and questions; kinds this console does not know yet are
 * named, not hidden.
 */
export function SystemEntry({ entry, byHash }: { entry: LogEntry; byHash: Map<string, LogEntry> }) {
  const { t } = useTranslation();
  const operator = bodyString(entry.body, "operator") ?? "";
  const who = { operator, station: entry.authorName };
  let text: ReactNode;
  switch (entry.kind) {
    case "ack": {
      const target = byHash.get(bodyString(entry.body, "entry") ?? "");
      const note = bodyString(entry.body, "note");
      text = (
        <>
          ✓ {t("system.acked", who)}{" "}
          <AckTarget target={target} hash={bodyString(entry.body, "entry") ?? ""} />
          {note !== undefined && <q className="note">{note}</q>}
        </>
      );
      break;
    }
    case "line.settings":
      text = t("system.settings", { ...who, changes: describeSettings(entry.body) });
      break;
    case "line.suspend":
      text = t("system.suspend", { ...who, reason: bodyString(entry.body, "reason") ?? "" });
      break;
    case "line.resume":
      text = t("system.resume", who);
      break;
    case "route.announce": {
      // The station's own word on its addresses: name and URL of each, most preferred first.
      const routes = Array.isArray(entry.body["routes"]) ? (entry.body["routes"] as unknown[]) : [];
      const described = routes
        .map((r) => (typeof r === "object" && r !== null ? (r as Record<string, unknown>) : {}))
        .sort((a, b) => Number(a["priority"]) - Number(b["priority"]))
        .map((r) => `${String(r["name"])} ${String(r["url"])}`)
        .join(", ");
      text = t("system.routes", { ...who, routes: described });
      break;
    }
    case "member.add": {
      const member = entry.body["member"];
      const name =
        typeof member === "object" && member !== null && "name" in member ? String(member.name) : "?";
      const consenters = Array.isArray(entry.body["consenters"]) ? entry.body["consenters"] : [];
      // Asked for consent, the member is not on the line yet: the words must not say it is.
      text =
        consenters.length === 0
          ? t("system.memberAdd", { ...who, member: name })
          : t("system.memberAddAsking", {
              ...who,
              member: name,
              stations: consenters.map((id) => stationName(String(id), byHash)).join(", "),
            });
      break;
    }
    case "member.approve": {
      // `of` is the member.add it consents to, or a list of them (a batch at once): the names are there.
      const of = entry.body["of"];
      const names = (Array.isArray(of) ? of : [of]).map((hash) => {
        const added = byHash.get(String(hash))?.body["member"];
        return typeof added === "object" && added !== null && "name" in added ? String(added.name) : "?";
      });
      text = t("system.memberApprove", { ...who, member: names.join(", ") });
      break;
    }
    case "key.rotate":
      text = t("system.keyRotate", who);
      break;
    case "cert.renew":
      text = t("system.certRenew", {
        ...who,
        cert: (bodyString(entry.body, "cert") ?? "").slice(0, 23) + "…",
      });
      break;
    case "line.genesis":
      text = t("system.genesis", { ...who, name: bodyString(entry.body, "name") ?? "" });
      break;
    default:
      text = CALL_SYSTEM_KINDS.includes(entry.kind) ? (
        <CallSystemText entry={entry} byHash={byHash} />
      ) : NOTIFY_SYSTEM_KINDS.includes(entry.kind) ? (
        <NotifySystemText entry={entry} byHash={byHash} />
      ) : (
        t("system.other", { kind: entry.kind, station: entry.authorName })
      );
  }
  return (
    <div className={`entry system kind-${entry.kind.replace(/\W/g, "-")}`}>
      <Time iso={entry.time} /> <span className="system-text">{text}</span>
    </div>
  );
}

/** A station's name as the record gives it (its genesis or member.add), else its id's start. */
function stationName(id: string, byHash: Map<string, LogEntry>): string {
  for (const entry of byHash.values()) {
    if (entry.author === id) return entry.authorName;
    const named = entry.body["member"] ?? entry.body["creator"];
    if (typeof named === "object" && named !== null && "station" in named && named.station === id) {
      return "name" in named ? String(named.name) : id.slice(0, 12);
    }
  }
  return id.slice(0, 12);
}

function AckTarget({ target, hash }: { target: LogEntry | undefined; hash: string }) {
  const { t } = useTranslation();
  const label =
    target === undefined
      ? hash.slice(0, 8)
      : target.kind === "text"
        ? t("system.ackedMessage", {
            station: target.authorName,
            seq: target.seq,
            excerpt: excerpt(textBody(target).text),
          })
        : target.kind === "test"
          ? t("system.ackedTest", { station: target.authorName })
          : `${target.kind} #${target.seq}`;
  return <a href={`#e-${hash}`}>{label}</a>;
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 40 ? `${flat.slice(0, 39)}…` : flat;
}

function describeSettings(body: Record<string, unknown>): string {
  return Object.entries(body)
    .filter(([key]) => key !== "operator")
    .map(
      ([key, value]) =>
        `${key} ${typeof value === "string" || typeof value === "number" ? String(value) : JSON.stringify(value)}`,
    )
    .join(", ");
}
