import { typedCall } from "../../src/api/call.js";
import type { Answer } from "../../src/api/call.js";
import type { NotifyType, Precedence, Verdict, ZoneView } from "./api-types";

/** An answer of the operator API that was not a success, or no answer at all (`code` NETWORK). */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  /** seconds to wait before trying again, when the server said (THROTTLED) */
  readonly retryAfterSeconds: number | undefined;
  /** the active host's operator API (HOST:PORT), when a standby answered (STANDBY) and named it */
  readonly activeApi: string | undefined;

  constructor(code: string, message: string, status: number, retryAfterSeconds?: number, activeApi?: string) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
    this.activeApi = activeApi;
  }
}

/**
 * @param active the `active` a standby's answer carries: who holds the lease, its holder a JSON
 *   string naming its operator API
 * @returns that API's HOST:PORT, or undefined when it names none a link can be made of
 */
function activeApiOf(active: unknown): string | undefined {
  const holder = (active as { holder?: unknown } | null)?.holder;
  if (typeof holder !== "string") return undefined;
  try {
    const api = (JSON.parse(holder) as { api?: unknown }).api;
    return typeof api === "string" && /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(api)
      ? api
      : undefined;
  } catch {
    return undefined;
  }
}

let csrf = "";
let onUnauthenticated: () => void = () => {};

/**
 * @param token the session's CSRF token, sent with every request that changes something
 * @param lost called when the server says the session is gone (signed out elsewhere, expired)
 */
export function setSessionToken(token: string, lost: () => void): void {
  csrf = token;
  onUnauthenticated = lost;
}

async function request(method: string, path: string, body?: unknown): Promise<unknown> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  // Signing in is the only change made without a session, and so without its token.
  if (method !== "GET" && !(method === "POST" && path === "/api/session")) headers["x-csrf-token"] = csrf;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (cause) {
    throw new ApiError("NETWORK", `Cannot reach the station: ${String(cause)}`, 0);
  }
  if (response.status === 204) return undefined;
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    // not JSON: a proxy's error page, say; reported below by status
  }
  if (!response.ok) {
    const error = errorOf(json, response);
    // Signed out elsewhere or expired. Other 401s (a wrong code at enrolment) leave the session be.
    if (response.status === 401 && error.code === "UNAUTHORIZED" && path !== "/api/session")
      onUnauthenticated();
    throw error;
  }
  return json;
}

function errorOf(json: unknown, response: Response): ApiError {
  // The contract says { code, message }; the station's older error handler nests it in { error }.
  const outer = typeof json === "object" && json !== null ? (json as Record<string, unknown>) : {};
  const inner =
    typeof outer["error"] === "object" && outer["error"] !== null
      ? (outer["error"] as Record<string, unknown>)
      : outer;
  const code = typeof inner["code"] === "string" ? inner["code"] : `HTTP_${response.status}`;
  const message =
    typeof inner["message"] === "string" ? inner["message"] : `${response.status} ${response.statusText}`;
  const retry = inner["retryAfterSeconds"] ?? outer["retryAfterSeconds"];
  const header = Number(response.headers.get("retry-after"));
  const retryAfter =
    typeof retry === "number" ? retry : Number.isFinite(header) && header > 0 ? header : undefined;
  return new ApiError(
    code,
    message,
    response.status,
    retryAfter,
    code === "STANDBY" ? activeApiOf(outer["active"]) : undefined,
  );
}

/**
 * Calls a route of the operator API by its name in the contract (src/api/contract/), e.g.
 * `call("GET /api/lines/:line/log", { params: { line } })`: its argument and answer are typed by
 * the route's schemas, so a route renamed or reshaped on the server breaks this build.
 */
export const call = typedCall((r) => request(r.method, r.path, r.body));

/**
 * @param answer the notifications route's answer without `geojson`: the list
 * @returns the list
 */
function listOf(answer: Answer<"GET /api/lines/:line/notifications">) {
  if (!Array.isArray(answer)) throw new ApiError("INTERNAL", "The station answered GeoJSON, not a list", 200);
  return answer;
}

