import { z } from "zod";
import { ROUTE, ROUTE_NAME, ROUTE_URL } from "../../record/kinds.js";
import { ERRORS, routes } from "./route.js";

/** A route of this station, with where it listens for it. */
export const OWN_ROUTE = ROUTE.extend({ listen: z.string() });

export const ADD_ROUTE_REQUEST = z.strictObject({
  name: ROUTE_NAME,
  url: ROUTE_URL,
  priority: z.number().int().min(0).max(1000).optional(),
  /** HOST:PORT to listen on, when it is not the URL's (behind NAT, a load balancer) */
  listen: z.string().min(3).max(300).optional(),
});
const ROUTE_PARAM = z.object({ name: z.string().min(1).max(64) });

/** This station's routes: the addresses peers reach it by, announced on every line. */
export const networkRoutes = routes({
  "GET /api/routes": {
    summary: "This station's routes, most preferred first (the primary is its address in station.json)",
    response: { 200: z.array(OWN_ROUTE), ...ERRORS },
  },
  "POST /api/routes": {
    summary: "Add a route and announce the routes on every line (a signed route.announce on each)",
    body: ADD_ROUTE_REQUEST,
    response: { 200: z.array(OWN_ROUTE), ...ERRORS },
  },
  "DELETE /api/routes/:name": {
    summary: "Remove a route (not the primary) and announce the routes on every line",
    params: ROUTE_PARAM,
    response: { 200: z.array(OWN_ROUTE), ...ERRORS },
  },
});
