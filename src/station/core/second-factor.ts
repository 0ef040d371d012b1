import { createHash, randomBytes } from "node:crypto";
import { HotlineError } from "../../record/mod.js";
import { isoNow } from "./clock.js";
import { PERMISSIONS, requireRole } from "./operators.js";
import { openSecret, sealSecret } from "./second-factor-key.js";
import type { Station } from "./station.js";
import { newTotpSecret, totpStepOf, totpUri } from "./totp.js";

/** How many recovery codes an enrolment gives. */
export const RECOVERY_CODES = 10;

/** Where an operator stands with the second factor. */
export interface SecondFactorStatus {
  /** the factor is on: sign-in takes a code after the password */
  on: boolean;
  /** the operator must have one (admins): without it, a console session may only enrol */
  required: boolean;
  /** unused recovery codes */
  recoveryCodesLeft: number;
}

/** An enrolment begun: what an authenticator app is given. Shown only now, never again. */
export interface Enrolment {
  /** the secret, base32, to type in where a QR code cannot be read */
  secret: string;
  /** the otpauth:// URI the QR code carries */
  uri: string;
}

/** How a sign-in's second factor was given. */
export type SecondFactorUsed = "totp" | "recovery";

/**
 * @param station the station
 * @param name an operator
 * @returns whether the factor is on, whether it must be, and the recovery codes left
 */
export async function secondFactorStatus(station: Station, name: string): Promise<SecondFactorStatus> {
  const operator = await station.operator(name);
  const factor = await station.store.secondFactor(operator.name);
  const on = factor?.confirmedAt != null;
  return {
    on,
    required: operator.role === "admin",
    recoveryCodesLeft: on ? await station.store.recoveryCodesLeft(operator.name) : 0,
  };
}

/**
 * @param station the station
 * @param name an operator
 * @returns whether the operator must have a second factor and has none on yet (its console
 *   session may then only enrol)
 */
export async function lacksRequiredSecondFactor(station: Station, name: string): Promise<boolean> {
  // Asked at every console request: the role first, the factor's row only for an admin.
  const operator = await station.operator(name);
  if (operator.role !== "admin") return false;
  return (await station.store.secondFactor(operator.name))?.confirmedAt == null;
}

/**
 * Begins (or begins again) an operator's enrolment: a new secret, kept sealed, waiting for a first
 * code before the factor is on.
 *
 * @param station the station
 * @param name the operator enrolling (itself)
 * @returns the secret and its otpauth:// URI, shown this once
 * @throws HotlineError ALREADY_ENROLLED when the factor is on already
 */
export async function startEnrolment(station: Station, name: string): Promise<Enrolment> {
  const operator = await station.operator(name);
  if ((await station.store.secondFactor(operator.name))?.confirmedAt != null) {
    throw new HotlineError(
      "ALREADY_ENROLLED",
      `Cannot enrol operator '${operator.name}': its second factor is on already (turn it off first, or have an admin reset it)`,
    );
  }
  const secret = newTotpSecret();
  await station.store.startSecondFactor({
    operator: operator.name,
    sealedSecret: sealSecret(station.paths.dir, operator.name, secret),
    createdAt: isoNow(station.clock),
    lastStep: 0,
  });
  return { secret, uri: totpUri(secret, { label: operator.name, issuer: `hotline ${station.config.name}` }) };
}

/**
 * Turns the factor on with a first current code, and gives the recovery codes: shown this once,
 * kept only as hashes.
 *
 * @param station the station
 * @param name the operator enrolling
 * @param code a current code from the authenticator app
 * @returns the recovery codes
 * @throws HotlineError NOT_ENROLLING (no enrolment begun), BAD_SECOND_FACTOR (a wrong code)
 */
export async function confirmEnrolment(
  station: Station,
  name: string,
  code: string,
): Promise<{ recoveryCodes: string[] }> {
  const operator = await station.operator(name);
  const factor = await station.store.secondFactor(operator.name);
  if (factor === null || factor.confirmedAt !== null) {
    throw new HotlineError(
      "NOT_ENROLLING",
      `Cannot confirm the second factor of operator '${operator.name}': no enrolment is waiting (begin one first)`,
    );
  }
  const secret = openSecret(station.paths.dir, operator.name, factor.sealedSecret);
  const step = totpStepOf(secret, code, station.clock.now());
  if (step === null) throw badCode(`confirm the second factor of operator '${operator.name}'`);
  const recoveryCodes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
  const confirmed = await station.store.confirmSecondFactor(
    operator.name,
    step,
    recoveryCodes.map(recoveryHash),
    isoNow(station.clock),
  );
  if (!confirmed) throw badCode(`confirm the second factor of operator '${operator.name}'`);
  return { recoveryCodes };
}

