// The operator API as the console reads it. Written by hand from the API contract until the server
// exports its route types; keep the names exactly as the server sends them.

export type Role = "officer" | "supervisor" | "admin" | "observer";
export type Precedence = "FLASH" | "IMMEDIATE" | "PRIORITY" | "ROUTINE";
export const PRECEDENCES: readonly Precedence[] = ["FLASH", "IMMEDIATE", "PRIORITY", "ROUTINE"];
export type Health = "unknown" | "up" | "degraded" | "down";
export type AckState = "acked" | "pending" | "overdue";
export type Severity = "info" | "warning" | "critical";

export interface Session {
  operator: { name: string; role: Role; lang: string | null };
  csrf: string;
  station: { id: string; name: string; fingerprint: string; url: string };
}

export interface Suspension {
  since: string;
  station: string;
  by: string;
  reason: string;
}

export interface ParticipantStatus {
  id: string;
  name: string;
  url: string;
  connected: boolean;
  lastContact: string | null;
  outbox: number;
  health: Health;
  lastTestAt: string | null;
  rttMs: number | null;
}

export interface LineStatus {
  id: string;
  name: string;
  entries: number;
  suspended: Suspension | null;
  unacked: number;
  awaitingAcks: number;
  participants: ParticipantStatus[];
}

export interface Status {
  station: { id: string; name: string; url: string };
  running: boolean;
  /** changes when this station's zones or plans change (they are not entries) */
  zones: string;
  lines: LineStatus[];
}

export interface LineSummary {
  id: string;
  name: string;
  participants: { id: string; name: string; fingerprint: string; safetyCode: string | null }[];
  entries: number;
  settings: {
    testInterval: number;
    presenceSchedule: string;
    presenceDeadline: number;
    ackDeadlines: Partial<Record<Precedence, number>>;
    escalation: string[];
  };
  suspended: Suspension | null;
}

export interface Whoami {
  id: string;
  name: string;
  fingerprint: string;
  cert: string;
  url: string;
}

export interface TextBody {
  text: string;
  lang: string;
  precedence: Precedence;
  operator: string;
  replyTo?: string;
}

export interface LogEntry {
  hash: string;
  line: string;
  author: string;
  authorName: string;
  seq: number;
  time: string;
  kind: string;
  /** shape depends on kind: see `textBody`, and the entry kinds in docs/DESIGN.md */
  body: Record<string, unknown>;
  receipts: Record<string, string>;
  acks: Record<string, { by: string; time: string }>;
  deadline: string | null;
  ackStates: Record<string, AckState>;
  /** for a message or readout: translations attached to it, in causal order; the original stays authoritative */
  translations?: TranslationView[];
}

export interface Alarm {
  id: number;
  code: string;
  severity: Severity;
  line: string | null;
  peer: string | null;
  entry: string | null;
  detail: string;
  raisedAt: string;
  clearedAt: string | null;
  ackedBy: string | null;
  ackedAt: string | null;
  /** the role it is addressed to now, or null: anyone on watch */
  audience: string | null;
  /** how many times it was escalated */
  escalation: number;
  escalatedAt: string | null;
}

export interface LineHealth {
  participants: {
    id: string;
    name: string;
    state: Health;
    lastTestAt: string | null;
    rttMs: { last: number | null; p50: number | null; p95: number | null; samples: number };
    uptime: { "1h": number | null; "24h": number | null; "7d": number | null };
  }[];
}

export interface RecordCheck {
  entries: number;
  valid: boolean;
  /** the contract says `message`; the station sends `detail` */
  problems: { code: string; message?: string; detail?: string }[];
  peers: {
    id: string;
    name: string;
    match: boolean;
    asOf: string | null;
    /** entries this station holds that the peer's heads lack, and the other way round */
    missing?: number;
    extra?: number;
  }[];
}

/** A translation attached to a message or readout. */
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

export type CallLevel = "working" | "senior" | "minister";
export type CallState = "requested" | "accepted" | "declined" | "held" | "cancelled";
export type Verdict = "agreed" | "disputed";

/** A station and one of its operators: who did something. */
export interface Actor {
  station: string;
  stationName: string;
  operator: string;
}

export interface CallResponse extends Actor {
  kind: "accept" | "decline" | "cancel";
  time: string;
  hash: string;
  /** the decline's or cancel's reason, or the accept's note */
  reason: string | null;
}

export interface HeldRecord extends Actor {
  start: string;
  end: string;
  durationSeconds: number;
  participants: string[];
  initiatedBy: { station: string; stationName: string };
  time: string;
  hash: string;
}

/** A call as the record tells it (`GET /api/lines/:line/calls`, `GET /api/calls/:call`). */
export interface CallView {
  /** its request's hash */
  id: string;
  line: string;
  requestedBy: Actor;
  requestedAt: string;
  level: CallLevel;
  topic: string;
  proposedTime: string;
  participants: string[];
  state: CallState;
  responses: CallResponse[];
  /** every station's record that it was held; the first gives start, end and duration */
  held: HeldRecord[];
  start: string | null;
  end: string | null;
  durationSeconds: number | null;
  initiatedBy: { station: string; stationName: string } | null;
}

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

/** A point (sentence) of a readout. */
export interface PointView {
  index: number;
  text: string;
  /** whether the other sides mention it; null when not compared in this original */
  mentionedByOthers: boolean | null;
  marks: MarkView[];
  /** each marking station's latest verdict, by station id */
  verdicts: Record<string, Verdict>;
}

