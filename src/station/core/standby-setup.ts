import { randomBytes } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { HotlineError } from "../../record/mod.js";
import { parseHostPort, readConfig, stationPaths, type StationConfig } from "./config.js";
import { recordAudit } from "./audit.js";
import { isoNow } from "./clock.js";
import { PERMISSIONS, requireRole } from "./operators.js";
import { addRoute, ownRoutes, type OwnRoute } from "./routes.js";
import { SECOND_FACTOR_KEY_FILE } from "./second-factor-key.js";
import { Station } from "./station.js";
import { describeStoreLocation, saveStoreUrl, storeLocationOf } from "./store-location.js";

export interface StandbySetupOptions {
  /** the station's data directory (the first host's); the station must be stopped */
  from: string;
  /** the second host's data directory, made here: it must not exist or be empty */
  dir: string;
  /** where the second host listens for peers, HOST:PORT */
  listen: string;
  /** the second host's operator API, HOST:PORT */
  api: string;
  /** the URL peers reach the second host at (default https:// + listen) */
  url?: string | undefined;
  /** the name of the second host's route (default "second-host": a role would be wrong after a failover) */
  route?: string | undefined;
  /** who sets it up (an operator allowed to manage routes), for the route's record and the audit log */
  operator: string;
}

export interface StandbySetup {
  /** the second host's data directory */
  dir: string;
  /** the route peers reach the second host by */
  route: OwnRoute;
  /** the routes the first host serves */
  fromServes: string[];
  /** where the shared record lives, masked */
  store: string;
}

/** The files copied from the first host: secrets 0600, the certificate 0644. */
const COPIED: readonly [file: string, mode: number][] = [
  ["identity.key", 0o600],
  ["tls.key", 0o600],
  ["tls.crt", 0o644],
  [SECOND_FACTOR_KEY_FILE, 0o600],
  ["tls.next.key", 0o600],
  ["tls.next.crt", 0o644],
];

/**
 * Prepares a second host's data directory for a station (the standby of an active/standby pair):
 * the same identity and TLS keys and certificate, the same store, its own listen and API
 * addresses; adds its address as another route of the station (announced on every line); and marks
 * both directories as a pair, each serving only its own routes. It opens the stopped station to
 * add the route, so that the route is signed with the station's key and written to the record
 * before either process takes the lease.
 *
 * @param options the two directories and the second host's addresses
 * @returns the second host's route and what each serves
 * @throws HotlineError NO_STATION when `from` is not a station; BAD_INPUT for a `dir` that is not
 *   empty, an address that is malformed or one the station uses already; ROUTE_EXISTS for a taken
 *   route name or URL
 */
export async function setUpStandby(options: StandbySetupOptions): Promise<StandbySetup> {
  const from = stationPaths(options.from);
  const to = stationPaths(options.dir);
  const config = readConfig(from);
  if (from.dir === to.dir) {
    throw new HotlineError("BAD_INPUT", "Cannot set up the standby: --dir is the station's own directory");
  }
  if (existsSync(to.dir) && readdirSync(to.dir).length > 0) {
    throw new HotlineError("BAD_INPUT", `Cannot set up the standby in ${to.dir}: it is not empty`);
  }
  parseHostPort(options.listen);
  parseHostPort(options.api);
  const url = options.url ?? `https://${options.listen}`;
  const name = options.route ?? "second-host";
  const location = storeLocationOf(from);
  const storeUrl = location.engine === "sqlite" ? `sqlite:${location.path}` : location.url;

  const station = await Station.open({ dir: from.dir });
  let route: OwnRoute;
  let fromServes: string[];
  try {
    await requireRole(station, options.operator, PERMISSIONS.manageRoutes);
    const routes = await ownRoutes(station);
    const clash = routes.find((r) => r.listen === options.listen);
    if (clash !== undefined || options.api === config.api || options.listen === config.api) {
      throw new HotlineError(
        "BAD_INPUT",
        `Cannot set up the standby: ${clash === undefined ? `${options.api} is the station's operator API` : `${options.listen} is where route '${clash.name}' listens`} already; give the second host its own addresses`,
      );
    }
    if (options.api === options.listen) {
      throw new HotlineError(
        "BAD_INPUT",
        "Cannot set up the standby: --listen and --api are the same address",
      );
    }
    fromServes = config.pair?.serves ?? routes.map((r) => r.name);
    const added = await addRoute(station, { name, url, listen: options.listen, operator: options.operator });
    const found = added.find((r) => r.name === name);
    if (found === undefined)
      throw new HotlineError("INTERNAL", `Cannot set up the standby: route '${name}' was not added`);
    route = found;
    await recordAudit(station, {
      at: isoNow(station.clock),
      operator: options.operator,
      action: "standby-setup",
      object: JSON.stringify({ dir: to.dir, route: name }),
      outcome: "allowed",
      code: null,
      origin: "local",
      via: "cli",
      secondFactor: null,
    });
  } finally {
    await station.close();
  }

  // Made now if no operator enrolled yet: both hosts must seal and open TOTP secrets with one key.
  const sealing = join(from.dir, SECOND_FACTOR_KEY_FILE);
  if (!existsSync(sealing)) {
    writeFileSync(sealing, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  }
  mkdirSync(to.dir, { recursive: true, mode: 0o700 });
  chmodSync(to.dir, 0o700);
  for (const [file, mode] of COPIED) {
    if (!existsSync(join(from.dir, file))) continue;
    copyFileSync(join(from.dir, file), join(to.dir, file));
    chmodSync(join(to.dir, file), mode);
  }
  saveStoreUrl(to, storeUrl);
  const pair = (serves: string[]): NonNullable<StationConfig["pair"]> => ({
    ...config.pair,
    serves,
  });
  // The second host keeps the station's address (its primary route) and adds only its own API.
  const second: StationConfig = { ...config, api: options.api, pair: pair([name]) };
  delete second.apiNames;
  // Written last: a directory without it is not yet a station.
  writeFileSync(to.config, `${JSON.stringify(second, null, 2)}\n`, { mode: 0o644, flag: "wx" });
  writeConfig(from.config, { ...config, pair: pair(fromServes) });
  return { dir: to.dir, route, fromServes, store: describeStoreLocation(location) };
}

/** Replaces station.json whole (a crash leaves the old or the new one, never half). */
function writeConfig(path: string, config: StationConfig): void {
  const next = `${path}.next`;
  writeFileSync(next, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o644 });
  renameSync(next, path);
}
