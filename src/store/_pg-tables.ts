import type postgres from "postgres";
import { HotlineError, additionsApproved } from "../record/mod.js";
import type { SealedEntry } from "../record/mod.js";
import type { AlarmRow } from "./rows.js";
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

/** A connection, the pool or a transaction: what every query here runs on. */
export type Queries = postgres.ISql;

/** What a transaction offers; `allEntries` read a page at a time by {@link PgTables.entriesPage}. */
export type AsyncTables = Omit<Transaction, "allEntries"> & {
  /** @returns entries of every line with arrival number > after, in arrival order, at most limit */
  entriesPage(after: number, limit: number): Promise<StoredEntry[]>;
};

const SEVERITY_RANK = { info: 0, warning: 1, critical: 2 } as const;
/** How long a member's previous certificate is still accepted after a cert.renew is stored here. */
const PREVIOUS_CERT_GRACE_MS = 7 * 24 * 3600_000;

// Column lists, aliased to the rows' own names (quoted: PostgreSQL folds unquoted names to lower case).
const ENTRY_COLUMNS = "n, line, author, seq, hash, kind, time, bytes, received_at, received_from";
const ALARM_COLUMNS = `id, code, severity, line, peer, entry, detail, raised_at AS "raisedAt", count,
  last_raised_at AS "lastRaisedAt", cleared_at AS "clearedAt", acked_by AS "ackedBy", acked_at AS "ackedAt",
  audience, escalation, escalated_at AS "escalatedAt"`;
const PARTICIPANT_COLUMNS = `station, name, url, cert, added_by AS "addedBy", previous_cert AS "previousCert",
  previous_until AS "previousUntil"`;
const MEMBER_COLUMNS = `${PARTICIPANT_COLUMNS}, active, consenters, approvals`;
const INSERT_PARTICIPANT = `INSERT INTO participants (line, station, name, url, cert, added_by, active, consenters)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`;

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

interface MemberRecord extends Omit<MemberRow, "active" | "consenters" | "approvals"> {
  active: number;
  consenters: string;
  approvals: string;
}

interface OperatorRecord {
  name: string;
  role: OperatorRow["role"];
  password_hash: string;
  disabled: number;
  created_at: string;
}

/** @returns the rows as a plain array of plain objects (postgres.js adds fields to its result array) */
function plain<T>(rows: readonly object[]): T[] {
  return rows.map((r) => ({ ...r }) as T);
}

/**
 * The PostgreSQL tables of the store, each query the twin of SQLite's (_sqlite-tables.ts) and
 * returning the same rows. Runs on whatever it is given: the reader pool for reads, a transaction
 * of the writer for writes (postgres.ts begins one for every write, so a method's statements are
 * always all or none together).
 */
export class PgTables implements AsyncTables {
  readonly #q: Queries;

  constructor(q: Queries) {
    this.#q = q;
  }

