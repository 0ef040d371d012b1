import type { HealthChangeRow, RouteChangeRow } from "../../store/mod.js";
import { quantile, recentRtts, type Health, type LinkState } from "./health.js";
import { announcedRoutesOn, type Station } from "../core/mod.js";
import { routesOf, type RoutedTransport } from "./routed-transport.js";
import type {
  HealthReport,
  Incident,
  RouteChange,
  RouteHealth,
  RouteStatus,
  UptimeWindow,
} from "../views/mod.js";

/** The windows uptime is given over, in ms. */
export const UPTIME_WINDOWS = {
  "1h": 3_600_000,
  "24h": 86_400_000,
  "7d": 604_800_000,
} as const satisfies Record<UptimeWindow, number>;

/** How many incidents a report lists per participant, newest first. */
export const MAX_INCIDENTS = 50;

/** How many changes of its routes a report lists per participant, newest first. */
export const MAX_ROUTE_CHANGES_SHOWN = 50;

/** What the report takes of the running link monitor. */
export interface LinkStates {
  state(line: string, peer: string): LinkState | null;
}

/**
 * The health report of a line: for each other participant, the link's state and round trips now
 * (from the running link monitor), its uptime and its incidents (from the health history).
 *
 * Uptime over a window is the time the link was `up` or `degraded` (slow, or a test just failed:
 * still available) divided by the time its health was known within the window; time it was
 * `unknown` (never tested, or this station stopped) is left out of both, and the uptime is null
 * when nothing was known. It follows the states as the station saw them: between the last good
 * test and the detection of a failure the link still counts as available.
 *
 * A clean stop of this station is kept in the history as a change to `unknown`. A crash keeps
 * nothing, so the state before a crash is taken to last until the first change after the next
 * start (which is always one from `unknown`), or until now while the station does not run.
 *
 * An incident begins with a change to `down`. It starts at the change's last good test (the
 * failure began after it; if there was none since this station started, at the change itself, so
 * the time to detect is then 0) and is detected at the change. It ends at the next change away
 * from `down`: `recovery` when the link answered again, `stop` when this station stopped (or
 * crashed and started again) while the link was down — then the end is when testing stopped (or
 * resumed), not when the link came back.
 *
 * @param station the station
 * @param line the line: its id, a unique id prefix, or its name
 * @param options the running link monitor (null when the station is not running); now, in ms
 *   since the epoch (default the station's clock)
 * @returns the report
 * @throws HotlineError UNKNOWN_LINE or AMBIGUOUS_LINE
 */
export async function healthReport(
  station: Station,
  line: string,
  options: {
    monitor: LinkStates | null;
    routes?: RoutedTransport | null | undefined;
    now?: number | undefined;
  },
): Promise<HealthReport> {
  const found = await station.resolveLine(line);
  const now = options.now ?? station.clock.now();
  const announced = await announcedRoutesOn(station.store, found.id);
  return {
    line: { id: found.id, name: found.name },
    generatedAt: new Date(now).toISOString(),
    running: options.monitor !== null,
    participants: await Promise.all(
      (await station.store.participants(found.id))
        .filter((p) => p.station !== station.id)
        .map(async (p) => {
          const link = options.monitor?.state(found.id, p.station) ?? null;
          const routeHistory = await station.store.routeHistory({ peer: p.station });
          const routes = await routesOf(station, found.id, p, options.routes ?? null, announced);
          const lastSwitch = routeHistory.findLast((c) => c.kind === "switch")?.at ?? null;
          const history = await station.store.healthHistory({ line: found.id, peer: p.station });
          const periods = periodsOf(history, now);
          const rtts = link === null ? [] : recentRtts(link.rtts, now).map((s) => s.ms);
          return {
            id: p.station,
            name: p.name,
            state: link?.health ?? "unknown",
            routes: routes.map((r) => routeHealth(r, routeHistory, now)),
            // The running transport's, else the history's (it outlives a restart).
            switchedAt: options.routes?.routing(p.station)?.switchedAt ?? lastSwitch,
            routeHistory: routeHistory.slice(-MAX_ROUTE_CHANGES_SHOWN).reverse().map(routeChange),
            lastTestAt: link?.lastTestAt ?? null,
            rttMs: {
              last: tenths(link?.rttMs ?? null),
              p50: tenths(quantile(rtts, 0.5)),
              p95: tenths(quantile(rtts, 0.95)),
              samples: rtts.length,
            },
            uptime: {
              "1h": uptimeOf(periods, now - UPTIME_WINDOWS["1h"], now),
              "24h": uptimeOf(periods, now - UPTIME_WINDOWS["24h"], now),
              "7d": uptimeOf(periods, now - UPTIME_WINDOWS["7d"], now),
            },
            incidents: incidentsOf(history).reverse().slice(0, MAX_INCIDENTS),
          };
        }),
    ),
  };
}

