import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HotlineError } from "../../record/mod.js";

/**
 * The file, beside the identity key, holding the key that seals operators' TOTP secrets in the
 * database: a copy of the database alone (a backup without keys, a stolen file) holds no usable
 * secret. It is a secret file (0600), made at the first enrolment.
 */
export const SECOND_FACTOR_KEY_FILE = "second-factor.key";

const keys = new Map<string, Buffer>();

function keyOf(dir: string): Buffer {
  const path = join(dir, SECOND_FACTOR_KEY_FILE);
  const cached = keys.get(path);
  if (cached !== undefined) return cached;
  if (!existsSync(path)) {
    try {
      writeFileSync(path, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
      chmodSync(path, 0o600);
    } catch (cause) {
      // Another process made it first: read theirs.
      if ((cause as { code?: string }).code !== "EEXIST") throw cause;
    }
  }
  const key = Buffer.from(readFileSync(path, "utf8").trim(), "base64");
  if (key.length !== 32) {
    throw new HotlineError("STORE_DAMAGED", `Cannot use ${path}: it does not hold a 32-byte key`);
  }
  keys.set(path, key);
  return key;
}

/**
 * Seals a secret with AES-256-GCM, bound to its operator (a sealed secret moved to another
 * operator's row does not open).
 *
 * @param dir the station's data directory
 * @param operator whose secret it is
 * @param secret the secret
 * @returns "v1.IV.CIPHERTEXT.TAG", base64url parts
 */
export function sealSecret(dir: string, operator: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyOf(dir), iv).setAAD(Buffer.from(operator));
  const sealed = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return ["v1", iv, sealed, cipher.getAuthTag()]
    .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
    .join(".");
}

/**
 * @param dir the station's data directory
 * @param operator whose secret it is
 * @param sealed what {@link sealSecret} made
 * @returns the secret
 * @throws HotlineError STORE_DAMAGED when it does not open (another key, another operator, altered)
 */
export function openSecret(dir: string, operator: string, sealed: string): string {
  const [version, iv, data, tag] = sealed.split(".");
  try {
    if (version !== "v1" || iv === undefined || data === undefined || tag === undefined)
      throw new Error("format");
    const decipher = createDecipheriv("aes-256-gcm", keyOf(dir), Buffer.from(iv, "base64url"))
      .setAAD(Buffer.from(operator))
      .setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString(
      "utf8",
    );
  } catch (cause) {
    throw new HotlineError(
      "STORE_DAMAGED",
      `Cannot check the second factor of operator '${operator}': its secret does not open with ${SECOND_FACTOR_KEY_FILE} (restored without the keys? an admin can reset it)`,
      { cause },
    );
  }
}
