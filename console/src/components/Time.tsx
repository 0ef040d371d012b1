import { useTranslation } from "react-i18next";
import { useUtcDay } from "../clock";
import { localFull, utcDate, utcDay, utcTime } from "../format";
import { useLocale } from "../i18n";

/**
 * A time in UTC ("05:45:02Z", with the date when not today), the local time on hover.
 *
 * @param iso the time, or null for "never"
 * @param date "always" to show the date even today; "never" for a time whose day is shown beside it
 */
export function Time({ iso, date = "auto" }: { iso: string | null; date?: "auto" | "always" | "never" }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const today = useUtcDay();
  if (iso === null || Number.isNaN(Date.parse(iso))) return <span className="muted">{t("time.never")}</span>;
  const showDate = date === "always" || (date === "auto" && utcDay(iso) !== today);
  return (
    <time dateTime={iso} title={t("time.local", { time: localFull(iso, locale) })}>
      {showDate && `${utcDate(iso, locale)} `}
      {utcTime(iso, locale)}
    </time>
  );
}
