import { randomBytes } from "node:crypto";
import { existsSync, openSync, readFileSync, unlinkSync, writeFileSync, closeSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import pino, { type Logger } from "pino";
import { apiTransport, buildApiServer, runtimeFiles, type LockInfo } from "../api/mod.js";
import { PeerListeners } from "./peer-listeners.js";
import {
  buildPeerServer,
  DEFAULT_PEER_SERVER_LIMITS,
  PeerClient,
  peerServerShares,
  type PeerServerLimits,
} from "../peer/mod.js";
import { HotlineError } from "../record/mod.js";
import {
  AlarmLog,
  CertWatch,
  DeadlineWatch,
  NotifyWatch,
  HookRunner,
  LinkMonitor,
  Outbox,
  PresenceTests,
  RoutedTransport,
  Station,
  announceRoutes,
  ownRoutes,
  StationMetrics,
  parseHostPort,
  removeStraySnapshots,
  type Fence,
  type LinkMonitorOptions,
  type OutboxOptions,
} from "../station/mod.js";

/** A running station: its servers and outbox. */
export interface RunningStation {
  station: Station;
  /** the operator API's server */
  api: FastifyInstance;
  outbox: Outbox;
  monitor: LinkMonitor;
  /** how each peer is reached: its routes and which carries its traffic */
  routes: RoutedTransport;
  /** what `/metrics` shows */
  metrics: StationMetrics;
  peerUrl: string;
  /** the peer addresses it listens on (HOST:PORT), one per route unless `listen` said otherwise */
  peerListen: string[];
  apiUrl: string;
  /** the operator API is served over plain HTTP off loopback (the admin's `--api-insecure-http`) */
  apiInsecure: boolean;
  stop(): Promise<void>;
}

export interface StartOptions {
  dir?: string | undefined;
  logger?: Logger | undefined;
  outbox?: Omit<OutboxOptions, "transport" | "logger"> | undefined;
  links?: Omit<LinkMonitorOptions, "transport" | "logger" | "onBehind" | "onReached"> | undefined;
  /** the peer port's timeouts, connection and rate limits (defaults: DEFAULT_PEER_SERVER_LIMITS) */
  peer?: Partial<PeerServerLimits> | undefined;
  /** how long this station waits for a peer's answer (default 5 s; see PeerClient) */
  peerClient?: { timeoutMs?: number } | undefined;
  /** the peer addresses to listen on (HOST:PORT); default: every route's */
  listen?: readonly string[] | undefined;
  /** as the active of a pair: the lease epoch every write is fenced by (see role.ts) */
  fence?: Fence | undefined;
  /** runs once the station is open, before it serves or writes anything; a throw stops the start */
  beforeServe?: ((station: Station) => Promise<void>) | undefined;
  /** the data directory's lock is this process's already (a pair's process holds it throughout) */
  lockHeld?: boolean | undefined;
}

/**
 * Starts a station: takes the data directory's lock (one running station per directory), serves
 * the peer API (mutual TLS) and the operator API, and runs the outbox.
 *
 * @param options directory, logger, outbox timings
 * @returns the running station; `stop()` ends it cleanly
 */
export async function startStation(options: StartOptions = {}): Promise<RunningStation> {
  const logger = options.logger ?? pino({ level: "silent" });
  const station = await Station.open({ dir: options.dir, logger, fence: options.fence });
  const files = runtimeFiles(station.paths);
  let transport;
  try {
    await options.beforeServe?.(station);
    transport = apiTransport(station.config, station.paths);
  } catch (error) {
    await station.close();
    throw error;
  }
  try {
    if (options.lockHeld !== true) takeLock(files.lock, lockInfoOf(station.config.api, transport));
  } catch (error) {
    await station.close();
    throw error;
  }
  let token, metricsToken;
  try {
    token = ensureToken(files.token);
    metricsToken = ensureToken(files.metricsToken);
  } catch (error) {
    await station.close();
    if (options.lockHeld !== true) releaseLock(files.lock);
    throw error;
  }
  removeStraySnapshots(station.paths);
  const tls = {
    cert: readFileSync(station.paths.tlsCert, "utf8"),
    key: readFileSync(station.paths.tlsKey, "utf8"),
  };
  // What station.json says (peerTimeoutMs, syncIntervalMs) unless the caller says otherwise.
  const { peerTimeoutMs, syncIntervalMs } = station.config;
  const client = new PeerClient(tls, {
    ...(peerTimeoutMs === undefined ? {} : { timeoutMs: peerTimeoutMs }),
    ...options.peerClient,
  });
  // Every exchange with a peer goes by the best of its routes, failing over at once.
  const routes = new RoutedTransport(station, client, {
    logger: logger.child({ part: "routes" }),
    probeEvery: station.config.routeTestEvery,
  });
  const outbox = new Outbox(station, {
    transport: routes,
    logger: logger.child({ part: "outbox" }),
    syncIntervalMs,
    ...options.outbox,
  });
  const monitor = new LinkMonitor(station, {
    transport: routes,
    logger: logger.child({ part: "links" }),
    onBehind: (peerId, line) => outbox.syncNow(peerId, line),
    // A link test answered: the outbox stops backing off and delivers at once (DESIGN: retry in two layers).
    onReached: (peerId) => outbox.wake(peerId, true),
    timeoutMs: peerTimeoutMs,
    ...options.links,
  });
  const deadlines = new DeadlineWatch(station, { logger: logger.child({ part: "deadlines" }) });
  const notifyWatch = new NotifyWatch(station, { logger: logger.child({ part: "notify" }) });
  const presence = new PresenceTests(station, { logger: logger.child({ part: "presence" }) });
  const alarmLog = new AlarmLog(station, { logger: logger.child({ part: "alarms" }) });
  const hooks = new HookRunner(station, { logger: logger.child({ part: "hooks" }) });
  const metrics = new StationMetrics(station, { outbox, monitor });
  const peerLimits: Partial<PeerServerLimits> = {
    ...peerLimitsFor(peerTimeoutMs),
    ...options.peer,
  };
  // One peer server per address (a route each), counting a peer's connections and requests together.
  const shares = peerServerShares(peerLimits);
  const peers = new PeerListeners(() =>
    buildPeerServer(station, { tls, logger: serverLogger(logger, "peer"), limits: peerLimits, shares }),
  );
  const routeAddresses = async () => [...new Set((await ownRoutes(station)).map((r) => r.listen))];
  let announcing: Promise<unknown> = Promise.resolve();
  const onEntries = (entries: readonly { entry: { kind: string } }[]) => {
    if (!entries.some((e) => e.entry.kind === "line.genesis" || e.entry.kind.startsWith("member."))) return;
    announcing = announcing
      .then(() => announceRoutes(station))
      .catch((error: unknown) =>
        logger.warn({ event: "routes.announce-failed", err: error }, "could not announce the routes"),
      );
  };
  // A route added or removed while running: listen on it at once, or stop.
  const onRoutes = () => {
    routeAddresses()
      .then((addresses) => peers.set(addresses))
      .catch((error: unknown) =>
        logger.error(
          { event: "routes.listen-failed", err: error },
          "cannot listen on a route's address: peers cannot reach this station by it",
        ),
      );
  };
  const certs = new CertWatch(station);
  const api = await buildApiServer(station, {
    token,
    metricsToken,
    probes: { metrics, peerListening: () => peers.listening },
    outbox,
    monitor,
    routes,
    transport: routes,
    logger: serverLogger(logger, "api"),
    tls: transport.tls,
    names: station.config.apiNames,
  });
  // A certificate renewal completed: new handshakes, both ways, present the new certificate (the
  // operator API keeps the one it started with until the next start).
  const presentCertificate = (renewed: { cert: string; key: string }) => {
    // Every route's server, and the ones started later (they are built with `tls`).
    tls.cert = renewed.cert;
    tls.key = renewed.key;
    peers.present(renewed);
    client.useTls(renewed);
  };
  station.events.on("certificate", presentCertificate);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    deadlines.stop();
    notifyWatch.stop();
    presence.stop();
    metrics.stop();
    alarmLog.stop();
    certs.stop();
    station.events.off("certificate", presentCertificate);
    await Promise.all([outbox.stop(), monitor.stop(), hooks.stop(), certs.settled()]);
    await routes.stop(); // after the link tests: keeps that its routes are not tested from now on
    station.events.off("routes", onRoutes);
    station.events.off("entries", onEntries);
    await Promise.allSettled([peers.close(), api.close()]);
    client.close();
    await station.close();
    if (options.lockHeld !== true) releaseLock(files.lock);
  };
  try {
    const apiAddress = parseHostPort(station.config.api);
    await peers.set(options.listen ?? (await routeAddresses()));
    await api.listen({ host: apiAddress.host, port: apiAddress.port });
  } catch (cause) {
    await stop();
    throw new HotlineError("BAD_INPUT", `Cannot start the station: ${(cause as Error).message}`, { cause });
  }
  if (transport.insecure) {
    logger.warn(
      { event: "api.insecure", api: station.config.api },
      "THE OPERATOR API IS SERVED OVER PLAIN HTTP OFF LOOPBACK (--api-insecure-http): operators' passwords, the API token and session cookies cross the network in clear; anyone on the path can take over this station",
    );
  }
  // Routes changed while stopped (or a line joined before they were announced): tell the lines now;
  // and whenever this station opens or joins a line while it runs.
  await announceRoutes(station);
  station.events.on("entries", onEntries);
  if (options.listen === undefined) station.events.on("routes", onRoutes);
  // Hooks and the alarm log first: the alarms raised at start (deadlines that passed while stopped) reach them too.
  alarmLog.start();
  hooks.start();
  await outbox.start();
  await monitor.start();
  await deadlines.start();
  await notifyWatch.start();
  presence.start();
  metrics.start();
  await certs.start();
  logger.info(
    {
      event: "station.started",
      station: station.config.name,
      peer: peers.addresses,
      api: station.config.api,
    },
    "station started",
  );
  return {
    station,
    api,
    outbox,
    monitor,
    routes,
    metrics,
    peerUrl: station.config.url,
    get peerListen() {
      return peers.addresses;
    },
    apiUrl: transport.url,
    apiInsecure: transport.insecure,
    stop,
  };
}

