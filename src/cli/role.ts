import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import pino from "pino";
import { apiTransport, runtimeFiles } from "../api/mod.js";
import type { LeaseRow, Store } from "../store/mod.js";
import {
  LeaseLoop,
  describeHolder,
  describeStoreLocation,
  openStore,
  ownRoutes,
  readConfig,
  readIdentityFile,
  requireCurrentKey,
  stationPaths,
  storeLocationOf,
  type LeaseHolder,
  type Role,
} from "../station/mod.js";
import {
  ensureToken,
  lockInfoOf,
  releaseLock,
  startStation,
  takeLock,
  type RunningStation,
  type StartOptions,
} from "./runtime.js";
import { serveAsStandby, type StandbyServers } from "./standby-servers.js";

export interface PairStartOptions extends Omit<
  StartOptions,
  "fence" | "lockHeld" | "listen" | "beforeServe"
> {
  /** the lease's time to live, ms (default: station.json's pair.leaseTtlMs, else 5000) */
  leaseTtlMs?: number | undefined;
  /** a standby tries to take the lease every this many ms (default 1000) */
  tryEveryMs?: number | undefined;
}

/** One process of an active/standby pair, running. */
export interface RunningPair {
  /** "active" while it holds the lease */
  readonly role: Role | null;
  /** the station as it runs while this process is the active one, else null */
  readonly running: RunningStation | null;
  /** Stops: closes the station or the standby's servers and gives the lease back. */
  stop(): Promise<void>;
}

/**
 * `hotline start` for a data directory that is one of an active/standby pair (`pair` in
 * station.json, written by `hotline standby-setup`): the process starts as the standby, answering
 * STANDBY on its own routes and operator API, and takes the store's lease as soon as no other
 * process holds it. Holding it, it fences the store at the lease's epoch, THEN opens the station
 * and serves as `hotline start` does (on its own routes only). When it loses the lease (a renewal
 * refused, a write refused FENCED) it steps down at once: stops the outbox, link tests and every
 * other writer, closes the station, and is the standby again. Taking the lease over from another
 * process that did not give it back raises FAILOVER at the station.
 *
 * @param options directory, logger, timings
 * @returns the process, running as the standby or the active
 */
export async function startPair(options: PairStartOptions = {}): Promise<RunningPair> {
  const logger = options.logger ?? pino({ level: "silent" });
  const paths = stationPaths(options.dir);
  const config = readConfig(paths);
  const serves = config.pair?.serves ?? [];
  const identity = readIdentityFile(paths.identityKey);
  const transport = apiTransport(config, paths);
  const files = runtimeFiles(paths);
  // The lease has a store connection of its own: it outlives the station's, which closes on step-down.
  const leases: Store = await openStore(storeLocationOf(paths));
  let routes;
  try {
    routes = (await ownRoutes({ config, store: leases })).filter((r) => serves.includes(r.name));
    if (routes.length === 0) {
      throw new Error(
        `Cannot start one of the pair: this directory serves ${serves.join(", ")}, which the station has no route of`,
      );
    }
    takeLock(files.lock, lockInfoOf(config.api, transport));
    ensureToken(files.token);
    ensureToken(files.metricsToken);
  } catch (error) {
    await leases.close();
    throw error;
  }
  const listen = [...new Set(routes.map((r) => r.listen))];
  const me: LeaseHolder = {
    station: config.name,
    routes: routes.map((r) => r.name),
    host: hostname(),
    pid: process.pid,
    url: routes[0]?.url ?? config.url,
    api: config.api,
  };
  const log = logger.child({ part: "role" });
  let running: RunningStation | null = null;
  let standby: StandbyServers | null = null;

  const closeStandby = async () => {
    const servers = standby;
    standby = null;
    await servers?.close();
  };
  const closeActive = async () => {
    const station = running;
    running = null;
    await station?.stop();
  };
  const loop: LeaseLoop = new LeaseLoop(
    {
      async active(lease, previous) {
        await closeStandby();
        running = await startStation({
          ...options,
          logger,
          listen,
          lockHeld: true,
          // Not with a key the other host rotated or revoked since: its entries would be refused.
          beforeServe: requireCurrentKey,
          fence: { epoch: lease.epoch, onFenced: () => loop.fenced() },
        });
        log.info(
          { event: "role.active", epoch: lease.epoch, since: lease.acquiredAt },
          `active: holds the lease (epoch ${lease.epoch})`,
        );
        if (tookOver(lease, previous)) await raiseFailover(running, lease, previous);
      },
      async standby(reason) {
        await closeActive();
        if (standby === null) {
          standby = await serveAsStandby({
            station: {
              id: identity.id,
              name: config.name,
              url: me.url,
              store: describeStoreLocation(storeLocationOf(paths)),
            },
            tls: { cert: readFileSync(paths.tlsCert, "utf8"), key: readFileSync(paths.tlsKey, "utf8") },
            apiTls: transport.tls,
            listen,
            api: config.api,
            lease: () => leases.lease(),
            logger: log,
          });
        }
        const lease = await leases.lease();
        log.info(
          {
            event: "role.standby",
            reason,
            active: lease === null ? null : describeHolder(lease.holder),
          },
          `standby (${reason})`,
        );
      },
      async stop() {
        await Promise.all([closeActive(), closeStandby()]);
      },
    },
    {
      store: leases,
      holder: JSON.stringify(me),
      ttlMs: options.leaseTtlMs ?? config.pair?.leaseTtlMs,
      tryEveryMs: options.tryEveryMs,
      logger: log,
    },
  );
  try {
    await loop.start();
  } catch (error) {
    await loop.stop().catch(() => undefined);
    await leases.close();
    releaseLock(files.lock);
    throw error;
  }
  let stopped: Promise<void> | null = null;
  return {
    get role() {
      return loop.role;
    },
    get running() {
      return running;
    },
    stop() {
      stopped ??= (async () => {
        await loop.stop();
        await leases.close();
        releaseLock(files.lock);
      })();
      return stopped;
    },
  };
}

/**
 * @returns whether the lease was taken over from another process that did not give it back (it
 *   lapsed: the process died, hung or lost the store), rather than first taken or handed over
 */
function tookOver(lease: LeaseRow, previous: LeaseRow | null): boolean {
  return (
    previous !== null &&
    lease.epoch > 1 &&
    previous.holder !== lease.holder &&
    Date.parse(previous.expiresAt) > 0
  );
}

async function raiseFailover(
  running: RunningStation,
  lease: LeaseRow,
  previous: LeaseRow | null,
): Promise<void> {
  if (previous === null) return;
  await running.station.raiseAlarm({
    code: "FAILOVER",
    severity: "warning",
    line: null,
    peer: null,
    entry: null,
    detail: `${describeHolder(lease.holder)} took over as the active process: ${describeHolder(previous.holder)} held the lease since ${previous.acquiredAt} and let it lapse at ${previous.expiresAt} (epoch ${previous.epoch} -> ${lease.epoch})`,
    cause: String(lease.epoch),
  });
}
