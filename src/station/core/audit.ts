import type { AuditQuery, AuditRow } from "../../store/mod.js";
import { PERMISSIONS, requireRole } from "./operators.js";
import type { Station } from "./station.js";

/** Most rows one read of the audit log answers. */
export const MAX_AUDIT_READ = 10_000;

/**
 * Appends a row to the audit log: kept apart from the signed record, never holding a secret (the
 * caller gives what was done and to which object, never a password, code, token or text).
 *
 * @param station the station
 * @param row who, what, when, from where, allowed or refused
 */
export async function recordAudit(station: Station, row: Omit<AuditRow, "n">): Promise<void> {
  await station.store.addAudit(row);
}

/**
 * @param station the station
 * @param query since when, which operator, how many (default 100, at most {@link MAX_AUDIT_READ})
 * @param options the admin reading
 * @returns the audit log's rows, newest first
 * @throws HotlineError FORBIDDEN (not an admin)
 */
export async function readAudit(
  station: Station,
  query: AuditQuery,
  options: { by: string },
): Promise<AuditRow[]> {
  await requireRole(station, options.by, PERMISSIONS.audit);
  return station.store.audit({ ...query, limit: Math.min(MAX_AUDIT_READ, Math.max(1, query.limit ?? 100)) });
}
