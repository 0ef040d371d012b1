import { useTranslation } from "react-i18next";
import { hoursMinutes, localFull, utcDate, utcDay, utcTime } from "../../format";
import { useLocale } from "../../i18n";

/** A UTC time to the minute when its seconds are zero ("06:00Z"), the local time on hover. */
function UtcStamp({ iso, withDate }: { iso: string; withDate: boolean }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <time dateTime={iso} title={t("time.local", { time: localFull(iso, locale) })}>
      {withDate && `${utcDate(iso, locale)} `}
      {utcTime(iso, locale).replace(/:00Z$/, "Z")}
    </time>
  );
}

/**
 * A UTC time window, with its length; either end may be open (a zone's window).
 *
 * @param start when it begins, or null for "since ever"
 * @param end when it ends, or null for "for ever"
 */
export function TimeWindow({ start, end }: { start: string | null; end: string | null }) {
  const { t } = useTranslation();
  const locale = useLocale();
  if (start === null && end === null) return <span className="time-window">{t("notify.always")}</span>;
  if (start === null || end === null) {
    return (
      <span className="time-window">
        {start === null ? t("notify.until") : t("notify.since")}{" "}
        <UtcStamp iso={start ?? end ?? ""} withDate={true} />
      </span>
    );
  }
  const seconds = (Date.parse(end) - Date.parse(start)) / 1000;
  return (
    <span className="time-window">
      <UtcStamp iso={start} withDate={true} /> →{" "}
      <UtcStamp iso={end} withDate={utcDay(start) !== utcDay(end)} />
      {Number.isFinite(seconds) && seconds >= 0 && (
        <span className="muted"> ({hoursMinutes(seconds, locale)})</span>
      )}
    </span>
  );
}
