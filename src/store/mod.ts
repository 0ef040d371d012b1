/**
 * The store: everything a station keeps, behind the {@link Store} interface (one small async
 * interface per feature, and one transaction API). Two implementations: SQLite through
 * better-sqlite3 (the embedded default) and PostgreSQL through postgres.js (a station on more than
 * one host); all SQL lives in this folder. `storeContract` (contract.ts, imported by tests
 * directly: it runs under vitest) is what any implementation passes.
 *
 * @module
 */
export {
  MAX_AUDIT_AGE_MS,
  MAX_AUDIT_ROWS,
  MAX_EVIDENCE_BYTES,
  MAX_EVIDENCE_PER_AUTHOR,
  MAX_ROUTE_CHANGES,
} from "./store.js";
export type {
  AlarmStore,
  AuditQuery,
  AuditRow,
  AuditStore,
  SecondFactorRow,
  SecondFactorStore,
  EntryPlace,
  EntryStore,
  HealthStore,
  HookStore,
  KeyChangeAckRow,
  KeyChangeStore,
  LeaseRow,
  LeaseStore,
  OperatorStore,
  PeerStore,
  StatementStore,
  Transaction,
  ZoneStore,
  NewAlarm,
  RaisedAlarm,
  SessionRow,
  HealthChangeRow,
  RouteChangeRow,
  HookRow,
  CoverageRow,
  EvidenceRow,
  Head,
  InviteRow,
  LineInfo,
  LineRow,
  OperatorRow,
  ParticipantRow,
  MemberRow,
  PeerContactRow,
  RouteRow,
  RouteStore,
  StatementRow,
  Store,
  StoredEntry,
  ZoneRow,
} from "./store.js";
export type { AlarmRow, Role, Severity } from "./rows.js";
export { openSqliteStore, type SqliteStoreOptions } from "./sqlite.js";
export { isUnavailable, openPostgresStore, type PostgresStoreOptions } from "./postgres.js";
export { importSqliteIntoPostgres } from "./pg-import.js";
export { bufferAppends, type BufferedTransaction } from "./buffered-appends.js";
export { storeCallsInFlight, storeCallsSettled } from "./in-flight.js";
