import { readFileSync } from "node:fs";
import { HotlineError } from "../record/mod.js";
import { certFingerprint, parseHostPort, type StationConfig, type StationPaths } from "../station/mod.js";
import { isLoopback } from "./same-origin.js";
import type { TlsCredentials } from "./server.js";

/** How the operator API is served, as its configuration asks. */
export interface ApiTransport {
  /** HTTPS with this certificate and key, or plain HTTP (null) */
  tls: TlsCredentials | null;
  /** the certificate's fingerprint, which the CLI pins ("sha256:…"), or null over HTTP */
  pin: string | null;
  /** plain HTTP off loopback, because the admin asked for it: said loudly at start */
  insecure: boolean;
  /** the URL a client on this host reaches it at (a wildcard bind is reached on loopback) */
  url: string;
}

/**
 * On loopback the operator API speaks plain HTTP (nothing crosses a network; a certificate given
 * with `--api-cert` is used all the same). Anywhere else passwords, tokens and cookies would cross
 * the network, so it serves HTTPS — with the station's own certificate, or the admin's — unless
 * the admin asked for plain HTTP with `--api-insecure-http`.
 *
 * @param config the station's settings
 * @param paths the station's files (its certificate and key)
 * @returns how to serve the API
 * @throws HotlineError BAD_INPUT when a certificate or key file cannot be read
 */
export function apiTransport(config: StationConfig, paths: StationPaths): ApiTransport {
  const { host, port } = parseHostPort(config.api);
  const local = isLoopback(host);
  const reachAt = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  const authority = `${reachAt.includes(":") ? `[${reachAt}]` : reachAt}:${port}`;
  const own = config.apiCert !== undefined && config.apiKey !== undefined;
  if ((local && !own) || (!local && config.apiInsecureHttp === true)) {
    return { tls: null, pin: null, insecure: !local, url: `http://${authority}` };
  }
  const tls = {
    cert: readPem(config.apiCert ?? paths.tlsCert, "certificate"),
    key: readPem(config.apiKey ?? paths.tlsKey, "private key"),
  };
  return { tls, pin: certFingerprint(tls.cert), insecure: false, url: `https://${authority}` };
}

function readPem(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (cause) {
    throw new HotlineError(
      "BAD_INPUT",
      `Cannot serve the operator API over HTTPS: cannot read its ${what} ${path}`,
      { cause },
    );
  }
}
