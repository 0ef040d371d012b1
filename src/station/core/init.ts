import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import {
  HotlineError,
  exportPrivateKey,
  fingerprintOf,
  generateIdentity,
  type Identity,
} from "../../record/mod.js";
import { DEFAULT_API, DEFAULT_LISTEN, STATION_CONFIG, parseHostPort, stationPaths } from "./config.js";
import type { StationConfig } from "./config.js";
import { generatePassword, hashPassword } from "./password.js";
import type { Store } from "../../store/mod.js";
import {
  describeStoreLocation,
  openStore,
  parseStoreUrl,
  saveStoreUrl,
  storeLocationOf,
  type StoreLocation,
} from "./store-location.js";
import { certFingerprint, makeSelfSignedCertificate } from "./tls.js";
import { describeZodError } from "../../record/mod.js";

export interface InitOptions {
  /** data directory; see {@link stationPaths} */
  dir?: string | undefined;
  name: string;
  /** peer endpoint HOST:PORT; default 127.0.0.1:7443 */
  listen?: string | undefined;
  /** operator API HOST:PORT; default 127.0.0.1:7080 */
  api?: string | undefined;
  /** the URL peers use; default https:// and the listen address */
  url?: string | undefined;
  /** the station's working language; default "en" */
  lang?: string | undefined;
  /**
   * where to keep the record (see `parseStoreUrl`): a PostgreSQL URL, saved as `store.url` in the
   * data directory; default the SQLite file hotline.db there
   */
  store?: string | undefined;
  /** names besides its address that the operator API is reached as (HOST or HOST:PORT) */
  apiNames?: readonly string[] | undefined;
  /** the operator API's certificate and key files (PEM) instead of the station's own */
  apiCert?: string | undefined;
  apiKey?: string | undefined;
  /** serve the operator API over plain HTTP though it is not on loopback */
  apiInsecureHttp?: boolean | undefined;
}

export interface InitResult {
  id: string;
  name: string;
  fingerprint: string;
  cert: string;
  url: string;
  dir: string;
  /** where the record lives (a URL's password masked) */
  store: string;
  admin: { user: string; password: string };
}

/**
 * Creates a station: its directory (0700), Ed25519 identity key (0600), self-signed TLS
 * certificate and key (0600), settings, database, and a first `admin` operator whose generated
 * password is returned once and stored only as a hash.
 *
 * @param options name, addresses, directory
 * @returns who the station is, and the admin's password
 */
export async function initStation(options: InitOptions): Promise<InitResult> {
  const paths = stationPaths(options.dir);
  if (existsSync(paths.config)) {
    throw new HotlineError("STATION_EXISTS", `Cannot create a station in ${paths.dir}: there is one already`);
  }
  if (existsSync(paths.dir) && readdirSync(paths.dir).length > 0) {
    throw new HotlineError(
      "STATION_EXISTS",
      `Cannot create a station in ${paths.dir}: the directory is not empty; choose another --dir`,
    );
  }
  const listen = options.listen ?? DEFAULT_LISTEN;
  const api = options.api ?? DEFAULT_API;
  const { host, port } = parseHostPort(listen);
  parseHostPort(api);
  if ((options.apiCert === undefined) !== (options.apiKey === undefined)) {
    throw new HotlineError("BAD_INPUT", "Cannot create the station: give --api-cert and --api-key together");
  }
  const publicHost = host === "0.0.0.0" || host === "::" ? hostname() : host;
  const url = options.url ?? `https://${publicHost.includes(":") ? `[${publicHost}]` : publicHost}:${port}`;
  const parsed = STATION_CONFIG.safeParse({
    v: 1,
    name: options.name,
    listen,
    api,
    url,
    lang: options.lang ?? "en",
    createdAt: new Date().toISOString(),
    ...(options.apiNames === undefined || options.apiNames.length === 0
      ? {}
      : { apiNames: [...options.apiNames] }),
    ...(options.apiCert === undefined ? {} : { apiCert: resolve(options.apiCert) }),
    ...(options.apiKey === undefined ? {} : { apiKey: resolve(options.apiKey) }),
    ...(options.apiInsecureHttp === true ? { apiInsecureHttp: true } : {}),
  });
  if (!parsed.success) {
    throw new HotlineError("BAD_INPUT", `Cannot create the station: ${describeZodError(parsed.error)}`);
  }
  const config: StationConfig = parsed.data;

  const location = options.store === undefined ? storeLocationOf(paths) : parseStoreUrl(options.store);
  const password = generatePassword();
  let identity: Identity;
  let tls: { cert: string; key: string };
  // A database elsewhere is opened first: one that cannot be reached, or that holds a station
  // already, leaves nothing behind in the data directory.
  let store = location.engine === "postgres" ? await openEmptyStore(location) : undefined;
  try {
    mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
    chmodSync(paths.dir, 0o700);
    if (options.store !== undefined) saveStoreUrl(paths, options.store);
    identity = generateIdentity();
    writeSecret(paths.identityKey, exportPrivateKey(identity));
    tls = await makeSelfSignedCertificate(config.name, [
      new URL(config.url).hostname.replace(/^\[|\]$/g, ""),
    ]);
    writeSecret(paths.tlsKey, tls.key);
    writeFileSync(paths.tlsCert, tls.cert, { mode: 0o644, flag: "wx" });

    store ??= await openEmptyStore(location);
    await store.addOperator({
      name: "admin",
      role: "admin",
      passwordHash: await hashPassword(password),
      disabled: false,
      createdAt: config.createdAt,
    });
  } finally {
    await store?.close();
  }
  if (location.engine === "sqlite") chmodSync(location.path, 0o600);
  // Written last: a directory without it is not yet a station.
  writeFileSync(paths.config, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o644, flag: "wx" });

  return {
    id: identity.id,
    name: config.name,
    fingerprint: fingerprintOf(identity.id),
    cert: certFingerprint(tls.cert),
    url: config.url,
    dir: paths.dir,
    store: describeStoreLocation(location),
    admin: { user: "admin", password },
  };
}

/**
 * Opens the store a new station is made in, refusing one that holds a station already.
 *
 * @param location where the record is to live
 * @returns the store, open
 * @throws HotlineError STATION_EXISTS when it holds operators or entries
 */
async function openEmptyStore(location: StoreLocation): Promise<Store> {
  const store = await openStore(location);
  try {
    if ((await store.operators()).length > 0 || (await store.countEntries()) > 0) {
      throw new HotlineError(
        "STATION_EXISTS",
        `Cannot create a station in ${describeStoreLocation(location)}: it holds a station already; give an empty database`,
      );
    }
    return store;
  } catch (error) {
    await store.close();
    throw error;
  }
}

function writeSecret(path: string, content: string): void {
  writeFileSync(path, content, { mode: 0o600, flag: "wx" });
  chmodSync(path, 0o600);
}
