import Database from "better-sqlite3";
import type { Statement } from "better-sqlite3";
import { HotlineError } from "../record/mod.js";
import type { SealedEntry } from "../record/mod.js";
import { migrate } from "./migrate.js";
import type { Head, LineRow, OperatorRow, ParticipantRow, Role, Store, StoredEntry } from "./store.js";

interface EntryRecord {
  line: string;
  author: string;
  seq: number;
  hash: string;
  kind: string;
  time: string;
  bytes: Buffer;
  received_at: string;
}

interface OperatorRecord {
  name: string;
  role: Role;
  password_hash: string;
  disabled: number;
  created_at: string;
}

const ENTRY_COLUMNS = "line, author, seq, hash, kind, time, bytes, received_at";

/**
 * Opens (creating if need be) the SQLite store at a path: WAL, `synchronous=FULL` so a commit
 * survives power loss, a busy timeout for the CLI and the running station sharing the file, and
 * every migration applied.
 *
 * @param path the database file
 * @param options `readonly` opens without writing (for `verify` on a copy)
 * @returns the store
 */
export function openSqliteStore(path: string, options: { readonly?: boolean } = {}): Store {
  let db: Database.Database;
  try {
    db = new Database(path, {
      readonly: options.readonly ?? false,
      fileMustExist: options.readonly ?? false,
    });
  } catch (cause) {
    throw new HotlineError("NO_STATION", `Cannot open the database ${path}: ${(cause as Error).message}`, {
      cause,
    });
  }
  db.pragma("busy_timeout = 5000");
  if (!options.readonly) {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.pragma("foreign_keys = ON");
    migrate(db);
  }
  return new SqliteStore(db);
}

class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly #insertEntry: Statement;
  readonly #insertLine: Statement;
  readonly #insertParticipant: Statement;
  readonly #head: Statement;
  readonly #append: (entries: readonly SealedEntry[], receivedAt: string) => void;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#insertEntry = db.prepare(
      `INSERT INTO entries (${ENTRY_COLUMNS}) VALUES (@line, @author, @seq, @hash, @kind, @time, @bytes, @received_at)`,
    );
    this.#insertLine = db.prepare("INSERT INTO lines (id, name, created_at) VALUES (?, ?, ?)");
    this.#insertParticipant = db.prepare(
      "INSERT OR IGNORE INTO participants (line, station, name, url, cert, added_by) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.#head = db.prepare(
      "SELECT author, seq, hash FROM entries WHERE line = ? AND author = ? ORDER BY seq DESC LIMIT 1",
    );
    this.#append = db.transaction((entries: readonly SealedEntry[], receivedAt: string) => {
      for (const { entry, bytes, hash } of entries) {
        const line = entry.kind === "line.genesis" ? hash : entry.line;
        if (line === null) throw new HotlineError("BAD_LINE", "Cannot store an entry with no line");
        if (entry.kind === "line.genesis") {
          this.#insertLine.run(hash, entry.body.name, entry.time);
          const c = entry.body.creator;
          this.#insertParticipant.run(hash, c.station, c.name, c.url, c.cert, hash);
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
        });
        if (entry.kind === "member.add") {
          const m = entry.body.member;
          this.#insertParticipant.run(line, m.station, m.name, m.url, m.cert, hash);
        }
      }
    });
  }

  appendEntries(entries: readonly SealedEntry[], receivedAt: string): void {
    this.#append(entries, receivedAt);
  }

  withWriteLock<T>(fn: () => T): T {
    return this.#db.transaction(fn).immediate();
  }

  head(line: string, author: string): Head | null {
    return (this.#head.get(line, author) as Head | undefined) ?? null;
  }

  heads(line: string): Head[] {
    return this.#db
      .prepare(
        "SELECT author, MAX(seq) AS seq, hash FROM entries WHERE line = ? GROUP BY author ORDER BY MIN(n)",
      )
      .all(line) as Head[];
  }

  entryByHash(hash: string): StoredEntry | null {
    const row = this.#db.prepare(`SELECT ${ENTRY_COLUMNS} FROM entries WHERE hash = ?`).get(hash) as
      EntryRecord | undefined;
    return row === undefined ? null : toStoredEntry(row);
  }

  entryAt(line: string, author: string, seq: number): StoredEntry | null {
    const row = this.#db
      .prepare(`SELECT ${ENTRY_COLUMNS} FROM entries WHERE line = ? AND author = ? AND seq = ?`)
      .get(line, author, seq) as EntryRecord | undefined;
    return row === undefined ? null : toStoredEntry(row);
  }

  lines(): LineRow[] {
    return this.#db
      .prepare(
        `SELECT l.id, l.name, l.created_at AS createdAt, (SELECT COUNT(*) FROM entries e WHERE e.line = l.id) AS entries
         FROM lines l ORDER BY l.created_at, l.id`,
      )
      .all() as LineRow[];
  }

  participants(line: string): ParticipantRow[] {
    return this.#db
      .prepare(
        "SELECT station, name, url, cert, added_by AS addedBy FROM participants WHERE line = ? ORDER BY rowid",
      )
      .all(line) as ParticipantRow[];
  }

  entries(line: string): StoredEntry[] {
    const rows = this.#db
      .prepare(`SELECT ${ENTRY_COLUMNS} FROM entries WHERE line = ? ORDER BY n`)
      .all(line) as EntryRecord[];
    return rows.map(toStoredEntry);
  }

  *allEntries(): IterableIterator<StoredEntry> {
    const rows = this.#db
      .prepare(`SELECT ${ENTRY_COLUMNS} FROM entries ORDER BY n`)
      .iterate() as IterableIterator<EntryRecord>;
    for (const row of rows) yield toStoredEntry(row);
  }

  countEntries(): number {
    return (this.#db.prepare("SELECT COUNT(*) AS n FROM entries").get() as { n: number }).n;
  }

  addOperator(op: OperatorRow): void {
    try {
      this.#db
        .prepare(
          "INSERT INTO operators (name, role, password_hash, disabled, created_at) VALUES (?, ?, ?, ?, ?)",
        )
        .run(op.name, op.role, op.passwordHash, op.disabled ? 1 : 0, op.createdAt);
    } catch (cause) {
      throw new HotlineError("BAD_INPUT", `Cannot add operator '${op.name}': that name is taken`, { cause });
    }
  }

  operator(name: string): OperatorRow | null {
    const row = this.#db.prepare("SELECT * FROM operators WHERE name = ?").get(name) as
      OperatorRecord | undefined;
    return row === undefined ? null : toOperator(row);
  }

  operators(): OperatorRow[] {
    return (
      this.#db.prepare("SELECT * FROM operators ORDER BY created_at, name").all() as OperatorRecord[]
    ).map(toOperator);
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

function toStoredEntry(row: EntryRecord): StoredEntry {
  return {
    line: row.line,
    author: row.author,
    seq: row.seq,
    hash: row.hash,
    kind: row.kind,
    time: row.time,
    bytes: row.bytes,
    receivedAt: row.received_at,
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
