import { useTranslation } from "react-i18next";
import type { TranslationView } from "../../api-types";
import { languageName } from "../../format";
import { useLocale } from "../../i18n";
import { Time } from "../Time";

/**
 * Beside an original that has translations: says the original is the text that counts. Shown only
 * when there are translations, where the question arises.
 */
export function OriginalMark({ translations }: { translations: readonly TranslationView[] | undefined }) {
  const { t } = useTranslation();
  if (translations === undefined || translations.length === 0) return null;
  return (
    <span className="badge badge-original" title={t("translation.originalHint")}>
      {t("translation.original")}
    </span>
  );
}

/**
 * The translations of a message or readout, beneath it: each labelled by language and
 * translator, machine translations and the author's own marked as such; never in its place.
 */
export function TranslationList({ translations }: { translations: readonly TranslationView[] | undefined }) {
  const { t } = useTranslation();
  const locale = useLocale();
  if (translations === undefined || translations.length === 0) return null;
  return (
    <ul className="translations" aria-label={t("translation.listLabel")}>
      {translations.map((tr) => (
        <li key={tr.hash} className={`translation ${tr.machine ? "translation-machine" : ""}`}>
          <div className="translation-head">
            <span className="translation-label" title={languageName(tr.lang, locale)}>
              {t("translation.label", { lang: tr.lang, translator: tr.translator })}
            </span>
            {tr.machine && <span className="badge badge-machine">{t("translation.machine")}</span>}
            {tr.byAuthor && (
              <span className="badge badge-author" title={t("translation.byAuthorHint")}>
                {t("translation.byAuthor")}
              </span>
            )}
            <span className="muted small">
              {t("translation.attachedBy", { station: tr.stationName, operator: tr.operator })}{" "}
              <Time iso={tr.time} />
            </span>
          </div>
          <p className="translation-text" lang={tr.lang} dir="auto">
            {tr.text}
          </p>
        </li>
      ))}
    </ul>
  );
}
