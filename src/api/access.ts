import type { FastifyInstance, FastifyRequest } from "fastify";
import { PERMISSIONS, requireRole, type Permission, type Station } from "../station/mod.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** what the route takes of the operator acting; by default a GET reads and anything else writes */
    access?: Permission;
  }
}

/** Header naming the operator a token-holding client (the CLI) acts for. */
export const OPERATOR_HEADER = "x-hotline-operator";

/** The operator a request acts for when it names none. */
export const DEFAULT_OPERATOR = "admin";

/**
 * @param headers a request's headers
 * @returns the operator the request names, if it names one
 */
export function namedOperator(headers: FastifyRequest["headers"]): string | undefined {
  const name = headers[OPERATOR_HEADER];
  return typeof name === "string" ? name : undefined;
}

/**
 * @param station the station
 * @param headers a request's headers
 * @returns the name of the operator the request acts for (default admin), who exists and is enabled
 */
export function actingOperator(station: Station, headers: FastifyRequest["headers"]): string {
  return station.operator(namedOperator(headers) ?? DEFAULT_OPERATOR).name;
}

/**
 * Refuses, before its body is read, every API request whose operator may not do what the route
 * does (its `config.access`; by default a GET reads and anything else writes). Reading needs no
 * operator: the API token suffices, as the database file does; an operator named must be enabled.
 *
 * @param app the operator API, with its token check already hooked
 * @param station the station whose operators act
 */
export function enforceRoles(app: FastifyInstance, station: Station): void {
  app.addHook("onRequest", async (request) => {
    if (request.is404 || !request.url.startsWith("/api/") || request.url.startsWith("/api/docs")) return;
    const reads = request.method === "GET" || request.method === "HEAD";
    const access = request.routeOptions.config.access ?? (reads ? PERMISSIONS.read : PERMISSIONS.write);
    const named = namedOperator(request.headers);
    if (access === PERMISSIONS.read && named === undefined) return;
    requireRole(station, named ?? DEFAULT_OPERATOR, access);
  });
}
