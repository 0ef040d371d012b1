import { readFileSync } from "node:fs";
import { request } from "node:https";
import type { AddressInfo } from "node:net";
import { connect, type TLSSocket } from "node:tls";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { inProcessPair, type InProcessPair } from "../../test/helpers/in-process-pair.js";
import { makeSelfSignedCertificate, type Station } from "../station/mod.js";
import type { TlsCredentials } from "../station/core/tls.js";
import { buildPeerServer, type PeerServerLimits } from "./server.js";
import { MAX_PAGE_BYTES } from "./limits.js";

/**
 * The peer port's bounds, with Washington's real peer server on loopback (mutual TLS) and the test
 * speaking for Moscow (its certificate) and for strangers: timeouts shortened, limits small.
 */
describe("the peer server holds nobody's connections or requests without bound", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function serve(limits: Partial<PeerServerLimits> = {}) {
    const pair: InProcessPair = await inProcessPair();
    cleanups.push(async () => await pair.close());
    const app = buildPeerServer(pair.washington, {
      tls: tlsOf(pair.washington),
      logger: pino({ level: "silent" }),
      limits,
    });
    await app.listen({ host: "127.0.0.1", port: 0 });
    cleanups.push(() => app.close());
    const port = (app.server.address() as AddressInfo).port;
    return { ...pair, port, moscowTls: tlsOf(pair.moscow) };
  }

  it("50 connections that send headers and never finish the body are all closed within the request timeout", async () => {
    const { port, moscowTls, line, washington } = await serve({
      requestTimeoutMs: 1_000,
      headersTimeoutMs: 1_000,
      checkIntervalMs: 100,
      connections: { perCertificate: 64, total: 256 },
    });
    const started = Date.now();
    const sockets = await Promise.all(Array.from({ length: 50 }, async () => await open(port, moscowTls)));
    for (const socket of sockets) {
      socket.write(
        `POST /peer/v1/push HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{"line":"${line}","entries":[`,
      );
    }
    await Promise.all(sockets.map((s) => closed(s)));
    // Loosely bounded: closed by the timeout (1 s, checked every 100 ms), not by the test's end.
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await washington.store.head(line, washington.id)).not.toBeNull(); // the station still answers
  });

  it("a TLS connection without a client certificate is closed right after the handshake", async () => {
    const { port } = await serve();
    const socket = await open(port, null);
    await closed(socket);
    expect(socket.destroyed).toBe(true);
  });

  it("one certificate holds at most its share of connections: the next is closed, another certificate's is not", async () => {
    const { port, moscowTls } = await serve({ connections: { perCertificate: 3, total: 256 } });
    const held = await Promise.all([0, 1, 2].map(async () => await open(port, moscowTls)));
    cleanups.push(() => {
      for (const s of held) s.destroy();
    });
    const fourth = await open(port, moscowTls);
    await closed(fourth);
    const stranger = await open(port, await makeSelfSignedCertificate("Mallory", ["127.0.0.1"]));
    cleanups.push(() => void stranger.destroy());
    expect(await answerOn(stranger, "GET /peer/v1/nothing")).toMatch(/^HTTP\/1\.1 (403|404)/);
    expect(held.every((s) => !s.destroyed)).toBe(true);
  });

  it("/peer/v1/pair with a 64 KiB body is refused with TOO_LARGE (413)", async () => {
    const { port } = await serve();
    const stranger = await makeSelfSignedCertificate("Mallory", ["127.0.0.1"]);
    const answer = await call(port, stranger, "POST", "/peer/v1/pair", Buffer.alloc(64 * 1024, "a"));
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ error: { code: "TOO_LARGE" } });
  });

  it("a certificate past its burst is refused with RATE_LIMITED (429) until tokens come back; other peers are not", async () => {
    const clock = { t: 0 };
    const { port, moscowTls, line, moscow } = await serve({
      rate: { burst: 5, perSecond: 1, now: () => clock.t },
    });
    const path = `/peer/v1/entries?${new URLSearchParams({ line, author: moscow.id, after: "0" }).toString()}`;
    for (let i = 0; i < 5; i++) expect((await call(port, moscowTls, "GET", path)).status).toBe(200);
    const refused = await call(port, moscowTls, "GET", path);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: { code: "RATE_LIMITED" } });

    // Another certificate has a bucket of its own: a stranger is told who it is not, not to slow down.
    const stranger = await makeSelfSignedCertificate("Mallory", ["127.0.0.1"]);
    expect((await call(port, stranger, "GET", path)).body).toMatchObject({ error: { code: "UNKNOWN_PEER" } });

    clock.t += 1_000;
    expect((await call(port, moscowTls, "GET", path)).status).toBe(200);
    expect((await call(port, moscowTls, "GET", path)).status).toBe(429);
  });

  it("a page of GET entries stops at about 4 MiB however many entries were asked for, and holds at least one", async () => {
    const { port, moscowTls, line, washington } = await serve();
    const text = "x".repeat(60_000);
    for (let i = 0; i < 80; i++) await washington.send({ line, text, operator: "admin" });
    const path = (after: number) =>
      `/peer/v1/entries?${new URLSearchParams({ line, author: washington.id, after: String(after), limit: "500" }).toString()}`;
    const first = await call(port, moscowTls, "GET", path(0));
    const entries = (first.body as { entries: { seq: number }[] }).entries;
    expect(entries.length).toBeGreaterThan(1);
    expect(entries.length).toBeLessThan((await washington.store.head(line, washington.id))?.seq ?? 0);
    expect(first.bytes).toBeLessThan(MAX_PAGE_BYTES + 64 * 1024);
    // The asker goes on from the page's end.
    const next = await call(port, moscowTls, "GET", path(entries.at(-1)?.seq ?? 0));
    expect((next.body as { entries: unknown[] }).entries.length).toBeGreaterThan(0);
  });
});

