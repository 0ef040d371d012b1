/** Link health as the health report shows it: uptime, incidents, round trips. Types only (see mod.ts). */
import type { Health } from "./basics.js";
import type { RouteStatus } from "./lines.js";

/** The windows a health report gives uptime over. */
export type UptimeWindow = "1h" | "24h" | "7d";

/** A period the link was down, as this station's link tests saw it. */
export interface Incident {
  /** the last good test before it: the failure began after this (the detection time if none was known) */
  start: string;
  /** when the link was marked down */
  detectedAt: string;
  /** when it ended (see endedBy), or null while it lasts */
  end: string | null;
  /** "recovery": the link answered again; "stop": this station stopped testing it; null while it lasts */
  endedBy: "recovery" | "stop" | null;
  /** detectedAt − start */
  timeToDetectMs: number;
  /** end − start, or null while it lasts */
  durationMs: number | null;
  /** what the station said when it marked the link down */
  detail: string;
}

/** A change on one route to a participant, as this station saw it (the route history). */
export interface RouteChange {
  route: string;
  /** "health": the route's health went from → to; "switch": the participant's traffic moved from route `from` (null: none) to this one */
  kind: "health" | "switch";
  from: string | null;
  to: string;
  at: string;
  /** the cause, in words */
  detail: string;
}

/** A route as the health report shows it: as `status` does, with its uptime and last change. */
export interface RouteHealth extends RouteStatus {
  /** percent (0–100) of the time the route's health was known that it was available; null if never known */
  uptime: Record<UptimeWindow, number | null>;
  /** when its health last changed, or null if it never did */
  changedAt: string | null;
}

/** One other participant of a line, as the health report shows it. */
export interface ParticipantHealth {
  id: string;
  name: string;
  /** the link's health now ("unknown" when this station is not running or has not tested it yet) */
  state: Health;
  /** every route to it, most preferred first, and the one carrying the traffic */
  routes: RouteHealth[];
  /** when its traffic last moved to another route (from the route history), or null if it never did */
  switchedAt: string | null;
  /** the changes of its routes, newest first, at most `MAX_ROUTE_CHANGES_SHOWN` */
  routeHistory: RouteChange[];
  lastTestAt: string | null;
  /** round trips in ms of the last hour's good tests (null when this station is not running or has none) */
  rttMs: { last: number | null; p50: number | null; p95: number | null; samples: number };
  /** percent (0–100) of the time the link's health was known that it was available; null if never known */
  uptime: Record<UptimeWindow, number | null>;
  /** newest first, at most `MAX_INCIDENTS` */
  incidents: Incident[];
}

/** What `hotline health` shows. */
export interface HealthReport {
  line: { id: string; name: string };
  generatedAt: string;
  /** whether this station runs (tests its links) now; if not, no state or round trips are known */
  running: boolean;
  participants: ParticipantHealth[];
}
