import { useTranslation } from "react-i18next";
import type { CallState } from "../../api-types";

/** Where a call stands: the word on a badge, the colour repeating it. */
export function CallStateBadge({ state }: { state: CallState }) {
  const { t } = useTranslation();
  return <span className={`call-state call-state-${state}`}>{t(`calls.state.${state}`)}</span>;
}
