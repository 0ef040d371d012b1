import type { FastifyPluginAsync } from "fastify";
import { addRoute, ownRoutes, PERMISSIONS, removeRoute, type Station } from "../station/mod.js";
import { actingOperator } from "./access.js";
import { route } from "./route.js";

/**
 * The operator API's routes for this station's own routes (its addresses): anyone may read them,
 * admins change them.
 *
 * @param app the operator API
 * @param options the station
 */
export const networkRoutes: FastifyPluginAsync<{ station: Station }> = async (app, { station }) => {
  route(app, "GET /api/routes", {
    access: PERMISSIONS.read,
    handler: async () => ownRoutes(station),
  });
  route(app, "POST /api/routes", {
    access: PERMISSIONS.manageRoutes,
    // addRoute checks the route itself, so a bad one is BAD_INPUT here as on the command line
    attachValidation: true,
    handler: async (request) =>
      addRoute(station, {
        ...(request.body as object),
        operator: await actingOperator(station, request.headers),
      } as Parameters<typeof addRoute>[1]),
  });
  route(app, "DELETE /api/routes/:name", {
    access: PERMISSIONS.manageRoutes,
    handler: async (request) =>
      removeRoute(station, request.params.name, await actingOperator(station, request.headers)),
  });
};
