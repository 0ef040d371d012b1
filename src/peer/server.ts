import type { TLSSocket } from "node:tls";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyRequest } from "fastify";
import { z } from "zod";
import {
  HASH,
  HotlineError,
  STATION_ID,
  describeZodError,
  placeOf,
  WAITS_FOR_ANOTHER_CHAIN,
} from "../record/mod.js";
import { answerErrors, httpStatusOf, PEER_JSON_LIMITS, useBoundedJson } from "../http/mod.js";
import { answerHeadsDigest, answerPairRequest, chainPage, type Station } from "../station/mod.js";
import { clientCertOf, guardConnections, type ConnectionLimits } from "./connection-guard.js";
import { MAX_BATCH, MAX_PAGE_BYTES, MAX_PAIR_BYTES, MAX_REQUEST_BYTES } from "./limits.js";
import { DEFAULT_PUSH_QUEUE_LIMITS, PushQueue, type PushQueueLimits } from "./push-queue.js";
import { MAX_SOCKETS_PER_PEER } from "./pinned-agent.js";
import { RateLimiter, type RateLimitOptions } from "./rate-limit.js";

export { MAX_BATCH, MAX_REQUEST_BYTES } from "./limits.js";

const COMMA = Buffer.from(",");

/** How long the peer port waits, and how much it takes from one client. */
export interface PeerServerLimits {
  /** the whole request, headers and body, must arrive within this (default 30 s) */
  requestTimeoutMs: number;
  /** the headers must arrive within this (default 10 s) */
  headersTimeoutMs: number;
  /** the TLS handshake must complete within this (default 10 s) */
  handshakeTimeoutMs: number;
  /** an idle kept-alive connection is closed after this (default 30 s) */
  keepAliveTimeoutMs: number;
  /** a connection on which nothing moves is closed after this (default 60 s) */
  idleTimeoutMs: number;
  /** how often open requests are checked against their timeouts (default 1 s) */
  checkIntervalMs: number;
  /**
   * simultaneous connections (default 16 per client certificate; in all 256, and 4 more for each
   * certificate pinned here: what each peer's client keeps, {@link MAX_SOCKETS_PER_PEER})
   */
  connections: ConnectionLimits;
  /** requests per client certificate (default a burst of 2,000, then 1,000 a second) */
  rate: RateLimitOptions;
  /** pushes waiting to be applied, per sender (default {@link DEFAULT_PUSH_QUEUE_LIMITS}) */
  pushQueue: PushQueueLimits;
}

/**
 * The defaults: generous for honest peers, tight enough that a peer — or anyone at all, before a
 * certificate is checked — cannot hold the port open or keep it busy. An honest peer sends at most
 * one push per entry it writes (a 500-entry backlog is one push), a link test per line per interval,
 * and catch-up pages (a newcomer to a 57-station line pulls 56 chains page by page); messages sent
 * one at a time over loopback reach a few hundred pushes a second (the latency bench), so the rate
 * leaves room above that.
 */
export const DEFAULT_PEER_SERVER_LIMITS: PeerServerLimits = {
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  handshakeTimeoutMs: 10_000,
  keepAliveTimeoutMs: 30_000,
  idleTimeoutMs: 60_000,
  checkIntervalMs: 1_000,
  connections: { perCertificate: 16, total: 256, perPinned: MAX_SOCKETS_PER_PEER },
  rate: { burst: 2_000, perSecond: 1_000 },
  pushQueue: DEFAULT_PUSH_QUEUE_LIMITS,
};

const PUSH = z.strictObject({ line: HASH, entries: z.array(z.unknown()).min(1).max(MAX_BATCH) });
/** A full head statement, or (a link test) its digest form: checked further by the station. */
const HEADS = z.union([
  z.strictObject({ statement: z.looseObject({ line: HASH }) }),
  z.strictObject({ digest: z.looseObject({ line: HASH }) }),
]);
const STATEMENT_QUERY = z.strictObject({ line: HASH, station: STATION_ID });
const ENTRIES_QUERY = z.strictObject({
  line: HASH,
  author: STATION_ID,
  after: z.coerce.number().int().min(0),
  limit: z.coerce.number().int().min(1).max(MAX_BATCH).default(MAX_BATCH),
});

declare module "fastify" {
  interface FastifyRequest {
    /** fingerprint of the client's TLS certificate, if it sent one */
    peerCert: string | null;
  }
}

/**
 * What a station's peer servers (one per route it listens on) count together, so a peer's share
 * of connections and requests is its share of the station, whichever addresses it uses.
 */
export interface PeerServerShares {
  rate: RateLimiter;
  /** open connections per client certificate */
  open: Map<string, number>;
  /** pushes waiting to be applied: one queue, so a sender's pushes over two routes keep their order */
  pushes?: PushQueue | undefined;
}

