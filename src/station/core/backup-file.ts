import { createHash } from "node:crypto";
import { closeSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from "node:fs";
import { z } from "zod";
import { HotlineError, describeZodError } from "../../record/mod.js";
import { SEALING, openKeys, sealKeys } from "./backup-keys.js";

/**
 * A backup file is: this line, one line of JSON (the header), then the sections' bytes back to
 * back — the database (an SQLite file), then, with `--with-keys`, the sealed secret files. The
 * header gives each section's size and SHA-256, so a truncated or altered file is found before
 * anything is written.
 */
export const BACKUP_MAGIC = "hotline-backup 1\n";

/** The header line is read in one go; a longer one is not a backup of ours. */
const MAX_HEADER_BYTES = 16 * 1024;
/** Bytes copied at a time. */
const CHUNK = 1024 * 1024;

const SHA256 = z.string().regex(/^[0-9a-f]{64}$/);
const SECTION = z.strictObject({
  bytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  sha256: SHA256,
});

/** The header of a backup file. */
export const BACKUP_HEADER = z.strictObject({
  v: z.literal(1),
  createdAt: z.string().max(40),
  station: z.strictObject({ id: z.string().max(64), name: z.string().max(200) }),
  database: SECTION,
  keys: SECTION.extend({ sealing: SEALING }).optional(),
});
export type BackupHeader = z.infer<typeof BACKUP_HEADER>;

/** The secret files a backup made `--with-keys` holds, as text. */
export const KEY_FILES = z.strictObject({
  config: z.string(),
  identityKey: z.string(),
  tlsKey: z.string(),
  tlsCert: z.string(),
  /** a certificate renewal still waiting for receipts: its certificate and key */
  nextTls: z.strictObject({ cert: z.string(), key: z.string() }).optional(),
});
export type KeyFiles = z.infer<typeof KEY_FILES>;

/** A backup file read and checked: where its sections start. */
export interface CheckedBackup {
  header: BackupHeader;
  databaseAt: number;
  keysAt: number;
}

/**
 * What the keys' seal covers besides them: the header without the keys section, so the keys
 * cannot be moved under another station's header or database.
 */
function boundOf(header: Omit<BackupHeader, "keys">): Buffer {
  const { v, createdAt, station, database } = header;
  return Buffer.from(
    JSON.stringify([v, createdAt, station.id, station.name, database.bytes, database.sha256]),
  );
}

/**
 * Streams `length` bytes of a file from `at`, chunk by chunk.
 *
 * @param fd the open file
 * @param at where to start
 * @param length how many bytes
 * @param each called with each chunk (a view valid until the next call)
 */
export function eachChunk(fd: number, at: number, length: number, each: (chunk: Buffer) => void): void {
  const buffer = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(length, 1)));
  for (let done = 0; done < length;) {
    const read = readSync(fd, buffer, 0, Math.min(buffer.length, length - done), at + done);
    if (read === 0) throw new HotlineError("BAD_BACKUP", "Cannot read the backup: it ends early");
    each(buffer.subarray(0, read));
    done += read;
  }
}

function sha256Of(fd: number, at: number, length: number): string {
  const hash = createHash("sha256");
  eachChunk(fd, at, length, (chunk) => hash.update(chunk));
  return hash.digest("hex");
}

/** What {@link writeBackupFile} writes. */
export interface BackupContents {
  /** the database copy to put in (an SQLite file made by the store's online backup) */
  database: string;
  station: { id: string; name: string };
  createdAt: string;
  /** the secret files and the passphrase that seals them; none: the database only */
  keys?: { files: KeyFiles; passphrase: string } | undefined;
}

/**
 * Writes a backup file to an open file (made 0600 by the caller) and syncs it.
 *
 * @param fd the file to write, empty
 * @param contents what to put in it
 * @returns its header
 */
