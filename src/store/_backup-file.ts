import { closeSync, openSync } from "node:fs";
import { HotlineError } from "../record/mod.js";

/**
 * Creates the empty file a backup is written into, 0600 before a byte is in it (SQLite takes an
 * empty file as a new database).
 *
 * @param path the new file
 * @throws HotlineError FILE_EXISTS when it exists, BAD_INPUT when it cannot be made
 */
export function createBackupFile(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o600);
  } catch (cause) {
    const exists = (cause as NodeJS.ErrnoException).code === "EEXIST";
    throw new HotlineError(
      exists ? "FILE_EXISTS" : "BAD_INPUT",
      `Cannot back up the database to ${path}: ${exists ? "the file exists" : (cause as Error).message}`,
      { cause },
    );
  }
  closeSync(fd);
}
