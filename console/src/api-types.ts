// The operator API as the console reads it: the server's own view types (src/station/views.ts,
// src/api/views.ts), so a change there breaks the console at compile time. Type imports only:
// nothing of the server is bundled. Under the console's names where they differ.

import type { LogEntry, NotifyTypeList, PrecedenceList, TextBody } from "../../src/station/views.js";

export type {
  AckState,
  Actor,
  CallLevel,
  CallResponse,
  CallState,
  CallView,
  CircleGeometry,
  ClarificationAnswer,
  ClarificationView,
  ComparedSide,
  ComparisonView,
  Conflict,
  Health,
  HeldRecord,
  LineStatus,
  LineSummary,
  LogEntry,
  MapConflict,
  MapView,
  MapVolume,
  MarkedPoint,
  MarkView,
  MultiPolygonGeometry,
  NotificationView,
  NotifyType,
  ParticipantStatus,
  PointView,
  PolygonGeometry,
  Position,
  Precedence,
  ReadoutsView,
  ReadoutView,
  Role,
  Severity,
  SharedZoneView,
  Suspension,
  TextBody,
  TranslationView,
  Verdict,
  Volume,
  ZoneView,
} from "../../src/station/views.js";
export type {
  AlarmView as Alarm,
  HealthReport as LineHealth,
  StationStatus as Status,
  WhoAmI as Whoami,
} from "../../src/station/views.js";
export type {
  RecordSummary as RecordCheck,
  SessionView as Session,
  StationIdentity,
} from "../../src/api/views.js";

// The server's lists are values in modules that bundle zod and turf, so the console keeps copies;
// typed as the server's tuples, they cannot differ from them in members or order.

/** Highest first. */
export const PRECEDENCES: PrecedenceList = ["FLASH", "IMMEDIATE", "PRIORITY", "ROUTINE"];
export const NOTIFY_TYPES: NotifyTypeList = [
  "exercise",
  "nuclear-exercise",
  "missile-launch",
  "air-activity",
  "maritime-activity",
  "other",
];

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
