/**
 * The operator API's contract: every route, keyed by method and URL pattern, with what it takes
 * and what it answers. The server registers its routes from it (src/api/route.ts), OpenAPI
 * documents it, and the typed client (src/api/call.ts) derives its types from it, so a route
 * renamed or reshaped here breaks the build of every caller: the CLI's and the console's.
 *
 * Node-free, so the console can read it as types (`import type`); it bundles none of it.
 *
 * @module
 */
import { backupRoutes } from "./backup.js";
import { callRoutes } from "./calls.js";
import { certRoutes } from "./certs.js";
import { consoleRoutes } from "./console.js";
import { keyRoutes } from "./keys.js";
import { lineRoutes } from "./lines.js";
import { networkRoutes } from "./network.js";
import { notifyRoutes } from "./notify.js";
import { operatorRoutes } from "./operators.js";
import { secondFactorRoutes } from "./second-factor.js";

export { ERROR_ANSWER } from "./route.js";
export type { Method, RouteKey, RouteSpec } from "./route.js";

/** Every route of the operator API. */
export const contract = {
  ...lineRoutes,
  ...callRoutes,
  ...notifyRoutes,
  ...operatorRoutes,
  ...networkRoutes,
  ...consoleRoutes,
  ...secondFactorRoutes,
  ...keyRoutes,
  ...backupRoutes,
  ...certRoutes,
};

/** The contract's type: what the typed client reads. */
export type Contract = typeof contract;
/** A route's name, e.g. `"GET /api/lines/:line/log"`. */
export type RouteName = keyof Contract;
