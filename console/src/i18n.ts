import i18next from "i18next";
import { initReactI18next, useTranslation } from "react-i18next";
import en from "./locales/en.json";
import ru from "./locales/ru.json";

// The console's own words, one JSON file per language. Adding a language: its file beside these,
// its import above, and its name in this object (the type check then insists it has every key).
const catalogs = { en, ru } satisfies Record<string, typeof en>;

export type ConsoleLang = keyof typeof catalogs;
export const CONSOLE_LANGS = Object.keys(catalogs) as ConsoleLang[];
const STORAGE_KEY = "hotline.lang";

declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "translation";
    resources: { translation: typeof en };
  }
}

/**
 * @param lang any language tag
 * @returns whether the console has words in that language
 */
export function isConsoleLang(lang: string | null | undefined): lang is ConsoleLang {
  return typeof lang === "string" && (CONSOLE_LANGS as string[]).includes(lang);
}

function storedLang(): ConsoleLang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    return isConsoleLang(saved) ? saved : "en";
  } catch {
    return "en";
  }
}

void i18next.use(initReactI18next).init({
  resources: Object.fromEntries(
    Object.entries(catalogs).map(([lang, words]) => [lang, { translation: words }]),
  ),
  lng: storedLang(),
  fallbackLng: "en",
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
});
document.documentElement.lang = i18next.language;

/**
 * Shows the console in another language and remembers it in this browser (before sign-in too).
 *
 * @param lang one of CONSOLE_LANGS
 */
export async function switchLang(lang: ConsoleLang): Promise<void> {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // private mode: the choice lasts this page
  }
  await i18next.changeLanguage(lang);
  document.documentElement.lang = lang;
}

/**
 * The locale for dates and numbers: the browser's own variant of the chosen language when it has
 * one (en-GB rather than en), so that an operator gets the date order they are used to.
 *
 * @param lang the console language
 * @returns a BCP 47 locale for Intl
 */
export function localeFor(lang: string): string {
  const base = lang.split("-")[0] ?? lang;
  const preferred = navigator.languages.find((l) => l.split("-")[0] === base);
  return preferred ?? lang;
}

/** @returns the Intl locale of the language the console is shown in */
export function useLocale(): string {
  const { i18n } = useTranslation();
  return localeFor(i18n.language);
}

export default i18next;
