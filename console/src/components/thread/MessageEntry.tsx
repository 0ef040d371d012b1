import { useTranslation } from "react-i18next";
import { textBody, type LogEntry } from "../../api-types";
import { languageName } from "../../format";
import { useLocale } from "../../i18n";
import { useStation } from "../../station";
import { PrecedenceBadge } from "../PrecedenceBadge";
import { Time } from "../Time";
import { TranslateButton } from "../translations/TranslateButton";
import { OriginalMark, TranslationList } from "../translations/TranslationList";
import { AckButton } from "./AckButton";
import { AckStatus } from "./AckStatus";

/**
 * A message: who, when, how urgent, in which language, as written; its translations beneath it;
 * and where it stands.
 */
export function MessageEntry({
  entry,
  mine,
  awaitsMe,
  canAck,
  canTranslate,
}: {
  entry: LogEntry;
  mine: boolean;
  /** this station still owes it an acknowledgement */
  awaitsMe: boolean;
  /** the operator may acknowledge (not an observer) */
  canAck: boolean;
  /** the operator may attach a translation (an officer or above) */
  canTranslate: boolean;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { loadLog } = useStation();
  const body = textBody(entry);
  return (
    <article
      className={`entry message prec-edge-${body.precedence} ${mine ? "mine" : "theirs"} ${awaitsMe ? "awaits-me" : ""}`}
    >
      <header className="entry-head">
        <PrecedenceBadge precedence={body.precedence} />
        <span className="author">{entry.authorName}</span>
        <span className="operator">{body.operator}</span>
        {entry.via !== undefined && (
          <span className="via-tag" title={t("thread.viaHint", { name: entry.via.name })}>
            {t("thread.via", { name: entry.via.name })}
          </span>
        )}
        <Time iso={entry.time} />
        <span className="lang-tag" title={languageName(body.lang, locale)}>
          {body.lang}
        </span>
        <OriginalMark translations={entry.translations} />
        <span className="entry-id muted" title={entry.hash}>
          #{entry.seq} · {entry.hash.slice(0, 8)}
        </span>
      </header>
      <p className="message-text" lang={body.lang} dir="auto">
        {body.text}
      </p>
      <TranslationList translations={entry.translations} />
      <footer className="entry-foot">
        <AckStatus entry={entry} />
        <div className="entry-actions">
          {canTranslate && (
            <TranslateButton
              entry={entry.hash}
              lang={body.lang}
              text={body.text}
              onAttached={() => loadLog(entry.line)}
            />
          )}
          {awaitsMe && canAck && <AckButton line={entry.line} entry={entry.hash} />}
        </div>
      </footer>
    </article>
  );
}
