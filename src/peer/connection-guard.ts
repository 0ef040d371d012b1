import type { Server } from "node:https";
import type { TLSSocket } from "node:tls";
import { fingerprintOfDer } from "../station/mod.js";

/** How many connections the peer port holds open. */
export interface ConnectionLimits {
  /** simultaneous connections from one client certificate */
  perCertificate: number;
  /**
   * simultaneous connections in all, handshakes included, beyond those of `perPinned` (anyone's:
   * strangers' handshakes, pairing, peers using more than their share of the pinned room)
   */
  total: number;
  /**
   * more room in all for each certificate pinned here (default none): what each peer's client keeps
   * open, so the port's size follows the number of peers — a line of 64 has 63 of them
   */
  perPinned?: number | undefined;
}

/**
 * @param limits the connection limits
 * @param pinned how many certificates are pinned here
 * @returns simultaneous connections the port takes in all
 */
export function connectionsInAll(limits: ConnectionLimits, pinned: number): number {
  return limits.total + (limits.perPinned ?? 0) * pinned;
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
 * @param pinned how many certificates are pinned here now (the total grows with them: see
 *   {@link connectionsInAll})
 */
export function guardConnections(
  server: Server,
  limits: ConnectionLimits,
  open: Map<string, number> = new Map(),
  pinned: () => number = () => 0,
): void {
  // Read by Node at each accept, before a byte is read: a peer that joins a line makes its room at
  // once, with no listener to keep in step with the record.
  Object.defineProperty(server, "maxConnections", {
    configurable: true,
    enumerable: true,
    get: () => connectionsInAll(limits, pinned()),
  });
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