/**
 * Checks a sign-in's second factor: a current code (the step before or after too) not used before,
 * or an unused recovery code, then used.
 *
 * @param station the station
 * @param name the operator signing in (its factor on)
 * @param code what it typed
 * @returns which it was
 * @throws HotlineError BAD_SECOND_FACTOR (wrong, too old, or already used)
 */
export async function checkSecondFactor(
  station: Station,
  name: string,
  code: string,
): Promise<SecondFactorUsed> {
  const factor = await station.store.secondFactor(name);
  if (factor === null || factor.confirmedAt === null) throw badCode("sign in");
  if (/^\s*\d{6}\s*$/.test(code)) {
    const secret = openSecret(station.paths.dir, name, factor.sealedSecret);
    const step = totpStepOf(secret, code, station.clock.now());
    // The step is taken in one write: two sign-ins with the same code cannot both pass.
    if (step !== null && (await station.store.useTotpStep(name, step))) return "totp";
    throw badCode("sign in");
  }
  if (await station.store.useRecoveryCode(name, recoveryHash(code), isoNow(station.clock))) return "recovery";
  throw badCode("sign in");
}

/**
 * Turns an operator's own factor off, with a current code or a recovery code. Admins must keep
 * theirs (another admin can reset it).
 *
 * @param station the station
 * @param name the operator (itself)
 * @param code a current code or a recovery code
 * @throws HotlineError FORBIDDEN (an admin), NOT_ENROLLING (it is off), BAD_SECOND_FACTOR
 */
export async function disableSecondFactor(
  station: Station,
  name: string,
  code: string,
): Promise<SecondFactorStatus> {
  const operator = await station.operator(name);
  if (operator.role === "admin") {
    throw new HotlineError(
      "FORBIDDEN",
      `Cannot turn off the second factor of operator '${operator.name}': admins must have one (another admin can reset it)`,
    );
  }
  const factor = await station.store.secondFactor(operator.name);
  if (factor === null) {
    throw new HotlineError(
      "NOT_ENROLLING",
      `Cannot turn off the second factor of operator '${operator.name}': it is off`,
    );
  }
  if (factor.confirmedAt !== null) await checkSecondFactor(station, operator.name, code);
  await station.store.deleteSecondFactor(operator.name);
  return secondFactorStatus(station, operator.name);
}

/**
 * An admin removes another operator's second factor (a lost phone) and ends its sessions: it signs
 * in with its password and, if it must have one, enrols again.
 *
 * @param station the station
 * @param name the operator whose factor goes
 * @param options the admin resetting it
 * @returns whether it had one
 * @throws HotlineError FORBIDDEN, UNKNOWN_OPERATOR
 */
export async function resetSecondFactor(
  station: Station,
  name: string,
  options: { by: string },
): Promise<{ name: string; reset: boolean }> {
  await requireRole(station, options.by, PERMISSIONS.manageOperators);
  const operator = await station.operator(name);
  const reset = await station.store.deleteSecondFactor(operator.name);
  await station.store.deleteSessionsOf(operator.name);
  return { name: operator.name, reset };
}

/** @returns a recovery code: 15 letters and digits a person can read aloud, in 3 groups */
function newRecoveryCode(): string {
  const alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
  const bytes = randomBytes(15);
  let out = "";
  for (let i = 0; i < 15; i++) {
    out += alphabet[(bytes[i] ?? 0) % alphabet.length];
    if (i % 5 === 4 && i < 14) out += "-";
  }
  return out;
}

/**
 * A recovery code's hash: SHA-256, as for session secrets. A code is 75 random bits, so, unlike a
 * password, its hash cannot be reversed by guessing, and no slow hash is needed.
 */
function recoveryHash(code: string): string {
  return createHash("sha256")
    .update(code.toLowerCase().replace(/[^a-z0-9]/g, ""))
    .digest("hex");
}

function badCode(action: string): HotlineError {
  return new HotlineError(
    "BAD_SECOND_FACTOR",
    `Cannot ${action}: the code is wrong, too old, or already used`,
  );
}
