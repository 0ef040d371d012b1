import type Database from "better-sqlite3";
import type { Statement } from "better-sqlite3";
import { HotlineError, additionsApproved } from "../record/mod.js";
import type { SealedEntry } from "../record/mod.js";
import type { AlarmRow, Role } from "./rows.js";
import { MAX_EVIDENCE_BYTES, MAX_EVIDENCE_PER_AUTHOR } from "./peers.js";
import type {
  NewAlarm,
  RaisedAlarm,
  SessionRow,
  HealthChangeRow,
  RouteChangeRow,
  HookRow,
  ZoneRow,
  RouteRow,
  KeyChangeAckRow,
  CoverageRow,
  EntryPlace,
  EvidenceRow,
  Head,
  InviteRow,
  LineInfo,
  LineRow,
  MemberRow,
  OperatorRow,
  ParticipantRow,
  PeerContactRow,
  StatementRow,
  StoredEntry,
  Transaction,
  SecondFactorRow,
  AuditRow,
  AuditQuery,
} from "./store.js";
import { MAX_AUDIT_AGE_MS, MAX_AUDIT_ROWS } from "./audit.js";
import { MAX_ROUTE_CHANGES } from "./health.js";

/** An async interface's methods, returning what their promises would. */
type Synchronous<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : never;
};

/** What a transaction offers, synchronous; `allEntries` read a page at a time by {@link SqliteTables.entriesPage}. */
export type SyncTables = Synchronous<Omit<Transaction, "allEntries">> & {
  /** @returns entries of every line with arrival number > after, in arrival order, at most limit */
  entriesPage(after: number, limit: number): StoredEntry[];
};

const ALARM_COLUMNS = `id, code, severity, line, peer, entry, detail, raised_at AS raisedAt, count,
  last_raised_at AS lastRaisedAt, cleared_at AS clearedAt, acked_by AS ackedBy, acked_at AS ackedAt, audience,
  escalation, escalated_at AS escalatedAt`;

const SEVERITY_RANK = { info: 0, warning: 1, critical: 2 } as const;

interface EntryRecord {
  n: number;
  line: string;
  author: string;
  seq: number;
  hash: string;
  kind: string;
  time: string;
  bytes: Buffer;
  received_at: string;
  received_from: string | null;
}

interface OperatorRecord {
  name: string;
  role: Role;
  password_hash: string;
  disabled: number;
  created_at: string;
}

const ENTRY_COLUMNS = "n, line, author, seq, hash, kind, time, bytes, received_at, received_from";
const PARTICIPANT_COLUMNS =
  "station, name, url, cert, added_by AS addedBy, previous_cert AS previousCert, previous_until AS previousUntil";
const MEMBER_COLUMNS = `${PARTICIPANT_COLUMNS}, active, consenters, approvals`;
/** How long a member's previous certificate is still accepted after a cert.renew is stored here. */
const PREVIOUS_CERT_GRACE_MS = 7 * 24 * 3600_000;

interface MemberRecord extends Omit<MemberRow, "active" | "consenters" | "approvals"> {
  active: number;
  consenters: string;
  approvals: string;
}

function toMember(row: MemberRecord): MemberRow {
  return {
    station: row.station,
    name: row.name,
    url: row.url,
    cert: row.cert,
    addedBy: row.addedBy,
    previousCert: row.previousCert,
    previousUntil: row.previousUntil,
    active: row.active === 1,
    consenters: JSON.parse(row.consenters) as string[],
    approvals: JSON.parse(row.approvals) as string[],
  };
}

/**
 * The SQLite tables of the store on one connection, synchronous as better-sqlite3 is. The async
 * store (sqlite.ts) runs reads on a reader connection and writes, one at a time, on a writer.
 */
export class SqliteTables implements SyncTables {
  readonly #db: Database.Database;
  readonly #insertEntry: Statement;
  readonly #insertLine: Statement;
  readonly #insertParticipant: Statement;
  readonly #head: Statement;
  readonly #participantIds: Statement;
  readonly #line: Statement;
  readonly #append: (entries: readonly SealedEntry[], receivedAt: string, from: string | null) => void;
  /** prepared once, by their SQL text: preparing costs more than running most of these queries */
  readonly #statements = new Map<string, Statement>();

