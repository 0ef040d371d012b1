import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api";
import type { LineHealth, LineSummary } from "../api-types";
import { LineCard } from "../components/LineCard";
import { PageTitle } from "../components/PageTitle";
import { useStation } from "../station";

const HEALTH_REFRESH_MS = 60_000;

/** Home: one card per line, live. */
export function Board() {
  const { t } = useTranslation();
  const { state } = useStation();
  const lines = state.status?.lines;
  const ids = (lines ?? []).map((l) => l.id).join(",");
  const [health, setHealth] = useState<Record<string, LineHealth>>({});
  const [summaries, setSummaries] = useState<Record<string, LineSummary>>({});
  const [approvals, setApprovals] = useState(0);
  // Members change only with entries: the participants waiting for consent are fetched again
  // when a line's entry count moves (or this console consented).
  const shape = (lines ?? []).map((l) => `${l.id}:${l.entries}`).join(",");
  // A participant's traffic moving to another route changes its routes' history: fetched again then.
  const switches = (lines ?? []).flatMap((l) => l.participants.map((p) => p.switchedAt ?? "")).join(",");

  // Uptime comes from the health report, which changes slowly: once a minute is plenty, and at
  // each switch of routes.
  useEffect(() => {
    if (ids === "") return;
    const load = () => {
      for (const id of ids.split(",")) {
        api.health(id).then(
          (report) => setHealth((before) => ({ ...before, [id]: report })),
          () => {}, // uptime is a nicety; the card shows "–"
        );
      }
    };
    load();
    const timer = setInterval(load, HEALTH_REFRESH_MS);
    return () => clearInterval(timer);
  }, [ids, switches]);

  useEffect(() => {
    if (shape === "") return;
    api.lines().then(
      (all) => setSummaries(Object.fromEntries(all.map((l) => [l.id, l]))),
      () => {}, // the cards show the working participants without it
    );
  }, [shape, approvals]);

  const down = (lines ?? []).filter((l) => l.participants.some((p) => p.health === "down")).length;
  const unacked = (lines ?? []).reduce((sum, l) => sum + l.unacked, 0);
  const degraded = (lines ?? []).some((l) => l.participants.some((p) => p.health === "degraded"));
  // "All links up" only when every link was tested and answered: unknown is not up.
  const untested = (lines ?? []).some((l) => l.participants.some((p) => p.health === "unknown"));

  return (
    <main className="page board">
      <PageTitle title={t("board.title")}>
        {lines !== undefined && lines.length > 0 && (
          <p className="summary" role="status">
            {down > 0 ? (
              <span className="summary-bad">{t("board.linesDown", { count: down })}</span>
            ) : degraded ? (
              <span className="summary-attention">{t("board.degraded")}</span>
            ) : untested ? (
              <span className="muted">{t("board.untested")}</span>
            ) : (
              <span className="summary-good">{t("board.allUp")}</span>
            )}
            {unacked > 0 && (
              <span className="summary-attention">{t("board.toAcknowledge", { count: unacked })}</span>
            )}
          </p>
        )}
      </PageTitle>
      {state.status !== null && !state.status.running && (
        <p className="banner banner-warning" role="alert">
          {t("board.notRunning")}
        </p>
      )}
      {lines === undefined ? (
        <p className="muted">{t("app.loading")}</p>
      ) : lines.length === 0 ? (
        <p className="muted">{t("board.noLines")}</p>
      ) : (
        <div className="card-grid">
          {lines.map((line) => (
            <LineCard
              key={line.id}
              line={line}
              rtt={state.rtt}
              health={health[line.id]}
              summary={summaries[line.id]}
              onApproved={() => setApprovals((n) => n + 1)}
            />
          ))}
        </div>
      )}
    </main>
  );
}
