import type { FastifyPluginAsync } from "fastify";
import { PERMISSIONS, snapshotDatabase, type Station } from "../station/mod.js";
import { route } from "./route.js";

/**
 * The operator API's backup route: admins only. It writes only into the station's own data
 * directory, never to a path a caller names.
 *
 * @param app the operator API
 * @param options the station
 */
export const backupRoutes: FastifyPluginAsync<{ station: Station }> = async (app, { station }) => {
  route(app, "POST /api/backup/snapshot", {
    access: PERMISSIONS.backup,
    handler: async (request) => {
      const snapshot = await snapshotDatabase(station);
      request.log.info({ event: "backup.snapshot", bytes: snapshot.bytes }, "database snapshot for a backup");
      return snapshot;
    },
  });
};
