import type { AlarmStore } from "./alarms.js";
import type { AuditStore } from "./audit.js";
import type { EntryStore } from "./entries.js";
import type { HealthStore } from "./health.js";
import type { HookStore } from "./hooks.js";
import type { KeyChangeStore } from "./key-changes.js";
import type { LeaseStore } from "./lease.js";
import type { OperatorStore } from "./operators.js";
import type { PeerStore } from "./peers.js";
import type { RouteStore } from "./routes.js";
import type { SecondFactorStore } from "./second-factors.js";
import type { StatementStore } from "./statements.js";
import type { ZoneStore } from "./zones.js";

export type { AlarmStore, NewAlarm, RaisedAlarm } from "./alarms.js";
export type {
  EntryPlace,
  EntryStore,
  Head,
  LineInfo,
  LineRow,
  MemberRow,
  ParticipantRow,
  StoredEntry,
} from "./entries.js";
export type { AuditQuery, AuditRow, AuditStore } from "./audit.js";
export { MAX_AUDIT_AGE_MS, MAX_AUDIT_ROWS } from "./audit.js";
export type { HealthChangeRow, HealthStore, RouteChangeRow } from "./health.js";
export { MAX_ROUTE_CHANGES } from "./health.js";
export type { HookRow, HookStore } from "./hooks.js";
export type { KeyChangeAckRow, KeyChangeStore } from "./key-changes.js";
export type { LeaseRow, LeaseStore } from "./lease.js";
export type { OperatorRow, OperatorStore, SessionRow } from "./operators.js";
export { MAX_EVIDENCE_BYTES, MAX_EVIDENCE_PER_AUTHOR } from "./peers.js";
export type { EvidenceRow, InviteRow, PeerContactRow, PeerStore } from "./peers.js";
export type { RouteRow, RouteStore } from "./routes.js";
export type { SecondFactorRow, SecondFactorStore } from "./second-factors.js";
export type { CoverageRow, StatementRow, StatementStore } from "./statements.js";
export type { ZoneRow, ZoneStore } from "./zones.js";

/**
 * What a transaction may read and write: every feature's reads and writes, seeing its own
 * uncommitted writes, committed together or not at all.
 */
export type Transaction = EntryStore &
  StatementStore &
  PeerStore &
  AlarmStore &
  HookStore &
  ZoneStore &
  RouteStore &
  HealthStore &
  OperatorStore &
  SecondFactorStore &
  AuditStore &
  KeyChangeStore;

/**
 * Everything a station keeps, as one small async interface per feature. All SQL lives behind it,
 * so a second implementation (PostgreSQL, for high availability) can stand beside the SQLite one;
 * `storeContract` (src/store/contract.ts) is what any implementation must pass.
 *
 * Every write is atomic on its own. Writes are serialized: one at a time, in the order asked.
 * A read outside a transaction sees only committed data, never a transaction's writes in flight.
 */
export interface Store extends Transaction, LeaseStore {
  /**
   * Runs a function in one write transaction: what it reads cannot change before it writes (the
   * write lock is held from its start), its writes are committed together when it returns, and
   * none is kept if it throws (the error is thrown again). Transactions and writes outside one
   * are serialized: another waits until this one ends.
   *
   * The function must use only `tx`, and must never wait on the network or a timer: the write lock
   * is held until it returns (a transaction that lasts long is reported as a process warning).
   * Calling the store itself from inside it would wait for the transaction to end; it throws
   * INTERNAL instead.
   *
   * @param fn reads and writes through `tx`
   * @returns what fn returns
   */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  /**
   * Writes a consistent copy of everything committed (the online backup of a running station): a
   * new file, mode 0600, that opens as a store of its own. Writes go on meanwhile; the copy holds
   * each transaction wholly or not at all.
   *
   * @param path the file to write; it must not exist
   * @returns its size in bytes
   * @throws HotlineError FILE_EXISTS when the file exists
   */
  backupTo(path: string): Promise<number>;
  /** Closes the store once the writes asked before are done; the WAL is checkpointed into the main file. */
  close(): Promise<void>;
}
