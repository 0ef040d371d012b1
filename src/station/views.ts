/**
 * What the operator API returns: the station's views of its lines, record, alarms, calls and
 * notifications. Types only, shared with the console (console/src/api-types.ts), so a change here
 * breaks the console at compile time instead of at run time.
 *
 * The console type-checks without Node's types, so this file imports nothing at run time, and
 * types only from files that import nothing of Node's either, even indirectly: the record's
 * `kinds.ts` and `volume.ts` (never its `mod.ts`, which brings in `node:crypto`), the store's
 * `rows.ts`, and `health.ts`.
 *
 * @module
 */
import type {
  BodyOf,
  CallLevel,
  ESCALATION_ROLES,
  PRECEDENCES,
  Precedence,
  Verdict,
} from "../record/kinds.js";
import type {
  MultiPolygonGeometry,
  NOTIFY_TYPES,
  NotifyType,
  PolygonGeometry,
  Volume,
  VolumeGeometry,
} from "../record/volume.js";
import type { AlarmRow } from "../store/rows.js";
import type { Health } from "./health.js";

export type { CallLevel, Precedence, Verdict } from "../record/kinds.js";
export type {
  CircleGeometry,
  MultiPolygonGeometry,
  NotifyType,
  PolygonGeometry,
  Position,
  Volume,
  VolumeGeometry,
} from "../record/volume.js";
export type { Role, Severity } from "../store/rows.js";
export type { Health } from "./health.js";

/** The precedences, highest first: the type of the record's list, for copies of it to match. */
export type PrecedenceList = typeof PRECEDENCES;
/** The notification types: the type of the record's list, for copies of it to match. */
export type NotifyTypeList = typeof NOTIFY_TYPES;
/** A `text` entry's body: a message written by an operator. */
export type TextBody = BodyOf<"text">;

// Lines and status

/** Who a station is, as `whoami` shows it. */
export interface WhoAmI {
  id: string;
  name: string;
  fingerprint: string;
  cert: string;
  url: string;
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
   * pending: added, but some participants (awaiting) have yet to consent, so it is sent nothing
   */
  participants: {
    id: string;
    name: string;
    fingerprint: string;
    safetyCode: string | null;
    pending: boolean;
    awaiting: string[];
  }[];
  entries: number;
  settings: LineSettings;
  /** the suspension in force, or null when the line is in service */
  suspended: Suspension | null;
}

/** One participant of a line, as `status` shows it. */
export interface ParticipantStatus {
  id: string;
  name: string;
  url: string;
  connected: boolean;
  lastContact: string | null;
  outbox: number;
  /** the link's health by the automatic link tests ("unknown" when the station is not running) */
  health: Health;
  lastTestAt: string | null;
  /** round trip of the last good link test */
  rttMs: number | null;
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
  station: { id: string; name: string; url: string };
  running: boolean;
  /** a digest of this station's private zones and plans: it changes when one is added or removed */
  zones: string;
  lines: LineStatus[];
}

// The record, translations, alarms, health

/** Where a participant stands with an entry that needs its acknowledgement. */
export type AckState = "acked" | "pending" | "overdue";

/**
 * A translation attached to an entry. The original stays the authoritative text; a translation
 * is an aid, and says whose: made at the original author's station (`byAuthor`: the author's own
 * translation) or at another, by a person or by machine.
 */
export interface TranslationView {
  hash: string;
  /** the original entry's hash */
  of: string;
  lang: string;
  text: string;
  translator: string;
  /** made by machine translation */
  machine: boolean;
  /** made at the station that wrote the original: the author's own translation */
  byAuthor: boolean;
  /** always false: only the original is authoritative */
  authoritative: false;
  station: string;
  stationName: string;
  operator: string;
  time: string;
}

/** One entry as a transcript shows it. */
export interface LogEntry {
  hash: string;
  line: string;
  author: string;
  authorName: string;
  seq: number;
  time: string;
  kind: string;
  /** its shape depends on the kind: see the entry kinds in src/record/kinds.ts */
  body: Record<string, unknown>;
  /** when each other participant's signed heads first covered this entry */
  receipts: Record<string, string>;
  /** for a message: each station's acknowledgement (operator and time) */
  acks: Record<string, { by: string; time: string }>;
  /**
   * for a message or presence test: when it must be acknowledged by (its time plus the line's
   * deadline for its precedence, or for presence tests)
   */
  deadline: string | null;
  /** for a message or presence test: each other participant's state, acked, pending or overdue */
  ackStates: Record<string, AckState>;
  /** for a message or readout: the translations attached to it (the original stays authoritative) */
  translations?: TranslationView[];
}

