import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { HotlineError, type ErrorCode } from "../record/mod.js";

/** Every code's status: a code added without one does not compile, so none falls through to 500. */
const STATUS: Record<ErrorCode, number> = {
  SCHEMA: 400,
  TOO_COMPLEX: 400,
  BAD_HASH: 400,
  MISMATCH: 400,
  UNKNOWN_SEEN: 400,
  BACKDATED: 400,
  BAD_STATEMENT: 400,
  BAD_BUNDLE: 400,
  BAD_PATH: 400,
  BAD_HOST: 421,
  BAD_ORIGIN: 403,
  NO_CONSENT: 403,
  PENDING_MEMBER: 403,
  MEMBER_CONFLICT: 409,
  KEY_CONFLICT: 409,
  KEY_REVOKED: 409,
  STALE_KEY: 409,
  KEY_UNCONFIRMED: 409,
  TOO_MANY_PARTICIPANTS: 409,
  STATION_EXISTS: 409,
  STATION_RUNNING: 409,
  NO_STATION: 404,
  TIMEOUT: 408,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  STORE_DAMAGED: 500,
  DISK_FULL: 507,
  FENCED: 503,
  STANDBY: 503,
  STORE_UNAVAILABLE: 503,
  FILE_EXISTS: 409,
  BAD_BACKUP: 400,
  BAD_PASSPHRASE: 400,
  RENEWAL_PENDING: 409,
  USAGE: 400,
  BAD_INPUT: 400,
  BAD_SIGNATURE: 400,
  BAD_GENESIS: 400,
  BAD_LINE: 400,
  NOT_CANONICAL: 400,
  FUTURE_TIME: 400,
  BAD_INVITE: 400,
  UNAUTHORIZED: 401,
  BAD_CREDENTIALS: 401,
  SECOND_FACTOR_NEEDED: 401,
  BAD_SECOND_FACTOR: 401,
  SECOND_FACTOR_REQUIRED: 403,
  ALREADY_ENROLLED: 409,
  NOT_ENROLLING: 409,
  BAD_CSRF: 403,
  UNKNOWN_PEER: 403,
  NOT_PARTICIPANT: 403,
  UNKNOWN_AUTHOR: 403,
  FORBIDDEN: 403,
  UNKNOWN_OPERATOR: 403,
  ROUTE_EXISTS: 409,
  UNKNOWN_ROUTE: 404,
  UNKNOWN_LINE: 404,
  UNKNOWN_ENTRY: 404,
  NOT_FOUND: 404,
  UNKNOWN_HOOK: 404,
  CHAIN_GAP: 409,
  BAD_PREV: 409,
  EQUIVOCATION: 409,
  AMBIGUOUS_LINE: 409,
  AMBIGUOUS_ENTRY: 409,
  ALREADY_ACKED: 409,
  OPERATOR_EXISTS: 409,
  LAST_ADMIN: 409,
  INVITE_USED: 410,
  INVITE_EXPIRED: 410,
  TOO_LARGE: 413,
  THROTTLED: 429,
  PEER_UNREACHABLE: 502,
  PEER_REJECTED: 502,
};

/**
 * @param code a hotline error code
 * @returns the HTTP status it is answered with at an API edge
 */
export function httpStatusOf(code: ErrorCode): number {
  return STATUS[code];
}

/** Codes of a 5xx answer that are not failures worth a log line each. */
const QUIET_CODES: ReadonlySet<string> = new Set(["DISK_FULL", "STANDBY", "FENCED"]);

/**
 * Turns every error into `{ error: { code, message } }` with its status — the one place where
 * errors become HTTP. Fastify's own errors (body too large, not JSON, schema) get hotline codes.
 *
 * @param app a Fastify instance
 * @param extra more fields for the answer to an error (e.g. a head statement)
 * @param pages answers a GET outside /api/ that no route took (the console's pages)
 */
export function answerErrors(
  app: FastifyInstance,
  extra?: (error: HotlineError, url: string) => object,
  pages?: (request: FastifyRequest, reply: FastifyReply) => unknown,
): void {
  app.setErrorHandler((error: FastifyError | HotlineError, request, reply) => {
    const hotline = toHotlineError(error);
    // A full disk is logged once by the station (disk.full), not once per refused request; a
    // standby's answers and a fenced write are its role, logged when the role changes.
    if (httpStatusOf(hotline.code) >= 500 && !QUIET_CODES.has(hotline.code))
      request.log.error({ event: "request.failed", err: error }, "request failed");
    void reply.status(httpStatusOf(hotline.code)).send({
      error: { code: hotline.code, message: hotline.message },
      ...(extra?.(hotline, request.url) ?? {}),
    });
  });
  app.setNotFoundHandler((request, reply) => {
    if (pages !== undefined && request.method === "GET" && !request.url.startsWith("/api/")) {
      return pages(request, reply);
    }
    return reply.status(404).send({
      error: { code: "NOT_FOUND", message: `Cannot ${request.method} ${request.url}: no such route` },
    });
  });
}

/**
 * @param error anything thrown in a request
 * @returns it as a HotlineError
 */
export function toHotlineError(error: unknown): HotlineError {
  if (error instanceof HotlineError) return error;
  const fastify = error as Partial<FastifyError>;
  if (fastify.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
    return new HotlineError("TOO_LARGE", "Cannot accept the request: its body is larger than the limit");
  }
  if (
    fastify.code === "FST_ERR_CTP_INVALID_JSON_BODY" ||
    fastify.code === "FST_ERR_CTP_EMPTY_JSON_BODY" ||
    error instanceof SyntaxError
  ) {
    return new HotlineError("SCHEMA", "Cannot accept the request: its body is not JSON");
  }
  if (fastify.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
    return new HotlineError("SCHEMA", "Cannot accept the request: send application/json");
  }
  if (fastify.validation !== undefined || fastify.code === "FST_ERR_VALIDATION") {
    return new HotlineError(
      "SCHEMA",
      `Cannot accept the request: ${fastify.message ?? "it does not match its schema"}`,
    );
  }
  if (fastify.statusCode === 404) return new HotlineError("NOT_FOUND", fastify.message ?? "Not found");
  return new HotlineError(
    "INTERNAL",
    "Cannot complete the request: an internal error (see the station's log)",
    {
      cause: error,
    },
  );
}
