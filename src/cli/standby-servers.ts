import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from "fastify";
import { consolePage, serveConsoleFiles } from "../api/mod.js";
import { usePageHeaders } from "../http/mod.js";
import type { Logger } from "pino";
import type { LeaseRow } from "../store/mod.js";
import { describeHolder, pairStatus, parseHostPort, type StationStatus } from "../station/mod.js";
import { PeerListeners } from "./peer-listeners.js";

/** A request, handshake or idle connection at the standby lasts at most this long. */
const STANDBY_TIMEOUT_MS = 10_000;
/** Connections open at once at each of the standby's peer addresses. */
const STANDBY_MAX_CONNECTIONS = 256;

/** What the standby knows of its station, to say who it is. */
export interface StandbyIdentity {
  id: string;
  name: string;
  url: string;
  /** where the record lives, password masked */
  store: string;
}

export interface StandbyServerOptions {
  station: StandbyIdentity;
  /** the station's TLS certificate and key (PEM), for the peer port */
  tls: { cert: string; key: string };
  /** the operator API's certificate and key when it is served over HTTPS, else null */
  apiTls: { cert: string; key: string } | null;
  /** the peer addresses it serves (HOST:PORT) */
  listen: readonly string[];
  /** its operator API's address (HOST:PORT) */
  api: string;
  /** @returns the lease as it stands: who is active */
  lease: () => Promise<LeaseRow | null>;
  logger: Logger;
}

/** The standby's servers: its peer addresses and its operator API, answering STANDBY. */
export interface StandbyServers {
  close(): Promise<void>;
}

/** What every refused request gets (503): the error and who is active. */
export interface StandbyAnswer {
  error: { code: "STANDBY"; message: string };
  active: { who: string; holder: string; since: string; epoch: number } | null;
}

/**
 * @param name the station's name
 * @param lease the lease as it stands
 * @returns the 503 body a standby answers every request with but its status
 */
export function standbyAnswer(name: string, lease: LeaseRow | null): StandbyAnswer {
  const active =
    lease === null || Date.parse(lease.expiresAt) <= Date.now()
      ? null
      : {
          who: describeHolder(lease.holder),
          holder: lease.holder,
          since: lease.acquiredAt,
          epoch: lease.epoch,
        };
  return {
    error: {
      code: "STANDBY",
      message:
        active === null
          ? `${name} here is the standby; no process is active now`
          : `${name} here is the standby; the active is ${active.who} since ${active.since}`,
    },
    active,
  };
}

/**
 * Makes every request that has no route of its own (and every error) get the standby's answer,
 * with no body read: whatever is sent, nothing of it is parsed.
 */
function answerEverything(
  app: FastifyInstance,
  refuse: (request: unknown, reply: FastifyReply) => Promise<unknown>,
  pages?: (request: FastifyRequest, reply: FastifyReply) => unknown,
): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", (_request, _payload, done) => done(null, undefined));
  app.setNotFoundHandler((request, reply) =>
    pages !== undefined && request.method === "GET" && !/^\/api(?:[/?]|$)/i.test(request.url)
      ? pages(request, reply)
      : refuse(request, reply),
  );
  app.setErrorHandler((_error, request, reply) => refuse(request, reply));
}

/**
 * Serves as the standby of a pair: on each of its peer addresses (mutual TLS, with the station's
 * certificate, so a peer's pin holds) and on its operator API, every request is answered 503
 * STANDBY with who is active; `GET /api/status` answers the role and who is active, `GET /healthz`
 * that the process is up, `GET /readyz` 503 (a load balancer sends operators to the active).
 * Nothing here opens the station or writes.
 *
 * @param options who it is, where it listens, how to read the lease
 * @returns the servers, listening
 */
export async function serveAsStandby(options: StandbyServerOptions): Promise<StandbyServers> {
  const refuse = async (
    _request: unknown,
    reply: { status(code: number): { send(body: unknown): unknown } },
  ) => reply.status(503).send(standbyAnswer(options.station.name, await options.lease()));
  const peers = new PeerListeners(() => {
    // It reads nothing a peer sends: small limits and short timeouts, so that no one holds it busy.
    const app = Fastify({
      logController: new LogController({ disableRequestLogging: true }),
      requestTimeout: STANDBY_TIMEOUT_MS,
      connectionTimeout: STANDBY_TIMEOUT_MS,
      keepAliveTimeout: 5_000,
      https: {
        ...options.tls,
        minVersion: "TLSv1.3",
        requestCert: true,
        rejectUnauthorized: false,
        handshakeTimeout: STANDBY_TIMEOUT_MS,
      },
    });
    app.server.maxConnections = STANDBY_MAX_CONNECTIONS;
    answerEverything(app, refuse);
    return app;
  });
  const logController = new LogController({ disableRequestLogging: true });
  const api: FastifyInstance =
    options.apiTls === null ? Fastify({ logController }) : Fastify({ logController, https: options.apiTls });
  api.get("/healthz", async () => ({ ok: true, role: "standby" }));
  api.get("/readyz", async (_request, reply) =>
    reply.status(503).send({ ready: false, role: "standby", checks: { store: "ok", peer: "ok" } }),
  );
  // What it says discloses no more than the 503 every caller gets: the role and who is active.
  api.get("/api/status", async (): Promise<StationStatus> => {
    const lease = await options.lease();
    return {
      station: options.station,
      running: true,
      zones: "",
      lines: [],
      ...(lease === null || Date.parse(lease.expiresAt) <= Date.now()
        ? { role: "standby" as const }
        : pairStatus("standby", lease)),
    };
  });
  // The console's pages too: signing in there says this host is the standby and links to the active.
  usePageHeaders(api);
  await serveConsoleFiles(api);
  answerEverything(api, refuse, consolePage);
  try {
    await peers.set(options.listen);
    const { host, port } = parseHostPort(options.api);
    await api.listen({ host, port });
  } catch (error) {
    await Promise.allSettled([peers.close(), api.close()]);
    throw error;
  }
  options.logger.info(
    { event: "standby.listening", peer: options.listen, api: options.api },
    "listening as the standby",
  );
  return {
    async close() {
      await Promise.allSettled([peers.close(), api.close()]);
    },
  };
}
