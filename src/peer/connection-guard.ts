import type { Server } from "node:https";
import type { TLSSocket } from "node:tls";
import { fingerprintOfDer } from "../station/mod.js";

/** How many connections the peer port holds open. */
export interface ConnectionLimits {
  /** simultaneous connections from one client certificate */
  perCertificate: number;
  /** simultaneous connections in all, handshakes included */
  total: number;
}

/**
 * Guards the peer port at the connection level, before HTTP: a connection whose client sent no
 * certificate is closed right after the handshake (every station presents one, pairing included:
 * nothing else has business here), and one client certificate holds at most so many connections
 * at a time, so one peer cannot take the port from the others.
 *
 * @param server the HTTPS server of the peer API (before it listens)
 * @param limits per certificate and in all
 */
/** The fingerprint of each connection's client certificate, read once per connection (reading it builds an object). */
const fingerprints = new WeakMap<TLSSocket, string | null>();

/**
 * @param socket a connection to the peer port
 * @returns the fingerprint of the client certificate it came with, or null; read once per connection
 */
export function clientCertOf(socket: TLSSocket): string | null {
  let cert = fingerprints.get(socket);
  if (cert === undefined) {
    const raw = socket.getPeerCertificate?.().raw as Buffer | undefined;
    cert = raw === undefined ? null : fingerprintOfDer(raw);
    fingerprints.set(socket, cert);
  }
  return cert;
}

/**
 * @param server the HTTPS server of the peer API (before it listens)
 * @param limits per certificate and in all (the total is per server)
 * @param open connections per certificate; share one map between the servers of a station's
 *   routes, so a peer holds its share of the station, not of each address
 */
export function guardConnections(
  server: Server,
  limits: ConnectionLimits,
  open: Map<string, number> = new Map(),
): void {
  server.maxConnections = limits.total;
  // First in line, so that HTTP never reads a byte from a connection refused here.
  server.prependListener("secureConnection", (socket: TLSSocket) => {
    const cert = clientCertOf(socket);
    if (cert === null) {
      socket.destroy();
      return;
    }
    const count = (open.get(cert) ?? 0) + 1;
    if (count > limits.perCertificate) {
      socket.destroy();
      return;
    }
    open.set(cert, count);
    socket.once("close", () => {
      const left = (open.get(cert) ?? 1) - 1;
      if (left <= 0) open.delete(cert);
      else open.set(cert, left);
    });
  });
}
