import { useTranslation } from "react-i18next";
import type { LineHealth, LineStatus, LineSummary } from "../api-types";
import { formatNumber, formatPercent } from "../format";
import { useLocale } from "../i18n";
import { Link, linePath } from "../router";
import { rttKey, type RttSeries } from "../station";
import { HealthLight } from "./HealthLight";
import { PendingMembers } from "./PendingMembers";
import { RttChart } from "./RttChart";
import { SuspendedBanner } from "./SuspendedBanner";
import { Time } from "./Time";

interface LineCardProps {
  line: LineStatus;
  rtt: Record<string, RttSeries>;
  /** the line's health report, for uptime, when it was fetched */
  health: LineHealth | undefined;
  /** the line's members, for those still waiting for consent, when they were fetched */
  summary: LineSummary | undefined;
  /** after this console consented to a waiting member */
  onApproved: () => void;
}

/** One line on the board: a participant down makes it loud, from across the room. */
export function LineCard({ line, rtt, health, summary, onApproved }: LineCardProps) {
  const { t } = useTranslation();
  const locale = useLocale();
  const down = line.participants.filter((p) => p.health === "down");
  const degraded = line.participants.some((p) => p.health === "degraded");
  const tone = down.length > 0 ? "card-down" : degraded ? "card-degraded" : "";
  const headingId = `line-${line.id}`;
  const number = (n: number) => formatNumber(n, locale);

  return (
    <article className={`card line-card ${tone}`} aria-labelledby={headingId}>
      {down.length > 0 && (
        <div className="down-banner">
          <span className="down-word">{t("board.down")}</span>
          <span>{down.map((p) => p.name).join(", ")}</span>
        </div>
      )}
      <div className="card-head">
        <h2 id={headingId}>
          <Link to={linePath(line.id)}>{line.name}</Link>
        </h2>
        <div className="counts">
          <span className={line.unacked > 0 ? "count count-attention" : "count"}>
            <strong>{number(line.unacked)}</strong> {t("board.unacked", { count: line.unacked })}
          </span>
          <span className={line.awaitingAcks > 0 ? "count count-waiting" : "count"}>
            <strong>{number(line.awaitingAcks)}</strong> {t("board.awaiting", { count: line.awaitingAcks })}
          </span>
          <span className="count muted">
            {t("board.entries", { count: line.entries, n: number(line.entries) })}
          </span>
        </div>
      </div>
      {line.suspended !== null && <SuspendedBanner suspension={line.suspended} />}
      {line.participants.length === 0 ? (
        <p className="muted">{t("board.noParticipants")}</p>
      ) : (
        <table className="participants">
          <thead>
            <tr>
              <th scope="col">{t("board.station")}</th>
              <th scope="col">{t("board.health")}</th>
              <th scope="col">{t("board.lastTest")}</th>
              <th scope="col" className="num">
                {t("board.rtt")}
              </th>
              <th scope="col">
                <span className="visually-hidden">{t("board.rttChart")}</span>
              </th>
              <th scope="col" className="num">
                {t("board.outbox")}
              </th>
              <th scope="col" className="num">
                {t("board.uptime")}
              </th>
            </tr>
          </thead>
          <tbody>
            {line.participants.map((p) => {
              const series = rtt[rttKey(line.id, p.id)];
              const ys = series?.y ?? [];
              const report = health?.participants.find((h) => h.id === p.id);
              const uptime = report?.uptime["24h"] ?? null;
              // Since this station started, else as the route history kept it.
              const switchedAt = p.switchedAt ?? report?.switchedAt ?? null;
              return (
                <tr key={p.id} className={`row-${p.health}`}>
                  <th scope="row">
                    {p.name}
                    {p.routes.length > 1 && (
                      // More than one way to reach it: each route with its uptime, the one carrying
                      // the traffic, and when traffic last moved.
                      <div className="routes" aria-label={t("board.routes")}>
                        {p.routes.map((r) => {
                          const kept = report?.routes.find((h) => h.name === r.name);
                          const uptime = kept?.uptime["24h"] ?? null;
                          return (
                            <span
                              key={r.name}
                              className={`route route-${r.health}${r.active ? " route-active" : ""}${r.standby ? " route-standby" : ""}`}
                              title={[
                                r.url,
                                r.standby ? t("board.routeStandby") : r.health,
                                ...(r.rttMs === null ? [] : [t("board.ms", { n: number(r.rttMs) })]),
                                ...(kept?.changedAt == null
                                  ? []
                                  : [t("board.routeChanged", { time: kept.changedAt.slice(11, 19) })]),
                              ].join(" · ")}
                            >
                              {r.active ? "▸\u00a0" : ""}
                              {r.name}
                              {r.standby && <span className="route-role"> {t("board.routeStandby")}</span>}
                              {uptime !== null && (
                                <span
                                  className="route-uptime"
                                  aria-label={t("board.routeUptime", {
                                    percent: formatPercent(uptime, locale),
                                  })}
                                >
                                  {" "}
                                  {formatPercent(uptime, locale)}
                                </span>
                              )}
                            </span>
                          );
                        })}
                        {switchedAt !== null && (
                          <span className="route-switched">
                            {t("board.switched")} <Time iso={switchedAt} />
                          </span>
                        )}
                      </div>
                    )}
                  </th>
                  <td>
                    <HealthLight health={p.health} />
                    {p.revokedKey !== null && (
                      // It revoked its key: what it writes waits until an admin accepts the new one.
                      <div
                        className="revoked-note"
                        title={t("board.revokedKeyHint", { name: p.name, since: p.revokedKey.since })}
                      >
                        {t("board.revokedKey")}
                      </div>
                    )}
                    {p.relay !== null && (
                      // Its own routes are all down, but the line still carries it, through a third.
                      <div
                        className="relay-note"
                        title={t("board.relayedHint", { name: p.name, via: p.relay.viaName })}
                      >
                        {t("board.relayedVia", { via: p.relay.viaName })}
                      </div>
                    )}
                  </td>
                  <td>
                    <Time iso={p.lastTestAt} />
                  </td>
                  <td className="num">{p.rttMs === null ? "–" : t("board.ms", { n: number(p.rttMs) })}</td>
                  <td>
                    <RttChart
                      series={series}
                      label={
                        ys.length === 0
                          ? t("board.rttChartEmpty")
                          : t("board.rttChartLabel", {
                              count: ys.length,
                              min: number(Math.min(...ys)),
                              max: number(Math.max(...ys)),
                            })
                      }
                    />
                  </td>
                  <td className={p.outbox > 0 ? "num outbox-pending" : "num"}>{number(p.outbox)}</td>
                  <td className="num">{uptime === null ? "–" : formatPercent(uptime, locale)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {summary !== undefined && <PendingMembers line={summary} onApproved={onApproved} />}
    </article>
  );
}
