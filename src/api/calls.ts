import type { FastifyPluginAsync } from "fastify";
import { canonicalJson } from "../record/mod.js";
import type { TRANSCRIPT_FORMATS } from "../station/mod.js";
import {
  PERMISSIONS,
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
import type { Same } from "./contract/route.js";
import type { EXPORT_FORMATS } from "./contract/calls.js";
import { route } from "./route.js";

/** The contract's export formats are the bundle and the station's transcript formats, no more. */
const _sameFormats: Same<(typeof EXPORT_FORMATS)[number], "bundle" | (typeof TRANSCRIPT_FORMATS)[number]> =
  true;

export {
  CALL_ACCEPT_REQUEST,
  CALL_CANCEL_REQUEST,
  CALL_DECLINE_REQUEST,
  CALL_HELD_REQUEST,
  CALL_REQUEST,
  MARK_REQUEST,
  READOUT_REQUEST,
  TRANSLATION_REQUEST,
} from "./contract/calls.js";

/**
 * The operator API's routes for calls, readouts, translations and export. Writing calls and
 * readouts takes a supervisor; translations an officer; reading anyone.
 *
 * @param app the operator API
 * @param options the station
 */
export const callRoutes: FastifyPluginAsync<{ station: Station }> = async (app, { station }) => {
  const read = PERMISSIONS.read;
  const call = PERMISSIONS.call;
  const readout = PERMISSIONS.readout;
  const by = (headers: Parameters<typeof actingOperator>[1]) => actingOperator(station, headers);

  route(app, "GET /api/lines/:line/calls", {
    access: read,
    handler: async (request) => callsOf(station, request.params.line),
  });
  route(app, "POST /api/lines/:line/calls", {
    access: call,
    handler: async (request) =>
      requestCall(station, {
        line: request.params.line,
        ...request.body,
        operator: await by(request.headers),
      }),
  });
  route(app, "GET /api/calls/:call", {
    access: read,
    handler: async (request) => callOf(station, request.params.call),
  });
  route(app, "POST /api/calls/:call/accept", {
    access: call,
    handler: async (request) =>
      answerCall(station, {
        call: request.params.call,
        answer: "accept",
        reason: request.body.note,
        operator: await by(request.headers),
      }),
  });
  route(app, "POST /api/calls/:call/decline", {
    access: call,
    handler: async (request) =>
      answerCall(station, {
        call: request.params.call,
        answer: "decline",
        reason: request.body.reason,
        operator: await by(request.headers),
      }),
  });
  route(app, "POST /api/calls/:call/cancel", {
    access: call,
    handler: async (request) =>
      answerCall(station, {
        call: request.params.call,
        answer: "cancel",
        reason: request.body.reason,
        operator: await by(request.headers),
      }),
  });
  route(app, "POST /api/calls/:call/held", {
    access: call,
    handler: async (request) =>
      recordCallHeld(station, {
        call: request.params.call,
        ...request.body,
        operator: await by(request.headers),
      }),
  });
  route(app, "GET /api/calls/:call/readouts", {
    access: read,
    handler: async (request) => readoutsOf(station, request.params.call),
  });
  route(app, "POST /api/calls/:call/readouts", {
    access: readout,
    handler: async (request) =>
      publishReadout(station, {
        call: request.params.call,
        ...request.body,
        operator: await by(request.headers),
      }),
  });
  route(app, "POST /api/readouts/:readout/marks", {
    access: readout,
    handler: async (request) =>
      markReadout(station, {
        readout: request.params.readout,
        ...request.body,
        operator: await by(request.headers),
      }),
  });
  route(app, "GET /api/lines/:line/translations", {
    access: read,
    handler: async (request) => translationsOf(station, request.params.line),
  });
  route(app, "POST /api/translations", {
    access: PERMISSIONS.translate,
    handler: async (request) =>
      translateEntry(station, { ...request.body, operator: await by(request.headers) }),
  });
  route(app, "GET /api/lines/:line/export", {
    access: read,
    handler: async (request, reply) => {
      const { format } = request.query;
      if (format === "bundle") {
        return reply
          .type("application/json")
          .send(canonicalJson(await exportBundle(station, request.params.line)));
      }
      const type = format === "html" ? "text/html; charset=utf-8" : "text/markdown; charset=utf-8";
      return reply.type(type).send(await renderTranscript(station, request.params.line, format));
    },
  });
};
