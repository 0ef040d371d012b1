import { useEffect, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api";
import type { Alarm, Severity } from "../api-types";
import { PageTitle } from "../components/PageTitle";
import { Time } from "../components/Time";
import { Link, linePath } from "../router";
import { useStation } from "../station";
import { useStationName } from "../station-name";

const RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

function ordered(alarms: Alarm[]): Alarm[] {
  return [...alarms].sort(
    (a, b) =>
      Number(a.clearedAt !== null) - Number(b.clearedAt !== null) ||
      RANK[a.severity] - RANK[b.severity] ||
      b.raisedAt.localeCompare(a.raisedAt),
  );
}

/** Open alarms (and those not yet acknowledged), or every alarm ever raised here. */
export function Alarms() {
  const { t } = useTranslation();
  const { state, loadAlarms } = useStation();
  const allId = useId();
  const [showAll, setShowAll] = useState(false);
  const [all, setAll] = useState<Alarm[] | null>(null);
  const [allError, setAllError] = useState<string | null>(null);

  // The full history is fetched again whenever the open list changes (an alarm came or went).
  useEffect(() => {
    if (!showAll) return;
    api.alarms(true).then(
      (rows) => {
        setAll(rows);
        setAllError(null);
      },
      (failure: unknown) => setAllError((failure as Error).message),
    );
  }, [showAll, state.alarms]);

  const rows = showAll ? all : state.alarms;
  const error = showAll ? allError : state.alarmsError;
  const changed = (row: Alarm) => {
    setAll((before) => before?.map((a) => (a.id === row.id ? row : a)) ?? null);
  };

  return (
    <main className="page alarms">
      <PageTitle title={t("alarms.title")}>
        <span className="inline-check">
          <input
            id={allId}
            type="checkbox"
            checked={showAll}
            onChange={(e) => setShowAll(e.target.checked)}
          />
          <label htmlFor={allId}>{t("alarms.showAll")}</label>
        </span>
        <button type="button" onClick={loadAlarms}>
          {t("alarms.refresh")}
        </button>
      </PageTitle>
      {error !== null && (
        <p role="alert" className="error-text">
          {t("alarms.failed", { message: error })}
        </p>
      )}
      {rows === null ? (
        <p className="muted">{t("app.loading")}</p>
      ) : rows.length === 0 ? (
        <p className="ok-text big-ok">{t("alarms.none")}</p>
      ) : (
        <ul className="alarm-list">
          {ordered(rows).map((alarm) => (
            <AlarmRow key={alarm.id} alarm={alarm} onChanged={changed} />
          ))}
        </ul>
      )}
    </main>
  );
}

function AlarmRow({ alarm, onChanged }: { alarm: Alarm; onChanged: (alarm: Alarm) => void }) {
  const { t } = useTranslation();
  const { state, alarmChanged } = useStation();
  const stationName = useStationName();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const line = state.status?.lines.find((l) => l.id === alarm.line);
  const open = alarm.clearedAt === null;

  const acknowledge = () => {
    setBusy(true);
    setError(null);
    api.ackAlarm(alarm.id).then(
      (row) => {
        setBusy(false);
        alarmChanged(row);
        onChanged(row);
      },
      (failure: unknown) => {
        setBusy(false);
        setError((failure as Error).message);
      },
    );
  };

  return (
    <li className={`alarm sev-edge-${alarm.severity} ${open ? "alarm-open" : "alarm-cleared"}`}>
      <div className="alarm-head">
        <span className={`sev-badge sev-${alarm.severity}`}>{t(`severity.${alarm.severity}`)}</span>
        <span className="alarm-code">{alarm.code}</span>
        {alarm.count > 1 && (
          <span className="alarm-count" title={t("alarms.repeated", { count: alarm.count })}>
            ×{alarm.count}
          </span>
        )}
        {alarm.line !== null && (
          <Link to={alarm.entry === null ? linePath(alarm.line) : `${linePath(alarm.line)}#e-${alarm.entry}`}>
            {line?.name ?? `${alarm.line.slice(0, 8)}…`}
          </Link>
        )}
        {alarm.peer !== null && <span>{stationName(alarm.peer)}</span>}
        <span className="muted">
          #{alarm.id} · {t("alarms.raised")} <Time iso={alarm.raisedAt} />
          {alarm.count > 1 && (
            <>
              {" "}
              · {t("alarms.lastRaised")} <Time iso={alarm.lastRaisedAt} />
            </>
          )}
        </span>
      </div>
      <p className="alarm-detail">{alarm.detail}</p>
      <div className="alarm-foot">
        <span className={open ? "state-open" : "muted"}>
          {open ? (
            t("alarms.active")
          ) : (
            <>
              {t("alarms.cleared")} <Time iso={alarm.clearedAt} />
            </>
          )}
        </span>
        {alarm.audience !== null && (
          <span>
            → {t(`role.${alarm.audience}` as "role.officer", { defaultValue: alarm.audience })}
            {alarm.escalation > 0 && (
              <>
                {" "}
                ({t("alarms.escalated")} <Time iso={alarm.escalatedAt} />)
              </>
            )}
          </span>
        )}
        {alarm.ackedBy !== null ? (
          <span className="acked">
            ✓ {t("alarms.ackedBy", { name: alarm.ackedBy })} <Time iso={alarm.ackedAt} />
          </span>
        ) : (
          <button type="button" className="primary" onClick={acknowledge} disabled={busy}>
            {t("alarms.acknowledge")}
          </button>
        )}
        {error !== null && (
          <span role="alert" className="error-text">
            {error}
          </span>
        )}
      </div>
    </li>
  );
}
