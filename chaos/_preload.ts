/**
 * Loaded with `node --import` into the `hotline start` processes of a chaos run only, so the
 * station's code grows no test hook: it injects the two faults a proxy cannot.
 *
 *  - clock skew: `Date.now` (what the station's `systemClock` reads) runs ahead or behind by the
 *    milliseconds written in the file `skew-ms`;
 *  - a full disk: while the file `disk-full` exists, every SQLite write (a statement that is not a
 *    read, and `exec`) throws better-sqlite3's `SqliteError` with code `SQLITE_FULL`, as SQLite
 *    does when the filesystem has no room. Reads go on, as they do on a full disk.
 *
 * Both files live in the directory named by `HOTLINE_CHAOS_CONTROL`, written by the chaos run and
 * read here every 50 ms (never on the station's hot path). Without that variable this does nothing.
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { isMainThread } from "node:worker_threads";

/** The variable naming the control directory. */
export const CONTROL_ENV = "HOTLINE_CHAOS_CONTROL";
/** The file holding the clock's offset in ms (a signed integer). */
export const SKEW_FILE = "skew-ms";
/** The file whose presence fills the disk. */
export const DISK_FULL_FILE = "disk-full";

const control = process.env[CONTROL_ENV];
// Worker threads (signature checks, backups) read no clock the station keeps, and a backup
// worker's failing writes are not the fault being injected.
if (control !== undefined && control !== "" && isMainThread) install(control);

interface Statement {
  reader: boolean;
  source: string;
  run: (this: Statement, ...args: unknown[]) => unknown;
}
interface DatabaseClass {
  new (path: string): { prepare(sql: string): Statement; close(): void };
  prototype: { exec: (this: unknown, sql: string) => unknown };
  SqliteError: new (message: string, code: string) => Error;
}

function install(dir: string): void {
  let skewMs = 0;
  let full = false;
  const read = () => {
    try {
      const text = existsSync(join(dir, SKEW_FILE)) ? readFileSync(join(dir, SKEW_FILE), "utf8") : "0";
      const parsed = Number.parseInt(text.trim(), 10);
      skewMs = Number.isFinite(parsed) ? parsed : 0;
      full = existsSync(join(dir, DISK_FULL_FILE));
    } catch {
      // a file being rewritten: keep what was read last
    }
  };
  read();
  setInterval(read, 50).unref();

  const realNow = Date.now.bind(Date);
  Date.now = () => realNow() + skewMs;

  const Database = createRequire(import.meta.url)("better-sqlite3") as DatabaseClass;
  const probe = new Database(":memory:");
  const statement = Object.getPrototypeOf(probe.prepare("SELECT 1")) as Statement;
  probe.close();
  const fullError = () => new Database.SqliteError("database or disk is full", "SQLITE_FULL");
  // Opening and undoing a transaction need no room (a rollback is how a failed one is undone);
  // the inserts, updates and the commit do.
  const needsNoRoom = (sql: string) => /^\s*(BEGIN|SAVEPOINT|ROLLBACK)/i.test(sql);
  const run = statement.run;
  statement.run = function (this: Statement, ...args: unknown[]) {
    if (full && !this.reader && !needsNoRoom(this.source)) throw fullError();
    return run.apply(this, args);
  };
  const exec = Database.prototype.exec;
  Database.prototype.exec = function (this: unknown, sql: string) {
    if (full && !needsNoRoom(sql)) throw fullError();
    return exec.call(this, sql);
  };
}