export interface ReadoutView {
  hash: string;
  station: string;
  stationName: string;
  operator: string;
  time: string;
  lang: string;
  /** the original: the authoritative text */
  text: string;
  /** its station's newest readout of the call (the one compared) */
  latest: boolean;
  points: PointView[];
  translations: TranslationView[];
}

export interface ComparedSide {
  station: string;
  stationName: string;
  readout: string;
  lang: string;
  source: "original" | "translation";
  /** the translation's hash, when one was read */
  translation: string | null;
  machine: boolean;
}

export interface ComparisonView {
  a: ComparedSide;
  b: ComparedSide;
  comparable: boolean;
  /** why not, when not */
  reason: string | null;
  both: { a: number; b: number; aText: string; bText: string; score: number }[];
  onlyA: { index: number; text: string }[];
  onlyB: { index: number; text: string }[];
}

export interface MarkedPoint {
  readout: string;
  station: string;
  stationName: string;
  index: number;
  text: string;
  by: { station: string; stationName: string; comment: string | null }[];
}

/** A call's readouts side by side (`GET /api/calls/:call/readouts`). */
export interface ReadoutsView {
  call: CallView;
  readouts: ReadoutView[];
  comparisons: ComparisonView[];
  agreed: MarkedPoint[];
  disputed: MarkedPoint[];
  unplaced: (MarkView & { readout: string; point: number })[];
}

// Notifications, zones and conflicts (#8): `GET /api/map` gives them all at once.

export type NotifyType =
  "exercise" | "nuclear-exercise" | "missile-launch" | "air-activity" | "maritime-activity" | "other";
export const NOTIFY_TYPES: readonly NotifyType[] = [
  "exercise",
  "nuclear-exercise",
  "missile-launch",
  "air-activity",
  "maritime-activity",
  "other",
];
export type Position = [number, number];
export interface PolygonGeometry {
  type: "Polygon";
  coordinates: Position[][];
}
export interface MultiPolygonGeometry {
  type: "MultiPolygon";
  coordinates: Position[][][];
}
export interface CircleGeometry {
  center: Position;
  radiusMeters: number;
}
/** One 4D volume: an area, an altitude band in metres MSL, a UTC window. */
export interface Volume {
  geometry: PolygonGeometry | MultiPolygonGeometry | CircleGeometry;
  altitude: { minMeters: number; maxMeters: number; ref: "MSL" };
  time: { start: string; end: string };
}

export interface ClarificationAnswer {
  hash: string;
  station: string;
  stationName: string;
  operator: string;
  time: string;
  text: string;
}
/** A question about a notification (`clarify`), and its answers (`clarify.answer`). */
export interface ClarificationView {
  hash: string;
  station: string;
  stationName: string;
  operator: string;
  time: string;
  question: string;
  answers: ClarificationAnswer[];
}

/** A notification as the record tells it (`GET /api/lines/:line/notifications`). */
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
  noticeHours: number | null;
  marginHours: number | null;
  /** came later than the line's notice rule for its type (LATE_NOTICE) */
  late: boolean;
  tooLong: boolean;
  clarifications: ClarificationView[];
}

/** This station's own protected zone or planned activity (`GET /api/zones`): private. */
export interface ZoneView {
  name: string;
  kind: "protected" | "plan";
  geometry: PolygonGeometry | MultiPolygonGeometry;
  minAltitude: number | null;
  maxAltitude: number | null;
  from: string | null;
  to: string | null;
  createdBy: string;
  createdAt: string;
}

/** Two volumes sharing space, altitude and time: the same id at every station. */
export interface Conflict {
  id: string;
  /** a notification's current hash; b: another's, or "zone:NAME" / "plan:NAME" */
  a: string;
  b: string;
  volumeA: number;
  volumeB: number;
  from: string;
  to: string;
  minAltitude: number;
  maxAltitude: number;
  line: string | null;
  severity: "warning" | "critical";
}
export interface MapConflict extends Conflict {
  /** the area the two share (null if it could not be drawn) */
  overlap: MultiPolygonGeometry | null;
}

/** A notification's volume as drawn: a circle comes as the polygon conflict checks use. */
export interface MapVolume {
  type: "Feature";
  geometry: MultiPolygonGeometry;
  properties: {
    notification: string;
    hash: string;
    volume: number;
    line: string;
    type: NotifyType;
    title: string;
    stationName: string;
    state: "active" | "cancelled";
    late: boolean;
    minMeters: number;
    maxMeters: number;
    start: string;
    end: string;
  };
}

/** `GET /api/map`: everything the map draws. */
export interface MapView {
  lines: { id: string; name: string }[];
  notifications: NotificationView[];
  volumes: { type: "FeatureCollection"; features: MapVolume[] };
  zones: ZoneView[];
  conflicts: MapConflict[];
}

/**
 * @param entry an entry of kind "text"
 * @returns its body, typed; fields the server left out come back as harmless defaults
 */
export function textBody(entry: LogEntry): TextBody {
  const body = entry.body;
  const precedence = PRECEDENCES.find((p) => p === body["precedence"]) ?? "ROUTINE";
  return {
    text: typeof body["text"] === "string" ? body["text"] : "",
    lang: typeof body["lang"] === "string" ? body["lang"] : "und",
    precedence,
    operator: typeof body["operator"] === "string" ? body["operator"] : "",
  };
}

/**
 * @param body an entry body
 * @param key a field name
 * @returns the field when it is a string
 */
export function bodyString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  return typeof value === "string" ? value : undefined;
}
