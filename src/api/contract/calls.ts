import { z } from "zod";
import { CALL_LEVELS, MAX_LONG_TEXT, VERDICTS } from "../../record/kinds.js";
import { CALL, READOUTS, TRANSLATION, WRITTEN } from "./answers.js";
import { LINE_PARAM } from "./lines.js";
import { ERRORS, routes } from "./route.js";

// Request schemas check shapes and sizes; the station checks the content (times, languages), so
// a wrong field is BAD_INPUT with the same message here as on the command line.
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
/** What a line is exported as: a signed bundle, or a transcript (the station's TRANSCRIPT_FORMATS). */
export const EXPORT_FORMATS = ["bundle", "html", "md"] as const;
const EXPORT_QUERY = z.strictObject({ format: z.enum(EXPORT_FORMATS).default("bundle") });

const ANSWERED = WRITTEN.extend({ call: CALL });

/** Calls, readouts, translations and export. */
export const callRoutes = routes({
  "GET /api/lines/:line/calls": {
    summary: "A line's calls: who asked, who agreed, when, how long, at what level",
    params: LINE_PARAM,
    response: { 200: z.array(CALL), ...ERRORS },
  },
  "POST /api/lines/:line/calls": {
    summary: "Ask for a call (a signed entry)",
    params: LINE_PARAM,
    body: CALL_REQUEST,
    response: { 200: WRITTEN, ...ERRORS },
  },
  "GET /api/calls/:call": {
    summary: "One call",
    params: CALL_PARAM,
    response: { 200: CALL, ...ERRORS },
  },
  "POST /api/calls/:call/accept": {
    summary: "Accept a call",
    params: CALL_PARAM,
    body: CALL_ACCEPT_REQUEST,
    response: { 200: ANSWERED, ...ERRORS },
  },
  "POST /api/calls/:call/decline": {
    summary: "Decline a call, saying why",
    params: CALL_PARAM,
    body: CALL_DECLINE_REQUEST,
    response: { 200: ANSWERED, ...ERRORS },
  },
  "POST /api/calls/:call/cancel": {
    summary: "Withdraw a call this station asked for",
    params: CALL_PARAM,
    body: CALL_CANCEL_REQUEST,
    response: { 200: ANSWERED, ...ERRORS },
  },
  "POST /api/calls/:call/held": {
    summary: "Record that a call took place",
    params: CALL_PARAM,
    body: CALL_HELD_REQUEST,
    response: { 200: ANSWERED, ...ERRORS },
  },
  "GET /api/calls/:call/readouts": {
    summary: "Every side's readout of a call side by side, compared, with what is agreed and disputed",
    params: CALL_PARAM,
    response: { 200: READOUTS, ...ERRORS },
  },
  "POST /api/calls/:call/readouts": {
    summary: "Publish this station's readout of a call",
    params: CALL_PARAM,
    body: READOUT_REQUEST,
    response: { 200: WRITTEN.extend({ call: z.string(), points: z.number() }), ...ERRORS },
  },
  "POST /api/readouts/:readout/marks": {
    summary: "Mark a point of another side's readout agreed or disputed",
    params: READOUT_PARAM,
    body: MARK_REQUEST,
    response: { 200: WRITTEN.extend({ readout: z.string(), quote: z.string() }), ...ERRORS },
  },
  "GET /api/lines/:line/translations": {
    summary: "A line's translations",
    params: LINE_PARAM,
    response: { 200: z.array(TRANSLATION), ...ERRORS },
  },
  "POST /api/translations": {
    summary: "Attach a translation to a message or readout",
    body: TRANSLATION_REQUEST,
    response: { 200: WRITTEN.extend({ of: z.string() }), ...ERRORS },
  },
  "GET /api/lines/:line/export": {
    summary: "Export a line: a signed bundle (JSON), or a transcript (html, md)",
    params: LINE_PARAM,
    querystring: EXPORT_QUERY,
    response: {
      200: z
        .union([z.looseObject({}), z.string()])
        .describe("The bundle as canonical JSON, or the transcript as HTML or Markdown"),
      ...ERRORS,
    },
  },
});
