import { z } from "zod";
import { BODY_SCHEMAS, LANG, NAME, PRECEDENCES } from "../../record/kinds.js";
import {
  ALARM,
  HEALTH_REPORT,
  LINE_SETTINGS,
  LINE_SUMMARY,
  LOG_ENTRY,
  STATION_STATUS,
  SUSPENSION,
  WHOAMI,
  WRITTEN,
} from "./answers.js";
import { ERRORS, routes } from "./route.js";

/** A line named in the path: its id, an id prefix or its name. */
export const LINE_PARAM = z.object({ line: z.string().min(1).max(200) });

export const SEND_REQUEST = z.strictObject({
  text: z.string().max(64 * 1024),
  precedence: z.enum(PRECEDENCES).default("ROUTINE"),
  lang: LANG.optional(),
});
export const CREATE_LINE_REQUEST = z.strictObject({ name: NAME });
export const INVITE_REQUEST = z.strictObject({
  line: z.string().min(1).max(200),
  expiresInSeconds: z
    .number()
    .int()
    .min(60)
    .max(30 * 24 * 3600)
    .default(24 * 3600),
});
export const SETTINGS_REQUEST = BODY_SCHEMAS["line.settings"].omit({ operator: true });
export const ACK_REQUEST = z.strictObject({
  entry: z.string().min(1).max(64),
  note: z.string().max(1000).optional(),
});
export const SUSPEND_REQUEST = z.strictObject({
  reason: z
    .string()
    .max(1000)
    .refine((t) => t.trim().length > 0, "must say why"),
});
export const ACCEPT_REQUEST = z.strictObject({ invite: z.string().min(1).max(4096) });
const ALARMS_QUERY = z.strictObject({ all: z.enum(["true", "false"]).optional() });
const ALARM_PARAM = z.object({ id: z.coerce.number().int().min(1) });
const MEMBER_PARAMS = z.object({ line: z.string().min(1).max(200), station: z.string().min(1).max(100) });

/**
 * Consent to several stations in one signed entry: each named (station id, unique id prefix or
 * name; at most 63, a line of 64's others), or "all" that await this station's consent.
 */
export const APPROVE_REQUEST = z.strictObject({
  stations: z.union([z.array(z.string().min(1).max(100)).min(1).max(63), z.literal("all")]),
});

/** The station, its lines, messages, acknowledgements and alarms. */
export const lineRoutes = routes({
  "GET /api/whoami": { summary: "This station", response: { 200: WHOAMI, ...ERRORS } },
  "GET /api/status": {
    summary: "Lines, participants, contact and outbox",
    response: { 200: STATION_STATUS, ...ERRORS },
  },
  "GET /api/lines": {
    summary: "Lines and participants with safety codes",
    response: { 200: z.array(LINE_SUMMARY), ...ERRORS },
  },
  "POST /api/lines": {
    summary: "Open a line",
    body: CREATE_LINE_REQUEST,
    response: { 200: z.object({ id: z.string(), name: z.string() }), ...ERRORS },
  },
  "POST /api/lines/:line/messages": {
    summary: "Write a message on a line",
    params: LINE_PARAM,
    body: SEND_REQUEST,
    response: { 200: WRITTEN, ...ERRORS },
  },
  "GET /api/lines/:line/log": {
    summary: "A line's transcript, in causal order, with receipts",
    params: LINE_PARAM,
    response: { 200: z.array(LOG_ENTRY), ...ERRORS },
  },
  "GET /api/lines/:line/health": {
    summary: "A line's health report: per participant state, round trips, uptime and incidents",
    params: LINE_PARAM,
    response: { 200: HEALTH_REPORT, ...ERRORS },
  },
  "POST /api/invites": {
    summary: "Invite a station to a line",
    body: INVITE_REQUEST,
    response: { 200: z.object({ invite: z.string(), expires: z.string() }), ...ERRORS },
  },
  "POST /api/accept": {
    summary: "Join a line with an invite",
    body: ACCEPT_REQUEST,
    response: {
      200: z.object({
        line: z.string(),
        peer: z.object({ id: z.string(), name: z.string() }),
        safetyCode: z.string(),
        awaiting: z.array(z.string()),
      }),
      ...ERRORS,
    },
  },
  "POST /api/lines/:line/settings": {
    summary: "Change a line's settings (a signed entry)",
    params: LINE_PARAM,
    body: SETTINGS_REQUEST,
    response: { 200: WRITTEN.extend({ settings: LINE_SETTINGS }), ...ERRORS },
  },
  "GET /api/alarms": {
    summary: "Alarms: active and unacknowledged ones, or all",
    querystring: ALARMS_QUERY,
    response: { 200: z.array(ALARM), ...ERRORS },
  },
  "POST /api/alarms/:id/ack": {
    summary: "Acknowledge an alarm",
    params: ALARM_PARAM,
    response: { 200: ALARM, ...ERRORS },
  },
  "POST /api/acks": {
    summary: "Acknowledge a message",
    body: ACK_REQUEST,
    response: { 200: WRITTEN.extend({ entry: z.string() }), ...ERRORS },
  },
  "POST /api/lines/:line/suspend": {
    summary: "Suspend a line, saying why (a signed entry)",
    params: LINE_PARAM,
    body: SUSPEND_REQUEST,
    response: { 200: WRITTEN.extend({ suspended: SUSPENSION.nullable() }), ...ERRORS },
  },
  "POST /api/lines/:line/resume": {
    summary: "Put a suspended line back in service (a signed entry)",
    params: LINE_PARAM,
    response: { 200: WRITTEN.extend({ suspended: SUSPENSION.nullable() }), ...ERRORS },
  },
  "POST /api/lines/:line/members/:station/approve": {
    summary: "Consent, as this station, to a station another participant added to a line (a signed entry)",
    params: MEMBER_PARAMS,
    response: { 200: WRITTEN.extend({ member: z.string(), awaiting: z.array(z.string()) }), ...ERRORS },
  },
  "POST /api/lines/:line/members/approve": {
    summary:
      "Consent, as this station, to several stations added to a line, or all that await its consent, in one signed entry",
    params: LINE_PARAM,
    body: APPROVE_REQUEST,
    response: {
      200: WRITTEN.extend({
        approved: z.array(z.object({ member: z.string(), awaiting: z.array(z.string()) })),
      }),
      ...ERRORS,
    },
  },
});
