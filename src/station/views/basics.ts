/** The record's own types as views use them, and the small ones every view shares. Types only (see mod.ts). */
import type { BodyOf, PRECEDENCES } from "../../record/kinds.js";
import type { NOTIFY_TYPES } from "../../record/volume.js";

export type { CallLevel, Precedence, Verdict } from "../../record/kinds.js";
export type {
  CircleGeometry,
  MultiPolygonGeometry,
  NotifyType,
  PolygonGeometry,
  Position,
  Volume,
  VolumeGeometry,
} from "../../record/volume.js";
export type { Role, Severity } from "../../store/rows.js";

/** A link's health, as its tests say: unknown: not tested yet; up: answering; degraded: slow, or a test just failed; down: N failed in a row. */
export type Health = "unknown" | "up" | "degraded" | "down";

/** The precedences, highest first: the type of the record's list, for copies of it to match. */
export type PrecedenceList = typeof PRECEDENCES;
/** The notification types: the type of the record's list, for copies of it to match. */
export type NotifyTypeList = typeof NOTIFY_TYPES;
/** A `text` entry's body: a message written by an operator. */
export type TextBody = BodyOf<"text">;
