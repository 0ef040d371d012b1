import { createCipheriv, createDecipheriv, randomBytes, scrypt } from "node:crypto";
import { z } from "zod";
import { HotlineError } from "../../record/mod.js";

/** The shortest passphrase a backup's keys are sealed with. */
export const MIN_PASSPHRASE_LENGTH = 10;

/**
 * scrypt's cost: N = 2^17, r = 8 (128 MiB, about half a second here), as OWASP advises for
 * secrets kept at rest. A reader accepts at most N = 2^20, so a forged header cannot make restore
 * spend gigabytes.
 */
const SCRYPT = { N: 2 ** 17, r: 8, p: 1 } as const;
const MAX_SCRYPT_N = 2 ** 20;

/** How the keys section is sealed: its header fields, all base64url. */
export const SEALING = z.strictObject({
  kdf: z.literal("scrypt"),
  N: z
    .number()
    .int()
    .min(2 ** 14)
    .max(MAX_SCRYPT_N)
    .refine((n) => (n & (n - 1)) === 0, "must be a power of two"),
  r: z.number().int().min(1).max(32),
  p: z.number().int().min(1).max(4),
  salt: z.string().regex(/^[A-Za-z0-9_-]{22,64}$/),
  cipher: z.literal("aes-256-gcm"),
  iv: z.string().regex(/^[A-Za-z0-9_-]{16}$/),
  tag: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
});
export type Sealing = z.infer<typeof SEALING>;

function deriveKey(
  passphrase: string,
  salt: Buffer,
  cost: { N: number; r: number; p: number },
): Promise<Buffer> {
  return new Promise((done, fail) => {
    scrypt(
      passphrase.normalize("NFC"),
      salt,
      32,
      { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 },
      (error, key) => (error === null ? done(key) : fail(error)),
    );
  });
}

/**
 * Encrypts a backup's secret files: a key from the passphrase by scrypt (random salt), then
 * AES-256-GCM (random IV). `bound` is authenticated with it, so the keys cannot be moved under
 * another header or database.
 *
 * @param plain the secret files, as bytes
 * @param passphrase at least {@link MIN_PASSPHRASE_LENGTH} characters
 * @param bound bytes the seal covers without encrypting them
 * @returns the ciphertext and how to open it
 */
export async function sealKeys(
  plain: Buffer,
  passphrase: string,
  bound: Buffer,
): Promise<{ sealed: Buffer; sealing: Sealing }> {
  if ([...passphrase].length < MIN_PASSPHRASE_LENGTH) {
    throw new HotlineError(
      "BAD_INPUT",
      `Cannot seal the keys: the passphrase must have at least ${MIN_PASSPHRASE_LENGTH} characters`,
    );
  }
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", await deriveKey(passphrase, salt, SCRYPT), iv);
  cipher.setAAD(bound);
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
  return {
    sealed,
    sealing: {
      kdf: "scrypt",
      ...SCRYPT,
      salt: salt.toString("base64url"),
      cipher: "aes-256-gcm",
      iv: iv.toString("base64url"),
      tag: cipher.getAuthTag().toString("base64url"),
    },
  };
}

/**
 * Decrypts what {@link sealKeys} sealed.
 *
 * @param sealed the ciphertext
 * @param sealing how it was sealed
 * @param passphrase the passphrase
 * @param bound the bytes the seal covers
 * @returns the secret files, as bytes
 * @throws HotlineError BAD_PASSPHRASE when the passphrase (or what the seal covers) is not the one sealed with
 */
export async function openKeys(
  sealed: Buffer,
  sealing: Sealing,
  passphrase: string,
  bound: Buffer,
): Promise<Buffer> {
  const key = await deriveKey(passphrase, Buffer.from(sealing.salt, "base64url"), sealing);
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(sealing.iv, "base64url"));
  decipher.setAAD(bound);
  decipher.setAuthTag(Buffer.from(sealing.tag, "base64url"));
  try {
    return Buffer.concat([decipher.update(sealed), decipher.final()]);
  } catch (cause) {
    throw new HotlineError(
      "BAD_PASSPHRASE",
      "Cannot open the keys in the backup: the passphrase is not the one it was made with",
      { cause },
    );
  }
}
