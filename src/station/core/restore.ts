import { randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { HotlineError, identityFromPem } from "../../record/mod.js";
import { openSqliteStore } from "../../store/mod.js";
import { checkBackupFile, eachChunk, readKeyFiles, type KeyFiles } from "./backup-file.js";
import { pendingCertPaths } from "./cert-renewal.js";
import { stationPaths } from "./config.js";
import { restoredMarkerPath } from "./restored.js";

/** What {@link restoreBackup} takes. */
export interface RestoreOptions {
  /** the backup file */
  file: string;
  /** the data directory to make: new, or empty */
  dir: string;
  /** asks for the passphrase; called only when the backup holds keys */
  passphrase?: (() => Promise<string>) | undefined;
}

/** What a restore made. */
export interface RestoreResult {
  dir: string;
  station: { id: string; name: string };
  /** when the backup was made */
  createdAt: string;
  /** whether the keys and station.json were in the backup (else they must be put in by hand) */
  withKeys: boolean;
  /** the files the directory still needs before `hotline start` */
  missing: string[];
}

/** The files a backup without keys leaves out. */
const SECRET_FILES = ["station.json", "identity.key", "tls.key", "tls.crt"];

/**
 * Makes a station directory from a backup file. The whole file is checked (sizes, SHA-256, the
 * passphrase) before anything is written, and the directory is built under a temporary name beside
 * the target and renamed into place only when complete: a failed restore leaves nothing behind.
 *
 * @param options the backup, the directory, how to ask for the passphrase
 * @returns what was restored, and what is still missing
 * @throws HotlineError STATION_EXISTS (the directory is not empty), BAD_BACKUP, BAD_PASSPHRASE
 */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreResult> {
  const target = resolve(options.dir);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) {
      throw new HotlineError("BAD_INPUT", `Cannot restore into ${target}: it is a file, not a directory`);
    }
    if (readdirSync(target).length > 0) {
      throw new HotlineError(
        "STATION_EXISTS",
        `Cannot restore into ${target}: the directory is not empty; choose a new --dir`,
      );
    }
  }
  let fd: number;
  try {
    fd = openSync(options.file, "r");
  } catch (cause) {
    throw new HotlineError(
      "BAD_INPUT",
      `Cannot read the backup ${options.file}: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
  try {
    const backup = checkBackupFile(fd, options.file);
    const { header } = backup;
    let keys: KeyFiles | undefined;
    if (header.keys !== undefined) {
      if (options.passphrase === undefined) {
        throw new HotlineError(
          "BAD_INPUT",
          "Cannot restore the keys: the backup holds them sealed; give its passphrase (--passphrase-file)",
        );
      }
      keys = await readKeyFiles(fd, backup, await options.passphrase());
      if (identityFromPem(keys.identityKey).id !== header.station.id) {
        throw new HotlineError(
          "BAD_BACKUP",
          `Cannot restore from ${options.file}: its identity key is not station ${header.station.id}'s`,
        );
      }
    }

    const staging = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString("hex")}.restoring`);
    mkdirSync(staging, { mode: 0o700 });
    try {
      const paths = stationPaths(staging);
      const out = openSync(paths.database, "wx", 0o600);
      try {
        let at = 0;
        eachChunk(fd, backup.databaseAt, header.database.bytes, (chunk) => {
          at += writeSync(out, chunk, 0, chunk.length, at);
        });
        fsyncSync(out);
      } finally {
        closeSync(out);
      }
      // Opened once as a store: an SQLite file that is not one of ours fails here, not at start.
      await (await openSqliteStore(paths.database)).close();
      if (keys !== undefined) {
        writeFileSync(paths.identityKey, keys.identityKey, { mode: 0o600, flag: "wx" });
        writeFileSync(paths.tlsKey, keys.tlsKey, { mode: 0o600, flag: "wx" });
        writeFileSync(paths.tlsCert, keys.tlsCert, { mode: 0o644, flag: "wx" });
        writeFileSync(paths.config, keys.config, { mode: 0o644, flag: "wx" });
        if (keys.nextTls !== undefined) {
          const next = pendingCertPaths(paths);
          writeFileSync(next.key, keys.nextTls.key, { mode: 0o600, flag: "wx" });
          writeFileSync(next.cert, keys.nextTls.cert, { mode: 0o644, flag: "wx" });
        }
      }
      // Until its peers show it holds all of its own chain again, the station expects them to hold more.
      writeFileSync(restoredMarkerPath(paths), `${header.createdAt}\n`, { mode: 0o644, flag: "wx" });
      if (existsSync(target)) rmdirSync(target);
      renameSync(staging, target);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      throw error;
    }
    return {
      dir: target,
      station: header.station,
      createdAt: header.createdAt,
      withKeys: keys !== undefined,
      missing: keys === undefined ? SECRET_FILES : [],
    };
  } finally {
    closeSync(fd);
  }
}
