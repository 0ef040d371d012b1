import { useTranslation } from "react-i18next";
import { formatNumber } from "../../format";
import { useLocale } from "../../i18n";

/**
 * An altitude band in metres above mean sea level; either end may be open (a zone's band).
 *
 * @param min the lowest altitude, or null for none
 * @param max the highest altitude, or null for none
 */
export function AltitudeBand({ min, max }: { min: number | null; max: number | null }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const m = (n: number) => formatNumber(n, locale);
  const text =
    min === null && max === null
      ? t("notify.anyAltitude")
      : min === null
        ? t("notify.bandBelow", { max: m(max ?? 0) })
        : max === null
          ? t("notify.bandAbove", { min: m(min) })
          : t("notify.band", { min: m(min), max: m(max) });
  return <span className="altitude-band">{text}</span>;
}
