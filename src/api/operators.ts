import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  addOperator,
  disableOperator,
  listOperators,
  OPERATOR_NAME,
  PASSWORD,
  PERMISSIONS,
  ROLES,
  setPassword,
  type Station,
} from "../station/mod.js";
import { actingOperator } from "./access.js";

export const ADD_OPERATOR_REQUEST = z.strictObject({ name: OPERATOR_NAME, role: z.enum(ROLES) });
/** No password: the station generates one and answers it, once. */
export const PASSWORD_REQUEST = z.strictObject({ password: PASSWORD.optional() });
export const DISABLE_REQUEST = z.strictObject({}).optional();
const OPERATOR_PARAM = z.object({ name: z.string().min(1).max(64) });

/**
 * The operator API's routes for managing operators: admins only.
 *
 * @param app the operator API
 * @param options the station
 */
export const operatorRoutes: FastifyPluginAsyncZod<{ station: Station }> = async (app, { station }) => {
  const config = { access: PERMISSIONS.manageOperators };
  app.get(
    "/api/operators",
    { config, schema: { summary: "Operators: name, role, whether disabled, when added" } },
    async (request) => await listOperators(station, { by: await actingOperator(station, request.headers) }),
  );
  app.post(
    "/api/operators",
    {
      config,
      schema: {
        summary: "Add an operator; the answer holds its generated password, shown once",
        body: ADD_OPERATOR_REQUEST,
      },
    },
    async (request) =>
      await addOperator(station, { ...request.body, by: await actingOperator(station, request.headers) }),
  );
  app.post(
    "/api/operators/:name/password",
    {
      config,
      schema: {
        summary: "Set an operator's password: the one given, or a generated one answered once",
        params: OPERATOR_PARAM,
        body: PASSWORD_REQUEST,
      },
    },
    async (request) =>
      await setPassword(station, request.params.name, {
        password: request.body.password,
        by: await actingOperator(station, request.headers),
      }),
  );
  app.post(
    "/api/operators/:name/disable",
    {
      config,
      schema: {
        summary: "Disable an operator (not the last enabled admin)",
        params: OPERATOR_PARAM,
        body: DISABLE_REQUEST,
      },
    },
    async (request) =>
      await disableOperator(station, request.params.name, {
        by: await actingOperator(station, request.headers),
      }),
  );
};
