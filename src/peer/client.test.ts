import type { ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { generateIdentity, type HeadStatement } from "../record/mod.js";
import { certFingerprint, makeSelfSignedCertificate, type PeerTarget } from "../station/mod.js";
import type { TlsCredentials } from "../station/core/tls.js";
import { PeerClient } from "./client.js";

/**
 * The peer client against hostile servers on loopback (real TLS): one that trickles its answer a
 * byte at a time, one that answers too much. Each request has one deadline for the whole exchange
 * and a cap on the answer.
 */
describe("PeerClient bounds every exchange with a peer", () => {
  let mine: TlsCredentials;
  let theirs: TlsCredentials;
  const cleanups: (() => void)[] = [];
  /** the peers' servers, the newest last */
  const servers: Server[] = [];
  beforeAll(async () => {
    [mine, theirs] = await Promise.all([
      makeSelfSignedCertificate("Washington", ["127.0.0.1"]),
      makeSelfSignedCertificate("Moscow", ["127.0.0.1"]),
    ]);
  });
  afterEach(() => {
    for (const c of cleanups.splice(0).reverse()) c();
  });

  /** @returns a peer that answers every request with `answer`, and its target */
  async function peer(answer: (res: ServerResponse) => void): Promise<PeerTarget> {
    const server: Server = createServer(
      { ...theirs, requestCert: true, rejectUnauthorized: false, minVersion: "TLSv1.3" },
      (req, res) => {
        req.resume();
        req.on("end", () => answer(res));
      },
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    servers.push(server);
    cleanups.push(() => {
      server.closeAllConnections();
      server.close();
    });
    const { port } = server.address() as AddressInfo;
    return {
      station: generateIdentity().id,
      url: `https://127.0.0.1:${port}`,
      cert: certFingerprint(theirs.cert),
    };
  }

  /** A 200 with its headers at once, then one byte of JSON-ish whitespace every 200 ms, for ever. */
  function dribble(res: ServerResponse): void {
    res.writeHead(200, { "content-type": "application/json" });
    res.write("{");
    const timer = setInterval(() => res.write(" "), 200);
    res.on("close", () => clearInterval(timer));
    cleanups.push(() => clearInterval(timer));
  }

  function client(): PeerClient {
    const c = new PeerClient(mine, { timeoutMs: 1_000 });
    cleanups.push(() => c.close());
    return c;
  }

  it("a peer that answers 200 and then trickles a byte at a time fails heads, push, entries and pair with PEER_UNREACHABLE within the timeout", async () => {
    const target = await peer(dribble);
    const c = client();
    const statement = { line: "l" } as unknown as HeadStatement;
    const tries: [string, () => Promise<unknown>][] = [
      ["heads", () => c.heads(target, statement)],
      ["push", () => c.push(target, "l", [Buffer.from("{}")])],
      ["entries", () => c.entries(target, "l", "a", 0, 10)],
      ["pair", () => c.pair(target, {} as never)],
    ];
    for (const [what, attempt] of tries) {
      const started = Date.now();
      await expect(attempt(), what).rejects.toMatchObject({ code: "PEER_UNREACHABLE" });
      // Loosely bounded (a loaded machine stalls): the timeout is 1 s; the trickle would go on for ever.
      expect(Date.now() - started, what).toBeLessThan(15_000);
    }
  });

  it("a head statement's own timeout (a link test's) is the whole exchange's too", async () => {
    const target = await peer(dribble);
    const patient = new PeerClient(mine, { timeoutMs: 60_000 });
    cleanups.push(() => patient.close());
    const started = Date.now();
    await expect(patient.heads(target, {} as HeadStatement, { timeoutMs: 1_000 })).rejects.toMatchObject({
      code: "PEER_UNREACHABLE",
    });
    // Loosely bounded, as above: a link test's 1 s, not the client's 60 s.
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("a large answer that arrives steadily over a slow link is not cut off: bytes moved earn time", async () => {
    // 1.2 MB over about 4 s, with a 3 s timeout and a least rate of 8 KB/s: each 30 KB earns
    // 3.75 s, so the answer is slow but steady, as a real link can be, and a loaded machine's
    // stalls between two writes do not cut it off either.
    const target = await peer((res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"entries":[]' + " ".repeat(30_000));
      let sent = 1;
      const timer = setInterval(() => {
        if (sent++ < 40) res.write(" ".repeat(30_000));
        else {
          clearInterval(timer);
          res.end("}");
        }
      }, 100);
      cleanups.push(() => clearInterval(timer));
    });
    const slow = new PeerClient(mine, { timeoutMs: 3_000, minBytesPerSecond: 8 * 1024 });
    cleanups.push(() => slow.close());
    const started = Date.now();
    await expect(slow.entries(target, "l", "a", 0, 10)).resolves.toEqual([]);
    // It took longer than the timeout alone allows (40 writes 100 ms apart), yet was not cut off.
    expect(Date.now() - started).toBeGreaterThan(3_000);
  });

  it("a page with more entries than asked for is refused with TOO_LARGE", async () => {
    const target = await peer((res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ entries: Array.from({ length: 11 }, () => ({})) }));
    });
    await expect(client().entries(target, "l", "a", 0, 10)).rejects.toMatchObject({ code: "TOO_LARGE" });
  });

  it("an answer larger than its cap is refused with TOO_LARGE, whether its length is declared or not", async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, " ");
    const declared = await peer((res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": big.length });
      res.end(big);
    });
    await expect(client().heads(declared, {} as HeadStatement)).rejects.toMatchObject({ code: "TOO_LARGE" });
    const streamed = await peer((res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(big);
    });
    await expect(client().heads(streamed, {} as HeadStatement)).rejects.toMatchObject({ code: "TOO_LARGE" });
  });

  it("a kept-alive connection the peer closes as it is reused: the request goes again on a new one, except an invite's use", async () => {
    // The peer answers the first request of each connection and closes the connection under any
    // later one (its idle timeout crossing the request, as on a loaded machine).
    let connections = 0;
    let requests = 0;
    const answered = new WeakSet<object>();
    const target = await peer((res) => {
      requests++;
      if (answered.has(res.socket as object)) {
        res.socket?.destroy();
        return;
      }
      answered.add(res.socket as object);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ statement: { ok: true } }));
    });
    const c = client();
    const counted = async <T>(what: () => Promise<T>) => {
      const before = { connections, requests };
      const outcome = await what().then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
      return {
        ...outcome,
        connections: connections - before.connections,
        requests: requests - before.requests,
      };
    };
    servers.at(-1)?.on("secureConnection", () => connections++);
    const statement = {} as HeadStatement;
    expect(await counted(() => c.heads(target, statement))).toEqual({
      value: { ok: true },
      connections: 1,
      requests: 1,
    });
    // Reused, closed under it, sent again on a new connection: answered.
    expect(await counted(() => c.heads(target, statement))).toEqual({
      value: { ok: true },
      connections: 1,
      requests: 2,
    });
    // An invite's use is never sent twice: the reset is the answer.
    const pair = await counted(() => c.pair(target, {} as never));
    expect(pair).toMatchObject({ error: { code: "PEER_UNREACHABLE" }, connections: 0, requests: 1 });
  });

  it("a peer that closes every connection under every request is not asked again and again", async () => {
    let requests = 0;
    const target = await peer((res) => {
      requests++;
      res.socket?.destroy();
    });
    await expect(client().heads(target, {} as HeadStatement)).rejects.toMatchObject({
      code: "PEER_UNREACHABLE",
    });
    // A new connection's reset is not a kept-alive one's: no second try.
    expect(requests).toBe(1);
  });
});
