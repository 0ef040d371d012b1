import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { connect, type TLSSocket } from "node:tls";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { inProcessPair } from "../../test/helpers/in-process-pair.js";
import { MAX_PARTICIPANTS } from "../record/mod.js";
import type { Station } from "../station/mod.js";
import type { TlsCredentials } from "../station/core/tls.js";
import { connectionsInAll } from "./connection-guard.js";
import { MAX_SOCKETS_PER_PEER } from "./pinned-agent.js";
import { buildPeerServer, DEFAULT_PEER_SERVER_LIMITS } from "./server.js";

/**
 * A line of 64: each of the 63 others keeps up to MAX_SOCKETS_PER_PEER connections to a station's
 * peer port, so the port makes that much room for each certificate pinned there, on top of what
 * it takes from anyone.
 */
describe("the peer port of a station on a line of 64", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it("with the default limits, the 63 others holding every connection their clients keep leave the port's 256 for the rest", () => {
    const limits = DEFAULT_PEER_SERVER_LIMITS.connections;
    const others = MAX_PARTICIPANTS - 1;
    // Every member's certificate is pinned, this station's own included.
    const inAll = connectionsInAll(limits, MAX_PARTICIPANTS);
    expect(inAll - others * MAX_SOCKETS_PER_PEER).toBeGreaterThanOrEqual(256);
    expect(limits.perCertificate).toBeGreaterThanOrEqual(MAX_SOCKETS_PER_PEER);
  });

  it("the port takes its total and as many more per pinned certificate: the next connection is closed before its handshake", async () => {
    const pair = await inProcessPair();
    cleanups.push(async () => await pair.close());
    const app = buildPeerServer(pair.washington, {
      tls: tlsOf(pair.washington),
      logger: pino({ level: "silent" }),
      limits: { connections: { perCertificate: 100, total: 4, perPinned: 3 } },
    });
    await app.listen({ host: "127.0.0.1", port: 0 });
    cleanups.push(() => app.close());
    const port = (app.server.address() as AddressInfo).port;
    expect(pair.washington.pinnedCount).toBe(2); // Washington's and Moscow's certificates
    const room = 4 + 3 * 2;
    const held: TLSSocket[] = [];
    cleanups.push(() => {
      for (const s of held) s.destroy();
    });
    for (let i = 0; i < room; i++) {
      const socket = await attempt(port, tlsOf(pair.moscow));
      expect(socket, `connection ${i + 1} of ${room}`).not.toBeNull();
      if (socket !== null) held.push(socket);
    }
    expect(await attempt(port, tlsOf(pair.moscow)), `connection ${room + 1}`).toBeNull();
    expect(held.every((s) => !s.destroyed)).toBe(true);
    // One let go: room for one again.
    held.pop()?.destroy();
    await waitFor(async () => (await connections(app.server)) < room);
    const again = await attempt(port, tlsOf(pair.moscow));
    expect(again).not.toBeNull();
    if (again !== null) held.push(again);
  });
});

function tlsOf(station: Station): TlsCredentials {
  return {
    cert: readFileSync(station.paths.tlsCert, "utf8"),
    key: readFileSync(station.paths.tlsKey, "utf8"),
  };
}

/** @returns a TLS 1.3 connection to the port with that client certificate, or null if it was closed first */
function attempt(port: number, tls: TlsCredentials): Promise<TLSSocket | null> {
  return new Promise((resolve) => {
    const socket = connect({
      host: "127.0.0.1",
      port,
      minVersion: "TLSv1.3",
      rejectUnauthorized: false,
      cert: tls.cert,
      key: tls.key,
    });
    socket.once("secureConnect", () => {
      socket.removeAllListeners("error");
      socket.on("error", () => undefined);
      resolve(socket);
    });
    socket.once("error", () => resolve(null));
    socket.once("close", () => resolve(null));
  });
}

function connections(server: { getConnections(cb: (error: Error | null, count: number) => void): void }) {
  return new Promise<number>((resolve, reject) =>
    server.getConnections((error, count) => (error === null ? resolve(count) : reject(error))),
  );
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error("the condition did not come true in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
