/**
 * Rows the station shows just as they are kept (an alarm as the operator API returns it, an
 * operator's role). Plain data with no imports, so the console shares these types through
 * `src/station/views.ts` without pulling in Node code.
 *
 * @module
 */

/** An operator's role; what each may do is the station's `PERMISSIONS`. */
export type Role = "officer" | "supervisor" | "admin" | "observer";

export type Severity = "info" | "warning" | "critical";

export interface AlarmRow {
  id: number;
  code: string;
  severity: Severity;
  line: string | null;
  peer: string | null;
  entry: string | null;
  detail: string;
  /** when first raised */
  raisedAt: string;
  /** how many times its cause was raised while it stayed open (1: once) */
  count: number;
  /** when last raised (raisedAt if only once) */
  lastRaisedAt: string;
  clearedAt: string | null;
  ackedBy: string | null;
  ackedAt: string | null;
  /** the role it is addressed to now (escalation moves it along the line's chain), or null: anyone on watch */
  audience: string | null;
  /** how many times it was escalated */
  escalation: number;
  escalatedAt: string | null;
}

/** One row of the audit log: who did what, when, from where, allowed or refused. Never a secret. */
export interface AuditRow {
  /** its place, rising */
  n: number;
  at: string;
  /** who acted, or the name tried at a sign-in; null if unknown (no session) */
  operator: string | null;
  /** the route's key ("POST /api/lines"), or "sign-in" */
  action: string;
  /** what it acted on: the route's path parameters as JSON (ids and names, never content), or null */
  object: string | null;
  outcome: "allowed" | "refused";
  /** the error code of a refusal or failure */
  code: string | null;
  /** the client's address, or "local" for the API token */
  origin: string;
  /** how the caller was known: "session", "token" or "public" */
  via: string;
  /** at a sign-in: "totp", "recovery" or "none" */
  secondFactor: string | null;
}
