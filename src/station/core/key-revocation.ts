import { sign, verify } from "node:crypto";
import { z } from "zod";
import {
  CERT_FINGERPRINT,
  HASH,
  HotlineError,
  NAME,
  SIGNATURE,
  STATION_ID,
  TIME,
  URL_SCHEMA,
  canonicalJson,
  describeZodError,
  publicKeyOf,
  type Identity,
} from "../../record/mod.js";

const PREFIX = "hotline-revocation:";

/**
 * What a re-pairing token carries, per line, after a station revoked its key: enough for a peer's
 * operator to find the `key.revoke` it holds, check that the new key signed the token, and read the
 * new safety code aloud with the revoking station's operator before accepting the new key.
 */
export const REVOCATION_TOKEN = z.strictObject({
  v: z.literal(1),
  type: z.literal("hotline key revocation"),
  line: HASH,
  lineName: NAME,
  station: STATION_ID,
  name: NAME,
  url: URL_SCHEMA,
  cert: CERT_FINGERPRINT,
  /** the new key, which signs the token and the key.revoke */
  key: STATION_ID,
  since: TIME,
  /** the key.revoke's hash on the line */
  entry: HASH,
  sig: SIGNATURE,
});
export type RevocationToken = z.infer<typeof REVOCATION_TOKEN>;

/**
 * @param token the token's fields
 * @param next the new key (its `key` must be the token's)
 * @returns the token string, signed by the new key
 */
export function makeRevocationToken(token: Omit<RevocationToken, "sig">, next: Identity): string {
  const sig = sign(null, Buffer.from(canonicalJson(token)), next.privateKey).toString("base64url");
  return PREFIX + Buffer.from(canonicalJson({ ...token, sig })).toString("base64url");
}

/**
 * Reads a re-pairing token and checks that the new key it names signed it.
 *
 * @param text what the operator pasted
 * @returns the token
 * @throws HotlineError BAD_INPUT when it does not parse, BAD_SIGNATURE when its key did not sign it
 */
export function readRevocationToken(text: string): RevocationToken {
  const trimmed = text.trim();
  if (!trimmed.startsWith(PREFIX)) {
    throw new HotlineError("BAD_INPUT", `Cannot read the token: it must start with '${PREFIX}'`);
  }
  if (trimmed.length > 4096) throw new HotlineError("BAD_INPUT", "Cannot read the token: it is too long");
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(trimmed.slice(PREFIX.length), "base64url").toString("utf8"));
  } catch (cause) {
    throw new HotlineError("BAD_INPUT", "Cannot read the token: it is damaged (was it copied whole?)", {
      cause,
    });
  }
  const parsed = REVOCATION_TOKEN.safeParse(value);
  if (!parsed.success) {
    throw new HotlineError("BAD_INPUT", `Cannot read the token: ${describeZodError(parsed.error)}`);
  }
  const { sig, ...signed } = parsed.data;
  let ok = false;
  try {
    ok = verify(
      null,
      Buffer.from(canonicalJson(signed)),
      publicKeyOf(signed.key),
      Buffer.from(sig, "base64url"),
    );
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new HotlineError(
      "BAD_SIGNATURE",
      "Cannot accept the token: it is not signed by the new key it names",
    );
  }
  return parsed.data;
}

/** What revoking this station's key did, per line: its entry, the re-pairing token, the new codes. */
export interface RevokedKey {
  key: string;
  fingerprint: string;
  since: string;
  lines: {
    id: string;
    name: string;
    hash: string;
    seq: number;
    /** to be carried to each peer's operators out of band, for `hotline key accept --token` */
    token: string;
    /** each peer's new safety code with this station, to be read aloud */
    peers: { id: string; name: string; safetyCode: string }[];
  }[];
}

/** What accepting another station's new key did here. */
export interface AcceptedRevocation {
  line: string;
  station: string;
  key: string;
  since: string;
  /** the key.revoke.ack written */
  hash: string;
  safetyCode: string;
}
