import type { TLSSocket } from "node:tls";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyRequest } from "fastify";
import { z } from "zod";
import { HASH, HotlineError, STATION_ID, describeZodError, placeOf } from "../record/mod.js";
import { answerErrors, httpStatusOf, PEER_JSON_LIMITS, useBoundedJson } from "../http/mod.js";
import { answerPairRequest, fingerprintOfDer, type Station } from "../station/mod.js";

/** Largest request body: a batch of entries (each at most 64 KiB). */
export const MAX_REQUEST_BYTES = 8 * 1024 * 1024;
const COMMA = Buffer.from(",");

/** Most entries in one push, and in one page of catch-up. */
export const MAX_BATCH = 500;

const PUSH = z.strictObject({ line: HASH, entries: z.array(z.unknown()).min(1).max(MAX_BATCH) });
const HEADS = z.strictObject({ statement: z.looseObject({ line: HASH }) });
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
 * The peer API: HTTPS, TLS 1.3, mutual TLS. Every request but pairing must come with a client
 * certificate pinned to a member of some line here, or it is refused with UNKNOWN_PEER; and every
 * request about a line is served only to the participant whose certificate is pinned ON THAT LINE
 * (a peer is known per line: what it is on one line gives it nothing on another).
 *
 * @param station the station
 * @param options TLS credentials and logger
 * @returns the Fastify app, not yet listening
 */
export function buildPeerServer(
  station: Station,
  options: { tls: { cert: string; key: string }; logger: FastifyBaseLogger },
) {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: MAX_REQUEST_BYTES,
    logController: new LogController({ disableRequestLogging: true }),
    https: {
      cert: options.tls.cert,
      key: options.tls.key,
      minVersion: "TLSv1.3",
      requestCert: true,
      // Certificates are self-signed; trust is the pin, checked below per request.
      rejectUnauthorized: false,
    },
  });
  useBoundedJson(app, PEER_JSON_LIMITS);
  app.decorateRequest("peerCert", null);
  answerErrors(app);

  app.addHook("onRequest", async (request) => {
    const cert = (request.raw.socket as TLSSocket).getPeerCertificate?.();
    request.peerCert = cert?.raw === undefined ? null : fingerprintOfDer(cert.raw);
    if (request.peerCert === null) {
      throw new HotlineError("UNKNOWN_PEER", "Cannot serve a request without a client certificate");
    }
    if (
      request.routeOptions.url !== "/peer/v1/pair" &&
      station.store.membersWithCert(request.peerCert).length === 0
    ) {
      throw new HotlineError(
        "UNKNOWN_PEER",
        "Cannot serve this certificate: it is pinned to no participant here",
      );
    }
  });

  app.post("/peer/v1/pair", async (request) => answerPairRequest(station, request.body, request.peerCert));

  app.post("/peer/v1/push", async (request, reply) => {
    const { line, entries } = parse(PUSH, request.body, "push");
    const peer = participantOf(request, line);
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
    const result = await station.receiveBatch(entries);
    if (result.refused !== null) {
      request.log.warn({ peer, code: result.refused.code, place: result.refused.place }, "refused an entry");
      // A refused push carries this station's heads, so the sender (a participant of the line,
      // checked above) can backfill from where this station stands.
      const refused = result.refused;
      return reply.status(httpStatusOf(refused.code)).send({
        error: { code: refused.code, message: refused.message },
        ...(refused.place.line === line ? { statement: station.headStatement(line) } : {}),
      });
    }
    return { statement: station.headStatement(line) };
  });

  app.post("/peer/v1/heads", async (request) => {
    const { statement } = parse(HEADS, request.body, "heads");
    // Who the peer is, on that line, before anything of the statement is checked or kept.
    const from = participantOf(request, statement.line);
    station.acceptStatement(statement, from);
    station.events.emit("contact", from);
    return { statement: station.headStatement(statement.line) };
  });

  app.get("/peer/v1/entries", async (request, reply) => {
    const query = parse(ENTRIES_QUERY, request.query, "entries");
    participantOf(request, query.line);
    const page = station.store.chainAfter(query.line, query.author, query.after, query.limit);
    // The stored canonical bytes go as they are: no parsing and serialising again per entry.
    const parts = page.flatMap((e, i) => (i === 0 ? [e.bytes] : [COMMA, e.bytes]));
    return reply
      .type("application/json")
      .send(Buffer.concat([Buffer.from('{"entries":['), ...parts, Buffer.from("]}")]));
  });

  /** @returns the station the request's certificate is pinned to on the line, a participant there */
  function participantOf(request: FastifyRequest, line: string): string {
    if (station.store.line(line) === null) {
      throw new HotlineError("UNKNOWN_LINE", `Cannot serve line ${line}: this station is not on it`, {
        place: { line },
      });
    }
    const member = station.store.memberWithCert(line, request.peerCert ?? "");
    if (member === null) {
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
