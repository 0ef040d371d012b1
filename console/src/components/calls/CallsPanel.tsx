import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api";
import { bodyString, type CallView, type LogEntry } from "../../api-types";
import { Link, callPath } from "../../router";
import { CallFacts } from "./CallFacts";
import { CallStateBadge } from "./CallState";

/**
 * A line's calls, newest first: where each stands, who asked, who answered, when it was held and
 * for how long; each opens its readouts side by side.
 *
 * @param line the line's id
 * @param entries the line's log, to count readouts and to fetch the calls again when one changes
 * @param id the panel's element id
 */
export function CallsPanel({ line, entries, id }: { line: string; entries: LogEntry[]; id: string }) {
  const { t } = useTranslation();
  const [calls, setCalls] = useState<CallView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The calls change only with their own entries: fetch them again when one arrives.
  const callEntries = entries.filter((e) => e.kind.startsWith("call.")).length;

  useEffect(() => {
    api.calls(line).then(
      (found) => {
        setCalls(found);
        setError(null);
      },
      (failure: unknown) => setError((failure as Error).message),
    );
  }, [line, callEntries]);

  const readouts = new Map<string, number>();
  for (const e of entries) {
    if (e.kind !== "readout") continue;
    const call = bodyString(e.body, "call") ?? "";
    readouts.set(call, (readouts.get(call) ?? 0) + 1);
  }

  return (
    <section className="panel calls-panel" id={id} aria-labelledby={`${id}-title`} aria-busy={calls === null}>
      <h2 id={`${id}-title`}>{t("calls.title")}</h2>
      {error !== null && (
        <p role="alert" className="error-text">
          {t("calls.failed", { message: error })}
        </p>
      )}
      {calls === null ? (
        error === null && <p className="muted">{t("app.loading")}</p>
      ) : calls.length === 0 ? (
        <p className="muted">{t("calls.none")}</p>
      ) : (
        <ol className="call-list">
          {[...calls].reverse().map((call) => (
            <li key={call.id} className="call-item">
              <div className="call-head">
                <CallStateBadge state={call.state} />
                <strong className="call-topic">{call.topic}</strong>
                <span className="call-level">{t(`calls.level.${call.level}`)}</span>
                <span className="entry-id muted" title={call.id}>
                  {call.id.slice(0, 8)}
                </span>
                <Link to={callPath(line, call.id)} className="call-open">
                  {(readouts.get(call.id) ?? 0) === 0
                    ? t("calls.openNoReadouts")
                    : t("calls.open", { count: readouts.get(call.id) ?? 0 })}
                </Link>
              </div>
              <CallFacts call={call} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
