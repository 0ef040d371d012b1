import type { HeldEntry, SealedEntry } from "../record/mod.js";
import type { AlarmRow, Role, Severity } from "./rows.js";

/** The newest entry of one chain. */
export interface Head {
  author: string;
  seq: number;
  hash: string;
  /** its time, as its author signed it */
  time: string;
}

/** A line: its id (the hash of its genesis), name and when it was opened. */
export interface LineInfo {
  id: string;
  name: string;
  createdAt: string;
}

/** A line as the store lists it, with its entry count. */
export interface LineRow extends LineInfo {
  entries: number;
}

/** A participant of a line, as the record made it one. */
export interface ParticipantRow {
  station: string;
  name: string;
  url: string;
  cert: string;
  /** the entry that added it: a member.add, or for the creator the genesis */
  addedBy: string;
}

/** A member of a line, a participant or one still waiting for consent. */
export interface MemberRow extends ParticipantRow {
  /** every station asked has consented: it is a participant */
  active: boolean;
  /** who its member.add asked to consent */
  consenters: string[];
  /** those of them who have */
  approvals: string[];
}

/** An entry as stored: its place, bytes and when this station received it. */
export interface StoredEntry extends HeldEntry {
  /** arrival order at this station (1, 2, …); not part of the record */
  n: number;
  kind: string;
  time: string;
  receivedAt: string;
}

export interface OperatorRow {
  name: string;
  role: Role;
  passwordHash: string;
  disabled: boolean;
  createdAt: string;
}

/** A signed-in operator's console session. */
export interface SessionRow {
  /** SHA-256 (hex) of the session's secret id */
  idHash: string;
  operator: string;
  csrf: string;
  createdAt: string;
  expiresAt: string;
}

/** A peer's signed head statement, as kept. */
export interface StatementRow {
  line: string;
  station: string;
  time: string;
  /** canonical JSON of the heads */
  heads: string;
  bytes: Buffer;
}

/** One step of a peer's coverage of a chain: from `time` on, it held `author`'s chain up to `seq`. */
export interface CoverageRow {
  peer: string;
  author: string;
  seq: number;
  time: string;
}

export interface InviteRow {
  id: string;
  line: string;
  secretHash: string;
  createdAt: string;
  expiresAt: string;
  createdBy: string;
  usedAt: string | null;
  usedBy: string | null;
}

export interface PeerContactRow {
  station: string;
  lastContact: string | null;
  lastFailure: string | null;
  lastError: string | null;
  failures: number;
}

export interface EvidenceRow {
  code: string;
  line: string;
  author: string;
  seq: number;
  heldHash: string | null;
  otherHash: string | null;
  otherBytes: Buffer | null;
  reportedBy: string | null;
  detectedAt: string;
}

export interface HealthChangeRow {
  line: string;
  peer: string;
  from: string;
  to: string;
  at: string;
  lastOkAt: string | null;
  detail: string;
}

/** A hook: what reaches people outside the console when an alarm of at least a severity is raised or escalated. */
export interface HookRow {
  id: number;
  /** the least severity it fires for (info < warning < critical) */
  severity: Severity;
  /** the program and its arguments, run without a shell; null for a webhook */
  command: string[] | null;
  /** the http(s) URL the alarm is POSTed to as JSON; null for a command */
  webhook: string | null;
  createdBy: string;
  createdAt: string;
}

/** A zone this station protects, or an activity it plans: private to the station, never an entry. */
export interface ZoneRow {
  name: string;
  /** an area this station protects, or an activity it plans */
  kind: "protected" | "plan";
  /** a GeoJSON Polygon or MultiPolygon, as JSON text */
  geometry: string;
  /** altitude band in metres (MSL); null: unbounded */
  minAltitude: number | null;
  maxAltitude: number | null;
  /** time window (UTC ISO with ms); null: unbounded */
  from: string | null;
  to: string | null;
  createdBy: string;
  createdAt: string;
}

/** The part of an alarm its raiser gives. */
export type NewAlarm = Omit<
  AlarmRow,
  | "id"
  | "raisedAt"
  | "count"
  | "lastRaisedAt"
  | "clearedAt"
  | "ackedBy"
  | "ackedAt"
  | "audience"
  | "escalation"
  | "escalatedAt"
> & {
  audience?: string | null;
  /**
   * With the code, what makes a later raising the same alarm while it is open (not cleared): by
   * default its line, peer and entry. An EQUIVOCATION is one per (line, author), say, however
   * many entries the author forged.
   */
  cause?: string | undefined;
};

