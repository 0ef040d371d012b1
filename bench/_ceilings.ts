/**
 * The ceilings each figure is compared with, measured in the same run: Node's raw Ed25519 sign and
 * verify with parsed key objects, and a bare durable one-row SQLite insert.
 */
import { sign, verify, type KeyObject } from "node:crypto";
import { join } from "node:path";
import Database from "better-sqlite3";
import { signingBytes, type Identity, type SealedEntry } from "../src/record/mod.js";
import { opsPerSecond } from "./_measure.js";

/**
 * @param bytes what to sign (the same size as an entry's signing bytes)
 * @param key a parsed Ed25519 private key
 * @param ops measured signatures
 * @returns signatures per second on this thread
 */
export function rawSignRate(bytes: Buffer, key: KeyObject, ops: number): number {
  return opsPerSecond(ops, () => sign(null, bytes, key));
}

/**
 * @param bytes signed bytes
 * @param signature their signature
 * @param key the parsed Ed25519 public key
 * @param ops measured verifications
 * @returns verifications per second on this thread
 * @throws Error when the signature does not verify (the ceiling would be meaningless)
 */
export function rawVerifyRate(bytes: Buffer, signature: Buffer, key: KeyObject, ops: number): number {
  if (!verify(null, bytes, key, signature)) throw new Error("raw verify ceiling: the signature is invalid");
  return opsPerSecond(ops, () => verify(null, bytes, key, signature));
}

/**
 * Durable one-row inserts, each its own transaction, into a fresh table of a fresh database (WAL,
 * `synchronous=FULL`, as the store opens it).
 *
 * @param dir an empty directory for the database
 * @param rowBytes size of the blob each row holds
 * @param ops measured inserts
 * @returns inserts per second
 */
export function durableInsertRate(dir: string, rowBytes: number, ops: number): number {
  const db = new Database(join(dir, "ceiling.db"));
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.exec("CREATE TABLE t (n INTEGER PRIMARY KEY, bytes BLOB NOT NULL)");
    const insert = db.prepare("INSERT INTO t (bytes) VALUES (?)");
    const row = Buffer.alloc(rowBytes, 0x61);
    return opsPerSecond(ops, () => insert.run(row), 20);
  } finally {
    db.close();
  }
}

/**
 * Durable inserts of rows in batches, each batch one transaction, into a fresh table of a fresh
 * database (WAL, `synchronous=FULL`): the storage ceiling of writing entries in batches.
 *
 * @param dir an empty directory for the database
 * @param rowBytes size of the blob each row holds
 * @param batches measured transactions
 * @param perBatch rows in each
 * @returns rows inserted per second
 */
export function durableBatchInsertRate(
  dir: string,
  rowBytes: number,
  batches: number,
  perBatch: number,
): number {
  const db = new Database(join(dir, "ceiling.db"));
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.exec("CREATE TABLE t (n INTEGER PRIMARY KEY, bytes BLOB NOT NULL)");
    const insert = db.prepare("INSERT INTO t (bytes) VALUES (?)");
    const row = Buffer.alloc(rowBytes, 0x61);
    const batch = db.transaction(() => {
      for (let i = 0; i < perBatch; i++) insert.run(row);
    });
    return opsPerSecond(batches, () => batch(), 2) * perBatch;
  } finally {
    db.close();
  }
}

/** What the ceilings are measured on: one real entry's signing bytes, its signature and keys. */
export interface CeilingSample {
  /** the entry's signing bytes (canonical JSON without `sig`) */
  bytes: Buffer;
  signature: Buffer;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** size of the entry as stored (canonical JSON with `sig`) */
  stored: number;
}

/**
 * @param identity the entry's author
 * @param sealed an entry that author wrote
 * @returns the sample the ceilings are measured on
 */
export function ceilingSample(identity: Identity, sealed: SealedEntry): CeilingSample {
  return {
    bytes: signingBytes(sealed.entry),
    signature: Buffer.from(sealed.entry.sig, "base64url"),
    privateKey: identity.privateKey,
    publicKey: identity.publicKey,
    stored: sealed.bytes.length,
  };
}
