import type { FastifyPluginAsync } from "fastify";
import { PERMISSIONS, renewCertificate, type Station } from "../station/mod.js";
import { actingOperator } from "./access.js";
import { route } from "./route.js";

/**
 * The operator API's route for the station's certificate: admins only.
 *
 * @param app the operator API
 * @param options the station
 */
export const certRoutes: FastifyPluginAsync<{ station: Station }> = async (app, { station }) => {
  route(app, "POST /api/cert/renew", {
    access: PERMISSIONS.renewCert,
    handler: async (request) =>
      renewCertificate(station, {
        operator: await actingOperator(station, request.headers),
        validDays: request.body?.validDays,
      }),
  });
};
