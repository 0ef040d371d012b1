import { randomBytes } from "node:crypto";
import { existsSync, openSync, readFileSync, unlinkSync, writeFileSync, closeSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import pino, { type Logger } from "pino";
import { apiTransport, buildApiServer, runtimeFiles, type LockInfo } from "../api/mod.js";
import { buildPeerServer, PeerClient, type PeerServerLimits } from "../peer/mod.js";
import { HotlineError } from "../record/mod.js";
import {
  CertWatch,
  DeadlineWatch,
  NotifyWatch,
  HookRunner,
  LinkMonitor,
  Outbox,
  PresenceTests,
  Station,
  parseHostPort,
  removeStraySnapshots,
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
  peerUrl: string;
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
  const station = await Station.open({ dir: options.dir, logger });
  const files = runtimeFiles(station.paths);
  let transport;
  try {
    transport = apiTransport(station.config, station.paths);
  } catch (error) {
    await station.close();
    throw error;
  }
  try {
    takeLock(files.lock, {
      api: station.config.api,
      url: transport.url,
      ...(transport.pin === null ? {} : { pin: transport.pin }),
    });
  } catch (error) {
    await station.close();
    throw error;
  }
  const token = ensureToken(files.token);
  removeStraySnapshots(station.paths);
  const tls = {
    cert: readFileSync(station.paths.tlsCert, "utf8"),
    key: readFileSync(station.paths.tlsKey, "utf8"),
  };
  const client = new PeerClient(tls);
  const outbox = new Outbox(station, {
    transport: client,
    logger: logger.child({ part: "outbox" }),
    ...options.outbox,
  });
  const monitor = new LinkMonitor(station, {
    transport: client,
    logger: logger.child({ part: "links" }),
    onBehind: (peerId, line) => outbox.syncNow(peerId, line),
    // A link test answered: the outbox stops backing off and delivers at once (DESIGN: retry in two layers).
    onReached: (peerId) => outbox.wake(peerId, true),
    ...options.links,
  });
  const deadlines = new DeadlineWatch(station);
  const notifyWatch = new NotifyWatch(station);
  const presence = new PresenceTests(station, { logger: logger.child({ part: "presence" }) });
  const hooks = new HookRunner(station, { logger: logger.child({ part: "hooks" }) });
  const certs = new CertWatch(station);
  const peer = buildPeerServer(station, {
    tls,
    logger: logger.child({ part: "peer" }),
    limits: options.peer,
  });
  const api = await buildApiServer(station, {
    token,
    outbox,
    monitor,
    transport: client,
    logger: logger.child({ part: "api" }),
    tls: transport.tls,
    names: station.config.apiNames,
  });
  // A certificate renewal completed: new handshakes, both ways, present the new certificate (the
  // operator API keeps the one it started with until the next start).
  const presentCertificate = (renewed: { cert: string; key: string }) => {
    peer.server.setSecureContext({ ...renewed, minVersion: "TLSv1.3" });
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
    certs.stop();
    station.events.off("certificate", presentCertificate);
    await Promise.all([outbox.stop(), monitor.stop(), hooks.stop(), certs.settled()]);
    await Promise.allSettled([peer.close(), api.close()]);
    client.close();
    await station.close();
    releaseLock(files.lock);
  };
  try {
    const listen = parseHostPort(station.config.listen);
    const apiAddress = parseHostPort(station.config.api);
    await peer.listen({ host: listen.host, port: listen.port });
    await api.listen({ host: apiAddress.host, port: apiAddress.port });
  } catch (cause) {
    await stop();
    throw new HotlineError("BAD_INPUT", `Cannot start the station: ${(cause as Error).message}`, { cause });
  }
  if (transport.insecure) {
    logger.warn(
      { api: station.config.api },
      "THE OPERATOR API IS SERVED OVER PLAIN HTTP OFF LOOPBACK (--api-insecure-http): operators' passwords, the API token and session cookies cross the network in clear; anyone on the path can take over this station",
    );
  }
  // Hooks first: the alarms raised at start (deadlines that passed while stopped) reach them too.
  hooks.start();
  await outbox.start();
  await monitor.start();
  await deadlines.start();
  await notifyWatch.start();
  presence.start();
  await certs.start();
  logger.info(
    { station: station.config.name, peer: station.config.listen, api: station.config.api },
    "station started",
  );
  return {
    station,
    api,
    outbox,
    monitor,
    peerUrl: station.config.url,
    apiUrl: transport.url,
    apiInsecure: transport.insecure,
    stop,
  };
}

function takeLock(path: string, api: Omit<LockInfo, "pid" | "startedAt">): void {
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

function releaseLock(path: string): void {
  try {
    const info = JSON.parse(readFileSync(path, "utf8")) as LockInfo;
    if (info.pid === process.pid) unlinkSync(path);
  } catch {
    // already gone
  }
}

function ensureToken(path: string): string {
  if (existsSync(path)) return readFileSync(path, "utf8").trim();
  const token = randomBytes(32).toString("base64url");
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  return token;
}
