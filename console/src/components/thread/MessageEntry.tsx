import { textBody, type LogEntry } from "../../api-types";
import { languageName } from "../../format";
import { useLocale } from "../../i18n";
import { PrecedenceBadge } from "../PrecedenceBadge";
import { Time } from "../Time";
import { AckButton } from "./AckButton";
import { AckStatus } from "./AckStatus";

/** A message: who, when, how urgent, in which language, as written; and where it stands. */
export function MessageEntry({
  entry,
  mine,
  awaitsMe,
  canAck,
}: {
  entry: LogEntry;
  mine: boolean;
  /** this station still owes it an acknowledgement */
  awaitsMe: boolean;
  /** the operator may acknowledge (not an observer) */
  canAck: boolean;
}) {
  const locale = useLocale();
  const body = textBody(entry);
  return (
    <article
      className={`entry message prec-edge-${body.precedence} ${mine ? "mine" : "theirs"} ${awaitsMe ? "awaits-me" : ""}`}
    >
      <header className="entry-head">
        <PrecedenceBadge precedence={body.precedence} />
        <span className="author">{entry.authorName}</span>
        <span className="operator">{body.operator}</span>
        <Time iso={entry.time} />
        <span className="lang-tag" title={languageName(body.lang, locale)}>
          {body.lang}
        </span>
        <span className="entry-id muted" title={entry.hash}>
          #{entry.seq} · {entry.hash.slice(0, 8)}
        </span>
      </header>
      <p className="message-text" lang={body.lang} dir="auto">
        {body.text}
      </p>
      <footer className="entry-foot">
        <AckStatus entry={entry} />
        {awaitsMe && canAck && <AckButton line={entry.line} entry={entry.hash} />}
      </footer>
    </article>
  );
}
