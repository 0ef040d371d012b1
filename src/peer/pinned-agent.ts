import { Agent, type AgentOptions } from "node:https";
import type { Duplex } from "node:stream";
import { connect, createSecureContext, type SecureContext, type TLSSocket } from "node:tls";
import { HotlineError } from "../record/mod.js";
import { fingerprintOfDer } from "../station/mod.js";

/**
 * Connections a station's client keeps to one peer at most (per address). The peer's server makes
 * room for this many per certificate pinned there (the peer server's default limits), so on a
 * line of 64 the 63 others together cannot fill its port.
 */
export const MAX_SOCKETS_PER_PEER = 4;

/**
 * An HTTPS agent that keeps connections to one peer alive and pins the peer's certificate by its
 * fingerprint: the TLS handshake completes, the fingerprint is compared, and only then is the
 * socket handed to a request — so not one byte goes to a station that is not the pinned one.
 * Certificates are self-signed, so no CA chain is checked: the pin is the trust.
 */
export class PinnedAgent extends Agent {
  readonly #pins: readonly string[];
  /**
   * This station's certificate and key, parsed once: a context built per connection costs more CPU
   * than the handshake it serves (measured on a line of 32 in one process, where reconnecting after
   * timeouts spent 40 % of the process in building contexts).
   */
  readonly #context: SecureContext;

  /**
   * @param pin the peer certificate's fingerprint, "sha256:…"; or the fingerprints it may present
   *   (its renewed one, and the one before it during the grace period)
   * @param tls this station's certificate and key, presented as the client certificate
   * @param options agent options (keep-alive is on by default; an idle connection is dropped after
   *   20 s, before the peer's server drops it after 30 s, so no request is sent on a closing socket)
   */
  constructor(
    pin: string | readonly string[],
    tls: { cert: string; key: string },
    options: AgentOptions = {},
  ) {
    super({ keepAlive: true, maxSockets: MAX_SOCKETS_PER_PEER, timeout: 20_000, ...options });
    this.#pins = typeof pin === "string" ? [pin] : pin;
    this.#context = createSecureContext({ cert: tls.cert, key: tls.key, minVersion: "TLSv1.3" });
  }

  override createConnection(
    options: { host?: string | null; port?: number | string | null; servername?: string },
    callback: (error: Error | null, socket?: Duplex) => void,
  ): undefined {
    const socket: TLSSocket = connect({
      host: options.host ?? "localhost",
      port: Number(options.port ?? 443),
      secureContext: this.#context,
      minVersion: "TLSv1.3",
      rejectUnauthorized: false,
      ...(options.servername === undefined || /^[\d.:]+$/.test(options.servername)
        ? {}
        : { servername: options.servername }),
    });
    socket.setNoDelay(true); // as Node's own agents do: a request is never held back waiting for an ACK
    const fail = (error: Error) => {
      socket.removeListener("secureConnect", secured);
      callback(error);
    };
    const secured = () => {
      socket.removeListener("error", fail);
      const cert = socket.getPeerCertificate();
      const seen = cert.raw === undefined ? null : fingerprintOfDer(cert.raw);
      if (seen === null || !this.#pins.includes(seen)) {
        socket.destroy();
        callback(
          new HotlineError(
            "UNKNOWN_PEER",
            `Cannot talk to ${String(options.host)}:${String(options.port)}: its certificate ${seen ?? "(none)"} is not the pinned ${this.#pins.join(" or ")}`,
          ),
        );
        return;
      }
      callback(null, socket);
    };
    socket.once("secureConnect", secured);
    socket.once("error", fail);
    return undefined;
  }
}
