import type { Server } from "node:https";
import type { FastifyInstance } from "fastify";
import { parseHostPort } from "../station/mod.js";

/** A peer server: Fastify over HTTPS. */
type PeerServer = FastifyInstance<Server>;

/**
 * The peer servers of a running station, one per address it listens on (a route each), kept in
 * step with its routes: a route added while it runs is listened on at once, one removed is closed.
 */
export class PeerListeners {
  readonly #build: () => PeerServer;
  readonly #servers = new Map<string, PeerServer>();
  /** changes one at a time, in the order asked */
  #queue: Promise<unknown> = Promise.resolve();

  /** @param build makes one peer server, not yet listening */
  constructor(build: () => PeerServer) {
    this.#build = build;
  }

  /** @returns whether it listens on at least one address, and on every one it was given */
  get listening(): boolean {
    return this.#servers.size > 0 && [...this.#servers.values()].every((s) => s.server.listening);
  }

  /** @returns the addresses listened on (HOST:PORT) */
  get addresses(): string[] {
    return [...this.#servers.keys()];
  }

  /**
   * Listens on exactly these addresses: starts the new ones, closes the ones no longer given.
   *
   * @param addresses HOST:PORT each
   * @throws the listen error of an address that cannot be listened on (the others stay as they are)
   */
  set(addresses: readonly string[]): Promise<void> {
    const next = this.#queue.then(async () => {
      const wanted = new Set(addresses);
      for (const [address, server] of this.#servers) {
        if (wanted.has(address)) continue;
        this.#servers.delete(address);
        await server.close();
      }
      for (const address of wanted) {
        if (this.#servers.has(address)) continue;
        const { host, port } = parseHostPort(address);
        const server = this.#build();
        try {
          await server.listen({ host, port });
        } catch (error) {
          await server.close();
          throw error;
        }
        this.#servers.set(address, server);
      }
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Presents another certificate on every server from now on (a renewal), without a restart.
   *
   * @param tls the certificate and key (PEM)
   */
  present(tls: { cert: string; key: string }): void {
    for (const server of this.#servers.values())
      server.server.setSecureContext({ ...tls, minVersion: "TLSv1.3" });
  }

  /** Closes every server. */
  async close(): Promise<void> {
    await this.set([]);
  }
}
