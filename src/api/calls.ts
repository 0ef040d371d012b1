import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { CALL_LEVELS, MAX_LONG_TEXT, VERDICTS, canonicalJson } from "../record/mod.js";
import {
  PERMISSIONS,
  TRANSCRIPT_FORMATS,
  answerCall,
  callOf,
  callsOf,
  exportBundle,
  markReadout,
  publishReadout,
  readoutsOf,
  recordCallHeld,
  renderTranscript,
  requestCall,
  translateEntry,
  translationsOf,
  type Station,
} from "../station/mod.js";
import { actingOperator } from "./access.js";

// Request schemas check shapes and sizes; the station checks the content (times, languages), so
// a wrong field is BAD_INPUT with the same message here as on the command line.
const LINE_PARAM = z.object({ line: z.string().min(1).max(200) });
const CALL_PARAM = z.object({ call: z.string().min(1).max(64) });
const READOUT_PARAM = z.object({ readout: z.string().min(1).max(64) });
const SHORT = z.string().max(1000);
const LONG = z.string().max(MAX_LONG_TEXT);
const TIME_TEXT = z.string().max(40);

export const CALL_REQUEST = z.strictObject({
  level: z.enum(CALL_LEVELS),
  topic: z.string().max(500),
  proposedTime: TIME_TEXT,
  participants: z.array(z.string().max(100)).max(20),
});
export const CALL_ACCEPT_REQUEST = z.strictObject({ note: SHORT.optional() });
export const CALL_DECLINE_REQUEST = z.strictObject({ reason: SHORT });
export const CALL_CANCEL_REQUEST = z.strictObject({ reason: SHORT.optional() });
export const CALL_HELD_REQUEST = z.strictObject({
  start: TIME_TEXT,
  end: TIME_TEXT,
  participants: z.array(z.string().max(100)).max(20).optional(),
  initiatedBy: z.string().max(200).optional(),
});
export const READOUT_REQUEST = z.strictObject({
  text: LONG,
  lang: z.string().max(35).optional(),
  line: z.string().max(200).optional(),
});
export const MARK_REQUEST = z.strictObject({
  point: z.number().int().min(0).max(9999),
  verdict: z.enum(VERDICTS),
  comment: z.string().max(2000).optional(),
});
export const TRANSLATION_REQUEST = z.strictObject({
  entry: z.string().min(1).max(64),
  lang: z.string().max(35),
  text: LONG,
  translator: z.string().max(100).optional(),
  machine: z.boolean().default(false),
});
const EXPORT_QUERY = z.strictObject({ format: z.enum(["bundle", ...TRANSCRIPT_FORMATS]).default("bundle") });

/**
 * The operator API's routes for calls, readouts, translations and export. Writing calls and
 * readouts takes a supervisor; translations an officer; reading anyone.
 *
 * @param app the operator API
 * @param options the station
 */
export const callRoutes: FastifyPluginAsyncZod<{ station: Station }> = async (app, { station }) => {
  const read = { access: PERMISSIONS.read };
  const call = { access: PERMISSIONS.call };
  const readout = { access: PERMISSIONS.readout };
  const by = async (headers: Parameters<typeof actingOperator>[1]) => await actingOperator(station, headers);

  app.get(
    "/api/lines/:line/calls",
    {
      config: read,
      schema: {
        summary: "A line's calls: who asked, who agreed, when, how long, at what level",
        params: LINE_PARAM,
      },
    },
    async (request) => await callsOf(station, request.params.line),
  );
  app.post(
    "/api/lines/:line/calls",
    {
      config: call,
      schema: { summary: "Ask for a call (a signed entry)", params: LINE_PARAM, body: CALL_REQUEST },
    },
    async (request) =>
      await requestCall(station, {
        line: request.params.line,
        ...request.body,
        operator: await by(request.headers),
      }),
  );
  app.get(
    "/api/calls/:call",
    { config: read, schema: { summary: "One call", params: CALL_PARAM } },
    async (request) => await callOf(station, request.params.call),
  );
  app.post(
    "/api/calls/:call/accept",
    { config: call, schema: { summary: "Accept a call", params: CALL_PARAM, body: CALL_ACCEPT_REQUEST } },
    async (request) =>
      await answerCall(station, {
        call: request.params.call,
        answer: "accept",
        reason: request.body.note,
        operator: await by(request.headers),
      }),
  );
  app.post(
    "/api/calls/:call/decline",
    {
      config: call,
      schema: { summary: "Decline a call, saying why", params: CALL_PARAM, body: CALL_DECLINE_REQUEST },
    },
    async (request) =>
      await answerCall(station, {
        call: request.params.call,
        answer: "decline",
        reason: request.body.reason,
        operator: await by(request.headers),
      }),
  );
  app.post(
    "/api/calls/:call/cancel",
    {
      config: call,
      schema: {
        summary: "Withdraw a call this station asked for",
        params: CALL_PARAM,
        body: CALL_CANCEL_REQUEST,
      },
    },
    async (request) =>
      await answerCall(station, {
        call: request.params.call,
        answer: "cancel",
        reason: request.body.reason,
        operator: await by(request.headers),
      }),
  );
  app.post(
    "/api/calls/:call/held",
    {
      config: call,
      schema: { summary: "Record that a call took place", params: CALL_PARAM, body: CALL_HELD_REQUEST },
    },
    async (request) =>
      await recordCallHeld(station, {
        call: request.params.call,
        ...request.body,
        operator: await by(request.headers),
      }),
  );
  app.get(
    "/api/calls/:call/readouts",
    {
      config: read,
      schema: {
        summary: "Every side's readout of a call side by side, compared, with what is agreed and disputed",
        params: CALL_PARAM,
      },
    },
    async (request) => await readoutsOf(station, request.params.call),
  );
  app.post(
    "/api/calls/:call/readouts",
    {
      config: readout,
      schema: {
        summary: "Publish this station's readout of a call",
        params: CALL_PARAM,
        body: READOUT_REQUEST,
      },
    },
    async (request) =>
      await publishReadout(station, {
        call: request.params.call,
        ...request.body,
        operator: await by(request.headers),
      }),
  );
  app.post(
    "/api/readouts/:readout/marks",
    {
      config: readout,
      schema: {
        summary: "Mark a point of another side's readout agreed or disputed",
        params: READOUT_PARAM,
        body: MARK_REQUEST,
      },
    },
    async (request) =>
      await markReadout(station, {
        readout: request.params.readout,
        ...request.body,
        operator: await by(request.headers),
      }),
  );
  app.get(
    "/api/lines/:line/translations",
    { config: read, schema: { summary: "A line's translations", params: LINE_PARAM } },
    async (request) => await translationsOf(station, request.params.line),
  );
  app.post(
    "/api/translations",
    {
      config: { access: PERMISSIONS.translate },
      schema: { summary: "Attach a translation to a message or readout", body: TRANSLATION_REQUEST },
    },
    async (request) =>
      await translateEntry(station, { ...request.body, operator: await by(request.headers) }),
  );
  app.get(
    "/api/lines/:line/export",
    {
      config: read,
      schema: {
        summary: "Export a line: a signed bundle (JSON), or a transcript (html, md)",
        params: LINE_PARAM,
        querystring: EXPORT_QUERY,
      },
    },
    async (request, reply) => {
      const { format } = request.query;
      if (format === "bundle") {
        return reply
          .type("application/json")
          .send(canonicalJson(await exportBundle(station, request.params.line)));
      }
      const type = format === "html" ? "text/html; charset=utf-8" : "text/markdown; charset=utf-8";
      return reply.type(type).send(await renderTranscript(station, request.params.line, format));
    },
  );
};
