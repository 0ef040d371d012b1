import type { Command } from "commander";
import {
  PERMISSIONS,
  healthReport,
  type HealthReport,
  type Incident,
  type ParticipantHealth,
  type RouteChange,
} from "../station/mod.js";
import { asOption, type CommonOptions, viaStation, withCommon } from "./common.js";
import { printJson, printLines } from "./output.js";

/**
 * `hotline health --line L`: the line's health report.
 *
 * @param program the root command
 */
export function registerHealthCommand(program: Command): void {
  withCommon(
    program
      .command("health")
      .description("a line's health: per participant state, round trips, uptime and incidents")
      .requiredOption("--line <line>", "the line: its id, a unique id prefix, or its name")
      .addOption(asOption()),
  ).action(async (options: CommonOptions & { line: string; as: string }) => {
    const report = await viaStation(
      options,
      PERMISSIONS.read,
      (api) => api.call("GET /api/lines/:line/health", { params: { line: options.line } }),
      (station) => healthReport(station, options.line, { monitor: null }),
    );
    if (options.json) return printJson(report);
    printLines(...describeReport(report));
  });
}

/**
 * @param report a health report
 * @returns it as lines for a person
 */
export function describeReport(report: HealthReport): string[] {
  const lines = [`Line ${report.line.name} (${report.line.id.slice(0, 12)}), ${report.generatedAt}`];
  if (!report.running) {
    lines.push(
      "  This station is not running: no current state or round trips (they are measured only while it runs).",
    );
  }
  if (report.participants.length === 0) lines.push("  No other participant yet.");
  const width = Math.max(0, ...report.participants.map((p) => p.name.length));
  for (const p of report.participants) {
    lines.push(`  ${participantLine(p, width)}`);
    if (p.routes.length > 1) {
      const routes = p.routes.map((r) => {
        const uptime = r.uptime["24h"];
        return (
          `${r.name} ${r.standby ? "standby" : r.health}${r.rttMs === null ? "" : ` ${r.rttMs} ms`}${r.active ? " (carries the traffic)" : ""}` +
          ` uptime 24h ${uptime === null ? "–" : `${uptime.toFixed(1)}%`}`
        );
      });
      const switched = p.switchedAt === null ? "never switched" : `last switch ${seconds(p.switchedAt)}`;
      lines.push(`      routes: ${routes.join(", ")}; ${switched}`);
    }
    for (const incident of p.incidents) lines.push(`      ${incidentLine(incident)}`);
    if (p.routeHistory.length > 0) {
      lines.push("      route history, newest first:");
      for (const change of p.routeHistory.slice(0, ROUTE_CHANGES_PRINTED)) {
        lines.push(`        ${routeChangeLine(change)}`);
      }
      const more = p.routeHistory.length - ROUTE_CHANGES_PRINTED;
      if (more > 0) lines.push(`        … ${more} more (--json lists them)`);
    }
  }
  return lines;
}

function participantLine(p: ParticipantHealth, width: number): string {
  const test = p.lastTestAt === null ? "not tested" : `last test ${p.lastTestAt.slice(11, 19)}Z`;
  const rtt =
    p.rttMs.p50 === null || p.rttMs.p95 === null
      ? "RTT –"
      : `RTT p50 ${p.rttMs.p50} ms p95 ${p.rttMs.p95} ms`;
  const uptime = (["1h", "24h", "7d"] as const)
    .map((w) => {
      const percent = p.uptime[w];
      return `${w} ${percent === null ? "–" : `${percent.toFixed(1)}%`}`;
    })
    .join("  ");
  const incidents = p.incidents.length === 0 ? "no incidents" : `incidents ${p.incidents.length}`;
  return `${p.name.padEnd(width)}  ${p.state}  ${test}  ${rtt}  uptime ${uptime}  ${incidents}`;
}

/** Changes of routes printed per participant: the newest; `--json` has more. */
const ROUTE_CHANGES_PRINTED = 10;

function routeChangeLine(c: RouteChange): string {
  const what =
    c.kind === "switch"
      ? `traffic ${c.from ?? "–"} → ${c.to}`
      : `${c.route} ${c.from ?? "unknown"} → ${c.to}`;
  return `${seconds(c.at)}  ${what}: ${c.detail}`;
}

function incidentLine(i: Incident): string {
  const detected = `detected after ${(i.timeToDetectMs / 1000).toFixed(1)} s`;
  if (i.end === null) return `down since ${seconds(i.start)} (still down), ${detected}`;
  const end = i.end.slice(0, 10) === i.start.slice(0, 10) ? `${i.end.slice(11, 19)}Z` : seconds(i.end);
  const how = i.endedBy === "stop" ? "this station stopped testing it, " : "";
  return `down ${seconds(i.start)} → ${end} (${how}${duration(i.durationMs ?? 0)}), ${detected}`;
}

/** @returns an ISO time to the second */
function seconds(iso: string): string {
  return `${iso.slice(0, 19)}Z`;
}

/** @returns e.g. "8.0 s", "1m08s", "2h05m", "3d04h" */
function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${(ms / 1000).toFixed(1)} s`;
  const pad = (n: number) => String(n).padStart(2, "0");
  if (s < 3_600) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3_600)}h${pad(Math.floor(s / 60) % 60)}m`;
  return `${Math.floor(s / 86_400)}d${pad(Math.floor(s / 3_600) % 24)}h`;
}
