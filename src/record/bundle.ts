import { sign, verify } from "node:crypto";
import { z } from "zod";
import { canonicalJson } from "./entry.js";
import { publicKeyOf, type Identity } from "./keys.js";
import { CERT_FINGERPRINT, HASH, NAME, SIGNATURE, STATION_ID, TIME, URL_SCHEMA } from "./kinds.js";

/** A participant as a bundle lists it: its key (the station id) and what people compare. */
export const BUNDLE_PARTICIPANT = z.strictObject({
  /** the Ed25519 public key, base64url of its 32 raw bytes: the station id */
  station: STATION_ID,
  name: NAME,
  /** the key as people compare it (see fingerprintOf) */
  fingerprint: z.string().max(100),
  /** the TLS certificate's fingerprint, as pinned at pairing */
  cert: CERT_FINGERPRINT,
  url: URL_SCHEMA,
});

/**
 * An export bundle: one line's whole record, every participant's latest signed heads, and the
 * participants' keys, signed by the exporting station. Entries and statements are kept as the
 * values they are, unchecked by this schema, so that one bad entry is named as a problem of its
 * own instead of making the whole bundle unreadable.
 */
export const BUNDLE = z.strictObject({
  v: z.literal(1),
  kind: z.literal("hotline.bundle"),
  line: z.strictObject({ id: HASH, name: NAME }),
  exportedAt: TIME,
  exportedBy: z.strictObject({ station: STATION_ID, name: NAME }),
  participants: z.array(BUNDLE_PARTICIPANT).min(1).max(1000),
  /** every entry of every chain, each exactly as signed (its canonical JSON parses to this) */
  entries: z.array(z.unknown()),
  /** the latest signed head statement of every participant, as signed */
  statements: z.array(z.unknown()).max(1000),
  /** the exporting station's Ed25519 signature over the canonical JSON of the bundle without `sig` */
  sig: SIGNATURE,
});
export type Bundle = z.infer<typeof BUNDLE>;
export type UnsignedBundle = Omit<Bundle, "sig">;

/**
 * Signs a bundle as its exporting station.
 *
 * @param unsigned the bundle without `sig`; `exportedBy.station` must be the identity's id
 * @param identity the exporting station
 * @returns the signed bundle
 */
export function signBundle(unsigned: UnsignedBundle, identity: Identity): Bundle {
  const sig = sign(null, Buffer.from(canonicalJson(unsigned)), identity.privateKey).toString("base64url");
  return { ...unsigned, sig };
}

/**
 * @param bundle a bundle, schema-valid
 * @param key the key the exporting station signed with (default its station id; after a key
 *   rotation, the key its chain on the line ends with)
 * @returns true when its exporting station signed exactly this bundle
 */
export function hasValidBundleSignature(bundle: Bundle, key: string = bundle.exportedBy.station): boolean {
  const { sig, ...unsigned } = bundle;
  try {
    return verify(
      null,
      Buffer.from(canonicalJson(unsigned)),
      publicKeyOf(key),
      Buffer.from(sig, "base64url"),
    );
  } catch {
    return false;
  }
}
