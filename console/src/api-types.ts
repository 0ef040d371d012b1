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
