import { useTranslation } from "react-i18next";
import { useNow } from "../clock";
import { clockDuration } from "../format";

/** Time left to acknowledge, live; past the deadline, how late it is, in red. */
export function Countdown({ deadline }: { deadline: string }) {
  const { t } = useTranslation();
  const now = useNow();
  const left = Date.parse(deadline) - now;
  if (Number.isNaN(left)) return null;
  return left > 0 ? (
    <span className={left < 60_000 ? "countdown soon" : "countdown"}>
      {t("ack.dueIn", { time: clockDuration(left) })}
    </span>
  ) : (
    <span className="countdown late">{t("ack.overdueBy", { time: clockDuration(-left) })}</span>
  );
}
