import type { FastifyPluginAsync } from "fastify";
import { PERMISSIONS, type Station } from "../station/mod.js";
import { actingOperator } from "./access.js";
import { route } from "./route.js";

/**
 * Consent to a station another participant added to a line.
 *
 * @param app the operator API
 * @param options the station
 */
export const memberRoutes: FastifyPluginAsync<{ station: Station }> = async (app, { station }) => {
  route(app, "POST /api/lines/:line/members/:station/approve", {
    access: PERMISSIONS.approveMember,
    handler: async (request) =>
      station.approveMember({
        line: request.params.line,
        member: request.params.station,
        operator: await actingOperator(station, request.headers),
      }),
  });
};
