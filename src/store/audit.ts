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

/** Which audit rows to read: newest first. */
export interface AuditQuery {
  /** only rows at or after this time (ISO) */
  since?: string | undefined;
  operator?: string | undefined;
  /** at most this many (default 100) */
  limit?: number | undefined;
}

/** The most audit rows kept: the oldest beyond it are pruned as new ones are added. */
export const MAX_AUDIT_ROWS = 100_000;
/** The longest an audit row is kept. */
export const MAX_AUDIT_AGE_MS = 366 * 24 * 3_600_000;

/** The audit log: appended to, read newest first, bounded by {@link MAX_AUDIT_ROWS} and {@link MAX_AUDIT_AGE_MS}. */
export interface AuditStore {
  /** Appends a row, pruning rows past the bounds. @returns its n */
  addAudit(row: Omit<AuditRow, "n">): Promise<number>;
  /** @returns rows newest first */
  audit(query?: AuditQuery): Promise<AuditRow[]>;
}
