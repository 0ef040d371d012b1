import { useTranslation } from "react-i18next";
import { bodyString, type LogEntry } from "../../api-types";
import { Time } from "../Time";
import { AckButton } from "./AckButton";
import { AckStatus } from "./AckStatus";

/** A presence test: written by a station on schedule, answered by a person; never a message. */
export function PresenceTestEntry({
  entry,
  awaitsMe,
  canAck,
}: {
  entry: LogEntry;
  awaitsMe: boolean;
  canAck: boolean;
}) {
  const { t } = useTranslation();
  const slot = bodyString(entry.body, "slot") ?? null;
  return (
    <article className={`entry presence-test ${awaitsMe ? "awaits-me" : ""}`}>
      <header className="entry-head">
        <span className="presence-label">{t("thread.presenceTest")}</span>
        <span className="author">{entry.authorName}</span>
        <span className="muted">
          {t("thread.slot")} <Time iso={slot} />
        </span>
        <span className="entry-id muted" title={entry.hash}>
          #{entry.seq} · {entry.hash.slice(0, 8)}
        </span>
      </header>
      <footer className="entry-foot">
        <AckStatus entry={entry} />
        {awaitsMe && canAck && <AckButton line={entry.line} entry={entry.hash} />}
      </footer>
    </article>
  );
}
