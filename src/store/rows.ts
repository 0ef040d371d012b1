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
