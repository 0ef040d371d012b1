import type Database from "better-sqlite3";
import type postgres from "postgres";

/**
 * One table as both engines keep it: the same columns, of the same meaning and values (see
 * pg-migrations/0001-schema.ts). `order` is the key it is copied in; `rowid`: PostgreSQL's
 * column holding what SQLite keeps as the row's rowid (the order participants were added in).
 * `identity`: the column PostgreSQL numbers, set past the copied rows after a copy into it.
 */
interface CopiedTable {
  name: string;
  columns: readonly string[];
  order: string;
  rowid?: string;
  identity?: string;
}

/** Every table of the store, parents before the tables that refer to them. */
export const STORE_TABLES: readonly CopiedTable[] = [
  { name: "lines", columns: ["id", "name", "created_at"], order: "id" },
  {
    name: "participants",
    columns: [
      "line",
      "station",
      "name",
      "url",
      "cert",
      "added_by",
      "active",
      "consenters",
      "approvals",
      "previous_cert",
      "previous_until",
    ],
    order: "n",
    rowid: "n",
    identity: "n",
  },
  {
    name: "entries",
    columns: ["n", "line", "author", "seq", "hash", "kind", "time", "bytes", "received_at", "received_from"],
    order: "n",
    identity: "n",
  },
  {
    name: "operators",
    columns: ["name", "role", "password_hash", "disabled", "created_at", "lang"],
    order: "name",
  },
  {
    name: "statements",
    columns: ["n", "line", "station", "time", "heads", "bytes", "received_at"],
    order: "n",
    identity: "n",
  },
  { name: "coverage", columns: ["line", "peer", "author", "seq", "time"], order: "line, peer, author, seq" },
  {
    name: "invites",
    columns: ["id", "line", "secret_hash", "created_at", "expires_at", "created_by", "used_at", "used_by"],
    order: "id",
  },
  {
    name: "peer_contact",
    columns: ["station", "last_contact", "last_failure", "last_error", "failures"],
    order: "station",
  },
  {
    name: "evidence",
    columns: [
      "n",
      "code",
      "line",
      "author",
      "seq",
      "held_hash",
      "other_hash",
      "other_bytes",
      "reported_by",
      "detected_at",
    ],
    order: "n",
    identity: "n",
  },
  { name: "evidence_dropped", columns: ["line", "author", "dropped", "last_at"], order: "line, author" },
  {
    name: "alarms",
    columns: [
      "id",
      "code",
      "severity",
      "line",
      "peer",
      "entry",
      "detail",
      "raised_at",
      "cleared_at",
      "acked_by",
      "acked_at",
      "audience",
      "escalation",
      "escalated_at",
      "cause",
      "count",
      "last_raised_at",
    ],
    order: "id",
    identity: "id",
  },
  {
    name: "health_history",
    columns: ["n", "line", "peer", "from_state", "to_state", "at", "last_ok_at", "detail"],
    order: "n",
    identity: "n",
  },
  {
    name: "hooks",
    columns: ["id", "severity", "command", "webhook", "created_by", "created_at"],
    order: "id",
    identity: "id",
  },
  {
    name: "sessions",
    columns: ["id_hash", "operator", "csrf", "created_at", "expires_at"],
    order: "id_hash",
  },
  {
    name: "zones",
    columns: [
      "name",
      "geometry",
      "min_alt",
      "max_alt",
      "from_time",
      "to_time",
      "created_by",
      "created_at",
      "kind",
    ],
    order: "name",
  },
  {
    name: "key_change_acks",
    columns: ["line", "station", "key", "acked_by", "acked_at"],
    order: "line, station, key",
  },
  {
    name: "second_factors",
    columns: ["operator", "secret", "created_at", "confirmed_at", "last_step"],
    order: "operator",
  },
  { name: "recovery_codes", columns: ["operator", "code_hash", "used_at"], order: "operator, code_hash" },
  {
    name: "audit",
    columns: ["n", "at", "operator", "action", "object", "outcome", "code", "origin", "via", "second_factor"],
    order: "n",
    identity: "n",
  },
  {
    name: "routes",
    columns: ["name", "url", "priority", "listen", "created_by", "created_at"],
    order: "name",
  },
  {
    name: "route_history",
    columns: ["n", "peer", "route", "kind", "from_state", "to_state", "at", "detail"],
    order: "n",
    identity: "n",
  },
  { name: "lease", columns: ["id", "holder", "epoch", "acquired_at", "expires_at"], order: "id" },
];