/**
 * The logger of a Fastify server. Fastify's own lines ("Server listening at …") name no event:
 * they are `api.server` or `peer.server`, so that every line a station writes has one.
 */
function serverLogger(logger: Logger, part: "api" | "peer"): Logger {
  const named = (fields: object): object =>
    "event" in fields ? fields : { event: `${part}.server`, ...fields };
  return logger.child({ part }, { formatters: { log: named } });
}

/**
 * @param api the operator API's address
 * @param transport how it is served
 * @returns what the lock file says of it, for the CLI to reach it
 */
export function lockInfoOf(
  api: string,
  transport: { url: string; pin: string | null },
): Omit<LockInfo, "pid" | "startedAt"> {
  return { api, url: transport.url, ...(transport.pin === null ? {} : { pin: transport.pin }) };
}

/**
 * Takes the data directory's lock: one running process per directory.
 *
 * @param path the lock file
 * @param api how the CLI reaches this process's operator API
 * @throws HotlineError STATION_RUNNING when another live process holds it
 */
export function takeLock(path: string, api: Omit<LockInfo, "pid" | "startedAt">): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx", 0o600);
      const info: LockInfo = { pid: process.pid, ...api, startedAt: new Date().toISOString() };
      writeFileSync(fd, JSON.stringify(info));
      closeSync(fd);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      let pid = 0;
      try {
        pid = (JSON.parse(readFileSync(path, "utf8")) as LockInfo).pid;
        process.kill(pid, 0);
      } catch {
        unlinkSync(path); // stale: its process is gone
        continue;
      }
      throw new HotlineError(
        "STATION_RUNNING",
        `Cannot start the station: it is running already (pid ${pid})`,
      );
    }
  }
}

