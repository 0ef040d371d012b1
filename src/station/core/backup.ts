import { randomBytes } from "node:crypto";
import { closeSync, existsSync, linkSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { HotlineError } from "../../record/mod.js";
import { writeBackupFile, type BackupHeader } from "./backup-file.js";
import { pendingCertPaths } from "./cert-renewal.js";
import type { StationPaths } from "./config.js";
import type { Station } from "./station.js";

/** A copy of a station's database, made while it runs, waiting in its data directory. */
export interface DatabaseSnapshot {
  /** its file name in the data directory */
  file: string;
  bytes: number;
  station: { id: string; name: string };
}

/** Snapshot files in the data directory are named so; a stray one (a backup cut short) may go. */
const SNAPSHOT_NAME = /^snapshot-[0-9a-f]{16}\.db$/;

/**
 * Copies the station's database with SQLite's online backup while the station runs, into a new
 * file (0600) in its own data directory: the operator API never writes anywhere else. The caller
 * (the CLI) makes the backup file from it and removes it.
 *
 * @param station the station
 * @returns the snapshot
 */
export async function snapshotDatabase(station: Station): Promise<DatabaseSnapshot> {
  const file = `snapshot-${randomBytes(8).toString("hex")}.db`;
  const bytes = await station.store.backupTo(join(station.paths.dir, file));
  return { file, bytes, station: { id: station.identity.id, name: station.config.name } };
}

/**
 * @param paths the station's files
 * @param file a snapshot's file name, as {@link snapshotDatabase} answered it
 * @returns its path in the data directory
 * @throws HotlineError BAD_INPUT when the name is not a snapshot's
 */
export function snapshotPath(paths: StationPaths, file: string): string {
  if (!SNAPSHOT_NAME.test(file)) {
    throw new HotlineError("BAD_INPUT", `Cannot use '${file}' as a database snapshot: not a snapshot's name`);
  }
  return join(paths.dir, file);
}

/** @returns a certificate renewal's files while it waits for receipts, to back up with the keys */
function pendingRenewal(paths: StationPaths): { nextTls?: { cert: string; key: string } } {
  const next = pendingCertPaths(paths);
  if (!existsSync(next.cert) || !existsSync(next.key)) return {};
  return { nextTls: { cert: readFileSync(next.cert, "utf8"), key: readFileSync(next.key, "utf8") } };
}

/**
 * Removes snapshots a backup cut short left in the data directory; run at start, before the
 * operator API serves (no backup can be using one then).
 *
 * @param paths the station's files
 * @returns how many were removed
 */
export function removeStraySnapshots(paths: StationPaths): number {
  const stray = readdirSync(paths.dir).filter((file) => SNAPSHOT_NAME.test(file));
  for (const file of stray) rmSync(join(paths.dir, file), { force: true });
  return stray.length;
}

/** What {@link writeBackup} puts in a backup file. */
export interface WriteBackupOptions {
  /** the station's files (the secret ones are read from there) */
  paths: StationPaths;
  /** the database snapshot to put in */
  snapshot: DatabaseSnapshot;
  /** the backup file to make; it must not exist */
  out: string;
  createdAt: string;
  /** with it, the identity key, TLS key and certificate and station.json go in, sealed with it */
  passphrase?: string | undefined;
}

/**
 * Makes a backup file (0600) from a snapshot: written under a temporary name beside it and linked
 * into place only when complete, so there is never a half-written backup under its name, and an
 * existing file is never replaced.
 *
 * @param options what goes in, and where
 * @returns the file's header
 * @throws HotlineError FILE_EXISTS when the file exists
 */
export async function writeBackup(options: WriteBackupOptions): Promise<BackupHeader> {
  const out = resolve(options.out);
  const exists = (): HotlineError =>
    new HotlineError(
      "FILE_EXISTS",
      `Cannot write the backup to ${out}: the file exists; choose another --out`,
    );
  if (existsSync(out)) throw exists();
  const { paths } = options;
  const keys =
    options.passphrase === undefined
      ? undefined
      : {
          passphrase: options.passphrase,
          files: {
            config: readFileSync(paths.config, "utf8"),
            identityKey: readFileSync(paths.identityKey, "utf8"),
            tlsKey: readFileSync(paths.tlsKey, "utf8"),
            tlsCert: readFileSync(paths.tlsCert, "utf8"),
            ...pendingRenewal(paths),
          },
        };
  const partial = join(dirname(out), `.${basename(out)}.${randomBytes(6).toString("hex")}.partial`);
  let fd: number;
  try {
    fd = openSync(partial, "wx", 0o600);
  } catch (cause) {
    throw new HotlineError("BAD_INPUT", `Cannot write the backup to ${out}: ${(cause as Error).message}`, {
      cause,
    });
  }
  try {
    const header = await writeBackupFile(fd, {
      database: join(paths.dir, options.snapshot.file),
      station: options.snapshot.station,
      createdAt: options.createdAt,
      keys,
    });
    closeSync(fd);
    fd = -1;
    try {
      linkSync(partial, out);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === "EEXIST") throw exists();
      throw cause;
    }
    return header;
  } finally {
    if (fd >= 0) closeSync(fd);
    rmSync(partial, { force: true });
  }
}
