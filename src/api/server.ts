import fastifyCookie from "@fastify/cookie";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
} from "fastify";
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import { z } from "zod";
import { answerErrors, httpStatusOf, useBoundedJson } from "../http/mod.js";
import { OPERATOR_HEADER, publicRoutes, requireDeclaredAccess } from "./access.js";
import { guardApi } from "./guard.js";
import { SameOrigin } from "./same-origin.js";
import { hookRoutes } from "./hooks.js";
import { memberRoutes } from "./members.js";
import { callRoutes } from "./calls.js";
import { notifyRoutes } from "./notify.js";
import { consolePage, consoleRoutes } from "./console.js";
import { operatorRoutes } from "./operators.js";
import { Sessions } from "./sessions.js";
import { BODY_SCHEMAS, LANG, NAME, PRECEDENCES } from "../record/mod.js";
import {
  acceptInvite,
  ackAlarm,
  ackEntry,
  alarmsOf,
  createInvite,
  healthReport,
  PERMISSIONS,
  statusOf,
  type LinkMonitor,
  type Outbox,
  type PeerTransport,
  type Station,
} from "../station/mod.js";

export { OPERATOR_HEADER };

const LINE_PARAM = z.object({ line: z.string().min(1).max(200) });

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
const ALARMS_QUERY = z.strictObject({ all: z.enum(["true", "false"]).optional() });
const ALARM_PARAM = z.object({ id: z.coerce.number().int().min(1) });
export const ACCEPT_REQUEST = z.strictObject({ invite: z.string().min(1).max(4096) });

/** Where the OpenAPI docs are served: public, as they describe the API and hold nothing of the station. */
const DOCS_PREFIX = "/api/docs";

/** A certificate and its private key, PEM. */
export interface TlsCredentials {
  cert: string;
  key: string;
}

/** How the operator API is reached: see {@link buildApiServer}. */
export interface ApiServerOptions {
  token: string;
  outbox: Outbox;
  monitor: LinkMonitor;
  transport: PeerTransport;
  logger: FastifyBaseLogger;
  /** serve HTTPS with this certificate and key; plain HTTP when absent (loopback only, unless the admin said otherwise) */
  tls?: TlsCredentials | null | undefined;
  /** names besides its bound address that the API is reached as (`--api-name`), HOST or HOST:PORT */
  names?: readonly string[] | undefined;
}

/**
 * The operator API: what the CLI and the console use. Loopback by default; every route declares
 * who may call it, and one gate ({@link guardApi}) checks each request against the route that
 * matched: the CLI's requests carry the station's API token (kept 0600 in the data directory) and
 * name the operator they act for, the console's carry a session cookie. Documented with OpenAPI at
 * /api/docs.
 *
 * @param station the station
 * @param options token, outbox, transport, logger, TLS and the names it is reached as
 * @returns the Fastify app, not yet listening
 */
