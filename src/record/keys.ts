import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { HotlineError } from "./errors.js";

/**
 * A station's signing identity: the parsed private key and its station id. The id is the station's
 * first public key; after a key rotation (see key-rotation.ts) the key signing is another.
 */
export interface Identity {
  /** the station id: base64url of the station's first 32-byte raw Ed25519 public key */
  id: string;
  /** base64url of the raw public key of `privateKey`: the id until the key is rotated */
  key: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

// 43 base64url characters carry 258 bits; the last character's 2 spare bits must be zero, so that
// one key has exactly one station id.
const STATION_ID = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

/**
 * Makes a new Ed25519 identity.
 *
 * @returns the identity with its station id
 */
export function generateIdentity(): Identity {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const id = stationIdOf(publicKey);
  return { id, key: id, privateKey, publicKey };
}

/**
 * Reads an identity from its PKCS#8 PEM.
 *
 * @param pem the private key as written by {@link exportPrivateKey}
 * @param id the station id, when the key was rotated (default: the key's own)
 * @returns the identity, keys parsed once
 */
export function identityFromPem(pem: string, id?: string): Identity {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== "ed25519") {
    throw new HotlineError("BAD_INPUT", "Cannot load the station key: it is not an Ed25519 key");
  }
  const publicKey = createPublicKey(privateKey);
  const key = stationIdOf(publicKey);
  return { id: id ?? key, key, privateKey, publicKey };
}

/**
 * @param identity an identity
 * @returns its private key as PKCS#8 PEM, for a 0600 file
 */
export function exportPrivateKey(identity: Identity): string {
  return identity.privateKey.export({ format: "pem", type: "pkcs8" }).toString();
}

/**
 * @param publicKey an Ed25519 public key
 * @returns the station id: base64url of the raw 32-byte key
 */
export function stationIdOf(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: "jwk" });
  if (jwk.crv !== "Ed25519" || typeof jwk.x !== "string") {
    throw new HotlineError("BAD_INPUT", "Cannot take a station id: the key is not Ed25519");
  }
  return jwk.x;
}

/**
 * Tells whether a string has the shape of a station id.
 *
 * @param value a string
 * @returns true for 43 base64url characters
 */
export function isStationId(value: string): boolean {
  return STATION_ID.test(value);
}

const keyCache = new Map<string, KeyObject>();

/**
 * Parses a station id into a public key object, once: verification with a parsed key is several
 * times faster than with raw bytes each call.
 *
 * @param id a station id
 * @returns the Ed25519 public key
 */
export function publicKeyOf(id: string): KeyObject {
  let key = keyCache.get(id);
  if (key === undefined) {
    if (!isStationId(id)) {
      throw new HotlineError(
        "BAD_INPUT",
        `Cannot read station id '${id}': it is not 43 base64url characters`,
      );
    }
    key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: id }, format: "jwk" });
    keyCache.set(id, key);
  }
  return key;
}

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/**
 * The station id as people compare it: 32 base32 characters of SHA-256(key), in groups of four.
 *
 * @param id a station id
 * @returns e.g. "K7QF 2MZD …"
 */
export function fingerprintOf(id: string): string {
  const digest = createHash("sha256").update(Buffer.from(id, "base64url")).digest();
  return groupsOf4(base32(digest.subarray(0, 20)));
}

/**
 * @param bytes any bytes
 * @returns RFC 4648 base32 without padding
 */
export function base32(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/**
 * @param text a string
 * @returns the string in space-separated groups of four characters
 */
export function groupsOf4(text: string): string {
  return (text.match(/.{1,4}/g) ?? []).join(" ");
}
