import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { NOTIFY_TYPES } from "../record/mod.js";
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

// Request schemas check shapes; the station checks the content (volumes, times), so a wrong
// field is BAD_INPUT with the same message here as on the command line.
const LINE_PARAM = z.object({ line: z.string().min(1).max(200) });
const ENTRY_PARAM = z.object({ entry: z.string().min(1).max(64) });
const ZONE_PARAM = z.object({ name: z.string().min(1).max(100) });
/** A notification's JSON, or a GeoJSON FeatureCollection of its volumes. */
export const NOTIFICATION_REQUEST = z.record(z.string(), z.unknown());
export const CANCEL_REQUEST = z.strictObject({ reason: z.string().max(1000).optional() });
export const QUESTION_REQUEST = z.strictObject({ question: z.string().max(4000) });
export const ANSWER_REQUEST = z.strictObject({ text: z.string().max(4000) });
export const ZONE_REQUEST = z.strictObject({
  name: z.string().max(100),
  kind: z.enum(["protected", "plan"]).optional(),
  geojson: z.unknown(),
  minAltitude: z.number().optional(),
  maxAltitude: z.number().optional(),
  from: z.string().max(40).optional(),
  to: z.string().max(40).optional(),
});

export const SHARE_REQUEST = z.strictObject({
  line: z.string().min(1).max(200),
  /** a plan's notification type and title (a protected zone needs neither) */
  type: z.enum(NOTIFY_TYPES).optional(),
  title: z.string().max(200).optional(),
  description: z.string().max(4000).optional(),
});

/**
 * The operator API's routes for notifications, clarifications, conflicts and zones. Notifying
 * and asking take an officer; zones (adding, removing, sharing) a supervisor; reading anyone.
 *
 * @param app the operator API
 * @param options the station
 */
export const notifyRoutes: FastifyPluginAsyncZod<{ station: Station }> = async (app, { station }) => {
  const read = { access: PERMISSIONS.read };
  const write = { access: PERMISSIONS.notify };
  // Sharing a private zone discloses it to the line and drops the private copy: it takes what
  // adding or removing one takes, not what notifying takes.
  const zones = { access: PERMISSIONS.zones };
  const by = async (headers: Parameters<typeof actingOperator>[1]) => await actingOperator(station, headers);

  app.get(
    "/api/lines/:line/notifications",
    {
      config: read,
      schema: {
        summary: "A line's notifications (geojson=true: as a GeoJSON FeatureCollection)",
        params: LINE_PARAM,
        querystring: z.object({ geojson: z.enum(["true", "false"]).optional() }),
      },
    },
    async (request) => {
      const all = await notificationsOf(station, request.params.line);
      return request.query.geojson === "true" ? notificationsToGeoJson(all) : all;
    },
  );
  app.post(
    "/api/lines/:line/notifications",
    {
      config: write,
      schema: { summary: "Notify (a signed entry)", params: LINE_PARAM, body: NOTIFICATION_REQUEST },
    },
    async (request) =>
      await notify(station, {
        line: request.params.line,
        ...notificationFromFile(request.body),
        operator: await by(request.headers),
      }),
  );
  app.post(
    "/api/notifications/:entry/update",
    {
      config: write,
      schema: { summary: "Replace a notification", params: ENTRY_PARAM, body: NOTIFICATION_REQUEST },
    },
    async (request) =>
      await amendNotification(station, {
        of: request.params.entry,
        ...notificationFromFile(request.body),
        operator: await by(request.headers),
      }),
  );
  app.post(
    "/api/notifications/:entry/cancel",
    {
      config: write,
      schema: { summary: "Withdraw a notification", params: ENTRY_PARAM, body: CANCEL_REQUEST },
    },
    async (request) =>
      await amendNotification(station, {
        of: request.params.entry,
        cancel: true,
        reason: request.body.reason,
        operator: await by(request.headers),
      }),
  );
  app.post(
    "/api/notifications/:entry/clarify",
    {
      config: write,
      schema: { summary: "Ask about a notification", params: ENTRY_PARAM, body: QUESTION_REQUEST },
    },
    async (request) =>
      await clarify(station, {
        of: request.params.entry,
        question: request.body.question,
        operator: await by(request.headers),
      }),
  );
  app.post(
    "/api/clarifications/:entry/answer",
    { config: write, schema: { summary: "Answer a question", params: ENTRY_PARAM, body: ANSWER_REQUEST } },
    async (request) =>
      await clarify(station, {
        of: request.params.entry,
        answer: request.body.text,
        operator: await by(request.headers),
      }),
  );
  app.get(
    "/api/conflicts",
    {
      config: read,
      schema: {
        summary: "Conflicts among notifications in force, and with this station's zones",
        querystring: z.object({ line: z.string().min(1).max(200).optional() }),
      },
    },
    async (request) => await conflictsOf(station, { line: request.query.line }),
  );
  app.get(
    "/api/map",
    {
      config: read,
      schema: {
        summary:
          "Everything the map draws: every line's notifications and volumes, this station's zones and plans, conflicts with their overlaps",
      },
    },
    async () => await mapOf(station),
  );
  app.get(
    "/api/zones",
    { config: read, schema: { summary: "This station's protected zones" } },
    async () => await listZones(station),
  );
  app.post(
    "/api/zones",
    {
      config: zones,
      schema: { summary: "Add a protected zone", body: ZONE_REQUEST },
    },
    async (request) => {
      const zone = await addZone(station, { ...request.body, operator: await by(request.headers) });
      await syncAllNotifyAlarms(station);
      return zone;
    },
  );
  app.post(
    "/api/zones/:name/share",
    {
      config: zones,
      schema: {
        summary:
          "Share a zone on a line: a protected zone as zone.share, a plan as a notification (the private copy is then dropped)",
        params: ZONE_PARAM,
        body: SHARE_REQUEST,
      },
    },
    async (request) => {
      const shared = await shareZone(station, {
        name: request.params.name,
        ...request.body,
        operator: await by(request.headers),
      });
      await syncAllNotifyAlarms(station);
      return shared;
    },
  );
  app.get(
    "/api/lines/:line/zones",
    { config: read, schema: { summary: "Zones shared on a line, by any participant", params: LINE_PARAM } },
    async (request) => await sharedZonesOf(station, (await station.resolveLine(request.params.line)).id),
  );
  app.post(
    "/api/shared-zones/:entry/withdraw",
    {
      config: write,
      schema: { summary: "Withdraw a zone this station shared", params: ENTRY_PARAM, body: CANCEL_REQUEST },
    },
    async (request) =>
      await withdrawSharedZone(station, {
        of: request.params.entry,
        reason: request.body.reason,
        operator: await by(request.headers),
      }),
  );
  app.delete(
    "/api/zones/:name",
    {
      config: zones,
      schema: { summary: "Remove a protected zone", params: ZONE_PARAM },
    },
    async (request) => {
      await removeZone(station, request.params.name);
      await syncAllNotifyAlarms(station);
      return { removed: request.params.name };
    },
  );
};
