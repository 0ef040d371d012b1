import { createHash, sign, verify } from "node:crypto";
import { canonicalText } from "./canonical.js";
import { HotlineError } from "./errors.js";
import type { z } from "zod";
import { BODY_SCHEMAS, ENTRY_SCHEMA } from "./kinds.js";
import type { Entry, EntryEnvelope, UnsignedEntry } from "./kinds.js";
import { publicKeyOf } from "./keys.js";
import type { Identity } from "./keys.js";
import { describeZodError } from "./schema-error.js";

/** Largest canonical entry, signature included: 64 KiB. */
export const MAX_ENTRY_BYTES = 64 * 1024;

/** An entry with its exact canonical bytes and its hash (its id). */
export interface SealedEntry {
  entry: Entry;
  /** RFC 8785 canonical JSON of the entry with `sig`, UTF-8 */
  bytes: Buffer;
  /** SHA-256 of `bytes`, lowercase hex */
  hash: string;
}

/**
 * RFC 8785 canonical JSON.
 *
 * @param value a JSON value
 * @returns its canonical text
 */
export function canonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalText(value);
  } catch (cause) {
    // e.g. a lone UTF-16 surrogate, which RFC 8785 cannot represent
    throw new HotlineError("SCHEMA", `Cannot canonicalise the value: ${(cause as Error).message}`, { cause });
  }
  if (text === undefined) throw new HotlineError("SCHEMA", "Cannot canonicalise a value that is not JSON");
  return text;
}

/**
 * @param bytes any bytes
 * @returns SHA-256, lowercase hex
 */
export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * @param entry an entry, signed or not
 * @returns the bytes its author signs: canonical JSON of the entry without `sig`
 */
export function signingBytes(entry: UnsignedEntry | Entry): Buffer {
  const { sig: _sig, ...unsigned } = entry as Entry;
  return Buffer.from(canonicalJson(unsigned), "utf8");
}

/**
 * Signs an entry with the station's key and seals it. The entry is checked against its kind's
 * schema first, so nothing malformed is ever signed.
 *
 * @param unsigned the entry without `sig`; its `author` must be the identity's id
 * @param identity the author's identity
 * @returns the sealed entry
 */
export function signEntry(unsigned: UnsignedEntry, identity: Identity): SealedEntry {
  if (unsigned.author !== identity.id) {
    throw new HotlineError("UNKNOWN_AUTHOR", "Cannot sign an entry for another station's chain");
  }
  // Check first, then sign exactly the checked value, canonicalised once.
  const { sig: _placeholder, ...checked } = parseEntry({ ...unsigned, sig: PLACEHOLDER_SIG });
  const text = canonicalJson(checked);
  const sig = sign(null, Buffer.from(text, "utf8"), identity.privateKey).toString("base64url");
  const entry = { ...checked, sig } as Entry;
  const bytes = Buffer.from(withSignature(text, sig), "utf8");
  if (bytes.length > MAX_ENTRY_BYTES) {
    throw new HotlineError(
      "TOO_LARGE",
      `Cannot accept an entry of ${bytes.length} bytes: the limit is ${MAX_ENTRY_BYTES} bytes (64 KiB)`,
      { place: placeOf(entry) },
    );
  }
  return { entry, bytes, hash: sha256Hex(bytes) };
}

const PLACEHOLDER_SIG = "A".repeat(86);
const TIME_MEMBER = ',"time":"';
const SIG_MEMBER = ',"sig":"';

/**
 * Puts `sig` into the canonical text of an unsigned entry. In canonical order "sig" sits just
 * before "time", and the top-level "time" is the last such member (only "v" follows it), so this
 * gives exactly the canonical text of the signed entry without canonicalising again.
 */
function withSignature(unsignedText: string, sig: string): string {
  const at = unsignedText.lastIndexOf(TIME_MEMBER);
  return `${unsignedText.slice(0, at)}${SIG_MEMBER}${sig}"${unsignedText.slice(at)}`;
}

/**
 * The bytes an author signed, cut from an entry's canonical bytes: the same bytes less the
 * `"sig"` member (86 characters, the last such member, just before "time").
 *
 * @param bytes canonical bytes of a signed entry (as checked by {@link openEntry})
 * @returns the signing bytes
 */
export function signingBytesOf(bytes: Buffer): Buffer {
  const at = bytes.lastIndexOf(SIG_MEMBER);
  if (at < 0) return bytes;
  const end = at + SIG_MEMBER.length + 86 + 1;
  return Buffer.concat([bytes.subarray(0, at), bytes.subarray(end)]);
}

/**
 * @param entry a schema-valid entry
 * @returns the entry with its canonical bytes and hash
 */
export function seal(entry: Entry): SealedEntry {
  const bytes = canonicalEntryBytes(entry);
  return { entry, bytes, hash: sha256Hex(bytes) };
}

/**
 * @param value an entry, checked or not
 * @returns its canonical bytes
 * @throws HotlineError TOO_LARGE beyond {@link MAX_ENTRY_BYTES}
 */
