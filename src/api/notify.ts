import type { FastifyPluginAsync } from "fastify";
import {
  PERMISSIONS,
  addZone,
  amendNotification,
  clarify,
  conflictsOf,
  listZones,
  mapOf,
  notificationFromFile,
  notificationsOf,
  notificationsToGeoJson,
  notify,
  removeZone,
  shareZone,
  sharedZonesOf,
  syncAllNotifyAlarms,
  withdrawSharedZone,
  type Station,
} from "../station/mod.js";
import { actingOperator } from "./access.js";
import type { Answer } from "./call.js";
import { route } from "./route.js";

export {
  ANSWER_REQUEST,
  CANCEL_REQUEST,
  NOTIFICATION_REQUEST,
  QUESTION_REQUEST,
  SHARE_REQUEST,
  ZONE_REQUEST,
} from "./contract/notify.js";

/**
 * The operator API's routes for notifications, clarifications, conflicts and zones. Notifying
 * and asking take an officer; zones (adding, removing, sharing) a supervisor; reading anyone.
 *
 * @param app the operator API
 * @param options the station
 */
export const notifyRoutes: FastifyPluginAsync<{ station: Station }> = async (app, { station }) => {
  const read = PERMISSIONS.read;
  const write = PERMISSIONS.notify;
  // Sharing a private zone discloses it to the line and drops the private copy: it takes what
  // adding or removing one takes, not what notifying takes.
  const zones = PERMISSIONS.zones;
  const by = (headers: Parameters<typeof actingOperator>[1]) => actingOperator(station, headers);

  route(app, "GET /api/lines/:line/notifications", {
    access: read,
    handler: async (request) => {
      const all = await notificationsOf(station, request.params.line);
      // The GeoJSON is built loosely typed; its answer schema checks it on the way out.
      if (request.query.geojson !== "true") return all;
      return notificationsToGeoJson(all) as Answer<"GET /api/lines/:line/notifications">;
    },
  });
  route(app, "POST /api/lines/:line/notifications", {
    access: write,
    handler: async (request) =>
      notify(station, {
        line: request.params.line,
        ...notificationFromFile(request.body),
        operator: await by(request.headers),
      }),
  });
  route(app, "POST /api/notifications/:entry/update", {
    access: write,
    handler: async (request) =>
      amendNotification(station, {
        of: request.params.entry,
        ...notificationFromFile(request.body),
        operator: await by(request.headers),
      }),
  });
  route(app, "POST /api/notifications/:entry/cancel", {
    access: write,
    handler: async (request) =>
      amendNotification(station, {
        of: request.params.entry,
        cancel: true,
        reason: request.body.reason,
        operator: await by(request.headers),
      }),
  });
  route(app, "POST /api/notifications/:entry/clarify", {
    access: write,
    handler: async (request) =>
      clarify(station, {
        of: request.params.entry,
        question: request.body.question,
        operator: await by(request.headers),
      }),
  });
  route(app, "POST /api/clarifications/:entry/answer", {
    access: write,
    handler: async (request) =>
      clarify(station, {
        of: request.params.entry,
        answer: request.body.text,
        operator: await by(request.headers),
      }),
  });
  route(app, "GET /api/conflicts", {
    access: read,
    handler: async (request) => conflictsOf(station, { line: request.query.line }),
  });
  route(app, "GET /api/map", {
    access: read,
    handler: async () => mapOf(station),
  });
  route(app, "GET /api/zones", {
    access: read,
    handler: async () => listZones(station),
  });
  route(app, "POST /api/zones", {
    access: zones,
    handler: async (request) => {
      // Awaited before the alarms are synced: a refusal must not reject unhandled meanwhile.
      const zone = await addZone(station, { ...request.body, operator: await by(request.headers) });
      await syncAllNotifyAlarms(station);
      return zone;
    },
  });
  route(app, "POST /api/zones/:name/share", {
    access: zones,
    handler: async (request) => {
      const shared = await shareZone(station, {
        name: request.params.name,
        ...request.body,
        operator: await by(request.headers),
      });
      await syncAllNotifyAlarms(station);
      return shared;
    },
  });
  route(app, "GET /api/lines/:line/zones", {
    access: read,
    handler: async (request) => sharedZonesOf(station, (await station.resolveLine(request.params.line)).id),
  });
  route(app, "POST /api/shared-zones/:entry/withdraw", {
    access: write,
    handler: async (request) =>
      withdrawSharedZone(station, {
        of: request.params.entry,
        reason: request.body.reason,
        operator: await by(request.headers),
      }),
  });
  route(app, "DELETE /api/zones/:name", {
    access: zones,
    handler: async (request) => {
      await removeZone(station, request.params.name);
      await syncAllNotifyAlarms(station);
      return { removed: request.params.name };
    },
  });
};
