import { HotlineError, MAX_ROUTES, ROUTE, type Route } from "../../record/mod.js";
import { isoNow } from "./clock.js";
import { announcedRoutes, PRIMARY_ROUTE, primaryOf, sameRoutes } from "./peer-routes.js";
import { parseHostPort } from "./config.js";
import type { Station } from "./station.js";

/** A route of this station, with where it listens for it. */
export interface OwnRoute extends Route {
  /** HOST:PORT this station listens on for the route */
  listen: string;
}

/**
 * @param station the station
 * @returns its routes, most preferred first: the primary (its address in station.json, priority
 *   0), then the ones added with `hotline route add`, by priority then name
 */
export async function ownRoutes(station: Pick<Station, "config" | "store">): Promise<OwnRoute[]> {
  const primary: OwnRoute = {
    name: PRIMARY_ROUTE,
    url: station.config.url,
    priority: 0,
    listen: station.config.listen,
  };
  const added = (await station.store.routes()).map((r) => ({
    name: r.name,
    url: r.url,
    priority: r.priority,
    listen: r.listen ?? listenOf(r.url),
  }));
  return [primary, ...added];
}

/**
 * Adds a route to this station and announces its routes on every line it is on.
 *
 * @param station the station
 * @param route its name, URL, priority (default: after every other), where to listen (default:
 *   the URL's host and port) and who adds it
 * @returns the station's routes now
 * @throws HotlineError BAD_INPUT for a bad name, URL, priority or listen address, or one too many;
 *   ROUTE_EXISTS when the name or URL is taken
 */
export async function addRoute(
  station: Station,
  route: {
    name: string;
    url: string;
    priority?: number | undefined;
    listen?: string | undefined;
    operator: string;
  },
): Promise<OwnRoute[]> {
  const routes = await ownRoutes(station);
  const priority = route.priority ?? Math.max(...routes.map((r) => r.priority)) + 10;
  const checked = ROUTE.safeParse({ name: route.name, url: route.url, priority });
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new HotlineError(
      "BAD_INPUT",
      `Cannot add route '${route.name}': its ${String(issue?.path[0] ?? "value")} ${issue?.message ?? "is not valid"}`,
    );
  }
  if (routes.length >= MAX_ROUTES) {
    throw new HotlineError(
      "BAD_INPUT",
      `Cannot add route '${route.name}': a station has at most ${MAX_ROUTES} routes`,
    );
  }
  const taken = routes.find((r) => r.name === route.name || r.url === route.url);
  if (taken !== undefined) {
    throw new HotlineError(
      "ROUTE_EXISTS",
      `Cannot add route '${route.name}': route '${taken.name}' has ${taken.name === route.name ? "that name" : `the URL ${taken.url}`} already`,
    );
  }
  if (route.listen !== undefined && typeof route.listen !== "string") {
    throw new HotlineError(
      "BAD_INPUT",
      `Cannot add route '${route.name}': its listen address must be HOST:PORT`,
    );
  }
  parseHostPort(route.listen ?? listenOf(route.url));
  const added = await station.store.addRoute({
    ...checked.data,
    listen: route.listen ?? null,
    createdBy: route.operator,
    createdAt: isoNow(station.clock),
  });
  if (!added) throw new HotlineError("ROUTE_EXISTS", `Cannot add route '${route.name}': it exists already`);
  station.events.emit("routes");
  await announceRoutes(station, route.operator);
  return ownRoutes(station);
}

/**
 * Removes a route from this station and announces its routes on every line it is on.
 *
 * @param station the station
 * @param name the route
 * @param operator who removes it
 * @returns the station's routes now
 * @throws HotlineError BAD_INPUT for the primary route (it is the station's address in
 *   station.json), UNKNOWN_ROUTE for a route it does not have
 */
export async function removeRoute(station: Station, name: string, operator: string): Promise<OwnRoute[]> {
  if (name === PRIMARY_ROUTE) {
    throw new HotlineError(
      "BAD_INPUT",
      "Cannot remove the primary route: it is the station's address (url in station.json)",
    );
  }
  if (!(await station.store.removeRoute(name))) {
    throw new HotlineError("UNKNOWN_ROUTE", `Cannot remove route '${name}': this station has no such route`);
  }
  station.events.emit("routes");
  await announceRoutes(station, operator);
  return ownRoutes(station);
}

/**
 * Makes every line this station is a participant of know its routes as they are now: on each line
 * where what it last announced (or, before any announcement, its address from pairing alone)
 * differs, it writes a `route.announce`. Safe to run at any time (at start, after a change, after
 * joining a line): a line that already knows writes nothing.
 *
 * @param station the station
 * @param operator who caused it ("station" when it is the station's own doing)
 * @returns the lines announced on
 */
export async function announceRoutes(station: Station, operator = "station"): Promise<string[]> {
  const routes = (await ownRoutes(station)).map(({ name, url, priority }) => ({ name, url, priority }));
  const announced: string[] = [];
  for (const line of await station.store.lines()) {
    const me = (await station.store.participants(line.id)).find((p) => p.station === station.id);
    if (me === undefined) continue;
    const known = (await announcedRoutes(station.store, line.id, station.id)) ?? [primaryOf(me.url)];
    if (sameRoutes(known, routes)) continue;
    await station.write(line.id, { kind: "route.announce", body: { routes, operator } });
    announced.push(line.id);
  }
  return announced;
}

/** The HOST:PORT of a route URL (https://HOST:PORT). */
function listenOf(url: string): string {
  const { hostname, port } = new URL(url);
  return `${hostname}:${port === "" ? "443" : port}`;
}
