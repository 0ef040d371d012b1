import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { exportPrivateKey, identityFromPem, type Identity } from "../../record/mod.js";
import type { StationPaths } from "./config.js";

/**
 * A rotated key's file starts with this header naming the station id, which is no longer the key's
 * own: so the key file alone (a backup of it, say) still says which station it signs for. PEM
 * readers skip text before the `-----BEGIN` line.
 */
const STATION_HEADER = /^Station-Id: ([A-Za-z0-9_-]{43})\n/;

/**
 * @param paths the station's files
 * @returns where a new key waits while its rotation is committed
 */
export function nextKeyPath(paths: StationPaths): string {
  return `${paths.identityKey}.next`;
}

/**
 * Reads a station's identity key file: its private key and the station id it signs for.
 *
 * @param path the key file
 * @returns the identity
 */
export function readIdentityFile(path: string): Identity {
  const text = readFileSync(path, "utf8");
  const id = STATION_HEADER.exec(text)?.[1];
  return identityFromPem(text.replace(STATION_HEADER, ""), id);
}

/**
 * Writes a new key (0600) where it waits for its rotation to be committed, durably: it must be on
 * disk before any entry announcing it is.
 *
 * @param paths the station's files
 * @param next the new identity (its id the station's)
 */
export function writeNextKey(paths: StationPaths, next: Identity): void {
  const path = nextKeyPath(paths);
  rmSync(path, { force: true });
  const fd = openSync(path, "wx", 0o600);
  try {
    writeSync(fd, `Station-Id: ${next.id}\n${exportPrivateKey(next)}`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  syncDirectory(dirname(path));
}

/**
 * Puts the new key in the old one's place (a rename: the old key is gone, not kept), durably.
 *
 * @param paths the station's files
 */
export function adoptNextKey(paths: StationPaths): void {
  renameSync(nextKeyPath(paths), paths.identityKey);
  syncDirectory(dirname(paths.identityKey));
}

/**
 * Finishes or undoes a key rotation a crash interrupted: a waiting new key whose rotation the
 * record holds takes the old one's place; one whose rotation was never committed is deleted.
 *
 * @param paths the station's files
 * @param committed whether the record holds a rotation of this station to that key
 * @returns what was done
 */
export async function settleKeyRotation(
  paths: StationPaths,
  committed: (key: string) => Promise<boolean>,
): Promise<"none" | "finished" | "undone"> {
  const path = nextKeyPath(paths);
  if (!existsSync(path)) return "none";
  let next: Identity;
  try {
    next = readIdentityFile(path);
  } catch {
    // Written durably before any entry names it: an unreadable one was never used.
    rmSync(path, { force: true });
    return "undone";
  }
  if (await committed(next.key)) {
    adoptNextKey(paths);
    return "finished";
  }
  rmSync(path, { force: true });
  return "undone";
}

function syncDirectory(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