export async function buildApiServer(station: Station, options: ApiServerOptions) {
  const tls = options.tls ?? null;
  const settings = {
    loggerInstance: options.logger,
    bodyLimit: 1024 * 1024,
    logController: new LogController({ disableRequestLogging: true }),
    // A path the router cannot even decode (a broken escape) is refused like any odd path.
    frameworkErrors: (_error: unknown, _request: unknown, reply: FastifyReply) => {
      void reply.status(httpStatusOf("BAD_PATH")).send({
        error: { code: "BAD_PATH", message: "Cannot route the request: its path does not decode" },
      });
    },
  };
  // Over HTTPS the instance is typed for an https.Server; everything here uses what both share.
  const app =
    tls === null ? Fastify(settings) : (Fastify({ ...settings, https: tls }) as unknown as FastifyInstance);
  useBoundedJson(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Only JSON bodies: a foreign page's form or text/plain post (sent without a CORS preflight)
  // is refused as SCHEMA before a handler sees it, whatever else it carries.
  app.removeContentTypeParser("text/plain");
  answerErrors(app, undefined, consolePage);

  // The gate first, before any route exists: every route declares its access, every request passes it.
  await app.register(fastifyCookie);
  requireDeclaredAccess(app);
  const sessions = new Sessions(station, { secure: tls !== null });
  const origin = new SameOrigin({
    scheme: tls === null ? "http:" : "https:",
    names: options.names ?? [],
    address: () => app.server.address(),
  });
  guardApi(app, station, { token: options.token, sessions, origin });

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: "hotline operator API",
        version: "1",
        description: "What the hotline CLI and console use.",
      },
      components: { securitySchemes: { token: { type: "http", scheme: "bearer" } } },
      security: [{ token: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await publicRoutes(app, (docs) => docs.register(fastifySwaggerUi, { routePrefix: DOCS_PREFIX }));

  const operatorOf = async (headers: Record<string, unknown>): Promise<string> => {
    const name = typeof headers[OPERATOR_HEADER] === "string" ? headers[OPERATOR_HEADER] : "admin";
    return (await station.operator(name)).name;
  };

  const api = app.withTypeProvider<ZodTypeProvider>();
  const read = { access: PERMISSIONS.read };
  await api.register(operatorRoutes, { station });
  await consoleRoutes(app, station, { sessions, outbox: options.outbox, monitor: options.monitor });
  await api.register(hookRoutes, { station });
  await api.register(memberRoutes, { station });
  await api.register(callRoutes, { station });
  await api.register(notifyRoutes, { station });
  api.get("/api/whoami", { config: read, schema: { summary: "This station" } }, async () => station.whoami());
  api.get(
    "/api/status",
    { config: read, schema: { summary: "Lines, participants, contact and outbox" } },
    async () => await statusOf(station, { outbox: options.outbox, monitor: options.monitor }),
  );
  api.get(
    "/api/lines",
    { config: read, schema: { summary: "Lines and participants with safety codes" } },
    async () => await station.lines(),
  );
  api.post(
    "/api/lines",
    {
      config: { access: PERMISSIONS.openLine },
      schema: { summary: "Open a line", body: CREATE_LINE_REQUEST },
    },
    async (request) =>
      await station.createLine({ name: request.body.name, operator: await operatorOf(request.headers) }),
  );
  api.post(
    "/api/lines/:line/messages",
    {
      config: { access: PERMISSIONS.send },
      schema: { summary: "Write a message on a line", params: LINE_PARAM, body: SEND_REQUEST },
    },
    async (request) =>
      await station.send({
        line: request.params.line,
        text: request.body.text,
        precedence: request.body.precedence,
        lang: request.body.lang,
        operator: await operatorOf(request.headers),
      }),
  );
  api.get(
    "/api/lines/:line/log",
    {
      config: read,
      schema: { summary: "A line's transcript, in causal order, with receipts", params: LINE_PARAM },
    },
    async (request) => await station.log(request.params.line),
  );
  api.get(
    "/api/lines/:line/health",
    {
      config: { access: PERMISSIONS.read },
      schema: {
        summary: "A line's health report: per participant state, round trips, uptime and incidents",
        params: LINE_PARAM,
      },
    },
    async (request) => await healthReport(station, request.params.line, { monitor: options.monitor }),
  );
  api.post(
    "/api/invites",
    {
      config: { access: PERMISSIONS.invite },
      schema: { summary: "Invite a station to a line", body: INVITE_REQUEST },
    },
    async (request) =>
      await createInvite(station, {
        line: request.body.line,
        expiresInMs: request.body.expiresInSeconds * 1000,
        operator: await operatorOf(request.headers),
      }),
  );
  api.post(
    "/api/accept",
    {
      config: { access: PERMISSIONS.accept },
      schema: { summary: "Join a line with an invite", body: ACCEPT_REQUEST },
    },
    async (request) => {
      await operatorOf(request.headers);
      const accepted = await acceptInvite(station, options.transport, request.body.invite);
      await options.outbox.refresh();
      return accepted;
    },
  );
  api.post(
    "/api/lines/:line/settings",
    {
      config: { access: PERMISSIONS.changeSettings },
      schema: {
        summary: "Change a line's settings (a signed entry)",
        params: LINE_PARAM,
        body: SETTINGS_REQUEST,
      },
    },
    async (request) =>
      await station.setLine({
        line: request.params.line,
        ...request.body,
        operator: await operatorOf(request.headers),
      }),
  );
  api.get(
    "/api/alarms",
    {
      config: read,
      schema: { summary: "Alarms: active and unacknowledged ones, or all", querystring: ALARMS_QUERY },
    },
    async (request) => await alarmsOf(station, { all: request.query.all === "true" }),
  );
  api.post(
    "/api/alarms/:id/ack",
    {
      config: { access: PERMISSIONS.ackAlarm },
      schema: { summary: "Acknowledge an alarm", params: ALARM_PARAM },
    },
    async (request) => await ackAlarm(station, request.params.id, await operatorOf(request.headers)),
  );
  api.post(
    "/api/acks",
    { config: { access: PERMISSIONS.ack }, schema: { summary: "Acknowledge a message", body: ACK_REQUEST } },
    async (request) =>
      await ackEntry(station, {
        entry: request.body.entry,
        note: request.body.note,
        operator: await operatorOf(request.headers),
      }),
  );
  api.post(
    "/api/lines/:line/suspend",
    {
      config: { access: PERMISSIONS.suspend },
      schema: {
        summary: "Suspend a line, saying why (a signed entry)",
        params: LINE_PARAM,
        body: SUSPEND_REQUEST,
      },
    },
    async (request) =>
      await station.suspendLine({
        line: request.params.line,
        suspend: true,
        reason: request.body.reason,
        operator: await operatorOf(request.headers),
      }),
  );
  api.post(
    "/api/lines/:line/resume",
    {
      config: { access: PERMISSIONS.suspend },
      schema: { summary: "Put a suspended line back in service (a signed entry)", params: LINE_PARAM },
    },
    async (request) =>
      await station.suspendLine({
        line: request.params.line,
        suspend: false,
        operator: await operatorOf(request.headers),
      }),
  );
  return app;
}
