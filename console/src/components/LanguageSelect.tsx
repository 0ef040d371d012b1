import { useId } from "react";
import { useTranslation } from "react-i18next";
import { CONSOLE_LANGS, isConsoleLang, switchLang, type ConsoleLang } from "../i18n";
import { languageName } from "../format";

/**
 * The console's language, for this browser at once; `onChosen` also saves it for the operator.
 */
export function LanguageSelect({ onChosen }: { onChosen?: (lang: ConsoleLang) => void }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  return (
    <span className="lang-select">
      <label htmlFor={id}>{t("header.language")}</label>
      <select
        id={id}
        value={i18n.language}
        onChange={(e) => {
          const lang = e.target.value;
          if (!isConsoleLang(lang)) return;
          void switchLang(lang);
          onChosen?.(lang);
        }}
      >
        {CONSOLE_LANGS.map((lang) => (
          <option key={lang} value={lang} lang={lang}>
            {capitalized(languageName(lang, lang))}
          </option>
        ))}
      </select>
    </span>
  );
}

function capitalized(name: string): string {
  return name.charAt(0).toLocaleUpperCase() + name.slice(1);
}
