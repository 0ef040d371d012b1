import { z } from "zod";
import { LANG } from "../../record/kinds.js";
import { RECORD_SUMMARY, SESSION, STATION_IDENTITY } from "./answers.js";
import { LINE_PARAM } from "./lines.js";
import { ERRORS, routes } from "./route.js";

export const SIGN_IN_REQUEST = z.strictObject({
  operator: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
  /** a current TOTP code or a recovery code, when the operator's second factor is on */
  code: z.string().min(1).max(64).optional(),
});
export const LANG_REQUEST = z.strictObject({ lang: LANG });

/** The console's own routes: sessions, the sign-in page's station, the record panel, events. */
export const consoleRoutes = routes({
  "GET /api/session": {
    summary: "The console session: operator, CSRF token",
    response: { 200: SESSION, ...ERRORS },
  },
  "GET /api/station": {
    summary:
      "Which station this is (name and key fingerprint), for the sign-in page: public, so an operator can check it before giving a password",
    response: { 200: STATION_IDENTITY, ...ERRORS },
  },
  "POST /api/session": {
    summary:
      "Sign in to the console with an operator's name and password, and a code when its second factor is on (SECOND_FACTOR_NEEDED: give one)",
    body: SIGN_IN_REQUEST,
    response: { 200: SESSION, ...ERRORS },
  },
  "DELETE /api/session": {
    summary: "Sign out",
    response: { 204: z.null().describe("Signed out: no content"), ...ERRORS },
  },
  "PUT /api/session/lang": {
    summary: "The signed-in operator's console language",
    body: LANG_REQUEST,
    response: { 200: SESSION, ...ERRORS },
  },
  "GET /api/lines/:line/record": {
    summary: "A line's record: verified, and compared with each peer's signed heads",
    params: LINE_PARAM,
    response: { 200: RECORD_SUMMARY, ...ERRORS },
  },
  "GET /api/events": {
    summary: "Server-sent events: status, entries, alarm",
    response: {
      200: z.string().describe("text/event-stream: events 'status', 'entries', 'alarm' and 'ping'"),
      ...ERRORS,
    },
  },
});
