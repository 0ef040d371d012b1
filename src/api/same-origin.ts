import type { AddressInfo } from "node:net";
import { networkInterfaces } from "node:os";
import { HotlineError } from "../record/mod.js";

/** Addresses that mean "every interface": the API is then reached at any of the host's own. */
const WILDCARDS = new Set(["0.0.0.0", "::", ""]);

/**
 * What the operator API is reached as: the Host headers it answers and the origin a browser
 * gives its own pages. A request naming another host was sent to a name that merely resolves
 * here (DNS rebinding: a foreign page made its name point at this station) and is refused; a
 * browser request from a foreign origin is refused whatever it carries.
 */
export class SameOrigin {
  readonly #scheme: "http:" | "https:";
  readonly #names: readonly string[];
  readonly #address: () => AddressInfo | string | null;
  #hosts: Set<string> | null = null;

  /**
   * @param options the scheme served; the names the admin configured (`--api-name`, HOST or
   *   HOST:PORT); the bound address (read on first use, as a port 0 is only known once bound)
   */
  constructor(options: {
    scheme: "http:" | "https:";
    names: readonly string[];
    address: () => AddressInfo | string | null;
  }) {
    this.#scheme = options.scheme;
    this.#names = options.names;
    this.#address = options.address;
  }

  /**
   * @returns every host[:port] a Host header may name, lower case, as `URL.host` writes it
   *   (brackets around IPv6, no port when it is the scheme's default)
   */
  hosts(): ReadonlySet<string> {
    if (this.#hosts !== null) return this.#hosts;
    const address = this.#address();
    if (address === null || typeof address === "string") return new Set(); // not listening yet
    const port = address.port;
    const addresses = WILDCARDS.has(address.address)
      ? ["127.0.0.1", "::1", "localhost", ...interfaceAddresses()]
      : isLoopback(address.address)
        ? [address.address, "127.0.0.1", "::1", "localhost"]
        : [address.address];
    const hosts = new Set<string>();
    const add = (host: string, withPort: number | null) => {
      const bracketed = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
      try {
        hosts.add(new URL(`${this.#scheme}//${bracketed}${withPort === null ? "" : `:${withPort}`}`).host);
      } catch {
        // not a host name: nothing can name it
      }
    };
    for (const host of addresses) add(host, port);
    for (const name of this.#names) {
      const withPort = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(name);
      if (withPort !== null) {
        add(withPort[1] ?? "", Number(withPort[2]));
      } else {
        add(name, port);
        add(name, null); // behind a proxy on the scheme's default port
      }
    }
    this.#hosts = hosts;
    return hosts;
  }

  /**
   * @param host the request's Host header
   * @throws HotlineError BAD_HOST when it names no address or name of this API
   */
  requireHost(host: string | undefined): void {
    if (host !== undefined && this.hosts().has(normalHost(this.#scheme, host))) return;
    throw new HotlineError(
      "BAD_HOST",
      `Cannot serve the request: it is addressed to '${String(host ?? "")}', not to this station's operator API (add the name with --api-name if it is one)`,
    );
  }

  /**
   * @param origin an Origin header, or the origin of a Referer
   * @returns whether it is this API's own origin
   */
  isOwn(origin: string): boolean {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false; // "null" (a sandboxed frame, a file) or garbage
    }
    return url.protocol === this.#scheme && this.hosts().has(url.host);
  }
}

/**
 * @param address an IP address or name
 * @returns whether it is this host's loopback
 */
export function isLoopback(address: string): boolean {
  return address === "localhost" || address === "::1" || /^127\.\d+\.\d+\.\d+$/.test(address);
}

function normalHost(scheme: string, host: string): string {
  try {
    const url = new URL(`${scheme}//${host}`);
    // a Host with a path, user or query is not a host
    return url.pathname === "/" && url.username === "" && url.search === "" ? url.host : "";
  } catch {
    return "";
  }
}

function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .map((i) => i.address.replace(/%.*$/, ""));
}
