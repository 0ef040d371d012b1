import type { FastifyPluginAsync } from "fastify";
import { PERMISSIONS, type Station } from "../station/mod.js";
import { actingOperator } from "./access.js";
import { route } from "./route.js";

/**
 * The station's identity key: rotating or revoking it, and accepting a peer's new key after its
 * revocation (admins only); acknowledging a peer's key change.
 *
 * @param app the operator API
 * @param options the station
 */
export const keyRoutes: FastifyPluginAsync<{ station: Station }> = async (app, { station }) => {
  route(app, "POST /api/key/rotate", {
    access: PERMISSIONS.rotateKey,
    handler: async (request) =>
      station.rotateKey({ operator: await actingOperator(station, request.headers) }),
  });
  route(app, "POST /api/key/revoke", {
    access: PERMISSIONS.revokeKey,
    handler: async (request) =>
      station.revokeKey({
        since: request.body.since,
        operator: await actingOperator(station, request.headers),
      }),
  });
  route(app, "POST /api/key/accept", {
    access: PERMISSIONS.acceptKey,
    handler: async (request) =>
      station.acceptRevocation({
        token: request.body.token,
        operator: await actingOperator(station, request.headers),
      }),
  });
  route(app, "POST /api/lines/:line/members/:station/key-change/ack", {
    access: PERMISSIONS.ackKeyChange,
    handler: async (request) =>
      station.acknowledgeKeyChange({
        line: request.params.line,
        member: request.params.station,
        operator: await actingOperator(station, request.headers),
      }),
  });
};
