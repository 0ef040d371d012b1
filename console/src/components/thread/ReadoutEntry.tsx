import { useTranslation } from "react-i18next";
import { bodyString, type LogEntry } from "../../api-types";
import { languageName } from "../../format";
import { useLocale } from "../../i18n";
import { Link, callPath } from "../../router";
import { useStation } from "../../station";
import { Time } from "../Time";
import { TranslateButton } from "../translations/TranslateButton";
import { OriginalMark, TranslationList } from "../translations/TranslationList";

/**
 * A side's readout of a call, as published: its own card, its translations beneath, and a link
 * to all sides' readouts side by side.
 */
export function ReadoutEntry({
  entry,
  request,
  mine,
  canTranslate,
}: {
  entry: LogEntry;
  /** the call's request, when this station holds it */
  request: LogEntry | undefined;
  mine: boolean;
  canTranslate: boolean;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { loadLog } = useStation();
  const text = bodyString(entry.body, "text") ?? "";
  const lang = bodyString(entry.body, "lang") ?? "und";
  const call = bodyString(entry.body, "call") ?? "";
  const topic = request === undefined ? null : (bodyString(request.body, "topic") ?? null);
  return (
    <article className={`entry readout ${mine ? "mine" : "theirs"}`}>
      <header className="entry-head">
        <span className="readout-label">{t("thread.readout")}</span>
        <span className="author">{entry.authorName}</span>
        <span className="operator">{bodyString(entry.body, "operator") ?? ""}</span>
        <Time iso={entry.time} />
        <span className="lang-tag" title={languageName(lang, locale)}>
          {lang}
        </span>
        <OriginalMark translations={entry.translations} />
        <span className="entry-id muted" title={entry.hash}>
          #{entry.seq} · {entry.hash.slice(0, 8)}
        </span>
      </header>
      <p className="readout-of muted">
        {topic === null ? t("thread.readoutOfCall") : t("thread.readoutOf", { topic })}
      </p>
      <p className="message-text" lang={lang} dir="auto">
        {text}
      </p>
      <TranslationList translations={entry.translations} />
      <footer className="entry-foot">
        <Link to={callPath(entry.line, call)} className="readout-open">
          {t("thread.sideBySide")}
        </Link>
        <div className="entry-actions">
          {canTranslate && (
            <TranslateButton
              entry={entry.hash}
              lang={lang}
              text={text}
              onAttached={() => loadLog(entry.line)}
            />
          )}
        </div>
      </footer>
    </article>
  );
}