/**
 * @param limits the peer port's limits (defaults: {@link DEFAULT_PEER_SERVER_LIMITS})
 * @returns fresh shares, to pass to every peer server of one station
 */
export function peerServerShares(limits: Partial<PeerServerLimits> = {}): PeerServerShares {
  return { rate: new RateLimiter({ ...DEFAULT_PEER_SERVER_LIMITS, ...limits }.rate), open: new Map() };
}

/**
 * The peer API: HTTPS, TLS 1.3, mutual TLS. Every request but pairing must come with a client
 * certificate pinned to a member of some line here, or it is refused with UNKNOWN_PEER; and every
 * request about a line is served only to the participant whose certificate is pinned ON THAT LINE
 * (a peer is known per line: what it is on one line gives it nothing on another).
 *
 * Bounded at every level (see {@link PeerServerLimits}): connections without a client certificate
 * are closed after the handshake, requests must arrive whole within their timeouts, each client
 * certificate has a share of connections and a request rate (beyond it: 429 RATE_LIMITED).
 *
 * @param station the station
 * @param options TLS credentials, logger, and limits (defaults: {@link DEFAULT_PEER_SERVER_LIMITS})
 * @returns the Fastify app, not yet listening
 */
export function buildPeerServer(
  station: Station,
  options: {
    tls: { cert: string; key: string };
    logger: FastifyBaseLogger;
    limits?: Partial<PeerServerLimits> | undefined;
    /** what the servers of one station's routes count together (see {@link peerServerShares}) */
    shares?: PeerServerShares | undefined;
  },
) {
  const limits = { ...DEFAULT_PEER_SERVER_LIMITS, ...options.limits };
  const shares = options.shares ?? peerServerShares(limits);
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: MAX_REQUEST_BYTES,
    logController: new LogController({ disableRequestLogging: true }),
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    https: {
      cert: options.tls.cert,
      key: options.tls.key,
      minVersion: "TLSv1.3",
      requestCert: true,
      // Certificates are self-signed; trust is the pin, checked below per request.
      rejectUnauthorized: false,
      handshakeTimeout: limits.handshakeTimeoutMs,
      // Node's HTTP options, passed through by https.createServer (Fastify does not set the last two).
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
      connectionsCheckingInterval: limits.checkIntervalMs,
    },
  });
  useBoundedJson(app, PEER_JSON_LIMITS);
  guardConnections(app.server, limits.connections, shares.open, () => station.pinnedCount);
  const rate = shares.rate;
  shares.pushes ??= new PushQueue(station, limits.pushQueue);
  const pushes = shares.pushes;
  app.decorateRequest("peerCert", null);
  answerErrors(app);

  // The whole request within its time, whatever Node's own sweep of slow requests does: a request
  // still unanswered then has its connection closed (a body that never ends holds nothing here).
  app.addHook("onRequest", async (request, reply) => {
    const timer = setTimeout(() => {
      if (!reply.sent) request.raw.socket.destroy();
    }, limits.requestTimeoutMs);
    timer.unref();
    reply.raw.once("close", () => clearTimeout(timer));
  });

  // Before anything else is looked at: a flood costs the station a map lookup per request. The
  // connection is closed with the refusal: refused before its body is read, a request whose body
  // never ends would otherwise hold it open until the idle timeout, past the request timeout.
  app.addHook("onRequest", async (request, reply) => {
    const cert = clientCertOf(request.raw.socket as TLSSocket);
    if (cert !== null && !rate.take(cert)) {
      void reply.header("connection", "close");
      throw new HotlineError("RATE_LIMITED", "Cannot serve the request: this peer sends too many, try later");
    }
  });

  app.addHook("onRequest", async (request) => {
    request.peerCert = clientCertOf(request.raw.socket as TLSSocket);
    if (request.peerCert === null) {
      throw new HotlineError("UNKNOWN_PEER", "Cannot serve a request without a client certificate");
    }
    if (request.routeOptions.url !== "/peer/v1/pair" && !station.isPinned(request.peerCert)) {
      throw new HotlineError(
        "UNKNOWN_PEER",
        "Cannot serve this certificate: it is pinned to no participant here",
      );
    }
  });

  app.post(
    "/peer/v1/pair",
    { bodyLimit: MAX_PAIR_BYTES },
    async (request) => await answerPairRequest(station, request.body, request.peerCert),
  );

  app.post("/peer/v1/push", async (request, reply) => {
    const { line, entries } = parse(PUSH, request.body, "push");
    const peer = await participantOf(request, line);
    // The peer is checked for this line only: an entry of another line would be taken from a
    // station that may not be on it, and its refusal answered with that line's heads.
    const stray = entries.map(placeOf).find((place) => place.line !== undefined && place.line !== line);
    if (stray !== undefined) {
      throw new HotlineError(
        "BAD_LINE",
        `Cannot accept the push for line ${line}: it carries an entry of line ${stray.line}`,
      );
    }
    station.events.emit("contact", peer);
    // Applied in the order its sender sent it, with the pushes of the sender ready beside it.
    const bytes = Number(request.headers["content-length"] ?? 0) || 0;
    const result = await pushes.push(peer, line, entries, bytes);
    // The receipt names only the chains the push carried (and this station's own): O(1) in the
    // line's participants, and all a courier reads of it.
    const chains = new Set(entries.map((e) => placeOf(e).author).filter((a) => a !== undefined));
    if (result.refused !== null) {
      request.log.warn(
        { event: "peer.push.refused", peer, code: result.refused.code, place: result.refused.place },
        "refused an entry",
      );
      // A refused push carries this station's heads, so the sender (a participant of the line,
      // checked above) can backfill from where this station stands.
      const refused = result.refused;
      // What it pushed waits for entries of other chains it holds: pull them from it now.
      if (WAITS_FOR_ANOTHER_CHAIN.has(refused.code)) station.events.emit("behind", peer, line);
      return reply.status(httpStatusOf(refused.code)).send({
        error: { code: refused.code, message: refused.message },
        ...(refused.place.line === line ? { statement: await station.receipt(line, chains) } : {}),
      });
    }
    return { statement: await station.receipt(line, chains) };
  });

  app.post("/peer/v1/heads", async (request) => {
    const body = parse(HEADS, request.body, "heads");
    if ("digest" in body) {
      // A link test by digest: the full statements only if the heads differ (the asker then sends its own).
      const from = await participantOf(request, body.digest.line);
      const answer = await answerHeadsDigest(station, body.digest, from);
      station.events.emit("contact", from);
      return { digest: answer };
    }
    const { statement } = body;
    // Who the peer is, on that line, before anything of the statement is checked or kept.
    const from = await participantOf(request, statement.line);
    await station.acceptStatement(statement, from);
    station.noteExchange(statement.line, from);
    station.events.emit("contact", from);
    return { statement: await station.headStatement(statement.line) };
  });

  // Relay: a participant that cannot reach another asks what that one last said here, signed by
  // it — so a receipt travels back through a third station, which cannot forge or alter it.
  app.get("/peer/v1/statement", async (request) => {
    const query = parse(STATEMENT_QUERY, request.query, "statement");
    await participantOf(request, query.line);
    return { statement: station.heardFrom(query.line, query.station) };
  });

  app.get("/peer/v1/entries", async (request, reply) => {
    const query = parse(ENTRIES_QUERY, request.query, "entries");
    await participantOf(request, query.line);
    const page = await chainPage(station, query.line, query.author, query.after, query.limit);
    // The stored canonical bytes go as they are: no parsing and serialising again per entry.
    // A page stops at MAX_PAGE_BYTES (always one entry at least): the asker continues from its end.
    const parts: Buffer[] = [];
    let bytes = 0;
    for (const e of page) {
      if (parts.length > 0 && bytes + e.bytes.length > MAX_PAGE_BYTES) break;
      if (parts.length > 0) parts.push(COMMA);
      parts.push(e.bytes);
      bytes += e.bytes.length;
    }
    return reply
      .type("application/json")
      .send(Buffer.concat([Buffer.from('{"entries":['), ...parts, Buffer.from("]}")]));
  });

  /** @returns the station the request's certificate is pinned to on the line, a participant there */
  async function participantOf(request: FastifyRequest, line: string): Promise<string> {
    const members = await station.membersOf(line);
    if (members === null) {
      throw new HotlineError("UNKNOWN_LINE", `Cannot serve line ${line}: this station is not on it`, {
        place: { line },
      });
    }
    const peerCert = request.peerCert ?? "";
    const member = members.find((m) => station.presents(m, peerCert) !== null);
    // Seen with the certificate it renewed to: its previous one is no longer accepted.
    if (member !== undefined && member.previousCert !== null && member.cert === peerCert) {
      await station.retirePreviousCert(member);
    }
    if (member === undefined) {
      throw new HotlineError(
        "NOT_PARTICIPANT",
        `Cannot serve line ${line}: the peer is not one of its participants`,
      );
    }
    if (!member.active) {
      throw new HotlineError(
        "PENDING_MEMBER",
        `Cannot serve line ${line}: not every participant has consented to the peer joining it yet`,
      );
    }
    return member.station;
  }

  return app;
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new HotlineError("SCHEMA", `Cannot accept the ${what} request: ${describeZodError(result.error)}`);
  return result.data;
}