/**
 * What raising an alarm did: a new alarm; or a repeat of an open one, counted on its row
 * (`repeated`), which an operator had acknowledged or which is now more severe (`reopened`: it is
 * unacknowledged again and as severe as the new raising).
 */
export interface RaisedAlarm {
  id: number;
  outcome: "raised" | "repeated" | "reopened";
}

/** Most evidence rows kept per (line, author): the first ones, the earliest proof; the rest are counted. */
export const MAX_EVIDENCE_PER_AUTHOR = 16;

/** Largest `otherBytes` kept with evidence: an entry is never larger (MAX_ENTRY_BYTES). */
export const MAX_EVIDENCE_BYTES = 64 * 1024;

/**
 * Everything a station keeps. All SQL lives behind this interface, so a second implementation
 * (PostgreSQL, for high availability) can stand beside the SQLite one.
 */
export interface Store {
  /**
   * Appends entries to the record in one durable transaction, with what they imply for lookups
   * (a genesis makes a line, a member.add a participant). The caller has checked them.
   *
   * @param entries sealed, checked entries, each continuing its chain
   * @param receivedAt when this station got them
   */
  appendEntries(entries: readonly SealedEntry[], receivedAt: string): void;
  /** @returns the newest entry of a chain, or null if the author has written nothing there */
  head(line: string, author: string): Head | null;
  /** @returns the head of every chain of a line */
  heads(line: string): Head[];
  /** @returns the entry with that hash, or null */
  entryByHash(hash: string): StoredEntry | null;
  /** @returns where the entry with that hash stands, and its time, without its bytes; or null */
  entryPlace(hash: string): { line: string; author: string; seq: number; time: string } | null;
  /** @returns entries whose hash starts with a prefix, at most limit */
  entriesByHashPrefix(prefix: string, limit: number): StoredEntry[];
  /** @returns whether an alarm of a code about an entry and a peer was ever raised */
  alarmRaised(code: string, entry: string, peer: string | null): boolean;
  /** @returns the entry at (line, author, seq), or null */
  entryAt(line: string, author: string, seq: number): StoredEntry | null;
  /** @returns the line with that id, or null */
  line(id: string): LineInfo | null;
  /** @returns every line, oldest first */
  lines(): LineRow[];
  /** @returns the participants of a line (every consent given), in the order they joined */
  participants(line: string): ParticipantRow[];
  /** @returns the members of a line, participants and those waiting for consent, in the order added */
  members(line: string): MemberRow[];
  /** @returns every entry of a line, in the order this station stored them */
  entries(line: string): StoredEntry[];
  /** @returns every entry of every line, streamed in storage order */
  allEntries(): IterableIterator<StoredEntry>;
  /** @returns a line's entries of one kind, in arrival order */
  entriesOfKind(line: string, kind: string): StoredEntry[];
  /** @returns a line's entries that arrived after arrival number `after`, in arrival order, at most limit */
  entriesAfter(line: string, after: number, limit: number): StoredEntry[];
  /** @returns how many entries the store holds */
  countEntries(): number;

  /**
   * Runs a function inside one write transaction that holds the database's write lock from its
   * start (SQLite IMMEDIATE), so what it reads cannot change before it writes.
   *
   * @param fn reads and appends; may call {@link appendEntries}
   * @returns what fn returns
   */
  withWriteLock<T>(fn: () => T): T;

  /** @returns entries of one chain with seq > after, oldest first, at most limit */
  chainAfter(line: string, author: string, after: number, limit: number): StoredEntry[];
  /** @returns every line a station takes part in (as a participant, not one waiting for consent) */
  linesOf(station: string): string[];
  /** @returns the members, on any line, whose certificate has this fingerprint */
  membersWithCert(cert: string): (MemberRow & { line: string })[];
  /** @returns every line's membership of a station, with its certificate there */
  membershipsOf(station: string): (MemberRow & { line: string })[];

  /**
   * Keeps a peer's head statement (once per distinct heads) and the coverage steps it implies, in
   * one transaction.
   *
   * @param statement the checked statement
   * @param receivedAt when this station got it
   */
  addStatement(statement: StatementRow, receivedAt: string): void;
  /** @returns the highest seq of author's chain that peer has said it holds, 0 if none */
  coveredSeq(line: string, peer: string, author: string): number;
  /** @returns every coverage step on a line */
  coverage(line: string): CoverageRow[];
  /** @returns the newest statement each station made on a line */
  latestStatements(line: string): StatementRow[];

