import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { addHook, HOOK_REQUEST, listHooks, PERMISSIONS, removeHook, type Station } from "../station/mod.js";
import { actingOperator } from "./access.js";

const HOOK_PARAM = z.object({ id: z.coerce.number().int().min(1) });

/**
 * The operator API's routes for alarm hooks: admins only.
 *
 * @param app the operator API
 * @param options the station
 */
export const hookRoutes: FastifyPluginAsyncZod<{ station: Station }> = async (app, { station }) => {
  const config = { access: PERMISSIONS.manageHooks };
  app.get(
    "/api/hooks",
    { config, schema: { summary: "Alarm hooks, oldest first" } },
    async (request) => await listHooks(station, { by: await actingOperator(station, request.headers) }),
  );
  app.post(
    "/api/hooks",
    {
      config,
      schema: {
        summary:
          "Add an alarm hook: a command (argv, no shell) or a webhook, for alarms of at least a severity",
        body: HOOK_REQUEST,
      },
      // addHook checks the body itself, so a bad hook is BAD_INPUT here as on the command line
      attachValidation: true,
    },
    async (request) =>
      await addHook(station, request.body as unknown, { by: await actingOperator(station, request.headers) }),
  );
  app.delete(
    "/api/hooks/:id",
    { config, schema: { summary: "Remove an alarm hook", params: HOOK_PARAM } },
    async (request) =>
      await removeHook(station, request.params.id, { by: await actingOperator(station, request.headers) }),
  );
};
