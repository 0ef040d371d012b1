import type { FastifyInstance, FastifyRequest } from "fastify";
import { isoNow, recordAudit, type SecondFactorUsed, type Station } from "../station/mod.js";
import { DEFAULT_OPERATOR, isPublic, namedOperator } from "./access.js";

/** The route key of signing in: its audit rows say "sign-in" and name the operator tried. */
const SIGN_IN = "POST /api/session";
/** Longest operator name or object kept in a row: names and ids, never content. */
const MAX_FIELD = 200;

/** What a sign-in tells the audit log beyond its outcome: which second factor it used. */
const signIns = new WeakMap<FastifyRequest, SecondFactorUsed | "none">();

/**
 * @param request a sign-in that succeeded
 * @param used the second factor it used ("none": the operator has none on)
 */
export function noteSignIn(request: FastifyRequest, used: SecondFactorUsed | "none"): void {
  signIns.set(request, used);
}

/**
 * Audits every operator action in one place, so a route added later cannot forget to be: each
 * request to a route that declares its access and is not a read (GET, HEAD) leaves a row — the
 * route's key, the operator, allowed or refused with its error code, from where — and so does every
 * sign-in attempt. Never a body: no password, code or message text, only the route's path
 * parameters (the object acted on). The row is written before the answer is sent (onSend, not
 * onResponse), so an answer seen is an action audited.
 *
 * @param app the operator API, before any route is registered
 * @param station the station whose audit log it is
 */
export function auditApi(app: FastifyInstance, station: Station): void {
  app.addHook("onSend", async (request, reply, payload) => {
    const access = request.routeOptions.config.access;
    if (access === undefined || request.method === "GET" || request.method === "HEAD") return payload;
    const route = `${request.method} ${request.routeOptions.url ?? ""}`;
    const refused = reply.statusCode >= 400;
    const token = !isPublic(access) && request.headers.authorization !== undefined;
    const signIn = route === SIGN_IN;
    const body = request.body as { operator?: unknown; code?: unknown } | undefined;
    const tried = typeof body?.operator === "string" ? body.operator : null;
    // Who acted: the session's operator (set by the gate), or the one the token's holder names;
    // no one when the caller was not known (the name it claimed is not worth recording as who).
    const actor = namedOperator(request.headers) ?? (token ? DEFAULT_OPERATOR : null);
    const code = refused ? errorCodeOf(payload, reply.statusCode) : null;
    try {
      await recordAudit(station, {
        at: isoNow(station.clock),
        operator: clip(signIn ? tried : code === "UNAUTHORIZED" ? null : actor),
        action: signIn ? "sign-in" : route,
        object: objectOf(request.params),
        outcome: refused ? "refused" : "allowed",
        code,
        // The token is host access: "local", unless it came from elsewhere (an API off loopback).
        origin: token && isLoopback(request.ip) ? "local" : request.ip,
        via: isPublic(access) ? "public" : token ? "token" : "session",
        secondFactor: signIn ? (signIns.get(request) ?? (body?.code === undefined ? "none" : "given")) : null,
      });
    } catch (error) {
      request.log.error({ event: "audit.failed", route, err: error }, "cannot write the audit row");
    }
    return payload;
  });
}

function isLoopback(ip: string): boolean {
  return ip === "::1" || ip.startsWith("127.") || ip.startsWith("::ffff:127.");
}

function objectOf(params: unknown): string | null {
  if (params === null || typeof params !== "object" || Object.keys(params).length === 0) return null;
  return clip(JSON.stringify(params));
}

function clip(text: string | null): string | null {
  return text === null ? null : text.slice(0, MAX_FIELD);
}

/** The stable code of an error answer (`{error: {code}}`), else one made of the status. */
function errorCodeOf(payload: unknown, status: number): string {
  if (typeof payload === "string" && payload.length < 100_000) {
    try {
      const code = (JSON.parse(payload) as { error?: { code?: unknown } }).error?.code;
      if (typeof code === "string") return code.slice(0, 64);
    } catch {
      // not JSON: fall through
    }
  }
  return `HTTP_${status}`;
}