  #sql(source: string): Statement {
    let statement = this.#statements.get(source);
    if (statement === undefined) {
      statement = this.#db.prepare(source);
      this.#statements.set(source, statement);
    }
    return statement;
  }

  constructor(db: Database.Database) {
    this.#db = db;
    this.#insertEntry = db.prepare(
      `INSERT INTO entries (line, author, seq, hash, kind, time, bytes, received_at, received_from) VALUES (@line, @author, @seq, @hash, @kind, @time, @bytes, @received_at, @received_from)`,
    );
    this.#insertLine = db.prepare("INSERT INTO lines (id, name, created_at) VALUES (?, ?, ?)");
    this.#insertParticipant = db.prepare(
      "INSERT OR IGNORE INTO participants (line, station, name, url, cert, added_by, active, consenters) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    );
    this.#head = db.prepare(
      "SELECT author, seq, hash, time FROM entries WHERE line = ? AND author = ? ORDER BY seq DESC LIMIT 1",
    );
    this.#participantIds = db
      .prepare("SELECT station FROM participants WHERE line = ? ORDER BY rowid")
      .pluck();
    this.#line = db.prepare("SELECT id, name, created_at AS createdAt FROM lines WHERE id = ?");
    this.#append = db.transaction(
      (entries: readonly SealedEntry[], receivedAt: string, from: string | null) => {
        for (const { entry, bytes, hash } of entries) {
          const line = entry.kind === "line.genesis" ? hash : entry.line;
          if (line === null) throw new HotlineError("BAD_LINE", "Cannot store an entry with no line");
          if (entry.kind === "line.genesis") {
            this.#insertLine.run(hash, entry.body.name, entry.time);
            const c = entry.body.creator;
            this.#insertParticipant.run(hash, c.station, c.name, c.url, c.cert, hash, 1, "[]");
          }
          this.#insertEntry.run({
            line,
            author: entry.author,
            seq: entry.seq,
            hash,
            kind: entry.kind,
            time: entry.time,
            bytes,
            received_at: receivedAt,
            received_from: from,
          });
          if (entry.kind === "member.add") {
            const m = entry.body.member;
            const consenters = entry.body.consenters;
            const active = consenters.length === 0 ? 1 : 0;
            this.#insertParticipant.run(
              line,
              m.station,
              m.name,
              m.url,
              m.cert,
              hash,
              active,
              JSON.stringify(consenters),
            );
          }
          if (entry.kind === "member.approve")
            for (const of of additionsApproved(entry.body.of)) this.#approve(line, of, entry.author);
          if (entry.kind === "cert.renew") {
            const until = new Date(Date.parse(receivedAt) + PREVIOUS_CERT_GRACE_MS).toISOString();
            this.#sql(
              "UPDATE participants SET previous_cert = cert, previous_until = ?, cert = ? WHERE line = ? AND station = ?",
            ).run(until, entry.body.cert, line, entry.author);
          }
        }
      },
    );
  }

  /** A consent to a member: noted if it was asked for; the member counts once every one is in. */
  #approve(line: string, addedBy: string, approver: string): void {
    const row = this.#sql(
      "SELECT consenters, approvals FROM participants WHERE line = ? AND added_by = ?",
    ).get(line, addedBy) as { consenters: string; approvals: string } | undefined;
    if (row === undefined) return;
    const consenters = JSON.parse(row.consenters) as string[];
    const approvals = JSON.parse(row.approvals) as string[];
    if (!consenters.includes(approver) || approvals.includes(approver)) return;
    approvals.push(approver);
    const active = consenters.every((c) => approvals.includes(c)) ? 1 : 0;
    this.#sql("UPDATE participants SET approvals = ?, active = ? WHERE line = ? AND added_by = ?").run(
      JSON.stringify(approvals),
      active,
      line,
      addedBy,
    );
  }

  appendEntries(entries: readonly SealedEntry[], receivedAt: string, from: string | null = null): void {
    this.#append(entries, receivedAt, from);
  }

  /** Runs fn in a transaction holding the write lock from its start (nested: a savepoint). */
  #locked<T>(fn: () => T): T {
    return this.#db.transaction(fn).immediate();
  }

  head(line: string, author: string): Head | null {
    return (this.#head.get(line, author) as Head | undefined) ?? null;
  }

  heads(line: string): Head[] {
    // One index lookup per participant, however long the line.
    const heads: Head[] = [];
    for (const station of this.#participantIds.all(line) as string[]) {
      const head = this.head(line, station);
      if (head !== null) heads.push(head);
    }
    return heads;
  }

  entryByHash(hash: string): StoredEntry | null {
    const row = this.#sql(`SELECT ${ENTRY_COLUMNS} FROM entries WHERE hash = ?`).get(hash) as
      EntryRecord | undefined;
    return row === undefined ? null : toStoredEntry(row);
  }

  entryPlace(hash: string): EntryPlace | null {
    return (
      (this.#sql("SELECT line, author, seq, time FROM entries WHERE hash = ?").get(hash) as
        EntryPlace | undefined) ?? null
    );
  }

  entriesByHashPrefix(prefix: string, limit: number): StoredEntry[] {
    const rows = this.#sql(
      `SELECT ${ENTRY_COLUMNS} FROM entries WHERE hash >= ? AND hash < ? ORDER BY hash LIMIT ?`,
    ).all(prefix, `${prefix}g`, limit) as EntryRecord[];
    return rows.map(toStoredEntry);
  }

  alarmRaised(code: string, entry: string, peer: string | null): boolean {
    return (
      this.#sql("SELECT 1 FROM alarms WHERE code = ? AND entry = ? AND peer IS ? LIMIT 1").get(
        code,
        entry,
        peer,
      ) !== undefined
    );
  }

  entryAt(line: string, author: string, seq: number): StoredEntry | null {
    const row = this.#sql(
      `SELECT ${ENTRY_COLUMNS} FROM entries WHERE line = ? AND author = ? AND seq = ?`,
    ).get(line, author, seq) as EntryRecord | undefined;
    return row === undefined ? null : toStoredEntry(row);
  }

  line(id: string): LineInfo | null {
    return (this.#line.get(id) as LineInfo | undefined) ?? null;
  }

  lines(): LineRow[] {
    return this.#sql(
      `SELECT l.id, l.name, l.created_at AS createdAt, (SELECT COUNT(*) FROM entries e WHERE e.line = l.id) AS entries
         FROM lines l ORDER BY l.created_at, l.id`,
    ).all() as LineRow[];
  }

  participants(line: string): ParticipantRow[] {
    return this.#sql(
      `SELECT ${PARTICIPANT_COLUMNS} FROM participants WHERE line = ? AND active = 1 ORDER BY rowid`,
    ).all(line) as ParticipantRow[];
  }

  members(line: string): MemberRow[] {
    return (
      this.#sql(`SELECT ${MEMBER_COLUMNS} FROM participants WHERE line = ? ORDER BY rowid`).all(
        line,
      ) as MemberRecord[]
    ).map(toMember);
  }

  membersWithCert(cert: string): (MemberRow & { line: string })[] {
    return (
      this.#sql(`SELECT ${MEMBER_COLUMNS}, line FROM participants WHERE cert = ? ORDER BY rowid`).all(
        cert,
      ) as (MemberRecord & {
        line: string;
      })[]
    ).map((r) => ({ ...toMember(r), line: r.line }));
  }

  membershipsOf(station: string): (MemberRow & { line: string })[] {
    return (
      this.#sql(`SELECT ${MEMBER_COLUMNS}, line FROM participants WHERE station = ? ORDER BY rowid`).all(
        station,
      ) as (MemberRecord & {
        line: string;
      })[]
    ).map((r) => ({ ...toMember(r), line: r.line }));
  }

  retirePreviousCerts(station: string, cert: string): number {
    return this.#sql(
      "UPDATE participants SET previous_cert = NULL, previous_until = NULL WHERE station = ? AND cert = ? AND previous_cert IS NOT NULL",
    ).run(station, cert).changes;
  }

  entries(line: string): StoredEntry[] {
    const rows = this.#sql(`SELECT ${ENTRY_COLUMNS} FROM entries WHERE line = ? ORDER BY n`).all(
      line,
    ) as EntryRecord[];
    return rows.map(toStoredEntry);
  }

  entriesPage(after: number, limit: number): StoredEntry[] {
    const rows = this.#sql(`SELECT ${ENTRY_COLUMNS} FROM entries WHERE n > ? ORDER BY n LIMIT ?`).all(
      after,
      limit,
    ) as EntryRecord[];
    return rows.map(toStoredEntry);
  }

  entriesOfKind(line: string, kind: string, since?: string): StoredEntry[] {
    // (times are the one ISO text of their instant: compared as text, in order)
    const rows = this.#sql(
      `SELECT ${ENTRY_COLUMNS} FROM entries WHERE line = ? AND kind = ? AND time >= ? ORDER BY n`,
    ).all(line, kind, since ?? "") as EntryRecord[];
    return rows.map(toStoredEntry);
  }

  entriesAfter(line: string, after: number, limit: number): StoredEntry[] {
    const rows = this.#sql(
      `SELECT ${ENTRY_COLUMNS} FROM entries WHERE line = ? AND n > ? ORDER BY n LIMIT ?`,
    ).all(line, after, limit) as EntryRecord[];
    return rows.map(toStoredEntry);
  }

  countEntries(): number {
    return (this.#sql("SELECT COUNT(*) AS n FROM entries").get() as { n: number }).n;
  }

  chainAfter(line: string, author: string, after: number, limit: number): StoredEntry[] {
    const rows = this.#sql(
      `SELECT ${ENTRY_COLUMNS} FROM entries WHERE line = ? AND author = ? AND seq > ? ORDER BY seq LIMIT ?`,
    ).all(line, author, after, limit) as EntryRecord[];
    return rows.map(toStoredEntry);
  }

  linesOf(station: string): string[] {
    return (
      this.#sql("SELECT line FROM participants WHERE station = ? AND active = 1 ORDER BY rowid").all(
        station,
      ) as {
        line: string;
      }[]
    ).map((r) => r.line);
  }

  addStatement(statement: StatementRow, receivedAt: string): void {
    this.#db.transaction(() => {
      this.#sql(
        "INSERT OR IGNORE INTO statements (line, station, time, heads, bytes, received_at) VALUES (?, ?, ?, ?, ?, ?)",
      ).run(statement.line, statement.station, statement.time, statement.heads, statement.bytes, receivedAt);
      const heads = JSON.parse(statement.heads) as Record<string, { seq: number }>;
      const step = this.#sql(
        `INSERT OR IGNORE INTO coverage (line, peer, author, seq, time)
         SELECT ?, ?, ?, ?, ? WHERE ? > COALESCE((SELECT MAX(seq) FROM coverage WHERE line = ? AND peer = ? AND author = ?), 0)`,
      );
      for (const [author, head] of Object.entries(heads)) {
        step.run(
          statement.line,
          statement.station,
          author,
          head.seq,
          statement.time,
          head.seq,
          statement.line,
          statement.station,
          author,
        );
      }
    })();
  }

  coveredSeq(line: string, peer: string, author: string): number {
    const row = this.#sql(
      "SELECT MAX(seq) AS seq FROM coverage WHERE line = ? AND peer = ? AND author = ?",
    ).get(line, peer, author) as { seq: number | null };
    return row.seq ?? 0;
  }

  coverage(line: string): CoverageRow[] {
    return this.#sql(
      "SELECT peer, author, seq, time FROM coverage WHERE line = ? ORDER BY peer, author, seq",
    ).all(line) as CoverageRow[];
  }

  latestStatements(line: string): StatementRow[] {
    return this.#sql(
      `SELECT line, station, time, heads, bytes FROM statements s
         WHERE line = ? AND n = (SELECT MAX(n) FROM statements t WHERE t.line = s.line AND t.station = s.station)
         ORDER BY station`,
    ).all(line) as StatementRow[];
  }

  addInvite(invite: InviteRow): void {
    this.#sql(
      `INSERT INTO invites (id, line, secret_hash, created_at, expires_at, created_by, used_at, used_by)
         VALUES (@id, @line, @secretHash, @createdAt, @expiresAt, @createdBy, @usedAt, @usedBy)`,
    ).run(invite);
  }

  invite(id: string): InviteRow | null {
    return (
      (this.#sql(
        `SELECT id, line, secret_hash AS secretHash, created_at AS createdAt, expires_at AS expiresAt,
                  created_by AS createdBy, used_at AS usedAt, used_by AS usedBy FROM invites WHERE id = ?`,
      ).get(id) as InviteRow | undefined) ?? null
    );
  }

  useInvite(id: string, by: string, at: string): boolean {
    return (
      this.#sql("UPDATE invites SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL").run(
        at,
        by,
        id,
      ).changes === 1
    );
  }

  contactSucceeded(station: string, at: string): void {
    this.#sql(
      `INSERT INTO peer_contact (station, last_contact, failures) VALUES (?, ?, 0)
         ON CONFLICT (station) DO UPDATE SET last_contact = excluded.last_contact, failures = 0`,
    ).run(station, at);
  }

  contactFailed(station: string, error: string, at: string): void {
    this.#sql(
      `INSERT INTO peer_contact (station, last_failure, last_error, failures) VALUES (?, ?, ?, 1)
         ON CONFLICT (station) DO UPDATE SET last_failure = excluded.last_failure, last_error = excluded.last_error,
           failures = failures + 1`,
    ).run(station, at, error);
  }

  contact(station: string): PeerContactRow | null {
    return (
      (this.#sql(
        `SELECT station, last_contact AS lastContact, last_failure AS lastFailure, last_error AS lastError, failures
           FROM peer_contact WHERE station = ?`,
      ).get(station) as PeerContactRow | undefined) ?? null
    );
  }

  addEvidence(e: EvidenceRow): boolean {
    const keep = { ...e, otherBytes: (e.otherBytes?.length ?? 0) > MAX_EVIDENCE_BYTES ? null : e.otherBytes };
    return this.#locked(() => {
      const held = this.#sql(
        `SELECT count(*) AS rows,
                count(CASE WHEN code = @code AND seq = @seq AND held_hash IS @heldHash AND other_hash IS @otherHash
                             AND reported_by IS @reportedBy THEN 1 END) AS same
           FROM evidence WHERE line = @line AND author = @author`,
      ).get(keep) as { rows: number; same: number };
      if (held.same === 0 && held.rows < MAX_EVIDENCE_PER_AUTHOR) {
        this.#sql(
          `INSERT INTO evidence (code, line, author, seq, held_hash, other_hash, other_bytes, reported_by, detected_at)
             VALUES (@code, @line, @author, @seq, @heldHash, @otherHash, @otherBytes, @reportedBy, @detectedAt)`,
        ).run(keep);
        return true;
      }
      this.#sql(
        `INSERT INTO evidence_dropped (line, author, dropped, last_at) VALUES (?, ?, 1, ?)
           ON CONFLICT (line, author) DO UPDATE SET dropped = dropped + 1, last_at = excluded.last_at`,
      ).run(e.line, e.author, e.detectedAt);
      return false;
    });
  }

  evidence(line?: string): EvidenceRow[] {
    return this.#sql(
      `SELECT code, line, author, seq, held_hash AS heldHash, other_hash AS otherHash, other_bytes AS otherBytes,
                reported_by AS reportedBy, detected_at AS detectedAt
         FROM evidence WHERE (? IS NULL OR line = ?) ORDER BY n`,
    ).all(line ?? null, line ?? null) as EvidenceRow[];
  }

  droppedEvidence(line: string, author: string): number {
    const row = this.#sql("SELECT dropped FROM evidence_dropped WHERE line = ? AND author = ?").get(
      line,
      author,
    ) as { dropped: number } | undefined;
    return row?.dropped ?? 0;
  }

  raiseAlarm(a: NewAlarm & { raisedAt: string }): RaisedAlarm {
    const cause = a.cause ?? JSON.stringify([a.line, a.peer, a.entry]);
    return this.#locked(() => {
      const open = this.#sql(
        "SELECT id, severity, acked_at AS ackedAt FROM alarms WHERE code = ? AND cause = ? AND cleared_at IS NULL ORDER BY id LIMIT 1",
      ).get(a.code, cause) as Pick<AlarmRow, "id" | "severity" | "ackedAt"> | undefined;
      if (open === undefined) {
        const id = this.#sql(
          `INSERT INTO alarms (code, severity, line, peer, entry, detail, raised_at, last_raised_at, audience, cause)
             VALUES (@code, @severity, @line, @peer, @entry, @detail, @raisedAt, @raisedAt, @audience, @cause)`,
        ).run({
          code: a.code,
          severity: a.severity,
          line: a.line,
          peer: a.peer,
          entry: a.entry,
          detail: a.detail,
          raisedAt: a.raisedAt,
          audience: a.audience ?? null,
          cause,
        }).lastInsertRowid;
        return { id: Number(id), outcome: "raised" };
      }
      const graver = SEVERITY_RANK[a.severity] > SEVERITY_RANK[open.severity];
      const reopened = graver || open.ackedAt !== null;
      this.#sql(
        `UPDATE alarms SET count = count + 1, last_raised_at = ?, severity = ?,
                acked_by = CASE WHEN ? THEN NULL ELSE acked_by END, acked_at = CASE WHEN ? THEN NULL ELSE acked_at END
           WHERE id = ?`,
      ).run(a.raisedAt, graver ? a.severity : open.severity, reopened ? 1 : 0, reopened ? 1 : 0, open.id);
      return { id: open.id, outcome: reopened ? "reopened" : "repeated" };
    });
  }

  escalateAlarm(id: number, level: number, audience: string, at: string): boolean {
    return (
      this.#sql(
        `UPDATE alarms SET audience = ?, escalation = ?, escalated_at = ?
           WHERE id = ? AND cleared_at IS NULL`,
      ).run(audience, level, at, id).changes > 0
    );
  }

  unattendedAlarms(codes: readonly string[]): AlarmRow[] {
    return this.#sql(
      `SELECT ${ALARM_COLUMNS}
         FROM alarms WHERE cleared_at IS NULL AND acked_at IS NULL AND code IN (SELECT value FROM json_each(?))
         ORDER BY id`,
    ).all(JSON.stringify(codes)) as AlarmRow[];
  }

  alarms(options: { all?: boolean } = {}): AlarmRow[] {
    return this.#sql(
      `SELECT ${ALARM_COLUMNS}
         FROM alarms WHERE ? OR cleared_at IS NULL OR (acked_at IS NULL AND severity != 'info')
         ORDER BY id DESC`,
    ).all(options.all ? 1 : 0) as AlarmRow[];
  }

  alarm(id: number): AlarmRow | null {
    return (
      (this.#sql(`SELECT ${ALARM_COLUMNS} FROM alarms WHERE id = ?`).get(id) as AlarmRow | undefined) ?? null
    );
  }

  clearAlarms(
    where: { line: string | null; peer: string | null; codes: readonly string[]; cause?: string | undefined },
    at: string,
  ): number {
    let cleared = 0;
    const cause = where.cause ?? null;
    for (const code of where.codes) {
      cleared += this.#sql(
        `UPDATE alarms SET cleared_at = ? WHERE line IS ? AND peer IS ? AND code = ? AND cleared_at IS NULL
           AND (? IS NULL OR cause = ?)`,
      ).run(at, where.line, where.peer, code, cause, cause).changes;
    }
    return cleared;
  }

  clearAlarmsOfEntry(where: { entry: string; peer: string | null; code: string }, at: string): number {
    return this.#sql(
      `UPDATE alarms SET cleared_at = ? WHERE entry = ? AND code = ? AND cleared_at IS NULL AND (? IS NULL OR peer = ?)`,
    ).run(at, where.entry, where.code, where.peer, where.peer).changes;
  }

  ackAlarm(id: number, by: string, at: string): boolean {
    return (
      this.#sql("UPDATE alarms SET acked_by = ?, acked_at = ? WHERE id = ? AND acked_at IS NULL").run(
        by,
        at,
        id,
      ).changes > 0 || this.alarm(id) !== null
    );
  }

  addHook(hook: Omit<HookRow, "id">): number {
    const command = hook.command === null ? null : JSON.stringify(hook.command);
    return Number(
      this.#sql(
        `INSERT INTO hooks (severity, command, webhook, created_by, created_at)
           VALUES (@severity, @command, @webhook, @createdBy, @createdAt)`,
      ).run({ ...hook, command }).lastInsertRowid,
    );
  }

  hooks(): HookRow[] {
    const rows = this.#sql(
      `SELECT id, severity, command, webhook, created_by AS createdBy, created_at AS createdAt
         FROM hooks ORDER BY id`,
    ).all() as (Omit<HookRow, "command"> & { command: string | null })[];
    return rows.map((row) => ({
      ...row,
      command: row.command === null ? null : (JSON.parse(row.command) as string[]),
    }));
  }

  removeHook(id: number): boolean {
    return this.#sql("DELETE FROM hooks WHERE id = ?").run(id).changes > 0;
  }

  addZone(zone: ZoneRow): boolean {
    return (
      this.#sql(
        `INSERT INTO zones (name, kind, geometry, min_alt, max_alt, from_time, to_time, created_by, created_at)
           VALUES (@name, @kind, @geometry, @minAltitude, @maxAltitude, @from, @to, @createdBy, @createdAt)
           ON CONFLICT (name) DO NOTHING`,
      ).run(zone).changes > 0
    );
  }

  zones(): ZoneRow[] {
    return this.#sql(
      `SELECT name, kind, geometry, min_alt AS minAltitude, max_alt AS maxAltitude, from_time AS "from",
              to_time AS "to", created_by AS createdBy, created_at AS createdAt
         FROM zones ORDER BY name`,
    ).all() as ZoneRow[];
  }

  removeZone(name: string): boolean {
    return this.#sql("DELETE FROM zones WHERE name = ?").run(name).changes > 0;
  }

  addRoute(route: RouteRow): boolean {
    return (
      this.#sql(
        `INSERT INTO routes (name, url, priority, listen, created_by, created_at)
           VALUES (@name, @url, @priority, @listen, @createdBy, @createdAt)
           ON CONFLICT DO NOTHING`,
      ).run(route).changes > 0
    );
  }

  routes(): RouteRow[] {
    return this.#sql(
      `SELECT name, url, priority, listen, created_by AS createdBy, created_at AS createdAt
         FROM routes ORDER BY priority, name`,
    ).all() as RouteRow[];
  }

  removeRoute(name: string): boolean {
    return this.#sql("DELETE FROM routes WHERE name = ?").run(name).changes > 0;
  }

  ackKeyChange(ack: KeyChangeAckRow): void {
    this.#sql(
      `INSERT INTO key_change_acks (line, station, key, acked_by, acked_at)
         VALUES (@line, @station, @key, @ackedBy, @ackedAt) ON CONFLICT DO NOTHING`,
    ).run(ack);
  }

  keyChangeAcks(line: string): KeyChangeAckRow[] {
    return this.#sql(
      `SELECT line, station, key, acked_by AS ackedBy, acked_at AS ackedAt
         FROM key_change_acks WHERE line = ? ORDER BY acked_at, station`,
    ).all(line) as KeyChangeAckRow[];
  }

  addHealthChange(c: HealthChangeRow): void {
    this.#sql(
      `INSERT INTO health_history (line, peer, from_state, to_state, at, last_ok_at, detail)
       VALUES (@line, @peer, @from, @to, @at, @lastOkAt, @detail)`,
    ).run(c);
  }

  healthHistory(where: { line?: string; peer?: string } = {}): HealthChangeRow[] {
    return this.#sql(
      `SELECT line, peer, from_state AS "from", to_state AS "to", at, last_ok_at AS lastOkAt, detail
       FROM health_history WHERE (@line IS NULL OR line = @line) AND (@peer IS NULL OR peer = @peer) ORDER BY n`,
    ).all({ line: where.line ?? null, peer: where.peer ?? null }) as HealthChangeRow[];
  }

  addRouteChange(c: RouteChangeRow): void {
    this.#sql(
      `INSERT INTO route_history (peer, route, kind, from_state, to_state, at, detail)
       VALUES (@peer, @route, @kind, @from, @to, @at, @detail)`,
    ).run(c);
    // Bounded per peer and route: a flapping route cannot grow the database without end.
    this.#sql(
      `DELETE FROM route_history WHERE peer = @peer AND route = @route AND n <= (
         SELECT n FROM route_history WHERE peer = @peer AND route = @route
         ORDER BY n DESC LIMIT 1 OFFSET @keep)`,
    ).run({ peer: c.peer, route: c.route, keep: MAX_ROUTE_CHANGES });
  }

  routeHistory(where: { peer?: string; route?: string } = {}): RouteChangeRow[] {
    return this.#sql(
      `SELECT peer, route, kind, from_state AS "from", to_state AS "to", at, detail
       FROM route_history WHERE (@peer IS NULL OR peer = @peer) AND (@route IS NULL OR route = @route)
       ORDER BY n`,
    ).all({ peer: where.peer ?? null, route: where.route ?? null }) as RouteChangeRow[];
  }

  addOperator(op: OperatorRow): void {
    try {
      this.#sql(
        "INSERT INTO operators (name, role, password_hash, disabled, created_at) VALUES (?, ?, ?, ?, ?)",
      ).run(op.name, op.role, op.passwordHash, op.disabled ? 1 : 0, op.createdAt);
    } catch (cause) {
      const taken = (cause as { code?: string }).code === "SQLITE_CONSTRAINT_PRIMARYKEY";
      throw new HotlineError(
        taken ? "OPERATOR_EXISTS" : "BAD_INPUT",
        `Cannot add operator '${op.name}': ${taken ? "that name is taken" : (cause as Error).message}`,
        { cause },
      );
    }
  }

  operator(name: string): OperatorRow | null {
    const row = this.#sql("SELECT * FROM operators WHERE name = ?").get(name) as OperatorRecord | undefined;
    return row === undefined ? null : toOperator(row);
  }

  operators(): OperatorRow[] {
    return (this.#sql("SELECT * FROM operators ORDER BY created_at, name").all() as OperatorRecord[]).map(
      toOperator,
    );
  }

  operatorLang(name: string): string | null {
    const row = this.#sql("SELECT lang FROM operators WHERE name = ?").get(name) as
      { lang: string | null } | undefined;
    return row?.lang ?? null;
  }

  setOperatorLang(name: string, lang: string): boolean {
    return this.#sql("UPDATE operators SET lang = ? WHERE name = ?").run(lang, name).changes === 1;
  }

  addSession(s: SessionRow): void {
    this.#sql("DELETE FROM sessions WHERE expires_at <= ?").run(s.createdAt);
    this.#sql(
      `INSERT INTO sessions (id_hash, operator, csrf, created_at, expires_at)
         VALUES (@idHash, @operator, @csrf, @createdAt, @expiresAt)`,
    ).run(s);
  }

  session(idHash: string, now: string): SessionRow | null {
    return (
      (this.#sql(
        `SELECT id_hash AS idHash, operator, csrf, created_at AS createdAt, expires_at AS expiresAt
           FROM sessions WHERE id_hash = ? AND expires_at > ?`,
      ).get(idHash, now) as SessionRow | undefined) ?? null
    );
  }

  deleteSession(idHash: string): void {
    this.#sql("DELETE FROM sessions WHERE id_hash = ?").run(idHash);
  }

  deleteSessionsOf(operator: string): number {
    return this.#sql("DELETE FROM sessions WHERE operator = ?").run(operator).changes;
  }

  setOperatorPassword(name: string, passwordHash: string): boolean {
    return (
      this.#sql("UPDATE operators SET password_hash = ? WHERE name = ?").run(passwordHash, name).changes === 1
    );
  }

  setOperatorDisabled(name: string, disabled: boolean): boolean {
    return (
      this.#sql("UPDATE operators SET disabled = ? WHERE name = ?").run(disabled ? 1 : 0, name).changes === 1
    );
  }

  secondFactor(operator: string): SecondFactorRow | null {
    return (
      (this.#sql(
        `SELECT operator, secret AS sealedSecret, created_at AS createdAt, confirmed_at AS confirmedAt,
           last_step AS lastStep FROM second_factors WHERE operator = ?`,
      ).get(operator) as SecondFactorRow | undefined) ?? null
    );
  }

  startSecondFactor(row: Omit<SecondFactorRow, "confirmedAt">): void {
    this.deleteSecondFactor(row.operator);
    this.#sql(
      `INSERT INTO second_factors (operator, secret, created_at, confirmed_at, last_step)
       VALUES (@operator, @sealedSecret, @createdAt, NULL, @lastStep)`,
    ).run(row);
  }

  confirmSecondFactor(operator: string, step: number, codeHashes: readonly string[], at: string): boolean {
    const changed = this.#sql(
      `UPDATE second_factors SET confirmed_at = ?, last_step = ?
       WHERE operator = ? AND confirmed_at IS NULL AND last_step < ?`,
    ).run(at, step, operator, step).changes;
    if (changed !== 1) return false;
    const insert = this.#sql("INSERT INTO recovery_codes (operator, code_hash) VALUES (?, ?)");
    for (const hash of codeHashes) insert.run(operator, hash);
    return true;
  }

  useTotpStep(operator: string, step: number): boolean {
    return (
      this.#sql("UPDATE second_factors SET last_step = ? WHERE operator = ? AND last_step < ?").run(
        step,
        operator,
        step,
      ).changes === 1
    );
  }

  useRecoveryCode(operator: string, codeHash: string, at: string): boolean {
    return (
      this.#sql(
        "UPDATE recovery_codes SET used_at = ? WHERE operator = ? AND code_hash = ? AND used_at IS NULL",
      ).run(at, operator, codeHash).changes === 1
    );
  }

  recoveryCodesLeft(operator: string): number {
    return (
      this.#sql("SELECT count(*) AS n FROM recovery_codes WHERE operator = ? AND used_at IS NULL").get(
        operator,
      ) as { n: number }
    ).n;
  }

  deleteSecondFactor(operator: string): boolean {
    this.#sql("DELETE FROM recovery_codes WHERE operator = ?").run(operator);
    return this.#sql("DELETE FROM second_factors WHERE operator = ?").run(operator).changes === 1;
  }

  addAudit(row: Omit<AuditRow, "n">): number {
    const n = Number(
      this.#sql(
        `INSERT INTO audit (at, operator, action, object, outcome, code, origin, via, second_factor)
         VALUES (@at, @operator, @action, @object, @outcome, @code, @origin, @via, @secondFactor)`,
      ).run(row).lastInsertRowid,
    );
    // Bounded: the newest MAX_AUDIT_ROWS, none older than MAX_AUDIT_AGE_MS (both cheap on their keys).
    this.#sql("DELETE FROM audit WHERE n <= ?").run(n - MAX_AUDIT_ROWS);
    const oldest = new Date(Date.parse(row.at) - MAX_AUDIT_AGE_MS).toISOString();
    this.#sql("DELETE FROM audit WHERE at < ?").run(oldest);
    return n;
  }

  audit(query: AuditQuery = {}): AuditRow[] {
    return this.#sql(
      `SELECT n, at, operator, action, object, outcome, code, origin, via, second_factor AS secondFactor
       FROM audit WHERE (@since IS NULL OR at >= @since) AND (@operator IS NULL OR operator = @operator)
       ORDER BY n DESC LIMIT @limit`,
    ).all({
      since: query.since ?? null,
      operator: query.operator ?? null,
      limit: query.limit ?? 100,
    }) as AuditRow[];
  }
}

function toStoredEntry(row: EntryRecord): StoredEntry {
  return {
    n: row.n,
    line: row.line,
    author: row.author,
    seq: row.seq,
    hash: row.hash,
    kind: row.kind,
    time: row.time,
    bytes: row.bytes,
    receivedAt: row.received_at,
    receivedFrom: row.received_from,
  };
}

function toOperator(row: OperatorRecord): OperatorRow {
  return {
    name: row.name,
    role: row.role,
    passwordHash: row.password_hash,
    disabled: row.disabled !== 0,
    createdAt: row.created_at,
  };
}
