/**
 * One of this station's own routes beyond its primary address (which is `url` in station.json): a
 * second network, host or provider peers can reach it by.
 */
export interface RouteRow {
  name: string;
  /** what peers connect to: https://HOST:PORT */
  url: string;
  /** lower goes first; the primary route's is 0 */
  priority: number;
  /** where this station listens for it (HOST:PORT); null: the URL's host and port */
  listen: string | null;
  createdBy: string;
  createdAt: string;
}

/** The station's own routes. */
export interface RouteStore {
  /** Adds a route. @returns false if a route has that name or URL already */
  addRoute(route: RouteRow): Promise<boolean>;
  /** @returns every route beyond the primary, by priority then name */
  routes(): Promise<RouteRow[]>;
  /** @returns false if there is no such route */
  removeRoute(name: string): Promise<boolean>;
}
