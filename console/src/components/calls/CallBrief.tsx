import { useTranslation } from "react-i18next";
import type { CallView } from "../../api-types";
import { hoursMinutes, utcDay } from "../../format";
import { useLocale } from "../../i18n";
import { Time } from "../Time";
import { CallFacts } from "./CallFacts";

/**
 * A call in one line (who asked; when it was held, how long, whose side placed it), opening to
 * everything the record says of it. Above the readouts, so that they fit on the screen.
 */
export function CallBrief({ call }: { call: CallView }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <details className="panel call-brief">
      <summary>
        <span className="call-brief-label">{t("readouts.callDetails")}</span>{" "}
        {t("readouts.askedBy", {
          station: call.requestedBy.stationName,
          operator: call.requestedBy.operator,
        })}
        {call.start !== null && call.end !== null && (
          <>
            {" · "}
            {t("readouts.held")} <Time iso={call.start} date="always" /> –{" "}
            <Time iso={call.end} date={utcDay(call.end) === utcDay(call.start) ? "never" : "always"} />
            {call.durationSeconds !== null && (
              <>
                {" · "}
                <strong>{hoursMinutes(call.durationSeconds, locale)}</strong>
              </>
            )}
            {call.initiatedBy !== null && (
              <> · {t("calls.initiatedBy", { station: call.initiatedBy.stationName })}</>
            )}
          </>
        )}
      </summary>
      <CallFacts call={call} />
    </details>
  );
}