/**
 * A route's uptime is computed as a link's (see {@link healthReport}), from its changes of health
 * in the route history: a clean stop is kept as a change to `unknown`, which is left out.
 *
 * @returns the route with its uptime and last change
 */
function routeHealth(route: RouteStatus, history: readonly RouteChangeRow[], now: number): RouteHealth {
  const changes = history.filter((c) => c.kind === "health" && c.route === route.name);
  const periods = periodsOf(changes, now);
  return {
    ...route,
    uptime: {
      "1h": uptimeOf(periods, now - UPTIME_WINDOWS["1h"], now),
      "24h": uptimeOf(periods, now - UPTIME_WINDOWS["24h"], now),
      "7d": uptimeOf(periods, now - UPTIME_WINDOWS["7d"], now),
    },
    changedAt: changes.at(-1)?.at ?? null,
  };
}

function routeChange(row: RouteChangeRow): RouteChange {
  return { route: row.route, kind: row.kind, from: row.from, to: row.to, at: row.at, detail: row.detail };
}

/** A stretch of time in one state of health, [from, to) in ms. */
interface Period {
  from: number;
  to: number;
  health: Health;
}

const HEALTHS: readonly string[] = ["unknown", "up", "degraded", "down"] satisfies Health[];

function healthOf(text: string): Health {
  return HEALTHS.includes(text) ? (text as Health) : "unknown";
}

/** @returns the states of a link (or route) from its first change of health to now, in order */
function periodsOf(history: readonly { at: string; to: string }[], now: number): Period[] {
  const periods: Period[] = [];
  let current: { since: number; health: Health } | null = null;
  for (const change of history) {
    const at = Date.parse(change.at);
    if (current !== null) periods.push({ from: current.since, to: at, health: current.health });
    current = { since: at, health: healthOf(change.to) };
  }
  if (current !== null)
    periods.push({ from: current.since, to: Math.max(now, current.since), health: current.health });
  return periods;
}

/** @returns percent of the known time in [from, to) the link was available, or null if none was known */
function uptimeOf(periods: readonly Period[], from: number, to: number): number | null {
  let known = 0;
  let available = 0;
  for (const p of periods) {
    const overlap = Math.min(p.to, to) - Math.max(p.from, from);
    if (overlap <= 0 || p.health === "unknown") continue;
    known += overlap;
    if (p.health !== "down") available += overlap;
  }
  return known === 0 ? null : (100 * available) / known;
}

/** @returns the link's incidents, oldest first */
function incidentsOf(history: readonly HealthChangeRow[]): Incident[] {
  const incidents: Incident[] = [];
  let open: { start: number; detected: number; detail: string } | null = null;
  let current: Health = "unknown";
  const close = (end: number | null, endedBy: Incident["endedBy"]) => {
    if (open === null) return;
    incidents.push({
      start: new Date(open.start).toISOString(),
      detectedAt: new Date(open.detected).toISOString(),
      end: end === null ? null : new Date(end).toISOString(),
      endedBy,
      timeToDetectMs: open.detected - open.start,
      durationMs: end === null ? null : end - open.start,
      detail: open.detail,
    });
    open = null;
  };
  for (const change of history) {
    const at = Date.parse(change.at);
    const to = healthOf(change.to);
    // A change from unknown after a known state: this station crashed and started again.
    const restarted = change.from === "unknown" && current !== "unknown";
    if (open !== null && (to !== "down" || restarted)) {
      close(at, to === "unknown" || restarted ? "stop" : "recovery");
    }
    if (to === "down" && open === null) {
      const lastOk = change.lastOkAt === null ? at : Math.min(Date.parse(change.lastOkAt), at);
      open = { start: lastOk, detected: at, detail: change.detail };
    }
    current = to;
  }
  close(null, null);
  return incidents;
}

function tenths(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms * 10) / 10;
}