/** The operator API, one function per route the console uses, each over {@link call}. */
export const api = {
  session: () => call("GET /api/session"),
  /** which station this is: public, for the sign-in page */
  station: () => call("GET /api/station"),
  /** the code: when the operator's second factor is on (the station answers SECOND_FACTOR_NEEDED without it) */
  signIn: (operator: string, password: string, code?: string) =>
    call("POST /api/session", { body: { operator, password, ...(code === undefined ? {} : { code }) } }),
  secondFactor: () => call("GET /api/second-factor"),
  /** a new secret and its QR code (SVG), shown once; the factor is on only once confirmed */
  startEnrolment: () => call("POST /api/second-factor"),
  /** turns the factor on; answers the recovery codes, shown once */
  confirmEnrolment: (code: string) => call("POST /api/second-factor/confirm", { body: { code } }),
  /** the audit log, newest first (admins) */
  audit: (operator: string) =>
    call("GET /api/audit", { query: { limit: "500", ...(operator === "" ? {} : { operator }) } }),
  signOut: () => call("DELETE /api/session"),
  saveLang: (lang: string) => call("PUT /api/session/lang", { body: { lang } }),
  status: () => call("GET /api/status"),
  lines: () => call("GET /api/lines"),
  /** consents, as this station, to a station another participant added to a line (admins) */
  approveMember: (line: string, station: string) =>
    call("POST /api/lines/:line/members/:station/approve", { params: { line, station } }),
  /** consents to several stations in one signed entry, or to all awaiting this station (admins) */
  approveMembers: (line: string, stations: string[] | "all") =>
    call("POST /api/lines/:line/members/approve", { params: { line }, body: { stations } }),
  acknowledgeKeyChange: (line: string, station: string) =>
    call("POST /api/lines/:line/members/:station/key-change/ack", { params: { line, station } }),
  whoami: () => call("GET /api/whoami"),
  log: (line: string) => call("GET /api/lines/:line/log", { params: { line } }),
  health: (line: string) => call("GET /api/lines/:line/health", { params: { line } }),
  record: (line: string) => call("GET /api/lines/:line/record", { params: { line } }),
  send: (line: string, message: { text: string; precedence: Precedence; lang: string }) =>
    call("POST /api/lines/:line/messages", { params: { line }, body: message }),
  ack: (entry: string) => call("POST /api/acks", { body: { entry } }),
  calls: (line: string) => call("GET /api/lines/:line/calls", { params: { line } }),
  readouts: (id: string) => call("GET /api/calls/:call/readouts", { params: { call: id } }),
  markReadout: (readout: string, mark: { point: number; verdict: Verdict; comment?: string }) =>
    call("POST /api/readouts/:readout/marks", { params: { readout }, body: mark }),
  translate: (translation: {
    entry: string;
    lang: string;
    text: string;
    translator: string;
    machine: boolean;
  }) => call("POST /api/translations", { body: translation }),
  alarms: (all = false) => call("GET /api/alarms", all ? { query: { all: "true" } } : {}),
  ackAlarm: (id: number) => call("POST /api/alarms/:id/ack", { params: { id } }),
  /** everything the map draws: notifications and volumes, this station's zones, conflicts */
  map: () => call("GET /api/map"),
  /** asks about a notification (its id): a `clarify` entry */
  askClarification: (notification: string, question: string) =>
    call("POST /api/notifications/:entry/clarify", { params: { entry: notification }, body: { question } }),
  /** answers a question (its `clarify` entry's hash): a `clarify.answer` entry */
  answerClarification: (question: string, text: string) =>
    call("POST /api/clarifications/:entry/answer", { params: { entry: question }, body: { text } }),
  notifications: (line: string) =>
    call("GET /api/lines/:line/notifications", { params: { line } }).then(listOf),
  /** a notification's JSON, or a GeoJSON FeatureCollection of its volumes */
  notify: (line: string, notification: Record<string, unknown>) =>
    call("POST /api/lines/:line/notifications", { params: { line }, body: notification }),
  cancelNotification: (notification: string, reason: string) =>
    call("POST /api/notifications/:entry/cancel", {
      params: { entry: notification },
      body: reason === "" ? {} : { reason },
    }),
  conflicts: (line: string) => call("GET /api/conflicts", { query: { line } }),
  zones: () => call("GET /api/zones"),
  addZone: (zone: {
    name: string;
    kind: ZoneView["kind"];
    geojson: unknown;
    minAltitude?: number;
    maxAltitude?: number;
    from?: string;
    to?: string;
  }) => call("POST /api/zones", { body: zone }),
  removeZone: (name: string) => call("DELETE /api/zones/:name", { params: { name } }),
  /** the zones shared on a line, by any participant */
  sharedZones: (line: string) => call("GET /api/lines/:line/zones", { params: { line } }),
  /** shares a zone on a line (a plan as a notification, with its type and title); the station then drops its private copy */
  shareZone: (
    name: string,
    share: { line: string; type?: NotifyType; title?: string; description?: string },
  ) => call("POST /api/zones/:name/share", { params: { name }, body: share }),
};
