import type { AuditRow } from "./rows.js";

export type { AuditRow };

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
  /**
   * Appends a row, pruning rows past the bounds. It does not wait for the disk itself (an operator's
   * action must not pay a second flush for its audit row): it reaches the disk with the next
   * durable write, which in a running station is at most moments away — a process crash loses
   * none, a power loss at worst the last moments' rows. @returns its n
   */
  addAudit(row: Omit<AuditRow, "n">): Promise<number>;
  /** @returns rows newest first */
  audit(query?: AuditQuery): Promise<AuditRow[]>;
}
