import { readFileSync } from "node:fs";
import { join } from "node:path";
import { totpCode, totpStep } from "../../src/station/mod.js";

/** An operator's authenticator, as a test holds it: the secret, and the codes not used yet. */
export interface Authenticator {
  operator: string;
  secret: string;
  recoveryCodes: string[];
  /** the newest step whose code was used: the station refuses it and older ones */
  lastStep: number;
}

/** A station's operator API, as the CLI reaches it: its address and data directory (for the token). */
export interface ApiPlace {
  /** e.g. http://127.0.0.1:7080 */
  base: string;
  dir: string;
}

const STEP_MS = 30_000;

/**
 * Enrols an operator's TOTP factor with the station's API token (host access, as `hotline
 * operator totp enrol` does), computing the confirming code as an authenticator app would. The
 * station runs on the system clock.
 *
 * @param place the API and the station's directory
 * @param operator who enrols (default admin)
 * @returns the authenticator, to sign in with ({@link nextCode})
 */
export async function enrolTotp(place: ApiPlace, operator = "admin"): Promise<Authenticator> {
  const token = readFileSync(join(place.dir, "api.token"), "utf8").trim();
  const post = async (path: string, body?: unknown) => {
    const response = await fetch(`${place.base}${path}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "x-hotline-operator": operator,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<Record<string, unknown>>;
  };
  const { secret } = (await post("/api/second-factor")) as { secret: string };
  const now = Date.now();
  const { recoveryCodes } = (await post("/api/second-factor/confirm", { code: totpCode(secret, now) })) as {
    recoveryCodes: string[];
  };
  return { operator, secret, recoveryCodes, lastStep: totpStep(now) };
}

/**
 * @param authenticator an enrolled operator's authenticator
 * @returns a code the station accepts now: the current step's, or the next step's if the current
 *   one was used (a second sign-in within 30 s), else a recovery code
 */
export function nextCode(authenticator: Authenticator): string {
  const step = totpStep(Date.now());
  for (const candidate of [step, step + 1]) {
    if (candidate > authenticator.lastStep) {
      authenticator.lastStep = candidate;
      return totpCode(authenticator.secret, candidate * STEP_MS + 1_000);
    }
  }
  const recovery = authenticator.recoveryCodes.shift();
  if (recovery === undefined) throw new Error(`${authenticator.operator}: no code left to sign in with`);
  return recovery;
}

const enrolled = new Map<string, Authenticator>();

/**
 * The admin's authenticator at a station, enrolled at the first call (admins must have one).
 *
 * @param place the API and the station's directory
 * @param operator the operator (default admin)
 * @returns its authenticator
 */
export async function authenticatorOf(place: ApiPlace, operator = "admin"): Promise<Authenticator> {
  const key = `${place.dir} ${operator}`;
  let found = enrolled.get(key);
  if (found === undefined) {
    found = await enrolTotp(place, operator);
    enrolled.set(key, found);
  }
  return found;
}

/**
 * Signs in to the console API as a browser would: the password, then a code if the operator has
 * a second factor (admins are enrolled first, once per station).
 *
 * @param place the API and the station's directory
 * @param operator who signs in
 * @param password its password
 * @returns the sign-in's answer (its cookie in set-cookie)
 */
export async function signInWithCode(place: ApiPlace, operator: string, password: string): Promise<Response> {
  const send = (code?: string) =>
    fetch(`${place.base}/api/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ operator, password, ...(code === undefined ? {} : { code }) }),
    });
  const authenticator = await signInAuthenticator(place, operator);
  return send(authenticator === undefined ? undefined : nextCode(authenticator));
}

/**
 * @param place the API and the station's directory
 * @param operator who signs in
 * @returns the authenticator it signs in with: the admin's (enrolled at the first call), or one
 *   enrolled before by {@link authenticatorOf}; undefined for an operator without a factor
 */
export async function signInAuthenticator(
  place: ApiPlace,
  operator: string,
): Promise<Authenticator | undefined> {
  if (operator === "admin") return authenticatorOf(place, operator);
  return enrolled.get(`${place.dir} ${operator}`);
}