  addInvite(invite: InviteRow): void;
  invite(id: string): InviteRow | null;
  /**
   * Marks an invite used, once.
   *
   * @returns true if this call used it; false if it was used already
   */
  useInvite(id: string, by: string, at: string): boolean;

  /** Notes a successful contact with a peer (failures reset). */
  contactSucceeded(station: string, at: string): void;
  /** Notes a failed contact with a peer. */
  contactFailed(station: string, error: string, at: string): void;
  /** @returns what is known of contact with a peer */
  contact(station: string): PeerContactRow | null;

  /**
   * Keeps evidence of a misbehaving author, within bounds a peer cannot push: at most
   * MAX_EVIDENCE_PER_AUTHOR rows per (line, author), the first ones; the same evidence again (same
   * code, seq, hashes and reporter), or evidence past the cap, is only counted (see
   * {@link droppedEvidence}); `otherBytes` over MAX_EVIDENCE_BYTES is not kept (null).
   *
   * @returns whether a row was kept
   */
  addEvidence(evidence: EvidenceRow): boolean;
  /** @returns the evidence kept, oldest first, of every line or of one */
  evidence(line?: string): EvidenceRow[];
  /** @returns how much evidence about an author on a line was counted and not kept */
  droppedEvidence(line: string, author: string): number;

  /**
   * Raises an alarm, once per cause: if an alarm of the same code and cause is open (not cleared,
   * acknowledged or not), that one counts the raising (`count`, `lastRaisedAt`) instead of a new
   * row. A repeat of an acknowledged alarm makes it unacknowledged again (once: the next repeat
   * finds it so); a more severe repeat raises its severity. Its first detail stays.
   *
   * @returns the alarm's id, and whether it is new, repeated or reopened
   */
  raiseAlarm(alarm: NewAlarm & { raisedAt: string }): RaisedAlarm;
  /**
   * @returns alarms, newest first: unless all, those still active, and warnings and critical ones
   *   not yet acknowledged
   */
  alarms(options?: { all?: boolean }): AlarmRow[];
  alarm(id: number): AlarmRow | null;
  /** Marks the open alarms of some codes on a line and peer cleared. @returns how many */
  clearAlarms(where: { line: string; peer: string; codes: readonly string[] }, at: string): number;
  /** Clears open alarms of a code about an entry (and a peer, unless null: any peer). */
  clearAlarmsOfEntry(where: { entry: string; peer: string | null; code: string }, at: string): number;
  /** Addresses an open alarm to a role further along its chain. @returns false if it is not open */
  escalateAlarm(id: number, level: number, audience: string, at: string): boolean;
  /** @returns the alarms of some codes neither cleared nor acknowledged, oldest first */
  unattendedAlarms(codes: readonly string[]): AlarmRow[];
  /** @returns false if there is no such alarm */
  ackAlarm(id: number, by: string, at: string): boolean;

  /** Adds a hook (exactly one of command and webhook). @returns its id */
  addHook(hook: Omit<HookRow, "id">): number;
  /** @returns every hook, oldest first */
  hooks(): HookRow[];
  /** @returns false if there is no such hook */
  removeHook(id: number): boolean;

  /** Adds a zone. @returns false if a zone has that name already */
  addZone(zone: ZoneRow): boolean;
  /** @returns every zone, by name */
  zones(): ZoneRow[];
  /** @returns false if there is no such zone */
  removeZone(name: string): boolean;

  addHealthChange(change: HealthChangeRow): void;
  /** @returns changes of health, oldest first, of one line (and peer) or all */
  healthHistory(where?: { line?: string; peer?: string }): HealthChangeRow[];

  addOperator(operator: OperatorRow): void;
  /** @returns the language an operator chose for the console, or null */
  operatorLang(name: string): string | null;
  setOperatorLang(name: string, lang: string): boolean;

  addSession(session: SessionRow): void;
  /** @returns the session, if it exists and has not expired at `now` */
  session(idHash: string, now: string): SessionRow | null;
  deleteSession(idHash: string): void;
  /** Ends every session of an operator (disabled, or a new password). @returns how many */
  deleteSessionsOf(operator: string): number;
  operator(name: string): OperatorRow | null;
  operators(): OperatorRow[];
  /** @returns false if there is no such operator */
  setOperatorPassword(name: string, passwordHash: string): boolean;
  /** @returns false if there is no such operator */
  setOperatorDisabled(name: string, disabled: boolean): boolean;

  /** Closes the store; the WAL is checkpointed into the main file. */
  close(): void;
}