export async function writeBackupFile(fd: number, contents: BackupContents): Promise<BackupHeader> {
  const databaseFd = openSync(contents.database, "r");
  try {
    const bytes = fstatSync(databaseFd).size;
    const base = {
      v: 1 as const,
      createdAt: contents.createdAt,
      station: contents.station,
      database: { bytes, sha256: sha256Of(databaseFd, 0, bytes) },
    };
    let keys: { section: NonNullable<BackupHeader["keys"]>; sealed: Buffer } | undefined;
    if (contents.keys !== undefined) {
      const plain = Buffer.from(JSON.stringify(contents.keys.files));
      const { sealed, sealing } = await sealKeys(plain, contents.keys.passphrase, boundOf(base));
      const sha256 = createHash("sha256").update(sealed).digest("hex");
      keys = { section: { bytes: sealed.length, sha256, sealing }, sealed };
    }
    const header: BackupHeader = { ...base, ...(keys === undefined ? {} : { keys: keys.section }) };
    let at = writeSync(fd, `${BACKUP_MAGIC}${JSON.stringify(header)}\n`);
    eachChunk(databaseFd, 0, bytes, (chunk) => {
      at += writeSync(fd, chunk, 0, chunk.length, at);
    });
    if (keys !== undefined) writeSync(fd, keys.sealed, 0, keys.sealed.length, at);
    fsyncSync(fd);
    return header;
  } finally {
    closeSync(databaseFd);
  }
}

/**
 * Reads a backup file's header and checks the file whole: its sections' sizes add up to the
 * file's, and each has the SHA-256 the header gives.
 *
 * @param fd the backup file, open for reading
 * @param name its name, for messages
 * @returns its header and where its sections start
 * @throws HotlineError BAD_BACKUP when it is not a backup, or is truncated or altered
 */
export function checkBackupFile(fd: number, name: string): CheckedBackup {
  const damaged = (why: string): HotlineError =>
    new HotlineError("BAD_BACKUP", `Cannot restore from ${name}: ${why}`);
  const size = fstatSync(fd).size;
  const start = Buffer.alloc(Math.min(size, MAX_HEADER_BYTES));
  readSync(fd, start, 0, start.length, 0);
  if (!start.subarray(0, BACKUP_MAGIC.length).equals(Buffer.from(BACKUP_MAGIC))) {
    throw damaged("it is not a hotline backup");
  }
  const end = start.indexOf(0x0a, BACKUP_MAGIC.length);
  if (end < 0) throw damaged("its header is cut off");
  let value: unknown;
  try {
    value = JSON.parse(start.subarray(BACKUP_MAGIC.length, end).toString("utf8"));
  } catch {
    throw damaged("its header is not JSON");
  }
  const parsed = BACKUP_HEADER.safeParse(value);
  if (!parsed.success) throw damaged(`its header is not valid: ${describeZodError(parsed.error)}`);
  const header = parsed.data;
  const databaseAt = end + 1;
  const keysAt = databaseAt + header.database.bytes;
  const expected = keysAt + (header.keys?.bytes ?? 0);
  if (size < expected) throw damaged(`it is truncated (${size} bytes of ${expected})`);
  if (size > expected) throw damaged(`it has ${size - expected} bytes more than its header accounts for`);
  if (sha256Of(fd, databaseAt, header.database.bytes) !== header.database.sha256) {
    throw damaged("its database section was altered or damaged (SHA-256 differs)");
  }
  if (header.keys !== undefined && sha256Of(fd, keysAt, header.keys.bytes) !== header.keys.sha256) {
    throw damaged("its keys section was altered or damaged (SHA-256 differs)");
  }
  return { header, databaseAt, keysAt };
}

/**
 * Opens the sealed keys of a checked backup file.
 *
 * @param fd the backup file
 * @param backup what {@link checkBackupFile} found
 * @param passphrase the passphrase it was made with
 * @returns the secret files
 * @throws HotlineError BAD_PASSPHRASE, or BAD_BACKUP when the backup holds no keys
 */
export async function readKeyFiles(fd: number, backup: CheckedBackup, passphrase: string): Promise<KeyFiles> {
  const section = backup.header.keys;
  if (section === undefined) {
    throw new HotlineError("BAD_BACKUP", "Cannot read keys from the backup: it was made without --with-keys");
  }
  const sealed = Buffer.alloc(section.bytes);
  readSync(fd, sealed, 0, section.bytes, backup.keysAt);
  const plain = await openKeys(sealed, section.sealing, passphrase, boundOf(backup.header));
  const parsed = KEY_FILES.safeParse(JSON.parse(plain.toString("utf8")));
  if (!parsed.success) {
    throw new HotlineError(
      "BAD_BACKUP",
      `Cannot read keys from the backup: ${describeZodError(parsed.error)}`,
    );
  }
  return parsed.data;
}
