import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { HotlineError } from "../record/mod.js";
import {
  checkPassword,
  checkSecondFactor,
  secondFactorStatus,
  type SecondFactorUsed,
  endSession,
  findOperator,
  isoNow,
  keepSession,
  liveSession,
  operatorLang,
  type Station,
} from "../station/mod.js";
import type { SessionRow } from "../store/mod.js";
import type { SessionView } from "./views.js";

/**
 * @param stationId the station's id
 * @returns the name of the cookie that carries a session's secret: one per station, as browsers
 *   share cookies across the ports of a host (two stations on one machine must not sign each
 *   other's operators out)
 */
export function sessionCookie(stationId: string): string {
  return `hotline_${stationId.slice(0, 12)}`;
}
/** The header every console write must carry, echoing the session's CSRF token. */
export const CSRF_HEADER = "x-csrf-token";
/** How long a session lasts: a long watch, then sign in again. */
const SESSION_MS = 12 * 3_600_000;

/**
 * Failed sign-ins allowed before each further attempt must wait: per operator name, and — looser,
 * as an operations room's consoles may share one address — per client address.
 */
const FREE_FAILURES = { operator: 3, client: 20 };
/** The wait after the first failure beyond the free ones; it doubles with each, up to the cap. */
const FIRST_WAIT_MS = 5_000;
const MAX_WAIT_MS = 15 * 60_000;
/** Failures older than this are forgotten. */
const FORGET_MS = 60 * 60_000;

/**
 * Throttles failed sign-ins, per operator name and per client address (whichever is worse): a
 * few free tries, then a wait that doubles with each failure — slow for a guesser, a short pause
 * for an officer who mistyped. An attempt counts as failed from the moment it starts (it is
 * cleared if it succeeds), so guesses sent all at once cannot all reach the password check while
 * the first are still being hashed.
 */
export class SignInThrottle {
  readonly #failures = new Map<string, { count: number; last: number }>();

  /**
   * @param keys "operator:NAME" and "client:ADDRESS"
   * @param now now, in ms
   * @returns ms to wait before another attempt, 0 if none
   */
  waitMs(keys: readonly string[], now: number): number {
    let wait = 0;
    for (const key of keys) {
      const f = this.#failures.get(key);
      const free = key.startsWith("client:") ? FREE_FAILURES.client : FREE_FAILURES.operator;
      if (f === undefined || now - f.last > FORGET_MS || f.count < free) continue;
      const span = Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** (f.count - free));
      wait = Math.max(wait, f.last + span - now);
    }
    return Math.max(0, wait);
  }

  /**
   * Counts an attempt as failed; {@link succeeded} takes it back.
   *
   * @param keys "operator:NAME" and "client:ADDRESS"
   * @param now now, in ms
   */
  failed(keys: readonly string[], now: number): void {
    for (const key of keys) {
      const f = this.#failures.get(key);
      this.#failures.set(key, {
        count: f === undefined || now - f.last > FORGET_MS ? 1 : f.count + 1,
        last: now,
      });
    }
    if (this.#failures.size > 10_000) {
      for (const [key, f] of this.#failures) if (now - f.last > FORGET_MS) this.#failures.delete(key);
    }
  }

  /** @param keys the keys of an attempt that succeeded: their failures are forgotten */
  succeeded(keys: readonly string[]): void {
    for (const key of keys) this.#failures.delete(key);
  }
}

/** Console sessions: sign-in with an operator's password, cookies, CSRF tokens. */
export class Sessions {
  readonly #station: Station;
  readonly #throttle = new SignInThrottle();
  readonly #secure: boolean;

  /** the name of this station's session cookie */
  readonly cookie: string;

  /**
   * @param station the station
   * @param options secure: the API is served over HTTPS, so the cookie is `Secure` (never sent in clear)
   */
  constructor(station: Station, options: { secure: boolean } = { secure: false }) {
    this.#station = station;
    this.#secure = options.secure;
    this.cookie = sessionCookie(station.id);
  }