/** Rows copied at a time: a large record is never held whole. */
const COPY_BATCH = 500;

/**
 * Copies every table from a PostgreSQL snapshot into an SQLite database of the newest schema (its
 * tables empty).
 *
 * @param from a transaction on the PostgreSQL store (REPEATABLE READ: one snapshot for all tables)
 * @param to the SQLite database
 * @returns rows copied, by table
 */
export async function copyPostgresToSqlite(
  from: postgres.ISql,
  to: Database.Database,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const table of STORE_TABLES) {
    const pgColumns = table.rowid === undefined ? table.columns : [table.rowid, ...table.columns];
    const liteColumns = table.rowid === undefined ? table.columns : ["rowid", ...table.columns];
    const insert = to.prepare(
      `INSERT INTO ${table.name} (${liteColumns.join(", ")}) VALUES (${liteColumns.map(() => "?").join(", ")})`,
    );
    const many = to.transaction((rows: readonly unknown[][]) => {
      for (const row of rows) insert.run(...row);
    });
    let count = 0;
    const query = from.unsafe(`SELECT ${pgColumns.join(", ")} FROM ${table.name} ORDER BY ${table.order}`);
    for await (const rows of query.values().cursor(COPY_BATCH)) {
      many(rows);
      count += rows.length;
    }
    counts.set(table.name, count);
  }
  return counts;
}

/**
 * Copies every table of an SQLite database into a PostgreSQL one of the newest schema (its tables
 * empty), then sets each identity column past the rows copied.
 *
 * @param from the SQLite database (read only is enough)
 * @param to a transaction on the PostgreSQL database
 * @returns rows copied, by table
 */
export async function copySqliteToPostgres(
  from: Database.Database,
  to: postgres.ISql,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const table of STORE_TABLES) {
    const liteColumns = table.rowid === undefined ? table.columns : ["rowid", ...table.columns];
    const pgColumns = table.rowid === undefined ? table.columns : [table.rowid, ...table.columns];
    const order = table.rowid === undefined ? table.order : "rowid";
    const select = from
      .prepare(`SELECT ${liteColumns.join(", ")} FROM ${table.name} ORDER BY ${order}`)
      .raw();
    let batch: unknown[][] = [];
    let count = 0;
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const params: unknown[] = [];
      const tuples = batch.map((row) => {
        const marks = row.map((value) => {
          params.push(value);
          return `$${params.length}`;
        });
        return `(${marks.join(", ")})`;
      });
      await to.unsafe(
        `INSERT INTO ${table.name} (${pgColumns.join(", ")}) VALUES ${tuples.join(", ")}`,
        params as postgres.ParameterOrJSON<never>[],
      );
      count += batch.length;
      batch = [];
    };
    // (at most COPY_BATCH rows of up to 17 columns a statement: far below the 65535 parameters allowed)
    for (const row of select.iterate() as Iterable<unknown[]>) {
      batch.push(row);
      if (batch.length === COPY_BATCH) await flush();
    }
    await flush();
    if (table.identity !== undefined) {
      await to.unsafe(
        `SELECT setval(pg_get_serial_sequence('${table.name}', '${table.identity}'),
                       GREATEST(COALESCE(MAX(${table.identity}), 0), 1), MAX(${table.identity}) IS NOT NULL)
           FROM ${table.name}`,
      );
    }
    counts.set(table.name, count);
  }
  return counts;
}
