/**
 * The store: everything a station keeps, behind the {@link Store} interface. One implementation
 * now, SQLite through better-sqlite3; all SQL lives in this folder.
 *
 * @module
 */
export type {
  AlarmRow,
  NewAlarm,
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
  PeerContactRow,
  Role,
  Severity,
  StatementRow,
  Store,
  StoredEntry,
  ZoneRow,
} from "./store.js";
export { openSqliteStore } from "./sqlite.js";
