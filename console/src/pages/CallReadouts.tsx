import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api";
import type { ReadoutsView } from "../api-types";
import { CallBrief } from "../components/calls/CallBrief";
import { CallStateBadge } from "../components/calls/CallState";
import { ComparisonSummary } from "../components/calls/ComparisonSummary";
import { ReadoutColumn } from "../components/calls/ReadoutColumn";
import { PageTitle } from "../components/PageTitle";
import { Time } from "../components/Time";
import { Link, linePath } from "../router";
import { useSession } from "../session";
import { useStation } from "../station";

/**
 * A call and every side's readout of it side by side: what both mention, what only one does,
 * what the other side agreed and disputed, with Agree and Dispute on the other side's points.
 * Live: fetched again whenever the line's log changes (a mark or translation from either end).
 */
export function CallReadouts({ line, call }: { line: string; call: string }) {
  const { t } = useTranslation();
  const { session } = useSession();
  const { state, watchLine, loadLog } = useStation();
  const [view, setView] = useState<ReadoutsView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const entries = state.logs[line];
  const version = entries === undefined ? "" : `${entries.length}:${entries.at(-1)?.hash ?? ""}`;
  const lineName = state.status?.lines.find((l) => l.id === line)?.name ?? line.slice(0, 12);
  const me = session.station.id;
  const role = session.operator.role;

  useEffect(() => watchLine(line), [watchLine, line]);
  useEffect(() => {
    api.readouts(call).then(
      (found) => {
        setView(found);
        setError(null);
      },
      (failure: unknown) => setError((failure as Error).message),
    );
  }, [call, version]);

  const latest = view?.readouts.filter((r) => r.latest) ?? [];
  const earlier = view?.readouts.filter((r) => !r.latest) ?? [];
  const columnOf = (r: ReadoutsView["readouts"][number]) => (
    <ReadoutColumn
      key={r.hash}
      readout={r}
      comparisons={(view?.comparisons ?? []).filter((c) => c.a.readout === r.hash || c.b.readout === r.hash)}
      me={me}
      canMark={role === "supervisor" || role === "admin"}
      canTranslate={role !== "observer"}
      onChanged={() => loadLog(line)}
    />
  );

  return (
    <main className="page call-page">
      <p className="breadcrumb">
        <Link to={`${linePath(line)}#calls`}>← {lineName}</Link>
      </p>
      <PageTitle
        title={view === null ? t("readouts.loadingTitle") : t("readouts.title", { topic: view.call.topic })}
      >
        {view !== null && (
          <>
            <CallStateBadge state={view.call.state} />
            <span className="call-level">{t(`calls.level.${view.call.level}`)}</span>
          </>
        )}
      </PageTitle>
      {error !== null && (
        <p role="alert" className="error-text">
          {t("readouts.failed", { message: error })}
        </p>
      )}
      {view === null ? (
        error === null && <p className="muted">{t("app.loading")}</p>
      ) : (
        <>
          <CallBrief call={view.call} />
          {view.readouts.length === 0 ? (
            <p className="muted">{t("readouts.none", { id: view.call.id.slice(0, 8) })}</p>
          ) : (
            <>
              <ComparisonSummary view={view} />
              {role !== "supervisor" && role !== "admin" && (
                <p className="muted small">{t("readouts.markHint")}</p>
              )}
              <div
                className="readout-columns"
                style={{ gridTemplateColumns: `repeat(${latest.length}, minmax(0, 1fr))` }}
              >
                {latest.map(columnOf)}
              </div>
              {earlier.length > 0 && (
                <details className="earlier-readouts">
                  <summary>{t("readouts.earlier", { count: earlier.length })}</summary>
                  <div className="readout-columns">{earlier.map(columnOf)}</div>
                </details>
              )}
              {view.unplaced.length > 0 && (
                <section className="panel">
                  <h2>{t("readouts.unplaced")}</h2>
                  <ul>
                    {view.unplaced.map((m) => (
                      <li key={m.hash}>
                        {t(`readouts.verdict.${m.verdict}`)} — {m.stationName} ({m.operator}){" "}
                        <Time iso={m.time} />: <q dir="auto">{m.quote}</q>
                        {m.comment !== null && <> — {m.comment}</>}
                      </li>
                    ))}
                  </ul>
                </section>
              )}
            </>
          )}
        </>
      )}
    </main>
  );
}
