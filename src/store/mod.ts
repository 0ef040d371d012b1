/**
 * The store: everything a station keeps, behind the {@link Store} interface. One implementation
 * now, SQLite through better-sqlite3; all SQL lives in this folder.
 *
 * @module
 */
export { MAX_EVIDENCE_BYTES, MAX_EVIDENCE_PER_AUTHOR } from "./store.js";
export type {
  NewAlarm,
  RaisedAlarm,
  SessionRow,
  HealthChangeRow,
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
  StatementRow,
  Store,
  StoredEntry,
  ZoneRow,
} from "./store.js";
export type { AlarmRow, Role, Severity } from "./rows.js";
export { openSqliteStore } from "./sqlite.js";
