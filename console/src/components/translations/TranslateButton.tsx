import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api";
import { languageName } from "../../format";
import { useLocale } from "../../i18n";
import { messageLangs } from "../../message-langs";
import { useSession } from "../../session";

interface TranslateProps {
  /** the original's hash */
  entry: string;
  /** the original's language and text, shown for reference */
  lang: string;
  text: string;
  /** after the translation is attached */
  onAttached: () => void;
}

/**
 * "Translate": attaches a person's translation to a message or readout, as a signed entry. The
 * original stays as written; the translation is shown beneath it.
 */
export function TranslateButton(props: TranslateProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="small-action" onClick={() => setOpen(true)}>
        {t("translation.translate")}
      </button>
      {open && <TranslateDialog {...props} onClose={() => setOpen(false)} />}
    </>
  );
}

function TranslateDialog({
  entry,
  lang,
  text,
  onAttached,
  onClose,
}: TranslateProps & { onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const locale = useLocale();
  const { session } = useSession();
  const ids = { title: useId(), lang: useId(), text: useId(), translator: useId(), machine: useId() };
  const dialog = useRef<HTMLDialogElement>(null);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const own = session.operator.lang ?? i18n.language;
  const langs = messageLangs(own).filter((l) => l.toLowerCase() !== lang.toLowerCase());
  const [target, setTarget] = useState(langs.includes(own) ? own : (langs[0] ?? "en"));
  const [translation, setTranslation] = useState("");
  const [translator, setTranslator] = useState(session.operator.name);
  const [machine, setMachine] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    element.showModal();
    textarea.current?.focus();
    return () => element.close();
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (translation.trim() === "" || translator.trim() === "" || busy) return;
    setBusy(true);
    setError(null);
    api.translate({ entry, lang: target, text: translation, translator: translator.trim(), machine }).then(
      () => {
        onAttached();
        onClose();
      },
      (failure: unknown) => {
        setBusy(false);
        setError(t("translation.failed", { message: (failure as Error).message }));
      },
    );
  };

  return (
    <dialog
      ref={dialog}
      className="confirm-dialog form-dialog"
      aria-labelledby={ids.title}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <form onSubmit={submit}>
        <h2 id={ids.title}>{t("translation.dialogTitle")}</h2>
        <div className="dialog-body">
          <p className="muted small">
            {t("translation.originalLabel", { lang })} · {t("translation.original")}
          </p>
          <blockquote className="original-quote" lang={lang} dir="auto">
            {text}
          </blockquote>
          <div className="form-grid">
            <label htmlFor={ids.lang}>{t("translation.language")}</label>
            <select id={ids.lang} value={target} onChange={(e) => setTarget(e.target.value)}>
              {langs.map((l) => (
                <option key={l} value={l}>
                  {l} — {languageName(l, locale)}
                </option>
              ))}
            </select>
            <label htmlFor={ids.text}>{t("translation.text")}</label>
            <textarea
              id={ids.text}
              value={translation}
              lang={target}
              dir="auto"
              rows={5}
              required
              ref={textarea}
              onChange={(e) => setTranslation(e.target.value)}
            />
            <label htmlFor={ids.translator}>{t("translation.translator")}</label>
            <input
              id={ids.translator}
              value={translator}
              required
              maxLength={100}
              onChange={(e) => setTranslator(e.target.value)}
            />
            <span />
            <span className="inline-check">
              <input
                id={ids.machine}
                type="checkbox"
                checked={machine}
                onChange={(e) => setMachine(e.target.checked)}
              />
              <label htmlFor={ids.machine}>{t("translation.machineCheck")}</label>
            </span>
          </div>
          {error !== null && (
            <p role="alert" className="error-text">
              {error}
            </p>
          )}
        </div>
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            {t("translation.cancel")}
          </button>
          <button type="submit" className="primary" disabled={busy || translation.trim() === ""}>
            {busy ? t("translation.attaching") : t("translation.submit")}
          </button>
        </div>
      </form>
    </dialog>
  );
}
