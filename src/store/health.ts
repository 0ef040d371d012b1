/** A change of a link's health, as kept. */
export interface HealthChangeRow {
  line: string;
  peer: string;
  from: string;
  to: string;
  at: string;
  lastOkAt: string | null;
  detail: string;
}

/**
 * A change on one route to a peer, as kept: its health changed (`kind` "health": `from` and `to`
 * are healths), or the peer's traffic moved to it (`kind` "switch": `from` is the route that
 * carried it before, null if none did; `to` is this route's name).
 */
export interface RouteChangeRow {
  peer: string;
  /** the route's name */
  route: string;
  kind: "health" | "switch";
  from: string | null;
  to: string;
  at: string;
  /** why, in words */
  detail: string;
}

/** How many changes are kept per peer and route: the oldest beyond go as new ones come. */
export const MAX_ROUTE_CHANGES = 500;

/** The history of links' and routes' health. */
export interface HealthStore {
  addHealthChange(change: HealthChangeRow): Promise<void>;
  /** @returns changes of health, oldest first, of one line (and peer) or all */
  healthHistory(where?: { line?: string; peer?: string }): Promise<HealthChangeRow[]>;
  /** Keeps a route's change, and forgets that route's oldest beyond {@link MAX_ROUTE_CHANGES}. */
  addRouteChange(change: RouteChangeRow): Promise<void>;
  /** @returns changes of routes, oldest first: of one peer (and route), or all */
  routeHistory(where?: { peer?: string; route?: string }): Promise<RouteChangeRow[]>;
}
