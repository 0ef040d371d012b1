import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { z } from "zod";
import { HotlineError, LANG, NAME, URL_SCHEMA, describeZodError } from "../../record/mod.js";

/** Default peer endpoint (station to station, mutual TLS). */
export const DEFAULT_LISTEN = "127.0.0.1:7443";
/** Default operator API and console endpoint. */
export const DEFAULT_API = "127.0.0.1:7080";

const HOST_PORT = z.string().regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, "must be HOST:PORT");

/** A name the operator API answers to, as a browser's Host header gives it. */
const API_NAME = z
  .string()
  .max(260)
  .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/, "must be a host name, optionally with :PORT");

/** What `station.json` holds: the station's settings, not its secrets. */
export const STATION_CONFIG = z.strictObject({
  v: z.literal(1),
  name: NAME,
  listen: HOST_PORT,
  api: HOST_PORT,
  url: URL_SCHEMA,
  lang: LANG,
  createdAt: z.string(),
  /** names besides its address that the operator API is reached as (`--api-name`): HOST or HOST:PORT */
  apiNames: z.array(API_NAME).max(32).optional(),
  /** the operator API's own certificate and key files, PEM (`--api-cert`, `--api-key`); default the station's */
  apiCert: z.string().min(1).optional(),
  apiKey: z.string().min(1).optional(),
  /** serve the operator API over plain HTTP though it is not on loopback (`--api-insecure-http`) */
  apiInsecureHttp: z.boolean().optional(),
  /**
   * a peer's routes that do not carry its traffic are tested once every this many link tests
   * (default 3), so that more routes do not multiply the test traffic
   */
  routeTestEvery: z.number().int().min(1).max(100).optional(),
  /**
   * how long this station waits for a peer's answer, its link tests' included, ms (default 5000):
   * longer where peers answer slowly (far away, or many stations sharing a host's cores)
   */
  peerTimeoutMs: z.number().int().min(1_000).max(300_000).optional(),
  /** how often the outbox compares heads with each peer when nothing else brought them, ms (default 10000) */
  syncIntervalMs: z.number().int().min(1_000).max(3_600_000).optional(),
  /**
   * this directory is one of an active/standby pair sharing one store (`hotline standby-setup`
   * writes it on both): `hotline start` takes the store's lease before it writes, and serves only
   * the routes named in `serves` (by route name: "primary" is the address above)
   */
  pair: z
    .strictObject({
      serves: z.array(z.string().min(1).max(64)).min(1).max(16),
      /** how long the lease holds unless renewed, ms (default 5000; renewed every fifth of it) */
      leaseTtlMs: z.number().int().min(500).max(600_000).optional(),
    })
    .optional(),
});
export type StationConfig = z.infer<typeof STATION_CONFIG>;

/** The files of a station's data directory. */
export interface StationPaths {
  dir: string;
  config: string;
  identityKey: string;
  tlsKey: string;
  tlsCert: string;
  /** the SQLite file, when the record lives in the data directory (the default) */
  database: string;
  /** where the record lives when not in `database`: a store URL, one line, 0600 (it may hold a password) */
  storeUrl: string;
}

/**
 * Where the station lives: `--dir`, else `$HOTLINE_DIR`, else `./.hotline`.
 *
 * @param dir the `--dir` flag, if given
 * @returns the absolute data directory and its files
 */
export function stationPaths(dir?: string): StationPaths {
  const root = resolve(dir ?? process.env.HOTLINE_DIR ?? ".hotline");
  return {
    dir: root,
    config: join(root, "station.json"),
    identityKey: join(root, "identity.key"),
    tlsKey: join(root, "tls.key"),
    tlsCert: join(root, "tls.crt"),
    database: join(root, "hotline.db"),
    storeUrl: join(root, "store.url"),
  };
}

/**
 * @param paths the station's files
 * @returns its settings
 * @throws HotlineError NO_STATION when there is no station there
 */
export function readConfig(paths: StationPaths): StationConfig {
  if (!existsSync(paths.config)) {
    throw new HotlineError(
      "NO_STATION",
      `Cannot find a station in ${paths.dir}: run 'hotline init --name NAME' there, or pass --dir or set HOTLINE_DIR`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(paths.config, "utf8"));
  } catch (cause) {
    throw new HotlineError("BAD_INPUT", `Cannot read ${paths.config}: it is not JSON`, { cause });
  }
  const result = STATION_CONFIG.safeParse(value);
  if (!result.success) {
    throw new HotlineError("BAD_INPUT", `Cannot read ${paths.config}: ${describeZodError(result.error)}`);
  }
  return result.data;
}

/**
 * @param value "HOST:PORT" or "[v6]:PORT"
 * @returns host (without brackets) and port
 */
export function parseHostPort(value: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(value);
  const port = Number(match?.[3]);
  if (match === null || port > 65535) {
    throw new HotlineError(
      "BAD_INPUT",
      `Cannot use '${value}' as an address: write HOST:PORT, e.g. 127.0.0.1:7443`,
    );
  }
  return { host: match[1] ?? match[2] ?? "", port };
}

/**
 * For the demo, the benchmark and tests, which run several stations on one machine.
 *
 * @returns a TCP port on 127.0.0.1 that was free a moment ago
 */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => done(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}
