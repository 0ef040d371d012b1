import { useId, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api";
import { languageName } from "../../format";
import { useLocale } from "../../i18n";
import { messageLangs } from "../../message-langs";
import { useSession } from "../../session";
import { useSubmit } from "../../submit";
import { FormDialog } from "../FormDialog";

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
  const ids = { lang: useId(), text: useId(), translator: useId(), machine: useId() };
  const textarea = useRef<HTMLTextAreaElement>(null);
  const own = session.operator.lang ?? i18n.language;
  const langs = messageLangs(own).filter((l) => l.toLowerCase() !== lang.toLowerCase());
  const [target, setTarget] = useState(langs.includes(own) ? own : (langs[0] ?? "en"));
  const [translation, setTranslation] = useState("");
  const [translator, setTranslator] = useState(session.operator.name);
  const [machine, setMachine] = useState(false);
  const submission = useSubmit((failure) => t("translation.failed", { message: (failure as Error).message }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (translation.trim() === "" || translator.trim() === "") return;
    submission.run(
      () => api.translate({ entry, lang: target, text: translation, translator: translator.trim(), machine }),
      () => {
        onAttached();
        onClose();
      },
    );
  };

  return (
    <FormDialog
      title={t("translation.dialogTitle")}
      initialFocus={textarea}
      closeLabel={t("translation.cancel")}
      submitLabel={submission.busy ? t("translation.attaching") : t("translation.submit")}
      submitDisabled={submission.busy || translation.trim() === ""}
      onSubmit={submit}
      onClose={onClose}
    >
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
      {submission.error !== null && (
        <p role="alert" className="error-text">
          {submission.error}
        </p>
      )}
    </FormDialog>
  );
}
