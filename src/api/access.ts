import type { FastifyInstance, FastifyRequest, RouteOptions } from "fastify";
import { HotlineError } from "../record/mod.js";
import { PERMISSIONS, requireRole, type Permission, type Station } from "../station/mod.js";

/**
 * The marker of a route anyone who reaches the API may call, without a token or a session: the
 * sign-in page's few routes, the OpenAPI docs and the console's static files. Each such route says
 * so itself; a route that says nothing cannot be registered.
 */
export const PUBLIC = { public: true } as const;

/**
 * The marker of a route a metrics scraper calls (`/metrics`): it takes the station's metrics token
 * (file `metrics.token`, 0600), which opens nothing else, or the API token. Neither a session nor
 * an operator: a scraper is neither.
 */
export const SCRAPE = { scrape: true } as const;

/** Who may call a route: an operator permission, anyone ({@link PUBLIC}), or a scraper ({@link SCRAPE}). */
export type Access = Permission | typeof PUBLIC | typeof SCRAPE;

declare module "fastify" {
  interface FastifyContextConfig {
    /** who may call the route: every route declares it, or the API does not start */
    access?: Access;
  }
}

/** Header naming the operator a token-holding client (the CLI) acts for. */
export const OPERATOR_HEADER = "x-hotline-operator";

/** The operator a request acts for when it names none. */
export const DEFAULT_OPERATOR = "admin";

/** A route as registered: method, URL pattern and who may call it. */
export interface DeclaredRoute {
  method: string;
  url: string;
  access: Access;
}

const declared = new WeakMap<FastifyInstance, DeclaredRoute[]>();

/**
 * @param app an operator API built with {@link requireDeclaredAccess}
 * @returns every route it registered, with its access (for tests and audits)
 */
export function declaredRoutes(app: FastifyInstance): readonly DeclaredRoute[] {
  return declared.get(app) ?? [];
}

/** Decoration marking a plugin context whose routes are all public (docs, static files). */
const PUBLIC_CONTEXT = "hotlinePublicRoutes";

/**
 * @param access a route's declared access
 * @returns whether anyone may call it
 */
export function isPublic(access: Access): access is typeof PUBLIC {
  return "public" in access;
}

/**
 * @param access a route's declared access
 * @returns whether a scraper's metrics token opens it
 */
export function isScrape(access: Access): access is typeof SCRAPE {
  return "scrape" in access;
}

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
export async function actingOperator(station: Station, headers: FastifyRequest["headers"]): Promise<string> {
  return (await station.operator(namedOperator(headers) ?? DEFAULT_OPERATOR)).name;
}

/**
 * Makes a route without an access declaration impossible: the API throws at startup instead of
 * serving it to whoever asks. Routes registered inside {@link publicRoutes} are declared public
 * there (plugins we do not write, such as the docs and the static files, cannot declare their own).
 *
 * @param app the operator API, before any route is registered
 */
export function requireDeclaredAccess(app: FastifyInstance): void {
  const routes: DeclaredRoute[] = [];
  declared.set(app, routes);
  app.addHook("onRoute", function (this: FastifyInstance, route: RouteOptions) {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    let access = route.config?.access;
    if (access === undefined && this.hasDecorator(PUBLIC_CONTEXT)) {
      access = PUBLIC;
      route.config = { ...route.config, access };
    }
    if (access === undefined) {
      throw new HotlineError(
        "INTERNAL",
        `Cannot serve ${methods.join(",")} ${route.url}: the route does not declare who may call it (config.access)`,
      );
    }
    for (const method of methods) routes.push({ method, url: route.url, access });
  });
}

/**
 * Registers a plugin whose every route is public (the OpenAPI docs, the console's files).
 *
 * @param app the operator API
 * @param register registers the plugin on the context it is given
 */
export async function publicRoutes(
  app: FastifyInstance,
  register: (context: FastifyInstance) => PromiseLike<unknown>,
): Promise<void> {
  await app.register(async (context) => {
    context.decorate(PUBLIC_CONTEXT, true);
    await register(context);
  });
}

/**
 * Refuses a request whose operator may not do what its route declares. Reading needs no named
 * operator: the API token suffices, as the database file does; an operator named must be enabled.
 *
 * @param station the station whose operators act
 * @param access the matched route's declared permission
 * @param headers the request's headers, naming the operator (set from the session for the console)
 */
export async function requireAccess(
  station: Station,
  access: Permission,
  headers: FastifyRequest["headers"],
): Promise<void> {
  const named = namedOperator(headers);
  if (access === PERMISSIONS.read && named === undefined) return;
  await requireRole(station, named ?? DEFAULT_OPERATOR, access);
}
