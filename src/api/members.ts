import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { PERMISSIONS, type Station } from "../station/mod.js";
import { actingOperator } from "./access.js";

const MEMBER_PARAMS = z.object({ line: z.string().min(1).max(200), station: z.string().min(1).max(100) });

/**
 * Consent to a station another participant added to a line.
 *
 * @param app the operator API
 * @param options the station
 */
export const memberRoutes: FastifyPluginAsyncZod<{ station: Station }> = async (app, { station }) => {
  app.post(
    "/api/lines/:line/members/:station/approve",
    {
      config: { access: PERMISSIONS.approveMember },
      schema: {
        summary:
          "Consent, as this station, to a station another participant added to a line (a signed entry)",
        params: MEMBER_PARAMS,
      },
    },
    async (request) =>
      await station.approveMember({
        line: request.params.line,
        member: request.params.station,
        operator: await actingOperator(station, request.headers),
      }),
  );
};
