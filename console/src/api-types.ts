// The operator API as the console reads it: each route's answer derived from the contract
// (src/api/contract/), and the parts of answers by their names in the server's view types
// (src/station/views.ts), which the contract's schemas are tied to. So a change on the server
// breaks the console at compile time. Type imports only: nothing of the server is bundled.

import type { Answer } from "../../src/api/call.js";
import type { NotifyTypeList, PrecedenceList, TextBody } from "../../src/station/views/mod.js";

export type {
  AckState,
  Actor,
  CallLevel,
  CallResponse,
  CallState,
  CircleGeometry,
  ClarificationAnswer,
  ClarificationView,
  ComparedSide,
  ComparisonView,
  Health,
  HeldRecord,
  LineStatus,
  MapConflict,
  MapVolume,
  MarkedPoint,
  MarkView,
  MultiPolygonGeometry,
  NotifyType,
  ParticipantStatus,
  PointView,
  PolygonGeometry,
  Position,
  Precedence,
  ReadoutView,
  Role,
  Severity,
  Suspension,
  TextBody,
  Verdict,
  Volume,
} from "../../src/station/views/mod.js";
/** A route's answer, by its name in the contract. */
export type { Answer };

// What the routes answer, derived from the contract: a route reshaped there reshapes these.
export type CallView = Answer<"GET /api/calls/:call">;
export type Conflict = Answer<"GET /api/conflicts">[number];
export type LineSummary = Answer<"GET /api/lines">[number];
export type LogEntry = Answer<"GET /api/lines/:line/log">[number];
export type MapView = Answer<"GET /api/map">;
export type NotificationView = Answer<"GET /api/map">["notifications"][number];
export type ReadoutsView = Answer<"GET /api/calls/:call/readouts">;
export type SharedZoneView = Answer<"GET /api/lines/:line/zones">[number];
export type TranslationView = Answer<"GET /api/lines/:line/translations">[number];
export type ZoneView = Answer<"GET /api/zones">[number];
export type Alarm = Answer<"GET /api/alarms">[number];
export type LineHealth = Answer<"GET /api/lines/:line/health">;
export type Status = Answer<"GET /api/status">;
export type Whoami = Answer<"GET /api/whoami">;
export type RecordCheck = Answer<"GET /api/lines/:line/record">;
export type Session = Answer<"GET /api/session">;
export type StationIdentity = Answer<"GET /api/station">;

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