/** An alarm, as `hotline alarms` shows it: the stored row. */
export type AlarmView = AlarmRow;

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

/** One other participant of a line, as the health report shows it. */
export interface ParticipantHealth {
  id: string;
  name: string;
  /** the link's health now ("unknown" when this station is not running or has not tested it yet) */
  state: Health;
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

// Calls and readouts

/** Where a call stands, from the record. */
export type CallState = "requested" | "accepted" | "declined" | "held" | "cancelled";

/** A station and one of its operators: who did something. */
export interface Actor {
  station: string;
  stationName: string;
  operator: string;
}

/** An answer to a call request: accepted, declined, or withdrawn by the requester. */
export interface CallResponse extends Actor {
  kind: "accept" | "decline" | "cancel";
  time: string;
  hash: string;
  /** the decline's reason, or the cancel's, or the accept's note */
  reason: string | null;
}

/** One station's record that the call took place. */
export interface HeldRecord extends Actor {
  start: string;
  end: string;
  durationSeconds: number;
  participants: string[];
  initiatedBy: { station: string; stationName: string };
  time: string;
  hash: string;
}

/** A call as the record tells it: who asked, who agreed, when, how long, at what level. */
export interface CallView {
  /** the call's id: its request's hash */
  id: string;
  line: string;
  requestedBy: Actor;
  requestedAt: string;
  level: CallLevel;
  topic: string;
  proposedTime: string;
  participants: string[];
  state: CallState;
  /** accepts, declines and cancels, in causal order */
  responses: CallResponse[];
  /** every station's record that it was held, in causal order (two sides may both record it) */
  held: HeldRecord[];
  /** from the first record that it was held, or null */
  start: string | null;
  end: string | null;
  durationSeconds: number | null;
  initiatedBy: { station: string; stationName: string } | null;
}

/** One station's mark on a point of another side's readout. */
export interface MarkView {
  hash: string;
  station: string;
  stationName: string;
  operator: string;
  time: string;
  verdict: Verdict;
  comment: string | null;
  /** the sentence it quotes */
  quote: string;
}

/** A point (sentence) of a readout: what the other sides said of it. */
export interface PointView {
  index: number;
  text: string;
  /**
   * whether the other sides' latest readouts mention it, by the comparison; null when the
   * comparison did not read this original (it went through a translation, or could not be made),
   * or the sentence has no key terms to compare
   */
  mentionedByOthers: boolean | null;
  /** every mark on it, in causal order */
  marks: MarkView[];
  /** each marking station's latest verdict */
  verdicts: Record<string, Verdict>;
}

/** A readout, its points, and the translations attached to it. */
export interface ReadoutView {
  hash: string;
  station: string;
  stationName: string;
  operator: string;
  time: string;
  lang: string;
  /** the original text: the authoritative one */
  text: string;
  /** the newest readout of its station for this call (the one compared) */
  latest: boolean;
  points: PointView[];
  translations: TranslationView[];
}

/** What one side of a comparison read: an original, or a translation of it. */
export interface ComparedSide {
  station: string;
  stationName: string;
  readout: string;
  lang: string;
  source: "original" | "translation";
  /** the translation read, if one was */
  translation: string | null;
  machine: boolean;
}

/** Two sides' latest readouts compared (see readout-compare.ts for how, and its limits). */
export interface ComparisonView {
  a: ComparedSide;
  b: ComparedSide;
  comparable: boolean;
  /** why not, when not */
  reason: string | null;
  /** sentences of each that the other mentions: indices into the texts compared, with the score */
  both: { a: number; b: number; aText: string; bText: string; score: number }[];
  /** what A says that B does not mention */
  onlyA: { index: number; text: string }[];
  /** what B says that A does not mention */
  onlyB: { index: number; text: string }[];
}

/** A point the other sides marked, with their verdicts. */
export interface MarkedPoint {
  readout: string;
  station: string;
  stationName: string;
  index: number;
  text: string;
  by: { station: string; stationName: string; comment: string | null }[];
}

/** All sides' readouts of a call, side by side. */
export interface ReadoutsView {
  call: CallView;
  readouts: ReadoutView[];
  comparisons: ComparisonView[];
  /** points some other side marked agreed (its latest verdict), none disputing */
  agreed: MarkedPoint[];
  /** points some other side marked disputed (its latest verdict) */
  disputed: MarkedPoint[];
  /** marks whose point could not be found by index or by quote */
  unplaced: (MarkView & { readout: string; point: number })[];
}

// Notifications, zones, conflicts and the map

/** An answer to a question about a notification (`clarify.answer`). */
export interface ClarificationAnswer {
  hash: string;
  station: string;
  stationName: string;
  operator: string;
  time: string;
  text: string;
}

/** A question about a notification (`clarify`), and its answers. */
export interface ClarificationView {
  hash: string;
  station: string;
  stationName: string;
  operator: string;
  time: string;
  question: string;
  answers: ClarificationAnswer[];
}

/** A notification as the record tells it: its current version, its notice, its questions. */
export interface NotificationView {
  /** the original `notify` entry's hash */
  id: string;
  /** the current version's hash (the latest update's, else the id): what conflicts name */
  hash: string;
  line: string;
  station: string;
  stationName: string;
  operator: string;
  time: string;
  updatedAt: string | null;
  state: "active" | "cancelled";
  cancelledAt: string | null;
  type: NotifyType;
  title: string;
  description: string;
  volumes: Volume[];
  /** the notice the line's rules ask for this type, in hours (null: none) */
  noticeHours: number | null;
  /**
   * hours from when this station first held the notification (written here, or received: never
   * the author's own clock, which a peer could set back) to its first volume's start, less the
   * notice asked for
   */
  marginHours: number | null;
  /** when this station first held it, which notice is judged from */
  givenAt: string;
  /** true when it came later than the line's notice rule for its type (LATE_NOTICE) */
  late: boolean;
  /** true when a volume's window is longer than the line's `maxWindowHours` */
  tooLong: boolean;
  clarifications: ClarificationView[];
}

/** A zone this station protects, or an activity it plans: private, never on a line. */
export interface ZoneView {
  name: string;
  /** an area this station protects, or an activity it plans (shared on a line with `zone share`) */
  kind: "protected" | "plan";
  /** never a circle: a zone is added from GeoJSON */
  geometry: PolygonGeometry | MultiPolygonGeometry;
  /** altitude band in metres (MSL); null: unbounded */
  minAltitude: number | null;
  maxAltitude: number | null;
  /** time window (UTC ISO with ms); null: unbounded */
  from: string | null;
  to: string | null;
  createdBy: string;
  createdAt: string;
}

/** Two volumes that share space, altitude and time: the same at every station that holds them. */
export interface Conflict {
  /** SHA-256 (hex) of the canonical pair: owners sorted, with their volume indexes */
  id: string;
  /** the notification's hash, or "zone:NAME" / "plan:NAME"; a sorts before b */
  a: string;
  b: string;
  volumeA: number;
  volumeB: number;
  /** the overlap of the two time windows (UTC ISO with ms) */
  from: string;
  to: string;
  /** the overlap of the two altitude bands, in metres (MSL) */
  minAltitude: number;
  maxAltitude: number;
  line: string | null;
  severity: "warning" | "critical";
}

/** A conflict with the area its two volumes share, to draw. */
export interface MapConflict extends Conflict {
  /** the shared area, or null when it could not be computed */
  overlap: MultiPolygonGeometry | null;
}

/** A notification's volume, drawn: its area as conflict checks see it (a circle as its polygon). */
export interface MapVolume {
  type: "Feature";
  geometry: MultiPolygonGeometry;
  properties: {
    /** the notification's id (its first entry) and current hash (what conflicts name) */
    notification: string;
    hash: string;
    volume: number;
    line: string;
    type: NotifyType;
    title: string;
    stationName: string;
    state: NotificationView["state"];
    late: boolean;
    minMeters: number;
    maxMeters: number;
    start: string;
    end: string;
  };
}

/** Everything the console's map draws, from one read. */
export interface MapView {
  lines: { id: string; name: string }[];
  notifications: NotificationView[];
  volumes: { type: "FeatureCollection"; features: MapVolume[] };
  /** this station's own protected zones and plans (private) */
  zones: ZoneView[];
  /** zones shared on the lines (`zone.share`), by any participant, in force; areas as MultiPolygons */
  sharedZones: SharedZoneView[];
  conflicts: MapConflict[];
}

/** A protected zone a participant shared on a line (`zone.share`), as the record tells it. */
export interface SharedZoneView {
  /** the `zone.share` entry's hash: what conflicts name */
  id: string;
  line: string;
  station: string;
  stationName: string;
  operator: string;
  time: string;
  name: string;
  geometry: VolumeGeometry;
  minAltitude: number | null;
  maxAltitude: number | null;
  from: string | null;
  to: string | null;
  state: "active" | "withdrawn";
  withdrawnAt: string | null;
}
