// Times are always shown in UTC, as the two ends of a line share no other clock; the local time is
// offered on hover. Formats follow the operator's locale; Intl caches its formatters here.

const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = locale + JSON.stringify(options);
  let found = cache.get(key);
  if (found === undefined) {
    found = new Intl.DateTimeFormat(locale, options);
    cache.set(key, found);
  }
  return found;
}

/**
 * @param iso an ISO 8601 time
 * @param locale an Intl locale
 * @returns the UTC time of day, e.g. "05:45:02Z"
 */
export function utcTime(iso: string, locale: string): string {
  const time = formatter(locale, {
    timeZone: "UTC",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  });
  return `${time.format(new Date(iso))}Z`;
}

/**
 * @param iso an ISO 8601 time
 * @param locale an Intl locale
 * @returns the UTC date, e.g. "23 Nov 2026"
 */
export function utcDate(iso: string, locale: string): string {
  return formatter(locale, { timeZone: "UTC", day: "numeric", month: "short", year: "numeric" }).format(
    new Date(iso),
  );
}

/**
 * @param iso an ISO 8601 time
 * @returns its UTC day, "2026-11-23", to tell whether a time is today
 */
export function utcDay(iso: string | number): string {
  return new Date(iso).toISOString().slice(0, 10);
}

/**
 * @param iso an ISO 8601 time
 * @param locale an Intl locale
 * @returns the time in this computer's time zone, in full, for a tooltip
 */
export function localFull(iso: string, locale: string): string {
  return formatter(locale, { dateStyle: "full", timeStyle: "long" }).format(new Date(iso));
}

/**
 * @param ms a duration in milliseconds, >= 0
 * @returns "m:ss", or "h:mm:ss" from an hour, for countdowns
 */
export function clockDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const s = total % 60;
  const m = Math.floor(total / 60) % 60;
  const h = Math.floor(total / 3600);
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/**
 * @param value a number
 * @param locale an Intl locale
 * @param fractionDigits digits after the point
 * @returns the number as the locale writes it
 */
export function formatNumber(value: number, locale: string, fractionDigits = 0): string {
  return new Intl.NumberFormat(locale, {
    maximumFractionDigits: fractionDigits,
    minimumFractionDigits: fractionDigits,
  }).format(value);
}

/**
 * @param lang a language tag
 * @param locale the locale to name it in
 * @returns the language's name, e.g. "Russian" or "русский"
 */
export function languageName(lang: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: "language" }).of(lang) ?? lang;
  } catch {
    return lang;
  }
}

/**
 * @param percent a percentage, 0 to 100
 * @param locale an Intl locale
 * @returns e.g. "99.9%" (or "99,9 %")
 */
export function formatPercent(percent: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(percent / 100);
}

/**
 * @param seconds a duration in seconds
 * @param locale an Intl locale
 * @returns it in the largest whole unit, e.g. "2 min", "4 hr" (or "4 ч")
 */
export function shortDuration(seconds: number, locale: string): string {
  const [value, unit] =
    seconds % 3600 === 0 && seconds >= 3600
      ? [seconds / 3600, "hour"]
      : seconds % 60 === 0 && seconds >= 60
        ? [seconds / 60, "minute"]
        : [seconds, "second"];
  return new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "short" }).format(value);
}

/**
 * @param seconds a duration in seconds, e.g. a call's length
 * @param locale an Intl locale
 * @returns it in hours and minutes as the locale writes them, e.g. "1 hr 2 min" (or "1 ч 2 мин");
 *   under a minute, in seconds
 */
export function hoursMinutes(seconds: number, locale: string): string {
  const unit = (value: number, name: "hour" | "minute" | "second") =>
    new Intl.NumberFormat(locale, { style: "unit", unit: name, unitDisplay: "short" }).format(value);
  if (seconds < 60) return unit(Math.round(seconds), "second");
  const minutes = Math.round(seconds / 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return unit(m, "minute");
  return m === 0 ? unit(h, "hour") : `${unit(h, "hour")} ${unit(m, "minute")}`;
}