  /**
   * Checks an operator's password and, when its second factor is on, its code; then opens a
   * session. A wrong code counts as a failed sign-in, as a wrong password does.
   *
   * @param operator the name typed
   * @param password the password typed
   * @param client the client's address (for throttling)
   * @param code a current TOTP code or a recovery code, if given
   * @returns the session's secret (for the cookie), its row, and which second factor was used
   * @throws HotlineError THROTTLED (wait), BAD_CREDENTIALS (wrong name or password, or disabled),
   *   SECOND_FACTOR_NEEDED (the password is right: give a code), BAD_SECOND_FACTOR (a wrong code)
   */
  async signIn(
    operator: string,
    password: string,
    client: string,
    code?: string,
  ): Promise<{ secret: string; row: SessionRow; secondFactor: SecondFactorUsed | "none" }> {
    const keys = [`operator:${operator.toLowerCase()}`, `client:${client}`];
    const clock = this.#station.clock;
    const wait = this.#throttle.waitMs(keys, clock.now());
    if (wait > 0) {
      throw new ThrottledError(Math.ceil(wait / 1000));
    }
    // Counted before the (slow) password check, in the same tick as the wait was checked.
    this.#throttle.failed(keys, clock.now());
    const row = await findOperator(this.#station, operator);
    // The same work whether or not the operator exists, so timing does not tell which names do.
    const ok = await checkPassword(password, row?.passwordHash ?? DUMMY_HASH);
    if (row === null || !ok || row.disabled) {
      throw new HotlineError(
        "BAD_CREDENTIALS",
        "Cannot sign in: the operator name or the password is wrong, or the operator is disabled",
      );
    }
    let secondFactor: SecondFactorUsed | "none" = "none";
    if ((await secondFactorStatus(this.#station, row.name)).on) {
      if (code === undefined) {
        throw new HotlineError(
          "SECOND_FACTOR_NEEDED",
          "Cannot sign in yet: give the code your authenticator app shows, or a recovery code",
        );
      }
      secondFactor = await checkSecondFactor(this.#station, row.name, code);
    }
    this.#throttle.succeeded(keys);
    const secret = randomBytes(32).toString("base64url");
    const now = clock.now();
    const session: SessionRow = {
      idHash: hashOf(secret),
      operator: row.name,
      csrf: randomBytes(24).toString("base64url"),
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + SESSION_MS).toISOString(),
    };
    await keepSession(this.#station, session);
    return { secret, row: session, secondFactor };
  }

  /**
   * @param secret the cookie's value
   * @returns the session, if it is live and its operator still enabled
   */
  async find(secret: string | undefined): Promise<SessionRow | null> {
    if (secret === undefined || secret.length === 0 || secret.length > 100) return null;
    const session = await liveSession(this.#station, hashOf(secret), isoNow(this.#station.clock));
    if (session === null) return null;
    const operator = await findOperator(this.#station, session.operator);
    return operator === null || operator.disabled ? null : session;
  }

  async signOut(secret: string | undefined): Promise<void> {
    if (secret !== undefined) await endSession(this.#station, hashOf(secret));
  }

  /**
   * @param session a live session
   * @returns what the console is told of it
   */
  async view(session: SessionRow): Promise<SessionView> {
    const operator = await this.#station.operator(session.operator);
    const me = this.#station.whoami();
    const factor = await secondFactorStatus(this.#station, operator.name);
    return {
      operator: {
        name: operator.name,
        role: operator.role,
        lang: await operatorLang(this.#station, operator.name),
      },
      csrf: session.csrf,
      station: { id: me.id, name: me.name, fingerprint: me.fingerprint, url: me.url },
      secondFactor: { on: factor.on, required: factor.required },
    };
  }

  /**
   * Refuses a console write that does not echo its session's CSRF token.
   *
   * @param request the request
   * @param session its session
   */
  checkCsrf(request: FastifyRequest, session: SessionRow): void {
    const given = Buffer.from(String(request.headers[CSRF_HEADER] ?? ""));
    const expected = Buffer.from(session.csrf);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new HotlineError(
        "BAD_CSRF",
        "Cannot accept the request: it lacks the session's CSRF token (reload the console)",
      );
    }
  }

  /**
   * Sets the session cookie: httpOnly (no script reads it), SameSite=Strict (no other site sends
   * it), and Secure when the API is served over HTTPS.
   *
   * @param reply the reply
   * @param secret the session's secret, or null to clear it
   */
  setCookie(reply: FastifyReply, secret: string | null): void {
    void reply.setCookie(this.cookie, secret ?? "", {
      httpOnly: true,
      sameSite: "strict",
      secure: this.#secure,
      path: "/",
      ...(secret === null ? { maxAge: 0 } : { maxAge: SESSION_MS / 1000 }),
    });
  }
}

/** Too many failed sign-ins: wait. */
export class ThrottledError extends HotlineError {
  readonly retryAfterSeconds: number;

  constructor(seconds: number) {
    super("THROTTLED", `Cannot sign in yet: too many failed attempts; try again in ${seconds} s`);
    this.retryAfterSeconds = seconds;
  }
}

function hashOf(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** A valid scrypt hash of a random password: checked against when the operator does not exist. */
const DUMMY_HASH = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
