import type {
  Alarm,
  CallView,
  Conflict,
  LineHealth,
  LineSummary,
  LogEntry,
  MapView,
  NotificationView,
  NotifyType,
  Precedence,
  ReadoutsView,
  RecordCheck,
  Session,
  Status,
  Verdict,
  Whoami,
  SharedZoneView,
  StationIdentity,
  ZoneView,
} from "./api-types";

/** An answer of the operator API that was not a success, or no answer at all (`code` NETWORK). */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  /** seconds to wait before trying again, when the server said (THROTTLED) */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: string, message: string, status: number, retryAfterSeconds?: number) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
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

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
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
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    // not JSON: a proxy's error page, say; reported below by status
  }
  if (!response.ok) {
    const error = errorOf(json, response);
    // Signed out elsewhere or expired (the contract says UNAUTHENTICATED; any 401 means it).
    if (response.status === 401 && path !== "/api/session") onUnauthenticated();
    throw error;
  }
  return json as T;
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
  return new ApiError(code, message, response.status, retryAfter);
}

const line = (id: string): string => `/api/lines/${encodeURIComponent(id)}`;

/** The operator API, one function per route the console uses. */
export const api = {
  session: () => request<Session>("GET", "/api/session"),
  /** which station this is: public, for the sign-in page */
  station: () => request<StationIdentity>("GET", "/api/station"),
  signIn: (operator: string, password: string) =>
    request<Session>("POST", "/api/session", { operator, password }),
  signOut: () => request<undefined>("DELETE", "/api/session"),
  saveLang: (lang: string) => request<Session>("PUT", "/api/session/lang", { lang }),
  status: () => request<Status>("GET", "/api/status"),
  lines: () => request<LineSummary[]>("GET", "/api/lines"),
  /** consents, as this station, to a station another participant added to a line (admins) */
  approveMember: (id: string, station: string) =>
    request<{ hash: string; seq: number; member: string; awaiting: string[] }>(
      "POST",
      `${line(id)}/members/${encodeURIComponent(station)}/approve`,
      {},
    ),
  whoami: () => request<Whoami>("GET", "/api/whoami"),
  log: (id: string) => request<LogEntry[]>("GET", `${line(id)}/log`),
  health: (id: string) => request<LineHealth>("GET", `${line(id)}/health`),
  record: (id: string) => request<RecordCheck>("GET", `${line(id)}/record`),
  send: (id: string, message: { text: string; precedence: Precedence; lang: string }) =>
    request<{ hash: string; seq: number }>("POST", `${line(id)}/messages`, message),
  ack: (entry: string) =>
    request<{ hash: string; seq: number; entry: string }>("POST", "/api/acks", { entry }),
  calls: (id: string) => request<CallView[]>("GET", `${line(id)}/calls`),
  readouts: (call: string) => request<ReadoutsView>("GET", `/api/calls/${encodeURIComponent(call)}/readouts`),
  markReadout: (readout: string, mark: { point: number; verdict: Verdict; comment?: string }) =>
    request<{ hash: string; seq: number; readout: string; quote: string }>(
      "POST",
      `/api/readouts/${encodeURIComponent(readout)}/marks`,
      mark,
    ),
  translate: (translation: {
    entry: string;
    lang: string;
    text: string;
    translator: string;
    machine: boolean;
  }) => request<{ hash: string; seq: number; of: string }>("POST", "/api/translations", translation),
  alarms: (all = false) => request<Alarm[]>("GET", all ? "/api/alarms?all=true" : "/api/alarms"),
  ackAlarm: (id: number) => request<Alarm>("POST", `/api/alarms/${id}/ack`, {}),
  /** everything the map draws: notifications and volumes, this station's zones, conflicts */
  map: () => request<MapView>("GET", "/api/map"),
  /** asks about a notification (its id): a `clarify` entry */
  askClarification: (notification: string, question: string) =>
    request<{ hash: string; seq: number }>(
      "POST",
      `/api/notifications/${encodeURIComponent(notification)}/clarify`,
      { question },
    ),
  /** answers a question (its `clarify` entry's hash): a `clarify.answer` entry */
  answerClarification: (question: string, text: string) =>
    request<{ hash: string; seq: number }>(
      "POST",
      `/api/clarifications/${encodeURIComponent(question)}/answer`,
      { text },
    ),
  notifications: (id: string) => request<NotificationView[]>("GET", `${line(id)}/notifications`),
  /** a notification's JSON, or a GeoJSON FeatureCollection of its volumes */
  notify: (id: string, notification: object) =>
    request<{ hash: string; seq: number }>("POST", `${line(id)}/notifications`, notification),
  cancelNotification: (notification: string, reason: string) =>
    request<{ hash: string; seq: number }>(
      "POST",
      `/api/notifications/${encodeURIComponent(notification)}/cancel`,
      reason === "" ? {} : { reason },
    ),
  conflicts: (id: string) => request<Conflict[]>("GET", `/api/conflicts?line=${encodeURIComponent(id)}`),
  zones: () => request<ZoneView[]>("GET", "/api/zones"),
  addZone: (zone: {
    name: string;
    kind: ZoneView["kind"];
    geojson: unknown;
    minAltitude?: number;
    maxAltitude?: number;
    from?: string;
    to?: string;
  }) => request<ZoneView>("POST", "/api/zones", zone),
  removeZone: (name: string) =>
    request<{ removed: string }>("DELETE", `/api/zones/${encodeURIComponent(name)}`),
  /** the zones shared on a line, by any participant */
  sharedZones: (line: string) =>
    request<SharedZoneView[]>("GET", `/api/lines/${encodeURIComponent(line)}/zones`),
  /** shares a zone on a line (a plan as a notification, with its type and title); the station then drops its private copy */
  shareZone: (
    name: string,
    share: { line: string; type?: NotifyType; title?: string; description?: string },
  ) => request<{ hash: string; seq: number }>("POST", `/api/zones/${encodeURIComponent(name)}/share`, share),
};
