import { z } from "zod";
import { canonicalJson, sha256Hex } from "./entry.js";
import { HotlineError } from "./errors.js";
import { HASH, SIGNATURE, STATION_ID, TIME } from "./kinds.js";
import { describeZodError } from "./schema-error.js";
import type { HeadStatement } from "./statement.js";

/**
 * A head statement in its digest form: the statement with its heads replaced by their digest
 * (SHA-256 of their canonical JSON, so sorted), and the statement's own signature. What a link
 * test sends: O(1) bytes whatever the number of participants. A station holding the same heads
 * puts them back ({@link statementFromDigest}) and holds the peer's full head statement, its
 * signature checked as any other — so it is a receipt and a witness as before; a station holding
 * other heads cannot check the signature and asks for the full statement instead.
 */
export const DIGEST_STATEMENT = z.strictObject({
  v: z.literal(1),
  type: z.literal("heads"),
  line: HASH,
  station: STATION_ID,
  time: TIME,
  digest: HASH,
  sig: SIGNATURE,
});
export type DigestStatement = z.infer<typeof DIGEST_STATEMENT>;

/**
 * @param heads the heads of a head statement
 * @returns their digest: SHA-256 (lowercase hex) of their canonical JSON (keys sorted)
 */
export function headsDigest(heads: HeadStatement["heads"]): string {
  return sha256Hex(canonicalJson(heads));
}

/**
 * @param statement a signed head statement
 * @returns its digest form (the same signature; heads replaced by their digest)
 */
export function digestFormOf(statement: HeadStatement): DigestStatement {
  const { heads, ...rest } = statement;
  return { ...rest, digest: headsDigest(heads) };
}

/**
 * Reads a digest form as received; its signature can only be checked once the heads it stands for
 * are put back ({@link statementFromDigest}).
 *
 * @param value anything received
 * @returns the digest form
 * @throws HotlineError SCHEMA (a digest of the wrong length or not hex, a missing field …)
 */
export function parseDigestStatement(value: unknown): DigestStatement {
  const result = DIGEST_STATEMENT.safeParse(value);
  if (!result.success) {
    throw new HotlineError("SCHEMA", `Cannot accept the digest of heads: ${describeZodError(result.error)}`);
  }
  return result.data;
}

/**
 * @param digest a digest form, as received
 * @param heads heads whose digest is the one it names (check with {@link headsDigest} first)
 * @returns the full head statement it stands for, unchecked: check it as any received statement
 */
export function statementFromDigest(digest: DigestStatement, heads: HeadStatement["heads"]): unknown {
  const { digest: _digest, ...rest } = digest;
  return { ...rest, heads };
}
