import fastifyCookie from "@fastify/cookie";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
} from "fastify";
import { jsonSchemaTransform, validatorCompiler } from "fastify-type-provider-zod";
import { answerErrors, httpStatusOf, useBoundedJson, usePageHeaders } from "../http/mod.js";
import { OPERATOR_HEADER, publicRoutes, requireDeclaredAccess } from "./access.js";
import { auditApi } from "./audit.js";
import { guardApi } from "./guard.js";
import { SameOrigin } from "./same-origin.js";
import { backupRoutes } from "./backup.js";
import { certRoutes } from "./certs.js";
import { hookRoutes } from "./hooks.js";
import { networkRoutes } from "./network.js";
import { memberRoutes } from "./members.js";
import { keyRoutes } from "./keys.js";
import { callRoutes } from "./calls.js";
import { notifyRoutes } from "./notify.js";
import { consolePage, consoleRoutes } from "./console.js";
import { operatorRoutes } from "./operators.js";
import { secondFactorRoutes } from "./second-factor.js";
import { Sessions } from "./sessions.js";
import { checkedAnswers, route } from "./route.js";
import { probeRoutes, type ProbeOptions } from "./probes.js";
import {
  logOf,
  acceptInvite,
  ackAlarm,
  ackEntry,
  alarmsOf,
  createInvite,
  healthReport,
  PERMISSIONS,
  statusOf,
  type LinkMonitor,
  type RoutedTransport,
  type Outbox,
  type PeerTransport,
  type Station,
} from "../station/mod.js";

export { OPERATOR_HEADER };

export {
  ACCEPT_REQUEST,
  ACK_REQUEST,
  CREATE_LINE_REQUEST,
  INVITE_REQUEST,
  SEND_REQUEST,
  SETTINGS_REQUEST,
  SUSPEND_REQUEST,
} from "./contract/lines.js";

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
  /** the token a metrics scraper gives for `/metrics` (file `metrics.token`): it opens nothing else */
  metricsToken: string;
  /** the metrics `/metrics` shows, and how `/readyz` tells that the peer port listens */
  probes: ProbeOptions;
  outbox: Outbox;
  monitor: LinkMonitor;
  /** each peer's routes and which carries its traffic, for `status` */
  routes?: RoutedTransport | undefined;
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
  usePageHeaders(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(checkedAnswers);
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
  guardApi(app, station, { token: options.token, metricsToken: options.metricsToken, sessions, origin });
  auditApi(app, station);

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

  const read = PERMISSIONS.read;
  probeRoutes(app, station, options.probes);
  await app.register(operatorRoutes, { station });
  await app.register(secondFactorRoutes, { station });
  await consoleRoutes(app, station, {
    sessions,
    outbox: options.outbox,
    monitor: options.monitor,
    routes: options.routes,
  });
  await app.register(hookRoutes, { station });
  await app.register(networkRoutes, { station });
  await app.register(backupRoutes, { station });
  await app.register(certRoutes, { station });
  await app.register(memberRoutes, { station });
  await app.register(keyRoutes, { station });
  await app.register(callRoutes, { station });
  await app.register(notifyRoutes, { station });
  route(app, "GET /api/whoami", { access: read, handler: async () => station.whoami() });
  route(app, "GET /api/status", {
    access: read,
    handler: async () =>
      statusOf(station, { outbox: options.outbox, monitor: options.monitor, routes: options.routes }),
  });
  route(app, "GET /api/lines", { access: read, handler: async () => station.lines() });
  route(app, "POST /api/lines", {
    access: PERMISSIONS.openLine,
    handler: async (request) =>
      station.createLine({ name: request.body.name, operator: await operatorOf(request.headers) }),
  });
  route(app, "POST /api/lines/:line/messages", {
    access: PERMISSIONS.send,
    handler: async (request) =>
      station.send({
        line: request.params.line,
        text: request.body.text,
        precedence: request.body.precedence,
        lang: request.body.lang,
        operator: await operatorOf(request.headers),
      }),
  });
  route(app, "GET /api/lines/:line/log", {
    access: read,
    handler: async (request) => logOf(station, request.params.line),
  });
  route(app, "GET /api/lines/:line/health", {
    access: read,
    handler: async (request) =>
      healthReport(station, request.params.line, { monitor: options.monitor, routes: options.routes }),
  });
  route(app, "POST /api/invites", {
    access: PERMISSIONS.invite,
    handler: async (request) =>
      createInvite(station, {
        line: request.body.line,
        expiresInMs: request.body.expiresInSeconds * 1000,
        operator: await operatorOf(request.headers),
      }),
  });
  route(app, "POST /api/accept", {
    access: PERMISSIONS.accept,
    handler: async (request) => {
      await operatorOf(request.headers);
      const accepted = await acceptInvite(station, options.transport, request.body.invite);
      await options.outbox.refresh();
      return accepted;
    },
  });
  route(app, "POST /api/lines/:line/settings", {
    access: PERMISSIONS.changeSettings,
    handler: async (request) =>
      station.setLine({
        line: request.params.line,
        ...request.body,
        operator: await operatorOf(request.headers),
      }),
  });
  route(app, "GET /api/alarms", {
    access: read,
    handler: async (request) => alarmsOf(station, { all: request.query.all === "true" }),
  });
  route(app, "POST /api/alarms/:id/ack", {
    access: PERMISSIONS.ackAlarm,
    handler: async (request) => ackAlarm(station, request.params.id, await operatorOf(request.headers)),
  });
  route(app, "POST /api/acks", {
    access: PERMISSIONS.ack,
    handler: async (request) =>
      ackEntry(station, {
        entry: request.body.entry,
        note: request.body.note,
        operator: await operatorOf(request.headers),
      }),
  });
  route(app, "POST /api/lines/:line/suspend", {
    access: PERMISSIONS.suspend,
    handler: async (request) =>
      station.suspendLine({
        line: request.params.line,
        suspend: true,
        reason: request.body.reason,
        operator: await operatorOf(request.headers),
      }),
  });
  route(app, "POST /api/lines/:line/resume", {
    access: PERMISSIONS.suspend,
    handler: async (request) =>
      station.suspendLine({
        line: request.params.line,
        suspend: false,
        operator: await operatorOf(request.headers),
      }),
  });
  return app;
}
