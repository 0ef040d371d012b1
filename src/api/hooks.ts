import type { FastifyPluginAsync } from "fastify";
import { addHook, listHooks, PERMISSIONS, removeHook, type Station } from "../station/mod.js";
import { actingOperator } from "./access.js";
import { route } from "./route.js";

/**
 * The operator API's routes for alarm hooks: admins only.
 *
 * @param app the operator API
 * @param options the station
 */
export const hookRoutes: FastifyPluginAsync<{ station: Station }> = async (app, { station }) => {
  const access = PERMISSIONS.manageHooks;
  route(app, "GET /api/hooks", {
    access,
    handler: async (request) => listHooks(station, { by: await actingOperator(station, request.headers) }),
  });
  route(app, "POST /api/hooks", {
    access,
    // addHook checks the body itself, so a bad hook is BAD_INPUT here as on the command line
    attachValidation: true,
    handler: async (request) =>
      addHook(station, request.body as unknown, { by: await actingOperator(station, request.headers) }),
  });
  route(app, "DELETE /api/hooks/:id", {
    access,
    handler: async (request) =>
      removeHook(station, request.params.id, { by: await actingOperator(station, request.headers) }),
  });
};
