import { sign, verify } from "node:crypto";
import { z } from "zod";
import { canonicalJson } from "./entry.js";
import { HotlineError } from "./errors.js";
import { publicKeyOf, type Identity } from "./keys.js";
import { HASH, SIGNATURE, STATION_ID, TIME } from "./kinds.js";
import { MAX_PARTICIPANTS } from "./membership.js";
import { describeZodError } from "./schema-error.js";

/**
 * A head statement: a station's signed word that, on one line, at one time, it held these chain
 * heads. It is the delivery receipt (it covers every entry up to each head) and the witness that
 * catches a station showing different histories to different peers.
 */
export const HEAD_STATEMENT = z.strictObject({
  v: z.literal(1),
  type: z.literal("heads"),
  line: HASH,
  station: STATION_ID,
  time: TIME,
  heads: z.record(STATION_ID, z.strictObject({ seq: z.number().int().min(1), hash: HASH })),
  sig: SIGNATURE,
});
export type HeadStatement = z.infer<typeof HEAD_STATEMENT>;
export type UnsignedHeadStatement = Omit<HeadStatement, "sig">;

/**
 * Signs a head statement.
 *
 * @param unsigned the statement without `sig`; `station` must be the identity's id
 * @param identity the signing station
 * @returns the signed statement
 */
export function signStatement(unsigned: UnsignedHeadStatement, identity: Identity): HeadStatement {
  const sig = sign(null, Buffer.from(canonicalJson(unsigned)), identity.privateKey).toString("base64url");
  return { ...unsigned, sig };
}

/**
 * Checks a received head statement: schema, and the named station's signature.
 *
 * @param value anything received
 * @param keyOf the key the station signs with, given the statement (default its station id): after
 *   a key rotation, the key in force after the head it gives of its own chain
 * @returns the statement
 * @throws HotlineError SCHEMA or BAD_SIGNATURE
 */
export function parseStatement(
  value: unknown,
  keyOf: (statement: UnsignedHeadStatement) => string = (statement) => statement.station,
): HeadStatement {
  // Cheapest first: a line has at most MAX_PARTICIPANTS chains, so a statement names no more heads.
  const heads = (value as { heads?: unknown } | null)?.heads;
  if (typeof heads === "object" && heads !== null && Object.keys(heads).length > MAX_PARTICIPANTS) {
    throw new HotlineError(
      "BAD_STATEMENT",
      `Cannot accept the head statement: it names more than ${MAX_PARTICIPANTS} chains, more than a line has`,
    );
  }
  const result = HEAD_STATEMENT.safeParse(value);
  if (!result.success) {
    throw new HotlineError("SCHEMA", `Cannot accept the head statement: ${describeZodError(result.error)}`);
  }
  const { sig, ...unsigned } = result.data;
  let valid = false;
  try {
    valid = verify(
      null,
      Buffer.from(canonicalJson(unsigned)),
      publicKeyOf(keyOf(unsigned)),
      Buffer.from(sig, "base64url"),
    );
  } catch {
    valid = false;
  }
  if (!valid) {
    throw new HotlineError("BAD_SIGNATURE", "Cannot accept the head statement: its signature is not valid", {
      place: { line: unsigned.line, author: unsigned.station },
    });
  }
  return result.data;
}
