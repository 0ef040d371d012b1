import { HotlineError } from "./errors.js";
import { ENTRY_SCHEMA, type Entry, type EntryOf, type Kind } from "./kinds.js";
import { describeZodError } from "./schema-error.js";

/** What a store keeps of an entry and this reader needs: its bytes, and the hash and kind it was filed under. */
export interface StoredBytes {
  hash: string;
  kind: string;
  bytes: Buffer;
}

/**
 * Reads an entry back from the bytes a store kept: JSON, then the schema of its kind (body
 * included), and that it is the kind it was filed under — the one way stored entries are read, so
 * a damaged database is a clear error where it is read, never a crash or a wrong value further on.
 * Its signature and chain are not checked again (they were on arrival; `hotline verify` does it).
 *
 * @param stored the stored entry: bytes, hash and kind
 * @param kind the kind the caller reads it as (default whatever it was filed under)
 * @returns the entry, typed by its kind
 * @throws HotlineError STORE_DAMAGED when the bytes are not JSON, not an entry, or of another kind
 * @example
 * const settings = readStoredEntry(row, "line.settings").body; // BodyOf<"line.settings">
 */
export function readStoredEntry(stored: StoredBytes): Entry;
export function readStoredEntry<K extends Kind>(stored: StoredBytes, kind: K): EntryOf<K>;
export function readStoredEntry(stored: StoredBytes, kind?: Kind): Entry {
  const damaged = (reason: string, cause?: unknown) =>
    new HotlineError(
      "STORE_DAMAGED",
      `Cannot read stored entry ${stored.hash.slice(0, 12)}: ${reason} (the database was changed or damaged; run 'hotline verify')`,
      { place: { hash: stored.hash }, cause },
    );
  if (kind !== undefined && stored.kind !== kind) throw damaged(`it is filed as ${stored.kind}, not ${kind}`);
  // Bytes read from a database someone edited may be text (a TEXT column), not bytes.
  if (!Buffer.isBuffer(stored.bytes)) throw damaged(`its bytes are ${typeof stored.bytes}, not bytes`);
  let value: unknown;
  try {
    value = JSON.parse(stored.bytes.toString("utf8"));
  } catch (cause) {
    throw damaged("its bytes are not JSON", cause);
  }
  const result = ENTRY_SCHEMA.safeParse(value);
  if (!result.success) throw damaged(describeZodError(result.error), result.error);
  if (result.data.kind !== stored.kind) {
    throw damaged(`its bytes hold a ${result.data.kind}, though it is filed as ${stored.kind}`);
  }
  return result.data;
}
