/**
 * The chaos run's stations: each a real `hotline start` process (so it can be killed with kill -9
 * and frozen with SIGSTOP) with two routes, `primary` and `backup`, each reached by its peers only
 * through a fault proxy run in the chaos process; and the preload that injects clock skew and a
 * full disk into the process.
 *
 * @module
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { runningStation, type ApiClient } from "../src/api/mod.js";
import { FaultProxy } from "../src/faults/mod.js";
import { freeLoopbackPort, initStation, stationPaths } from "../src/station/mod.js";
import { CONTROL_ENV, DISK_FULL_FILE, SKEW_FILE } from "./_preload.js";

/** The repository's root: where package.json is, from the source (vitest) or from dist/. */
export const ROOT = ((): string => {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();
/** The `hotline` command. */
export const BIN = join(ROOT, "bin/hotline.js");
/** The preload, built (`npm run build`). */
export const PRELOAD = join(ROOT, "dist/chaos/_preload.js");

/** The names of a chaos station's two routes, most preferred first. */
export const ROUTE_NAMES = ["primary", "backup"] as const;
export type RouteName = (typeof ROUTE_NAMES)[number];

/** How a station's process is, as the chaos run left it. */
export type ProcessState = "running" | "stopped" | "killed";

const NAMES = ["Washington", "Moscow", "Paris", "Ankara", "London", "Beijing", "Delhi", "Tokyo"];

/** A line of the run and the stations on it, its creator first. */
export interface ChaosLine {
  name: string;
  id: string;
  stations: ChaosStation[];
}

/** One station of the run: its files, its process, its proxies. */
export class ChaosStation {
  readonly name: string;
  readonly dir: string;
  /** the preload's control directory */
  readonly control: string;
  id = "";
  /** the proxy in front of each route: what peers connect to */
  readonly proxies: Record<RouteName, FaultProxy>;
  state: ProcessState = "killed";
  /** set when the process exited without the run meaning it to */
  crashed: string | null = null;
  #process: ChildProcess | null = null;
  readonly #log: string;
  #admin: ApiClient | null = null;
  readonly #listen: Record<RouteName, number>;

  private constructor(
    name: string,
    root: string,
    proxies: Record<RouteName, FaultProxy>,
    listen: Record<RouteName, number>,
  ) {
    this.name = name;
    this.dir = join(root, name.toLowerCase());
    this.control = join(root, "control", name.toLowerCase());
    this.#log = join(root, "logs", `${name.toLowerCase()}.log`);
    this.proxies = proxies;
    this.#listen = listen;
  }

  /**
   * Creates a station (`init`), its two proxies, and starts it with its backup route added.
   *
   * @param index which station (its name)
   * @param root the run's directory
   * @param seed the run's seed (each proxy draws its own numbers from it)
   * @returns the station, running
   */
  static async create(index: number, root: string, seed: number): Promise<ChaosStation> {
    const name = NAMES[index] ?? `Station${index + 1}`;
    const ports = await distinctPorts(5);
    const [primaryListen, backupListen, apiPort, primaryProxy, backupProxy] = ports as [
      number,
      number,
      number,
      number,
      number,
    ];
    const proxy = (port: number, upstream: number, offset: number) =>
      FaultProxy.start({
        listen: { host: "127.0.0.1", port },
        upstream: { host: "127.0.0.1", port: upstream },
        seed: seed * 31 + index * 2 + offset,
      });
    const proxies = {
      primary: await proxy(primaryProxy, primaryListen, 0),
      backup: await proxy(backupProxy, backupListen, 1),
    };
    const station = new ChaosStation(name, root, proxies, { primary: primaryListen, backup: backupListen });
    mkdirSync(station.control, { recursive: true });
    mkdirSync(dirname(station.#log), { recursive: true });
    const made = await initStation({
      dir: station.dir,
      name,
      listen: `127.0.0.1:${primaryListen}`,
      api: `127.0.0.1:${apiPort}`,
      url: proxies.primary.url,
    });
    station.id = made.id;
    // Every idle route tested at every link test: a route cut is seen within a few seconds.
    const config = stationPaths(station.dir).config;
    const json = JSON.parse(readFileSync(config, "utf8")) as Record<string, unknown>;
    writeFileSync(config, JSON.stringify({ ...json, routeTestEvery: 1 }, null, 2));
    await station.start();
    await station.admin.call("POST /api/routes", {
      body: {
        name: "backup",
        url: proxies.backup.url,
        listen: `127.0.0.1:${station.#listen.backup}`,
        priority: 10,
      },
    });
    return station;
  }

  /** @returns a client of its operator API, acting as admin (fresh after each start) */
  get admin(): ApiClient {
    if (this.#admin === null) throw new Error(`${this.name} is not running`);
    return this.#admin;
  }

  /** @returns the end of what its processes wrote to stdout and stderr (their log), for a violation's details */
  get output(): string {
    if (!existsSync(this.#log)) return "";
    const text = readFileSync(this.#log, "utf8");
    return text.slice(-20_000);
  }

  /** @returns the file its processes' output goes to */
  get logFile(): string {
    return this.#log;
  }

  /** Starts `hotline start` (with the preload) and waits until its operator API answers. */
  async start(): Promise<void> {
    const child = spawn(process.execPath, ["--import", PRELOAD, BIN, "start", "--dir", this.dir], {
      env: { ...process.env, HOTLINE_DIR: "", [CONTROL_ENV]: this.control },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.#process = child;
    this.crashed = null;
    const log = createWriteStream(this.#log, { flags: "a" });
    log.write(`--- ${new Date().toISOString()} hotline start (pid ${String(child.pid)})\n`);
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    child.once("close", () => log.end());
    child.once("exit", (code, signal) => {
      if (this.#process === child && this.state !== "killed") {
        this.crashed = `${this.name} exited by itself (${signal ?? `exit ${String(code)}`})`;
        this.state = "killed";
      }
    });
    await until(async () => {
      if (child.exitCode !== null)
        throw new Error(`${this.name} did not start:\n${this.output.slice(-4000)}`);
      const lock = join(this.dir, "station.lock");
      if (!existsSync(lock)) return false;
      const pid = (JSON.parse(readFileSync(lock, "utf8") || "{}") as { pid?: number }).pid;
      if (pid !== child.pid) return false;
      const api = runningStation(stationPaths(this.dir), "admin");
      if (api === null) return false;
      await api.call("GET /api/whoami");
      this.#admin = api;
      return true;
    }, `${this.name} to start`);
    this.state = "running";
  }

  /** kill -9: the process dies at once, mid-write or not. */
  async kill(): Promise<void> {
    const child = this.#process;
    this.state = "killed";
    if (child === null || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((done) => {
      child.once("exit", () => done());
      child.kill("SIGKILL");
    });
  }

  /** SIGSTOP: the process is frozen, its sockets open and silent. */
  freeze(): void {
    this.#process?.kill("SIGSTOP");
    this.state = "stopped";
  }

  /** SIGCONT: the process goes on where it stopped. */
  thaw(): void {
    this.#process?.kill("SIGCONT");
    if (this.state === "stopped") this.state = "running";
  }

  /** @param ms how far its clock runs ahead (negative: behind) */
  skew(ms: number): void {
    writeFileSync(join(this.control, SKEW_FILE), String(Math.round(ms)));
  }

  /** @param full whether every SQLite write of the station fails with SQLITE_FULL */
  diskFull(full: boolean): void {
    const flag = join(this.control, DISK_FULL_FILE);
    if (full) writeFileSync(flag, "");
    else rmSync(flag, { force: true });
  }

  /** Stops the process cleanly (SIGTERM), thawing it first if frozen, and closes the proxies. */
  async close(): Promise<void> {
    const child = this.#process;
    if (child !== null && child.exitCode === null && child.signalCode === null) {
      child.kill("SIGCONT");
      this.state = "killed";
      await new Promise<void>((done) => {
        const hard = setTimeout(() => child.kill("SIGKILL"), 15_000);
        child.once("exit", () => {
          clearTimeout(hard);
          done();
        });
        child.kill("SIGTERM");
      });
    }
    for (const proxy of Object.values(this.proxies)) await proxy.close();
  }
}

/**
 * @param count how many
 * @returns that many free loopback ports, no two the same
 */
async function distinctPorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = await freeLoopbackPort();
    if (!ports.includes(port)) ports.push(port);
  }
  return ports;
}

/**
 * Polls a condition until it holds.
 *
 * @param check the condition; an error it throws counts as "not yet"
 * @param what what is awaited, for the timeout's message
 * @param timeoutMs how long at most
 * @param everyMs how often
 */
export async function until(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
  everyMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      if (error instanceof Error && / did not start/.test(error.message)) throw error;
      last = error;
    }
    await sleep(everyMs);
  }
  throw new Error(`Timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ""}`);
}

/** @param ms how long to wait */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
