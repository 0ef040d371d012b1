import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api";
import type { LineSummary } from "../api-types";
import { CallsPanel } from "../components/calls/CallsPanel";
import { ComposeBox } from "../components/ComposeBox";
import { HealthLight } from "../components/HealthLight";
import { KeyChanges } from "../components/KeyChanges";
import { NotificationsPanel, activeNotifications } from "../components/notify/NotificationsPanel";
import { PageTitle } from "../components/PageTitle";
import { PendingMembers } from "../components/PendingMembers";
import { RecordPanel } from "../components/RecordPanel";
import { SafetyCodes } from "../components/SafetyCodes";
import { SuspendedBanner } from "../components/SuspendedBanner";
import { Thread, awaitsAckFrom } from "../components/thread/Thread";
import { Link } from "../router";
import { useSession } from "../session";
import { useStation } from "../station";

type Panel = "calls" | "notify" | "safety" | "record" | null;

/** Brings the oldest entry still owed an acknowledgement into view, its button focused. */
function showFirstOwed(): void {
  const first = document.querySelector<HTMLElement>(".thread .awaits-me");
  first?.scrollIntoView({ block: "center" });
  first?.querySelector<HTMLButtonElement>(".ack-button")?.focus({ preventScroll: true });
}

/**
 * One line: its thread, live, the compose box, and its calls, safety codes and record one click
 * away.
 */
export function LineView({ id }: { id: string }) {
  const { t } = useTranslation();
  const { session } = useSession();
  const { state, watchLine } = useStation();
  const [summary, setSummary] = useState<LineSummary | undefined>(undefined);
  // bumped when this console changed the line's participants (a consent), to fetch them again
  const [approvals, setApprovals] = useState(0);
  // Back from a call's readouts (its link ends in #calls), the calls are shown again.
  const [panel, setPanel] = useState<Panel>(() =>
    location.hash === "#calls" ? "calls" : location.hash === "#notifications" ? "notify" : null,
  );
  const status = state.status?.lines.find((l) => l.id === id);
  const entries = state.logs[id];
  const logError = state.logErrors[id];
  // Settings and members change with their own entries: fetch the summary again when they do.
  const shape = (entries ?? []).filter(
    (e) => e.kind !== "text" && e.kind !== "test" && e.kind !== "ack",
  ).length;

  useEffect(() => watchLine(id), [watchLine, id]);
  useEffect(() => {
    api.lines().then(
      (lines) => setSummary(lines.find((l) => l.id === id)),
      () => {}, // only the deadlines in the precedence list and the safety codes wait for it
    );
  }, [id, shape, approvals]);

  if (state.status !== null && status === undefined) {
    return (
      <main className="page">
        <PageTitle title={t("line.unknown")} />
        <p>
          <Link to="/">{t("notFound.back")}</Link>
        </p>
      </main>
    );
  }
  const name = status?.name ?? summary?.name ?? "…";
  const down = (status?.participants ?? []).filter((p) => p.health === "down");
  const owed = (entries ?? []).filter((e) => awaitsAckFrom(e, session.station.id)).length;
  const toggle = (which: Exclude<Panel, null>) => setPanel(panel === which ? null : which);
  const calls = (entries ?? []).filter((e) => e.kind === "call.request").length;
  const notices = activeNotifications(entries ?? []);

  return (
    <main className={`page line-view ${down.length > 0 ? "line-down" : ""}`}>
      <PageTitle title={name}>
        <ul className="line-participants" aria-label={t("line.participants")}>
          {status?.participants.map((p) => (
            <li key={p.id}>
              {p.name} <HealthLight health={p.health} />
            </li>
          ))}
        </ul>
        <div className="line-tools">
          {owed > 0 && (
            <button type="button" className="owed" onClick={showFirstOwed} title={t("line.owedHint")}>
              {t("line.owed", { count: owed })}
            </button>
          )}
          <button
            type="button"
            aria-expanded={panel === "calls"}
            aria-controls="calls-panel"
            onClick={() => toggle("calls")}
          >
            {t("line.calls")}
            {calls > 0 && " "}
            {calls > 0 && <span className="count-badge sev-none tool-count">{calls}</span>}
          </button>
          <button
            type="button"
            aria-expanded={panel === "notify"}
            aria-controls="notify-panel"
            onClick={() => toggle("notify")}
          >
            {t("line.notifications")}
            {notices > 0 && " "}
            {notices > 0 && <span className="count-badge sev-none tool-count">{notices}</span>}
          </button>
          <button
            type="button"
            aria-expanded={panel === "safety"}
            aria-controls="safety-panel"
            onClick={() => toggle("safety")}
          >
            {t("line.safetyCodes")}
          </button>
          <button
            type="button"
            aria-expanded={panel === "record"}
            aria-controls="record-panel"
            onClick={() => toggle("record")}
          >
            {t("line.record")}
          </button>
        </div>
      </PageTitle>
      {down.length > 0 && (
        <div className="down-banner" role="alert">
          <span className="down-word">{t("board.down")}</span> {down.map((p) => p.name).join(", ")}
        </div>
      )}
      {status?.suspended != null && <SuspendedBanner suspension={status.suspended} />}
      {summary !== undefined && (
        <PendingMembers line={summary} onApproved={() => setApprovals((n) => n + 1)} />
      )}
      {summary !== undefined && (
        <KeyChanges line={summary} onAcknowledged={() => setApprovals((n) => n + 1)} />
      )}
      {panel === "calls" && <CallsPanel line={id} entries={entries ?? []} id="calls-panel" />}
      {panel === "notify" && <NotificationsPanel line={id} entries={entries ?? []} id="notify-panel" />}
      {panel === "safety" && <SafetyCodes line={summary} id="safety-panel" />}
      {panel === "record" && <RecordPanel line={id} id="record-panel" />}
      {logError !== undefined && (
        <p role="alert" className="error-text">
          {t("line.logFailed", { message: logError })}
        </p>
      )}
      {entries === undefined ? <p className="muted">{t("app.loading")}</p> : <Thread entries={entries} />}
      {session.operator.role === "observer" ? (
        <p className="muted">{t("compose.observer")}</p>
      ) : (
        <ComposeBox line={id} settings={summary?.settings} />
      )}
    </main>
  );
}
