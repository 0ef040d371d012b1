/** Lines and status: who a station is, its lines, their settings and participants. Types only (see mod.ts). */
import type { ESCALATION_ROLES, Precedence, Route } from "../../record/kinds.js";
import type { NotifyType } from "../../record/volume.js";
import type { Health } from "./basics.js";

/** Who a station is, as `whoami` shows it. */
export interface WhoAmI {
  id: string;
  name: string;
  fingerprint: string;
  cert: string;
  url: string;
  /** where its record lives: the SQLite file, or the PostgreSQL URL with its password masked */
  store: string;
}

/** A line's settings, as the record sets them (defaults overlaid by every `line.settings` entry). */
export interface LineSettings {
  /** seconds between automatic link tests */
  testInterval: number;
  /** when presence tests are due (cron, UTC) */
  presenceSchedule: string;
  /** seconds the other participants have to acknowledge a presence test */
  presenceDeadline: number;
  /** acknowledgement deadline per precedence, in seconds */
  ackDeadlines: Record<Precedence, number>;
  /** who an unanswered message's alarm is addressed to: the first role at its deadline, the next at twice it… */
  escalation: (typeof ESCALATION_ROLES)[number][];
  /** hours of notice a notification of each type needs before its first volume starts (absent: none) */
  noticeHours: Partial<Record<NotifyType, number>>;
  /** longest time window of a notification's volume, in hours */
  maxWindowHours: number;
}

/** A line's suspension, as its record says. */
export interface Suspension {
  since: string;
  /** the station and operator that suspended it */
  station: string;
  by: string;
  reason: string;
}

/** A line with its participants, as `lines` shows it. */
export interface LineSummary {
  id: string;
  name: string;
  /**
   * safetyCode: what this station and that participant compare by voice (none for this station);
   * pending: added, but some participants (awaiting) have yet to consent, so it is sent nothing;
   * keyChange: its key changed (when, and to which key) and no operator here has acknowledged it yet
   * by reading the new safety code aloud with its operators (null: no change to acknowledge)
   */
  participants: {
    id: string;
    name: string;
    fingerprint: string;
    safetyCode: string | null;
    pending: boolean;
    awaiting: string[];
    /** the addresses it announced (or paired with), most preferred first */
    routes: Route[];
    keyChange: { at: string; key: string } | null;
  }[];
  entries: number;
  settings: LineSettings;
  /** the suspension in force, or null when the line is in service */
  suspended: Suspension | null;
}

/** One route to a participant, as `status` shows it. */
export interface RouteStatus extends Route {
  /** by the link tests of this route ("unknown": not tested yet) */
  health: Health;
  rttMs: number | null;
  /** whether it carries the traffic to the participant now */
  active: boolean;
  /** its host answered that it is the standby of the participant (up, but carries nothing) */
  standby: boolean;
}

/** One participant of a line, as `status` shows it. */
export interface ParticipantStatus {
  id: string;
  name: string;
  /** the URL of the route that carries the traffic now */
  url: string;
  /** every route to it, most preferred first */
  routes: RouteStatus[];
  /** when its traffic last moved to another route (null: never, since this station started) */
  switchedAt: string | null;
  connected: boolean;
  lastContact: string | null;
  outbox: number;
  /** the link's health by the automatic link tests ("unknown" when the station is not running) */
  health: Health;
  lastTestAt: string | null;
  /** round trip of the last good link test */
  rttMs: number | null;
  /**
   * every route to it is down, but it is reached through another participant: its entries come
   * caught up from there and its receipts relayed back (null otherwise)
   */
  relay: RelayStatus | null;
  /**
   * it revoked its key (believed stolen since `since`) and this station's admin has not yet
   * accepted its new key: what it writes next waits here until then (null otherwise)
   */
  revokedKey: { since: string; at: string } | null;
}

/** How a participant is reached while its own routes are down. */
export interface RelayStatus {
  /** the participant it is reached through */
  via: string;
  viaName: string;
  /** since when */
  since: string;
  /** the time of its newest statement relayed to this station */
  lastHeard: string;
}

/** One line, as `status` shows it. */
export interface LineStatus {
  id: string;
  name: string;
  entries: number;
  /** the suspension in force (said by a signed entry), or null when in service */
  suspended: Suspension | null;
  /** messages and presence tests from other stations that this station has not acknowledged */
  unacked: number;
  /** this station's messages and presence tests that some other participant has not acknowledged */
  awaitingAcks: number;
  participants: ParticipantStatus[];
}

/** What `hotline status` shows. */
export interface StationStatus {
  /** who it is, and where its record lives (as in {@link WhoAmI}) */
  station: { id: string; name: string; url: string; store: string };
  running: boolean;
  /** a digest of this station's private zones and plans: it changes when one is added or removed */
  zones: string;
  lines: LineStatus[];
  /** one of an active/standby pair: this process's role (absent for a station alone) */
  role?: "active" | "standby";
  /** one of a pair: when the active one took the lease */
  activeSince?: string;
  /** one of a pair: who is active, from the lease */
  active?: ActiveProcess;
}

/** The active process of an active/standby pair, as its lease names it. */
export interface ActiveProcess {
  /** in a few words: station, host, pid and route URL */
  who: string;
  /** the lease's holder as written (JSON: station, routes, host, pid, url, api) */
  holder: string;
  /** the lease's epoch: one more at each takeover */
  epoch: number;
  /** when it lapses unless renewed */
  expiresAt: string;
}
