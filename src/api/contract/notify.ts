import { z } from "zod";
import { NOTIFY_TYPES } from "../../record/volume.js";
import { CONFLICT, MAP, NOTIFICATION, NOTIFICATIONS_GEOJSON, SHARED_ZONE, WRITTEN, ZONE } from "./answers.js";
import { LINE_PARAM } from "./lines.js";
import { ERRORS, routes } from "./route.js";

// Request schemas check shapes; the station checks the content (volumes, times), so a wrong
// field is BAD_INPUT with the same message here as on the command line.
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

/** Notifications, clarifications, conflicts, zones and the map. */
export const notifyRoutes = routes({
  "GET /api/lines/:line/notifications": {
    summary: "A line's notifications (geojson=true: as a GeoJSON FeatureCollection)",
    params: LINE_PARAM,
    querystring: z.object({ geojson: z.enum(["true", "false"]).optional() }),
    response: { 200: z.union([z.array(NOTIFICATION), NOTIFICATIONS_GEOJSON]), ...ERRORS },
  },
  "POST /api/lines/:line/notifications": {
    summary: "Notify (a signed entry)",
    params: LINE_PARAM,
    body: NOTIFICATION_REQUEST,
    response: { 200: WRITTEN, ...ERRORS },
  },
  "POST /api/notifications/:entry/update": {
    summary: "Replace a notification",
    params: ENTRY_PARAM,
    body: NOTIFICATION_REQUEST,
    response: { 200: WRITTEN, ...ERRORS },
  },
  "POST /api/notifications/:entry/cancel": {
    summary: "Withdraw a notification",
    params: ENTRY_PARAM,
    body: CANCEL_REQUEST,
    response: { 200: WRITTEN, ...ERRORS },
  },
  "POST /api/notifications/:entry/clarify": {
    summary: "Ask about a notification",
    params: ENTRY_PARAM,
    body: QUESTION_REQUEST,
    response: { 200: WRITTEN, ...ERRORS },
  },
  "POST /api/clarifications/:entry/answer": {
    summary: "Answer a question",
    params: ENTRY_PARAM,
    body: ANSWER_REQUEST,
    response: { 200: WRITTEN, ...ERRORS },
  },
  "GET /api/conflicts": {
    summary: "Conflicts among notifications in force, and with this station's zones",
    querystring: z.object({ line: z.string().min(1).max(200).optional() }),
    response: { 200: z.array(CONFLICT), ...ERRORS },
  },
  "GET /api/map": {
    summary:
      "Everything the map draws: every line's notifications and volumes, this station's zones and plans, conflicts with their overlaps",
    response: { 200: MAP, ...ERRORS },
  },
  "GET /api/zones": {
    summary: "This station's protected zones",
    response: { 200: z.array(ZONE), ...ERRORS },
  },
  "POST /api/zones": {
    summary: "Add a protected zone",
    body: ZONE_REQUEST,
    response: { 200: ZONE, ...ERRORS },
  },
  "POST /api/zones/:name/share": {
    summary:
      "Share a zone on a line: a protected zone as zone.share, a plan as a notification (the private copy is then dropped)",
    params: ZONE_PARAM,
    body: SHARE_REQUEST,
    response: { 200: WRITTEN, ...ERRORS },
  },
  "GET /api/lines/:line/zones": {
    summary: "Zones shared on a line, by any participant",
    params: LINE_PARAM,
    response: { 200: z.array(SHARED_ZONE), ...ERRORS },
  },
  "POST /api/shared-zones/:entry/withdraw": {
    summary: "Withdraw a zone this station shared",
    params: ENTRY_PARAM,
    body: CANCEL_REQUEST,
    response: { 200: WRITTEN, ...ERRORS },
  },
  "DELETE /api/zones/:name": {
    summary: "Remove a protected zone",
    params: ZONE_PARAM,
    response: { 200: z.object({ removed: z.string() }), ...ERRORS },
  },
});
