import { useTranslation } from "react-i18next";
import type { CallResponse, CallView } from "../../api-types";
import { hoursMinutes, utcDay } from "../../format";
import { useLocale } from "../../i18n";
import { Time } from "../Time";

const RESPONSE_MARK: Record<CallResponse["kind"], string> = { accept: "✓", decline: "✗", cancel: "–" };

/**
 * What the record says of a call: who asked and when, for when, who would speak, every answer,
 * and when it was held, how long, and whose side placed it.
 */
export function CallFacts({ call }: { call: CallView }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const first = call.held[0];
  return (
    <dl className="call-facts">
      <div>
        <dt>{t("calls.requestedBy")}</dt>
        <dd>
          {call.requestedBy.stationName} <span className="muted">({call.requestedBy.operator})</span>{" "}
          <Time iso={call.requestedAt} />
        </dd>
      </div>
      <div>
        <dt>{t("calls.proposed")}</dt>
        <dd>
          <Time iso={call.proposedTime} date="always" />
        </dd>
      </div>
      <div>
        <dt>{t("calls.speakers")}</dt>
        <dd>{call.participants.join(", ")}</dd>
      </div>
      <div className="facts-wide">
        <dt>{t("calls.responses")}</dt>
        <dd>
          {call.responses.length === 0 ? (
            <span className="muted">{t("calls.noResponse")}</span>
          ) : (
            <ul className="call-responses">
              {call.responses.map((r) => (
                <li key={r.hash} className={`response-${r.kind}`}>
                  {RESPONSE_MARK[r.kind]}{" "}
                  {t(`calls.response.${r.kind}`, { station: r.stationName, operator: r.operator })}{" "}
                  <Time iso={r.time} />
                  {r.reason !== null && <q className="note">{r.reason}</q>}
                </li>
              ))}
            </ul>
          )}
        </dd>
      </div>
      {first !== undefined && call.start !== null && call.end !== null && (
        <div className="facts-row">
          <dt>{t("calls.held")}</dt>
          <dd>
            <Time iso={call.start} date="always" /> –{" "}
            <Time iso={call.end} date={utcDay(call.end) === utcDay(call.start) ? "never" : "always"} />
            {call.durationSeconds !== null && (
              <>
                {" · "}
                <strong className="call-duration">{hoursMinutes(call.durationSeconds, locale)}</strong>
              </>
            )}
            {call.initiatedBy !== null && (
              <> · {t("calls.initiatedBy", { station: call.initiatedBy.stationName })}</>
            )}
            <ul className="held-records muted small">
              {call.held.map((h) => (
                <li key={h.hash}>
                  {t("calls.recordedBy", { station: h.stationName, operator: h.operator })}
                  {(h.start !== first.start || h.end !== first.end) && (
                    <>
                      {": "}
                      <Time iso={h.start} date="always" /> – <Time iso={h.end} date="always" /> (
                      {hoursMinutes(h.durationSeconds, locale)})
                    </>
                  )}
                  {h.participants.length > 0 && (
                    <> · {t("calls.spoke", { names: h.participants.join(", ") })}</>
                  )}
                </li>
              ))}
            </ul>
          </dd>
        </div>
      )}
    </dl>
  );
}