  /** Runs one query text with positional parameters ($1…), prepared once per connection. */
  async #all<T>(text: string, params: readonly unknown[] = []): Promise<T[]> {
    const rows = await this.#q.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: true });
    return plain<T>(rows);
  }

  async #one<T>(text: string, params: readonly unknown[] = []): Promise<T | null> {
    return (await this.#all<T>(text, params))[0] ?? null;
  }

  /** @returns how many rows the statement changed */
  async #run(text: string, params: readonly unknown[] = []): Promise<number> {
    const result = await this.#q.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: true });
    return result.count;
  }

  async appendEntries(
    entries: readonly SealedEntry[],
    receivedAt: string,
    from: string | null = null,
  ): Promise<void> {
    if (entries.length === 0) return;
    // The entries go in as one statement (arrays unnested in the batch's order, so their arrival
    // numbers follow it), and the statements of what they imply are sent after it without waiting
    // for each answer (pipelined on the transaction's connection, in order): a batch costs about
    // one round trip, not one per entry. Only a consent, which reads before it writes, waits.
    const columns = {
      line: [] as string[],
      author: [] as string[],
      seq: [] as number[],
      hash: [] as string[],
      kind: [] as string[],
      time: [] as string[],
      bytes: [] as string[],
    };
    for (const { entry, bytes, hash } of entries) {
      const line = entry.kind === "line.genesis" ? hash : entry.line;
      if (line === null) throw new HotlineError("BAD_LINE", "Cannot store an entry with no line");
      columns.line.push(line);
      columns.author.push(entry.author);
      columns.seq.push(entry.seq);
      columns.hash.push(hash);
      columns.kind.push(entry.kind);
      columns.time.push(entry.time);
      // as hex: an array of bytea goes over as text either way, and hex is what decode() reads
      columns.bytes.push(bytes.toString("hex"));
    }
    let sent: Promise<unknown>[] = [];
    const send = (text: string, params: readonly unknown[]): void => {
      sent.push(
        this.#q.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: true }).execute(),
      );
    };
    const answered = async (): Promise<void> => {
      const waiting = sent;
      sent = [];
      await Promise.all(waiting);
    };
    try {
      send(
        `INSERT INTO entries (line, author, seq, hash, kind, time, bytes, received_at, received_from)
           SELECT line, author, seq, hash, kind, time, decode(bytes, 'hex'), $8, $9
             FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[])
               WITH ORDINALITY AS e (line, author, seq, hash, kind, time, bytes, i)
             ORDER BY i`,
        [
          columns.line,
          columns.author,
          columns.seq,
          columns.hash,
          columns.kind,
          columns.time,
          columns.bytes,
          receivedAt,
          from,
        ],
      );
      for (const [i, { entry, hash }] of entries.entries()) {
        const line = columns.line[i] as string;
        if (entry.kind === "line.genesis") {
          send("INSERT INTO lines (id, name, created_at) VALUES ($1, $2, $3)", [
            hash,
            entry.body.name,
            entry.time,
          ]);
          const c = entry.body.creator;
          send(INSERT_PARTICIPANT, [hash, c.station, c.name, c.url, c.cert, hash, 1, "[]"]);
        }
        if (entry.kind === "member.add") {
          const m = entry.body.member;
          const consenters = entry.body.consenters;
          send(INSERT_PARTICIPANT, [
            line,
            m.station,
            m.name,
            m.url,
            m.cert,
            hash,
            consenters.length === 0 ? 1 : 0,
            JSON.stringify(consenters),
          ]);
        }
        if (entry.kind === "member.approve") {
          await answered();
          for (const of of additionsApproved(entry.body.of)) await this.#approve(line, of, entry.author);
        }
        if (entry.kind === "cert.renew") {
          const until = new Date(Date.parse(receivedAt) + PREVIOUS_CERT_GRACE_MS).toISOString();
          send(
            "UPDATE participants SET previous_cert = cert, previous_until = $1, cert = $2 WHERE line = $3 AND station = $4",
            [until, entry.body.cert, line, entry.author],
          );
        }
      }
    } catch (error) {
      // Every statement sent is answered (or has failed) before this returns: none is left unheard.
      await Promise.allSettled(sent);
      throw error;
    }
    await answered();
  }

  /** A consent to a member: noted if it was asked for; the member counts once every one is in. */
  async #approve(line: string, addedBy: string, approver: string): Promise<void> {
    const row = await this.#one<{ consenters: string; approvals: string }>(
      "SELECT consenters, approvals FROM participants WHERE line = $1 AND added_by = $2",
      [line, addedBy],
    );
    if (row === null) return;
    const consenters = JSON.parse(row.consenters) as string[];
    const approvals = JSON.parse(row.approvals) as string[];
    if (!consenters.includes(approver) || approvals.includes(approver)) return;
    approvals.push(approver);
    const active = consenters.every((c) => approvals.includes(c)) ? 1 : 0;
    await this.#run("UPDATE participants SET approvals = $1, active = $2 WHERE line = $3 AND added_by = $4", [
      JSON.stringify(approvals),
      active,
      line,
      addedBy,
    ]);
  }

  head(line: string, author: string): Promise<Head | null> {
    return this.#one<Head>(
      "SELECT author, seq, hash, time FROM entries WHERE line = $1 AND author = $2 ORDER BY seq DESC LIMIT 1",
      [line, author],
    );
  }

  heads(line: string): Promise<Head[]> {
    // One index lookup per participant, however long the line (LATERAL: as SQLite's loop does).
    return this.#all<Head>(
      `SELECT h.author, h.seq, h.hash, h.time FROM participants p
         CROSS JOIN LATERAL (SELECT author, seq, hash, time FROM entries e
           WHERE e.line = p.line AND e.author = p.station ORDER BY seq DESC LIMIT 1) h
         WHERE p.line = $1 ORDER BY p.n`,
      [line],
    );
  }

  async entryByHash(hash: string): Promise<StoredEntry | null> {
    const row = await this.#one<EntryRecord>(`SELECT ${ENTRY_COLUMNS} FROM entries WHERE hash = $1`, [hash]);
    return row === null ? null : toStoredEntry(row);
  }

  entryPlace(hash: string): Promise<EntryPlace | null> {
    return this.#one<EntryPlace>("SELECT line, author, seq, time FROM entries WHERE hash = $1", [hash]);
  }

  async entriesByHashPrefix(prefix: string, limit: number): Promise<StoredEntry[]> {
    const rows = await this.#all<EntryRecord>(
      `SELECT ${ENTRY_COLUMNS} FROM entries WHERE hash >= $1 AND hash < $2 ORDER BY hash LIMIT $3`,
      [prefix, `${prefix}g`, limit],
    );
    return rows.map(toStoredEntry);
  }

  async alarmRaised(code: string, entry: string, peer: string | null): Promise<boolean> {
    return (
      (await this.#one(
        "SELECT 1 FROM alarms WHERE code = $1 AND entry = $2 AND peer IS NOT DISTINCT FROM $3::text LIMIT 1",
        [code, entry, peer],
      )) !== null
    );
  }

  async entryAt(line: string, author: string, seq: number): Promise<StoredEntry | null> {
    const row = await this.#one<EntryRecord>(
      `SELECT ${ENTRY_COLUMNS} FROM entries WHERE line = $1 AND author = $2 AND seq = $3`,
      [line, author, seq],
    );
    return row === null ? null : toStoredEntry(row);
  }

  line(id: string): Promise<LineInfo | null> {
    return this.#one<LineInfo>('SELECT id, name, created_at AS "createdAt" FROM lines WHERE id = $1', [id]);
  }

  lines(): Promise<LineRow[]> {
    return this.#all<LineRow>(
      `SELECT l.id, l.name, l.created_at AS "createdAt", (SELECT COUNT(*) FROM entries e WHERE e.line = l.id) AS entries
         FROM lines l ORDER BY l.created_at, l.id`,
    );
  }

  participants(line: string): Promise<ParticipantRow[]> {
    return this.#all<ParticipantRow>(
      `SELECT ${PARTICIPANT_COLUMNS} FROM participants WHERE line = $1 AND active = 1 ORDER BY n`,
      [line],
    );
  }

  async members(line: string): Promise<MemberRow[]> {
    return (
      await this.#all<MemberRecord>(`SELECT ${MEMBER_COLUMNS} FROM participants WHERE line = $1 ORDER BY n`, [
        line,
      ])
    ).map(toMember);
  }

  async membersWithCert(cert: string): Promise<(MemberRow & { line: string })[]> {
    return (
      await this.#all<MemberRecord & { line: string }>(
        `SELECT ${MEMBER_COLUMNS}, line FROM participants WHERE cert = $1 ORDER BY n`,
        [cert],
      )
    ).map((r) => ({ ...toMember(r), line: r.line }));
  }

  async membershipsOf(station: string): Promise<(MemberRow & { line: string })[]> {
    return (
      await this.#all<MemberRecord & { line: string }>(
        `SELECT ${MEMBER_COLUMNS}, line FROM participants WHERE station = $1 ORDER BY n`,
        [station],
      )
    ).map((r) => ({ ...toMember(r), line: r.line }));
  }

  retirePreviousCerts(station: string, cert: string): Promise<number> {
    return this.#run(
      "UPDATE participants SET previous_cert = NULL, previous_until = NULL WHERE station = $1 AND cert = $2 AND previous_cert IS NOT NULL",
      [station, cert],
    );
  }

  async entries(line: string): Promise<StoredEntry[]> {
    const rows = await this.#all<EntryRecord>(
      `SELECT ${ENTRY_COLUMNS} FROM entries WHERE line = $1 ORDER BY n`,
      [line],
    );
    return rows.map(toStoredEntry);
  }

  async entriesPage(after: number, limit: number): Promise<StoredEntry[]> {
    const rows = await this.#all<EntryRecord>(
      `SELECT ${ENTRY_COLUMNS} FROM entries WHERE n > $1 ORDER BY n LIMIT $2`,
      [after, limit],
    );
    return rows.map(toStoredEntry);
  }

  async entriesOfKind(line: string, kind: string, since?: string): Promise<StoredEntry[]> {
    // (times are the one ISO text of their instant: compared as text, in order; the column is COLLATE "C")
    const rows = await this.#all<EntryRecord>(
      `SELECT ${ENTRY_COLUMNS} FROM entries WHERE line = $1 AND kind = $2 AND time >= $3 ORDER BY n`,
      [line, kind, since ?? ""],
    );
    return rows.map(toStoredEntry);
  }

  async entriesAfter(line: string, after: number, limit: number): Promise<StoredEntry[]> {
    const rows = await this.#all<EntryRecord>(
      `SELECT ${ENTRY_COLUMNS} FROM entries WHERE line = $1 AND n > $2 ORDER BY n LIMIT $3`,
      [line, after, limit],
    );
    return rows.map(toStoredEntry);
  }

  async countEntries(): Promise<number> {
    return (await this.#one<{ n: number }>("SELECT COUNT(*) AS n FROM entries"))?.n ?? 0;
  }

  async chainAfter(line: string, author: string, after: number, limit: number): Promise<StoredEntry[]> {
    const rows = await this.#all<EntryRecord>(
      `SELECT ${ENTRY_COLUMNS} FROM entries WHERE line = $1 AND author = $2 AND seq > $3 ORDER BY seq LIMIT $4`,
      [line, author, after, limit],
    );
    return rows.map(toStoredEntry);
  }

  async linesOf(station: string): Promise<string[]> {
    return (
      await this.#all<{ line: string }>(
        "SELECT line FROM participants WHERE station = $1 AND active = 1 ORDER BY n",
        [station],
      )
    ).map((r) => r.line);
  }

  async addStatement(statement: StatementRow, receivedAt: string): Promise<void> {
    await this.#run(
      `INSERT INTO statements (line, station, time, heads, bytes, received_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT DO NOTHING`,
      [statement.line, statement.station, statement.time, statement.heads, statement.bytes, receivedAt],
    );
    const heads = JSON.parse(statement.heads) as Record<string, { seq: number }>;
    for (const [author, head] of Object.entries(heads)) {
      await this.#run(
        `INSERT INTO coverage (line, peer, author, seq, time)
           SELECT $1::text, $2::text, $3::text, $4::bigint, $5::text
           WHERE $4::bigint > COALESCE((SELECT MAX(seq) FROM coverage WHERE line = $1 AND peer = $2 AND author = $3), 0)
         ON CONFLICT DO NOTHING`,
        [statement.line, statement.station, author, head.seq, statement.time],
      );
    }
  }

  async coveredSeq(line: string, peer: string, author: string): Promise<number> {
    const row = await this.#one<{ seq: number | null }>(
      "SELECT MAX(seq) AS seq FROM coverage WHERE line = $1 AND peer = $2 AND author = $3",
      [line, peer, author],
    );
    return row?.seq ?? 0;
  }

  coverage(line: string): Promise<CoverageRow[]> {
    return this.#all<CoverageRow>(
      "SELECT peer, author, seq, time FROM coverage WHERE line = $1 ORDER BY peer, author, seq",
      [line],
    );
  }

  latestStatements(line: string): Promise<StatementRow[]> {
    return this.#all<StatementRow>(
      `SELECT line, station, time, heads, bytes FROM statements s
         WHERE line = $1 AND n = (SELECT MAX(n) FROM statements t WHERE t.line = s.line AND t.station = s.station)
         ORDER BY station`,
      [line],
    );
  }

  async addInvite(invite: InviteRow): Promise<void> {
    await this.#run(
      `INSERT INTO invites (id, line, secret_hash, created_at, expires_at, created_by, used_at, used_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        invite.id,
        invite.line,
        invite.secretHash,
        invite.createdAt,
        invite.expiresAt,
        invite.createdBy,
        invite.usedAt,
        invite.usedBy,
      ],
    );
  }

  invite(id: string): Promise<InviteRow | null> {
    return this.#one<InviteRow>(
      `SELECT id, line, secret_hash AS "secretHash", created_at AS "createdAt", expires_at AS "expiresAt",
              created_by AS "createdBy", used_at AS "usedAt", used_by AS "usedBy" FROM invites WHERE id = $1`,
      [id],
    );
  }

  async useInvite(id: string, by: string, at: string): Promise<boolean> {
    return (
      (await this.#run("UPDATE invites SET used_at = $1, used_by = $2 WHERE id = $3 AND used_at IS NULL", [
        at,
        by,
        id,
      ])) === 1
    );
  }

  async contactSucceeded(station: string, at: string): Promise<void> {
    await this.#run(
      `INSERT INTO peer_contact (station, last_contact, failures) VALUES ($1, $2, 0)
         ON CONFLICT (station) DO UPDATE SET last_contact = excluded.last_contact, failures = 0`,
      [station, at],
    );
  }

  async contactFailed(station: string, error: string, at: string): Promise<void> {
    await this.#run(
      `INSERT INTO peer_contact (station, last_failure, last_error, failures) VALUES ($1, $2, $3, 1)
         ON CONFLICT (station) DO UPDATE SET last_failure = excluded.last_failure, last_error = excluded.last_error,
           failures = peer_contact.failures + 1`,
      [station, at, error],
    );
  }

  contact(station: string): Promise<PeerContactRow | null> {
    return this.#one<PeerContactRow>(
      `SELECT station, last_contact AS "lastContact", last_failure AS "lastFailure", last_error AS "lastError", failures
         FROM peer_contact WHERE station = $1`,
      [station],
    );
  }

  async addEvidence(e: EvidenceRow): Promise<boolean> {
    const otherBytes = (e.otherBytes?.length ?? 0) > MAX_EVIDENCE_BYTES ? null : e.otherBytes;
    const held = await this.#one<{ rows: number; same: number }>(
      `SELECT count(*) AS rows,
              count(CASE WHEN code = $3 AND seq = $4 AND held_hash IS NOT DISTINCT FROM $5::text
                           AND other_hash IS NOT DISTINCT FROM $6::text
                           AND reported_by IS NOT DISTINCT FROM $7::text THEN 1 END) AS same
         FROM evidence WHERE line = $1 AND author = $2`,
      [e.line, e.author, e.code, e.seq, e.heldHash, e.otherHash, e.reportedBy],
    );
    if (held !== null && held.same === 0 && held.rows < MAX_EVIDENCE_PER_AUTHOR) {
      await this.#run(
        `INSERT INTO evidence (code, line, author, seq, held_hash, other_hash, other_bytes, reported_by, detected_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [e.code, e.line, e.author, e.seq, e.heldHash, e.otherHash, otherBytes, e.reportedBy, e.detectedAt],
      );
      return true;
    }
    await this.#run(
      `INSERT INTO evidence_dropped (line, author, dropped, last_at) VALUES ($1, $2, 1, $3)
         ON CONFLICT (line, author) DO UPDATE SET dropped = evidence_dropped.dropped + 1, last_at = excluded.last_at`,
      [e.line, e.author, e.detectedAt],
    );
    return false;
  }

  evidence(line?: string): Promise<EvidenceRow[]> {
    return this.#all<EvidenceRow>(
      `SELECT code, line, author, seq, held_hash AS "heldHash", other_hash AS "otherHash", other_bytes AS "otherBytes",
              reported_by AS "reportedBy", detected_at AS "detectedAt"
         FROM evidence WHERE ($1::text IS NULL OR line = $1) ORDER BY n`,
      [line ?? null],
    );
  }

  async droppedEvidence(line: string, author: string): Promise<number> {
    const row = await this.#one<{ dropped: number }>(
      "SELECT dropped FROM evidence_dropped WHERE line = $1 AND author = $2",
      [line, author],
    );
    return row?.dropped ?? 0;
  }

  async raiseAlarm(a: NewAlarm & { raisedAt: string }): Promise<RaisedAlarm> {
    const cause = a.cause ?? JSON.stringify([a.line, a.peer, a.entry]);
    const open = await this.#one<Pick<AlarmRow, "id" | "severity" | "ackedAt">>(
      `SELECT id, severity, acked_at AS "ackedAt" FROM alarms
         WHERE code = $1 AND cause = $2 AND cleared_at IS NULL ORDER BY id LIMIT 1`,
      [a.code, cause],
    );
    if (open === null) {
      const row = await this.#one<{ id: number }>(
        `INSERT INTO alarms (code, severity, line, peer, entry, detail, raised_at, last_raised_at, audience, cause)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9) RETURNING id`,
        [a.code, a.severity, a.line, a.peer, a.entry, a.detail, a.raisedAt, a.audience ?? null, cause],
      );
      return { id: row?.id ?? 0, outcome: "raised" };
    }
    const graver = SEVERITY_RANK[a.severity] > SEVERITY_RANK[open.severity];
    const reopened = graver || open.ackedAt !== null;
    await this.#run(
      `UPDATE alarms SET count = count + 1, last_raised_at = $1, severity = $2,
              acked_by = CASE WHEN $3 THEN NULL ELSE acked_by END, acked_at = CASE WHEN $3 THEN NULL ELSE acked_at END
         WHERE id = $4`,
      [a.raisedAt, graver ? a.severity : open.severity, reopened, open.id],
    );
    return { id: open.id, outcome: reopened ? "reopened" : "repeated" };
  }

  async escalateAlarm(id: number, level: number, audience: string, at: string): Promise<boolean> {
    return (
      (await this.#run(
        "UPDATE alarms SET audience = $1, escalation = $2, escalated_at = $3 WHERE id = $4 AND cleared_at IS NULL",
        [audience, level, at, id],
      )) > 0
    );
  }

  unattendedAlarms(codes: readonly string[]): Promise<AlarmRow[]> {
    return this.#all<AlarmRow>(
      `SELECT ${ALARM_COLUMNS}
         FROM alarms WHERE cleared_at IS NULL AND acked_at IS NULL AND code = ANY($1::text[])
         ORDER BY id`,
      [[...codes]],
    );
  }

  alarms(options: { all?: boolean } = {}): Promise<AlarmRow[]> {
    return this.#all<AlarmRow>(
      `SELECT ${ALARM_COLUMNS}
         FROM alarms WHERE $1 OR cleared_at IS NULL OR (acked_at IS NULL AND severity != 'info')
         ORDER BY id DESC`,
      [options.all === true],
    );
  }

  alarm(id: number): Promise<AlarmRow | null> {
    return this.#one<AlarmRow>(`SELECT ${ALARM_COLUMNS} FROM alarms WHERE id = $1`, [id]);
  }

  async clearAlarms(
    where: { line: string | null; peer: string | null; codes: readonly string[]; cause?: string | undefined },
    at: string,
  ): Promise<number> {
    let cleared = 0;
    for (const code of where.codes) {
      cleared += await this.#run(
        `UPDATE alarms SET cleared_at = $1
           WHERE line IS NOT DISTINCT FROM $2::text AND peer IS NOT DISTINCT FROM $3::text AND code = $4
             AND cleared_at IS NULL AND ($5::text IS NULL OR cause = $5)`,
        [at, where.line, where.peer, code, where.cause ?? null],
      );
    }
    return cleared;
  }

  clearAlarmsOfEntry(
    where: { entry: string; peer: string | null; code: string },
    at: string,
  ): Promise<number> {
    return this.#run(
      `UPDATE alarms SET cleared_at = $1
         WHERE entry = $2 AND code = $3 AND cleared_at IS NULL AND ($4::text IS NULL OR peer = $4)`,
      [at, where.entry, where.code, where.peer],
    );
  }

  async ackAlarm(id: number, by: string, at: string): Promise<boolean> {
    const changed = await this.#run(
      "UPDATE alarms SET acked_by = $1, acked_at = $2 WHERE id = $3 AND acked_at IS NULL",
      [by, at, id],
    );
    return changed > 0 || (await this.alarm(id)) !== null;
  }

  async addHook(hook: Omit<HookRow, "id">): Promise<number> {
    const row = await this.#one<{ id: number }>(
      `INSERT INTO hooks (severity, command, webhook, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [
        hook.severity,
        hook.command === null ? null : JSON.stringify(hook.command),
        hook.webhook,
        hook.createdBy,
        hook.createdAt,
      ],
    );
    return row?.id ?? 0;
  }

  async hooks(): Promise<HookRow[]> {
    const rows = await this.#all<Omit<HookRow, "command"> & { command: string | null }>(
      `SELECT id, severity, command, webhook, created_by AS "createdBy", created_at AS "createdAt"
         FROM hooks ORDER BY id`,
    );
    return rows.map((row) => ({
      ...row,
      command: row.command === null ? null : (JSON.parse(row.command) as string[]),
    }));
  }

  async removeHook(id: number): Promise<boolean> {
    return (await this.#run("DELETE FROM hooks WHERE id = $1", [id])) > 0;
  }

  async addZone(zone: ZoneRow): Promise<boolean> {
    return (
      (await this.#run(
        `INSERT INTO zones (name, kind, geometry, min_alt, max_alt, from_time, to_time, created_by, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (name) DO NOTHING`,
        [
          zone.name,
          zone.kind,
          zone.geometry,
          zone.minAltitude,
          zone.maxAltitude,
          zone.from,
          zone.to,
          zone.createdBy,
          zone.createdAt,
        ],
      )) > 0
    );
  }

  zones(): Promise<ZoneRow[]> {
    return this.#all<ZoneRow>(
      `SELECT name, kind, geometry, min_alt AS "minAltitude", max_alt AS "maxAltitude", from_time AS "from",
              to_time AS "to", created_by AS "createdBy", created_at AS "createdAt"
         FROM zones ORDER BY name`,
    );
  }

  async removeZone(name: string): Promise<boolean> {
    return (await this.#run("DELETE FROM zones WHERE name = $1", [name])) > 0;
  }

  async addRoute(route: RouteRow): Promise<boolean> {
    return (
      (await this.#run(
        `INSERT INTO routes (name, url, priority, listen, created_by, created_at)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [route.name, route.url, route.priority, route.listen, route.createdBy, route.createdAt],
      )) > 0
    );
  }

  routes(): Promise<RouteRow[]> {
    return this.#all<RouteRow>(
      `SELECT name, url, priority, listen, created_by AS "createdBy", created_at AS "createdAt"
         FROM routes ORDER BY priority, name`,
    );
  }

  async removeRoute(name: string): Promise<boolean> {
    return (await this.#run("DELETE FROM routes WHERE name = $1", [name])) > 0;
  }

  async ackKeyChange(ack: KeyChangeAckRow): Promise<void> {
    await this.#run(
      `INSERT INTO key_change_acks (line, station, key, acked_by, acked_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [ack.line, ack.station, ack.key, ack.ackedBy, ack.ackedAt],
    );
  }

  keyChangeAcks(line: string): Promise<KeyChangeAckRow[]> {
    return this.#all<KeyChangeAckRow>(
      `SELECT line, station, key, acked_by AS "ackedBy", acked_at AS "ackedAt"
         FROM key_change_acks WHERE line = $1 ORDER BY acked_at, station`,
      [line],
    );
  }

  async addHealthChange(c: HealthChangeRow): Promise<void> {
    await this.#run(
      `INSERT INTO health_history (line, peer, from_state, to_state, at, last_ok_at, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [c.line, c.peer, c.from, c.to, c.at, c.lastOkAt, c.detail],
    );
  }

  healthHistory(where: { line?: string; peer?: string } = {}): Promise<HealthChangeRow[]> {
    return this.#all<HealthChangeRow>(
      `SELECT line, peer, from_state AS "from", to_state AS "to", at, last_ok_at AS "lastOkAt", detail
         FROM health_history WHERE ($1::text IS NULL OR line = $1) AND ($2::text IS NULL OR peer = $2) ORDER BY n`,
      [where.line ?? null, where.peer ?? null],
    );
  }

  async addRouteChange(c: RouteChangeRow): Promise<void> {
    await this.#run(
      `INSERT INTO route_history (peer, route, kind, from_state, to_state, at, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [c.peer, c.route, c.kind, c.from, c.to, c.at, c.detail],
    );
    // Bounded per peer and route: a flapping route cannot grow the database without end.
    await this.#run(
      `DELETE FROM route_history WHERE peer = $1 AND route = $2 AND n <= (
         SELECT n FROM route_history WHERE peer = $1 AND route = $2 ORDER BY n DESC LIMIT 1 OFFSET $3)`,
      [c.peer, c.route, MAX_ROUTE_CHANGES],
    );
  }

  routeHistory(where: { peer?: string; route?: string } = {}): Promise<RouteChangeRow[]> {
    return this.#all<RouteChangeRow>(
      `SELECT peer, route, kind, from_state AS "from", to_state AS "to", at, detail
         FROM route_history WHERE ($1::text IS NULL OR peer = $1) AND ($2::text IS NULL OR route = $2)
         ORDER BY n`,
      [where.peer ?? null, where.route ?? null],
    );
  }

  async addOperator(op: OperatorRow): Promise<void> {
    // ON CONFLICT instead of catching the error: an error would abort the transaction around it.
    const added = await this.#run(
      `INSERT INTO operators (name, role, password_hash, disabled, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (name) DO NOTHING`,
      [op.name, op.role, op.passwordHash, op.disabled ? 1 : 0, op.createdAt],
    );
    if (added === 0) {
      throw new HotlineError("OPERATOR_EXISTS", `Cannot add operator '${op.name}': that name is taken`);
    }
  }

  async operator(name: string): Promise<OperatorRow | null> {
    const row = await this.#one<OperatorRecord>(
      "SELECT name, role, password_hash, disabled, created_at FROM operators WHERE name = $1",
      [name],
    );
    return row === null ? null : toOperator(row);
  }

  async operators(): Promise<OperatorRow[]> {
    return (
      await this.#all<OperatorRecord>(
        "SELECT name, role, password_hash, disabled, created_at FROM operators ORDER BY created_at, name",
      )
    ).map(toOperator);
  }

  async operatorLang(name: string): Promise<string | null> {
    return (
      (await this.#one<{ lang: string | null }>("SELECT lang FROM operators WHERE name = $1", [name]))
        ?.lang ?? null
    );
  }

  async setOperatorLang(name: string, lang: string): Promise<boolean> {
    return (await this.#run("UPDATE operators SET lang = $1 WHERE name = $2", [lang, name])) === 1;
  }

  async addSession(s: SessionRow): Promise<void> {
    await this.#run("DELETE FROM sessions WHERE expires_at <= $1", [s.createdAt]);
    await this.#run(
      "INSERT INTO sessions (id_hash, operator, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
      [s.idHash, s.operator, s.csrf, s.createdAt, s.expiresAt],
    );
  }

  session(idHash: string, now: string): Promise<SessionRow | null> {
    return this.#one<SessionRow>(
      `SELECT id_hash AS "idHash", operator, csrf, created_at AS "createdAt", expires_at AS "expiresAt"
         FROM sessions WHERE id_hash = $1 AND expires_at > $2`,
      [idHash, now],
    );
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.#run("DELETE FROM sessions WHERE id_hash = $1", [idHash]);
  }

  deleteSessionsOf(operator: string): Promise<number> {
    return this.#run("DELETE FROM sessions WHERE operator = $1", [operator]);
  }

  async setOperatorPassword(name: string, passwordHash: string): Promise<boolean> {
    return (
      (await this.#run("UPDATE operators SET password_hash = $1 WHERE name = $2", [passwordHash, name])) === 1
    );
  }

  async setOperatorDisabled(name: string, disabled: boolean): Promise<boolean> {
    return (
      (await this.#run("UPDATE operators SET disabled = $1 WHERE name = $2", [disabled ? 1 : 0, name])) === 1
    );
  }

  secondFactor(operator: string): Promise<SecondFactorRow | null> {
    return this.#one<SecondFactorRow>(
      `SELECT operator, secret AS "sealedSecret", created_at AS "createdAt", confirmed_at AS "confirmedAt",
              last_step AS "lastStep" FROM second_factors WHERE operator = $1`,
      [operator],
    );
  }

  async startSecondFactor(row: Omit<SecondFactorRow, "confirmedAt">): Promise<void> {
    await this.deleteSecondFactor(row.operator);
    await this.#run(
      `INSERT INTO second_factors (operator, secret, created_at, confirmed_at, last_step)
         VALUES ($1, $2, $3, NULL, $4)`,
      [row.operator, row.sealedSecret, row.createdAt, row.lastStep],
    );
  }

  async confirmSecondFactor(
    operator: string,
    step: number,
    codeHashes: readonly string[],
    at: string,
  ): Promise<boolean> {
    const changed = await this.#run(
      `UPDATE second_factors SET confirmed_at = $1, last_step = $2
         WHERE operator = $3 AND confirmed_at IS NULL AND last_step < $2`,
      [at, step, operator],
    );
    if (changed !== 1) return false;
    for (const hash of codeHashes) {
      await this.#run("INSERT INTO recovery_codes (operator, code_hash) VALUES ($1, $2)", [operator, hash]);
    }
    return true;
  }

  async useTotpStep(operator: string, step: number): Promise<boolean> {
    return (
      (await this.#run("UPDATE second_factors SET last_step = $1 WHERE operator = $2 AND last_step < $1", [
        step,
        operator,
      ])) === 1
    );
  }

  async useRecoveryCode(operator: string, codeHash: string, at: string): Promise<boolean> {
    return (
      (await this.#run(
        "UPDATE recovery_codes SET used_at = $1 WHERE operator = $2 AND code_hash = $3 AND used_at IS NULL",
        [at, operator, codeHash],
      )) === 1
    );
  }

  async recoveryCodesLeft(operator: string): Promise<number> {
    return (
      (
        await this.#one<{ n: number }>(
          "SELECT count(*) AS n FROM recovery_codes WHERE operator = $1 AND used_at IS NULL",
          [operator],
        )
      )?.n ?? 0
    );
  }

  async deleteSecondFactor(operator: string): Promise<boolean> {
    await this.#run("DELETE FROM recovery_codes WHERE operator = $1", [operator]);
    return (await this.#run("DELETE FROM second_factors WHERE operator = $1", [operator])) === 1;
  }

  async addAudit(row: Omit<AuditRow, "n">): Promise<number> {
    const added = await this.#one<{ n: number }>(
      `INSERT INTO audit (at, operator, action, object, outcome, code, origin, via, second_factor)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING n`,
      [
        row.at,
        row.operator,
        row.action,
        row.object,
        row.outcome,
        row.code,
        row.origin,
        row.via,
        row.secondFactor,
      ],
    );
    const n = added?.n ?? 0;
    // Bounded: the newest MAX_AUDIT_ROWS, none older than MAX_AUDIT_AGE_MS (both cheap on their keys).
    await this.#run("DELETE FROM audit WHERE n <= $1", [n - MAX_AUDIT_ROWS]);
    const oldest = new Date(Date.parse(row.at) - MAX_AUDIT_AGE_MS).toISOString();
    await this.#run("DELETE FROM audit WHERE at < $1", [oldest]);
    return n;
  }

  audit(query: AuditQuery = {}): Promise<AuditRow[]> {
    return this.#all<AuditRow>(
      `SELECT n, at, operator, action, object, outcome, code, origin, via, second_factor AS "secondFactor"
         FROM audit WHERE ($1::text IS NULL OR at >= $1) AND ($2::text IS NULL OR operator = $2)
         ORDER BY n DESC LIMIT $3`,
      [query.since ?? null, query.operator ?? null, query.limit ?? 100],
    );
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

function toOperator(row: OperatorRecord): OperatorRow {
  return {
    name: row.name,
    role: row.role,
    passwordHash: row.password_hash,
    disabled: row.disabled !== 0,
    createdAt: row.created_at,
  };
}
