import { useId, useState, type FormEvent, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api";
import { PRECEDENCES, type LineSummary, type Precedence } from "../api-types";
import { languageName, shortDuration } from "../format";
import { useLocale } from "../i18n";
import { messageLangs } from "../message-langs";
import { useSession } from "../session";
import { useStation } from "../station";
import { ConfirmDialog } from "./ConfirmDialog";

/**
 * Writes a message. Enter makes a new line (a message is kept as written); Ctrl+Enter or the
 * button sends. FLASH asks first: it alarms the other side.
 */
export function ComposeBox({
  line,
  settings,
}: {
  line: string;
  settings: LineSummary["settings"] | undefined;
}) {
  const { t, i18n } = useTranslation();
  const locale = useLocale();
  const { session } = useSession();
  const { loadLog } = useStation();
  const ids = { text: useId(), precedence: useId(), lang: useId(), hint: useId() };
  const ownLang = session.operator.lang ?? i18n.language;
  const langs = messageLangs(ownLang);
  const [text, setText] = useState("");
  const [precedence, setPrecedence] = useState<Precedence>("ROUTINE");
  const [lang, setLang] = useState(ownLang);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const empty = text.trim() === "";

  const send = () => {
    setConfirming(false);
    setBusy(true);
    setError(null);
    api.send(line, { text, precedence, lang }).then(
      (result) => {
        setBusy(false);
        setText("");
        setPrecedence("ROUTINE");
        setSent(t("compose.sent", { seq: result.seq }));
        loadLog(line);
      },
      (failure: unknown) => {
        setBusy(false);
        setError(t("compose.failed", { message: (failure as Error).message }));
      },
    );
  };
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (empty || busy) return;
    setSent(null);
    if (precedence === "FLASH") setConfirming(true);
    else send();
  };
  const keys = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) submit();
  };
  const within = (p: Precedence) => {
    const seconds = settings?.ackDeadlines[p];
    return seconds === undefined ? null : t("compose.ackWithin", { time: shortDuration(seconds, locale) });
  };

  return (
    <form className={`compose prec-edge-${precedence}`} onSubmit={submit}>
      <div className="compose-text">
        <label htmlFor={ids.text}>{t("compose.message")}</label>
        <textarea
          id={ids.text}
          value={text}
          lang={lang}
          dir="auto"
          rows={3}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={keys}
          aria-describedby={ids.hint}
        />
        <span id={ids.hint} className="muted small">
          {t("compose.hint")}
        </span>
      </div>
      <div className="compose-options">
        <label htmlFor={ids.precedence}>{t("compose.precedence")}</label>
        <select
          id={ids.precedence}
          value={precedence}
          onChange={(e) => setPrecedence(PRECEDENCES.find((p) => p === e.target.value) ?? "ROUTINE")}
        >
          {PRECEDENCES.map((p) => (
            <option key={p} value={p}>
              {p}
              {within(p) !== null && ` — ${within(p)}`}
            </option>
          ))}
        </select>
        <label htmlFor={ids.lang}>{t("compose.language")}</label>
        <select id={ids.lang} value={lang} onChange={(e) => setLang(e.target.value)}>
          {langs.map((l) => (
            <option key={l} value={l}>
              {l} — {languageName(l, locale)}
            </option>
          ))}
        </select>
        <button
          type="submit"
          className={precedence === "FLASH" ? "danger" : "primary"}
          disabled={busy || empty}
        >
          {busy ? t("compose.sending") : t("compose.send")}
        </button>
      </div>
      <div className="compose-status" role="status">
        {error !== null && <p className="error-text">{error}</p>}
        {sent !== null && <p className="ok-text">{sent}</p>}
      </div>
      {confirming && (
        <ConfirmDialog
          title={t("compose.flashTitle")}
          confirmLabel={t("compose.flashConfirm")}
          cancelLabel={t("compose.cancel")}
          tone="danger"
          onConfirm={send}
          onCancel={() => setConfirming(false)}
        >
          <p>
            {t("compose.flashText")}{" "}
            {settings?.ackDeadlines.FLASH !== undefined &&
              t("compose.flashDeadline", { time: shortDuration(settings.ackDeadlines.FLASH, locale) })}
          </p>
          <blockquote lang={lang} dir="auto" className="message-text">
            {text}
          </blockquote>
        </ConfirmDialog>
      )}
    </form>
  );
}
