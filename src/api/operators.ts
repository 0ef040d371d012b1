import type { FastifyPluginAsync } from "fastify";
import {
  addOperator,
  disableOperator,
  listOperators,
  PERMISSIONS,
  setPassword,
  type Station,
} from "../station/mod.js";
import { actingOperator } from "./access.js";
import { route } from "./route.js";

export { ADD_OPERATOR_REQUEST, DISABLE_REQUEST, PASSWORD_REQUEST } from "./contract/operators.js";

/**
 * The operator API's routes for managing operators: admins only.
 *
 * @param app the operator API
 * @param options the station
 */
export const operatorRoutes: FastifyPluginAsync<{ station: Station }> = async (app, { station }) => {
  const access = PERMISSIONS.manageOperators;
  route(app, "GET /api/operators", {
    access,
    handler: async (request) =>
      listOperators(station, { by: await actingOperator(station, request.headers) }),
  });
  route(app, "POST /api/operators", {
    access,
    handler: async (request) =>
      addOperator(station, { ...request.body, by: await actingOperator(station, request.headers) }),
  });
  route(app, "POST /api/operators/:name/password", {
    access,
    handler: async (request) =>
      setPassword(station, request.params.name, {
        password: request.body.password,
        by: await actingOperator(station, request.headers),
      }),
  });
  route(app, "POST /api/operators/:name/disable", {
    access,
    handler: async (request) =>
      disableOperator(station, request.params.name, { by: await actingOperator(station, request.headers) }),
  });
};
