import { useTranslation } from "react-i18next";
import type { NotifyType } from "../../api-types";

/** Types whose conflicts are critical at the station: they must stand out wherever shown. */
export const CRITICAL_TYPES: ReadonlySet<NotifyType> = new Set(["nuclear-exercise", "missile-launch"]);

/** A notification's type as a coloured badge; nuclear exercises and missile launches marked ⚠. */
export function NotifyTypeBadge({ type }: { type: NotifyType }) {
  const { t } = useTranslation();
  return (
    <span className={`badge notify-type notify-type-${type}`}>
      {CRITICAL_TYPES.has(type) && <span aria-hidden="true">⚠ </span>}
      {t(`notifyType.${type}`)}
    </span>
  );
}