export function canonicalEntryBytes(value: unknown): Buffer {
  const bytes = Buffer.from(canonicalJson(value), "utf8");
  if (bytes.length > MAX_ENTRY_BYTES) {
    throw new HotlineError(
      "TOO_LARGE",
      `Cannot accept an entry of ${bytes.length} bytes: the limit is ${MAX_ENTRY_BYTES} bytes (64 KiB)`,
      { place: placeOf(value) },
    );
  }
  return bytes;
}

/**
 * Checks a value against the entry schema of its kind.
 *
 * @param value anything, e.g. parsed JSON from a peer
 * @returns the typed entry
 * @throws HotlineError SCHEMA naming the first field that is wrong
 */
export function parseEntry(value: unknown): Entry {
  const result = ENTRY_SCHEMA.safeParse(value);
  if (!result.success) {
    throw new HotlineError("SCHEMA", `Cannot accept the entry: ${describeZodError(result.error)}`, {
      place: placeOf(value),
    });
  }
  return result.data;
}

/**
 * Checks the body of an entry whose envelope was checked already (see ENTRY_ENVELOPE): the last and
 * costliest check of a received entry, run once its signature and place hold.
 *
 * @param envelope the entry with its envelope checked
 * @returns the typed entry
 * @throws HotlineError SCHEMA naming the first field of the body that is wrong
 */
export function parseBody(envelope: EntryEnvelope): Entry {
  const schema = BODY_SCHEMAS[envelope.kind] as z.ZodType;
  const result = schema.safeParse(envelope.body);
  if (!result.success) {
    throw new HotlineError("SCHEMA", `Cannot accept the entry: ${describeZodError(result.error, "body")}`, {
      place: placeOf(envelope),
    });
  }
  return { ...envelope, body: result.data } as Entry;
}

/**
 * Reads stored or received bytes back into a sealed entry: size, JSON, schema, and that the bytes
 * are exactly canonical (so the hash of what was signed is the hash of what is kept).
 *
 * @param bytes UTF-8 canonical JSON of one entry
 * @returns the sealed entry (its hash computed from these bytes)
 */
export function openEntry(bytes: Buffer): SealedEntry {
  // Bytes read from a database someone edited may be text (a TEXT column), not bytes.
  if (!Buffer.isBuffer(bytes)) {
    throw new HotlineError(
      "SCHEMA",
      `Cannot read the entry: its stored bytes are ${typeof bytes}, not bytes`,
    );
  }
  if (bytes.length > MAX_ENTRY_BYTES) {
    throw new HotlineError(
      "TOO_LARGE",
      `Cannot accept an entry of ${bytes.length} bytes: the limit is 64 KiB`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch (cause) {
    throw new HotlineError("SCHEMA", "Cannot read the entry: its bytes are not JSON", { cause });
  }
  const entry = parseEntry(value);
  const canonical = Buffer.from(canonicalJson(entry), "utf8");
  if (!canonical.equals(bytes)) {
    throw new HotlineError(
      "NOT_CANONICAL",
      "Cannot accept the entry: its bytes are not RFC 8785 canonical JSON",
      {
        place: placeOf(entry),
      },
    );
  }
  return { entry, bytes, hash: sha256Hex(bytes) };
}

/**
 * Checks an entry's signature against its author's key.
 *
 * @param entry a schema-valid entry
 * @param bytes its canonical bytes, if at hand (saves canonicalising again)
 * @param key the key that must have signed it (default the author's station id: its first key)
 * @returns true when the author signed exactly this entry
 */
export function hasValidSignature(entry: Entry, bytes?: Buffer, key: string = entry.author): boolean {
  try {
    const signed = bytes === undefined ? signingBytes(entry) : signingBytesOf(bytes);
    return verify(null, signed, publicKeyOf(key), Buffer.from(entry.sig, "base64url"));
  } catch {
    return false;
  }
}

/**
 * Checks a signature over an entry's canonical bytes, before its body is read.
 *
 * @param key the key that must have signed it: the author's station id, or its rotated key
 * @param bytes the entry's canonical bytes, `sig` included
 * @param sig the signature it carries
 * @returns true when that key signed exactly these bytes (less `sig`)
 */
export function verifyEntrySignature(key: string, bytes: Buffer, sig: string): boolean {
  try {
    return verify(null, signingBytesOf(bytes), publicKeyOf(key), Buffer.from(sig, "base64url"));
  } catch {
    return false;
  }
}

/**
 * @param value an entry, or something that might be one
 * @returns the line, author and seq it claims, for error messages
 */
export function placeOf(value: unknown): { line?: string; author?: string; seq?: number } {
  if (typeof value !== "object" || value === null) return {};
  const { line, author, seq } = value as Record<string, unknown>;
  return {
    ...(typeof line === "string" ? { line } : {}),
    ...(typeof author === "string" ? { author } : {}),
    ...(typeof seq === "number" ? { seq } : {}),
  };
}