/** Removes the lock file when it is this process's. */
export function releaseLock(path: string): void {
  try {
    const info = JSON.parse(readFileSync(path, "utf8")) as LockInfo;
    if (info.pid === process.pid) unlinkSync(path);
  } catch {
    // already gone
  }
}

/** The shortest token a token file may hold: an emptied file must not let an empty bearer token in. */
const MIN_TOKEN_LENGTH = 16;

/**
 * @param path a token file
 * @returns the token it holds, made (0600) when there is none
 */
export function ensureToken(path: string): string {
  if (existsSync(path)) {
    const held = readFileSync(path, "utf8").trim();
    if (held.length < MIN_TOKEN_LENGTH) {
      throw new HotlineError(
        "BAD_INPUT",
        `Cannot start the station: ${path} holds no token of at least ${MIN_TOKEN_LENGTH} characters (delete it: the next start makes a new one)`,
      );
    }
    return held;
  }
  const token = randomBytes(32).toString("base64url");
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  return token;
}

/**
 * The peer port's limits that follow what a station waits for its peers' answers, when station.json
 * sets it (`peerTimeoutMs`; the stations of one deployment set it alike). What a peer still waits
 * for is not cut off sooner: the TLS handshake, the whole request and a connection on which nothing
 * moves each get at least as long (defaults 10 s, 30 s, 60 s) — cut off, the work done for it is
 * lost and the peer takes the reset for a peer not reached (the bench's line of 57, each station on
 * 2/57 of the machine, saw hundreds of handshakes time out at 10 s). The price: a connection not
 * yet authenticated holds its place that long too (places are bounded in all: the connection
 * limits). A push waiting for another chain is held a fifth of it (1 s at the default 5 s):
 * stations that wait longer for each other give what is named longer to arrive.
 *
 * @param peerTimeoutMs what this station waits for a peer's answer, if station.json says
 * @returns the limits that differ from the defaults
 */
export function peerLimitsFor(peerTimeoutMs: number | undefined): Partial<PeerServerLimits> {
  if (peerTimeoutMs === undefined) return {};
  const defaults = DEFAULT_PEER_SERVER_LIMITS;
  return {
    handshakeTimeoutMs: Math.max(defaults.handshakeTimeoutMs, peerTimeoutMs),
    requestTimeoutMs: Math.max(defaults.requestTimeoutMs, peerTimeoutMs),
    idleTimeoutMs: Math.max(defaults.idleTimeoutMs, peerTimeoutMs),
    pushQueue: { ...defaults.pushQueue, holdMs: Math.round(peerTimeoutMs / 5) },
  };
}