function tlsOf(station: Station): TlsCredentials {
  return {
    cert: readFileSync(station.paths.tlsCert, "utf8"),
    key: readFileSync(station.paths.tlsKey, "utf8"),
  };
}

/** @returns a TLS 1.3 connection to the port, handshake done, with that client certificate */
function open(port: number, tls: TlsCredentials | null): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: "127.0.0.1",
      port,
      minVersion: "TLSv1.3",
      rejectUnauthorized: false,
      ...(tls === null ? {} : { cert: tls.cert, key: tls.key }),
    });
    socket.once("secureConnect", () => resolve(socket));
    socket.once("error", reject);
  });
}

/** @returns once the server closed the connection (errors while closing are the point) */
function closed(socket: TLSSocket): Promise<void> {
  socket.on("error", () => undefined);
  socket.resume();
  return new Promise((resolve) => {
    if (socket.destroyed || socket.readableEnded) resolve();
    else socket.once("close", () => resolve());
  });
}

/** @returns the start of what the server answers to a bodiless request on an open connection */
function answerOn(socket: TLSSocket, requestLine: string): Promise<string> {
  return new Promise((resolve, reject) => {
    socket.once("data", (chunk: Buffer) => resolve(chunk.toString("utf8")));
    socket.once("error", reject);
    socket.write(`${requestLine} HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`);
  });
}

/** One request over a new connection: status, parsed body and the body's size. */
function call(
  port: number,
  tls: TlsCredentials,
  method: "GET" | "POST",
  path: string,
  body?: Buffer,
): Promise<{ status: number; body: unknown; bytes: number }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method,
        path,
        agent: false,
        minVersion: "TLSv1.3",
        rejectUnauthorized: false,
        cert: tls.cert,
        key: tls.key,
        headers:
          body === undefined ? {} : { "content-type": "application/json", "content-length": body.length },
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(text.toString("utf8")) as unknown,
            bytes: text.length,
          });
        });
      },
    );
    // A server that answers early (413) may close before the whole body is written: that is fine.
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    req.end(body);
  });
}
