import type { FastifyPluginAsync } from "fastify";
import { PERMISSIONS, type Station } from "../station/mod.js";
import { actingOperator } from "./access.js";
import { route } from "./route.js";

/**
 * Consent to stations other participants added to a line: one, or several (or all waiting) at once.
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
  route(app, "POST /api/lines/:line/members/approve", {
    access: PERMISSIONS.approveMember,
    handler: async (request) =>
      station.approveMembers({
        line: request.params.line,
        members: request.body.stations,
        operator: await actingOperator(station, request.headers),
      }),
  });
};
