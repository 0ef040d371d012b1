import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { HotlineError } from "../record/mod.js";
import { lacksRequiredSecondFactor, type Station } from "../station/mod.js";
import { isPublic, isScrape, OPERATOR_HEADER, requireAccess } from "./access.js";
import { requireNormalPath } from "./normal-path.js";
import type { SameOrigin } from "./same-origin.js";
import type { Sessions } from "./sessions.js";

/**
 * The operator API's one gate, in front of every route and of the not-found answer. In order:
 * the path is in normal form (BAD_PATH), the Host is this API's (BAD_HOST), an Origin, if any, is
 * this API's (BAD_ORIGIN); then the route that matched — never the raw URL — says who may call
 * it: anyone (public), a metrics scraper by the metrics token or the API token (`/metrics`), or an
 * operator with a permission, known by the CLI's bearer token (naming the operator in a header) or
 * by a console session's cookie (the session names the operator; a write must come from this
 * API's own pages, by Origin or Referer, and echo the CSRF token).
 *
 * @param app the operator API, before any route is registered
 * @param station the station whose operators act
 * @param options the API token, the metrics token, the sessions, what the API is reached as
 */
export function guardApi(
  app: FastifyInstance,
  station: Station,
  options: { token: string; metricsToken: string; sessions: Sessions; origin: SameOrigin },
): void {
  const { sessions, origin } = options;
  const expected = Buffer.from(`Bearer ${options.token}`);
  const scraper = Buffer.from(`Bearer ${options.metricsToken}`);
  app.addHook("onRequest", async (request) => {
    requireNormalPath(request.raw.url ?? "");
    origin.requireHost(request.headers.host);
    const claimed = request.headers.origin;
    if (claimed !== undefined && !origin.isOwn(claimed)) throw foreignOrigin(claimed);
    const access = request.routeOptions.config.access;
    if (access === undefined) {
      if (request.is404) return; // the not-found answer: a 404, or a console page
      throw new HotlineError("FORBIDDEN", "Cannot serve the request: its route declares no access");
    }
    if (isPublic(access)) {
      delete request.headers[OPERATOR_HEADER];
      return;
    }
    if (isScrape(access)) {
      delete request.headers[OPERATOR_HEADER];
      const given = Buffer.from(request.headers.authorization ?? "");
      if (!sameSecret(given, scraper) && !sameSecret(given, expected)) {
        throw new HotlineError(
          "UNAUTHORIZED",
          "Cannot serve the metrics: give the station's metrics token (or its API token) as a bearer token",
        );
      }
      return;
    }
    if (request.headers.authorization !== undefined) {
      if (!sameSecret(Buffer.from(request.headers.authorization), expected)) {
        throw new HotlineError("UNAUTHORIZED", "Cannot serve the request: its API token is wrong");
      }
      await requireAccess(station, access, request.headers);
      return;
    }
    delete request.headers[OPERATOR_HEADER]; // only the session names the operator
    const session = await sessions.find(request.cookies[sessions.cookie]);
    if (session === null) {
      throw new HotlineError(
        "UNAUTHORIZED",
        "Cannot serve the request: sign in to the console, or give the station's API token",
      );
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      requireOwnPage(request, origin);
      sessions.checkCsrf(request, session);
    }
    request.headers[OPERATOR_HEADER] = session.operator;
    await requireAccess(station, access, request.headers);
    // An admin signed in with the password alone may only enrol: the console takes it there.
    if (access.beforeSecondFactor !== true && (await lacksRequiredSecondFactor(station, session.operator))) {
      throw new HotlineError(
        "SECOND_FACTOR_REQUIRED",
        `Cannot serve the request: operator '${session.operator}' must enrol a second factor first (the console shows how)`,
      );
    }
  });
}

/**
 * A cookie rides along with any request the browser makes, whoever's page makes it: a write must
 * show that this API's own page made it. Browsers send Origin with every write; Referer stands in
 * for it where a browser left it out.
 */
function requireOwnPage(request: FastifyRequest, origin: SameOrigin): void {
  const claimed = request.headers.origin ?? refererOrigin(request.headers.referer);
  if (claimed === undefined) {
    throw new HotlineError(
      "BAD_ORIGIN",
      "Cannot accept a console write without an Origin or Referer: it cannot be told from a foreign page's",
    );
  }
  if (!origin.isOwn(claimed)) throw foreignOrigin(claimed);
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (referer === undefined) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return "null";
  }
}

function foreignOrigin(claimed: string): HotlineError {
  return new HotlineError(
    "BAD_ORIGIN",
    `Cannot accept the request: it comes from '${claimed.slice(0, 200)}', not from this station's console`,
  );
}

/** Compares a secret in constant time (for its length: a token's length is no secret). */
function sameSecret(given: Buffer, expected: Buffer): boolean {
  return given.length === expected.length && timingSafeEqual(given, expected);
}
