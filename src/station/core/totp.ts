/**
 * Time-based one-time passwords (RFC 6238) with the `otpauth` library: 6 digits, 30-second steps,
 * SHA-1 (what every authenticator app reads from a QR code), a code of the step before or after
 * accepted for clocks a little apart.
 *
 * @module
 */
import { Secret, TOTP } from "otpauth";

/** The length of a step, in seconds. */
export const TOTP_PERIOD = 30;
/** Steps before and after the current one whose code is still accepted. */
const WINDOW = 1;

/** @returns a new random TOTP secret, base32 (160 bits, as RFC 4226 recommends) */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totpOf(secret: string, label = "operator", issuer = "hotline"): TOTP {
  return new TOTP({
    issuer,
    label,
    algorithm: "SHA1",
    digits: 6,
    period: TOTP_PERIOD,
    secret: Secret.fromBase32(secret),
  });
}

/**
 * @param secret the base32 secret
 * @param options the label (operator) and issuer (the station) an authenticator app shows
 * @returns the otpauth:// URI a QR code carries
 */
export function totpUri(secret: string, options: { label: string; issuer: string }): string {
  return totpOf(secret, options.label, options.issuer).toString();
}

/**
 * @param nowMs the time, in ms
 * @returns the step a time falls in
 */
export function totpStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD);
}

/**
 * Finds the step whose code this is: the current one, the one before or the one after. Whether
 * that step was already used (a replay) is the caller's to check, against the last step used.
 *
 * @param secret the base32 secret
 * @param code what the operator typed (spaces ignored)
 * @param nowMs the time, in ms
 * @returns the step, or null if the code is none of the three
 */
export function totpStepOf(secret: string, code: string, nowMs: number): number | null {
  const token = code.replace(/\s+/g, "");
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totpOf(secret).validate({ token, timestamp: nowMs, window: WINDOW });
  return delta === null ? null : totpStep(nowMs) + delta;
}

/**
 * @param secret the base32 secret
 * @param nowMs the time, in ms
 * @returns the code of the step a time falls in (for tests and the enrolment check)
 */
export function totpCode(secret: string, nowMs: number): string {
  return totpOf(secret).generate({ timestamp: nowMs });
}
