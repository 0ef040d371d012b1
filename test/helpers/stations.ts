import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pino from "pino";
import { startStation as startInProcess, type RunningStation } from "../../src/cli/runtime.js";
import { freeLoopbackPort } from "../../src/station/mod.js";
import { countSpawn, HOTLINE_BIN, hotline, hotlineJson, tempDir, type TempDir } from "./cli.js";

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export const freePort = freeLoopbackPort;

/** A station's data directory, and what runs it when it runs: this process, or its own. */
export interface TestStation {
  name: string;
  dir: string;
  id: string;
  peerPort: number;
  apiPort: number;
  /** the `hotline start` process, when it runs in its own */
  process: ChildProcess | null;
  /** the station running in this process, as `hotline start` runs it */
  running: RunningStation | null;
  /** everything the running station logged, for diagnosing a failed test or reading its log */
  output: string;
  /** the password `init` gave the station's first operator, admin */
  adminPassword: string;
}

/**
 * `hotline init` on two fresh loopback ports.
 *
 * @param dir the data directory to create
 * @param name the station's name
 * @param url where peers are told to reach it, given its peer port (default https:// and the port)
 * @param store where its record lives (`init --store`), default hotline.db in the directory
 * @returns the station, not running
 */
export async function initStation(
  dir: string,
  name: string,
  url?: (peerPort: number) => string,
  store?: string,
): Promise<TestStation> {
  const peerPort = await freePort();
  const apiPort = await freePort();
  const made = await hotlineJson<{ id: string; admin: { password: string } }>([
    "init",
    "--name",
    name,
    "--dir",
    dir,
    "--listen",
    `127.0.0.1:${peerPort}`,
    "--api",
    `127.0.0.1:${apiPort}`,
    ...(url === undefined ? [] : ["--url", url(peerPort)]),
    ...(store === undefined ? [] : ["--store", store]),
  ]);
  return {
    name,
    dir,
    id: made.id,
    peerPort,
    apiPort,
    process: null,
    running: null,
    output: "",
    adminPassword: made.admin.password,
  };
}

/** How a test station runs. */
export interface StartOptions {
  /**
   * run `hotline start` in a child process, for tests of the process itself (kill -9, signals);
   * else the station runs in this process, as `hotline start` runs it, over real loopback TLS
   */
  process?: boolean;
}

/**
 * Starts a station (`hotline start`) and waits until its operator API answers.
 *
 * @param station the station to start
 * @param options in this process (the default) or in its own
 */
export async function startStation(station: TestStation, options: StartOptions = {}): Promise<void> {
  if (options.process === true) return startProcess(station);
  station.output = "";
  const log = { write: (line: string) => void (station.output += line) };
  station.running = await startInProcess({ dir: station.dir, logger: pino({ level: "info" }, log) });
}

/**
 * @param station a test station
 * @returns whether it runs (in this process, or its process has not exited)
 */
export function isRunning(station: TestStation): boolean {
  if (station.running !== null) return true;
  return station.process !== null && station.process.exitCode === null && station.process.signalCode === null;
}

async function startProcess(station: TestStation): Promise<void> {
  countSpawn();
  const child = spawn(process.execPath, [HOTLINE_BIN, "start", "--dir", station.dir], {
    env: { ...process.env, HOTLINE_DIR: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  station.process = child;
  station.output = "";
  child.stdout?.on("data", (d: Buffer) => (station.output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (station.output += d.toString()));
  const lock = join(station.dir, "station.lock");
  await waitFor(
    async () => {
      if (child.exitCode !== null) {
        throw new Error(`${station.name} exited ${child.exitCode} at start:\n${station.output}`);
      }
      if (!existsSync(lock)) return false;
      const pid = (JSON.parse(readFileSync(lock, "utf8") || "{}") as { pid?: number }).pid;
      if (pid !== child.pid) return false;
      const status = await hotline(["status", "--json", "--dir", station.dir]);
      return status.code === 0 && (JSON.parse(status.stdout) as { running: boolean }).running;
    },
    { what: `${station.name} to start`, timeoutMs: 20_000 },
  );
}

/**
 * Stops a running station: SIGTERM (clean stop) or SIGKILL (kill -9, a station started with
 * `{ process: true }` only), and waits for its exit.
 *
 * @param station the station
 * @param signal how to stop it
 * @returns the exit code, or the signal's name
 */
export async function stopStation(
  station: TestStation,
  signal: "SIGTERM" | "SIGKILL" = "SIGTERM",
): Promise<number | string | null> {
  const running = station.running;
  if (running !== null) {
    if (signal === "SIGKILL") {
      throw new Error(`${station.name} runs in this process: start it with { process: true } to kill -9 it`);
    }
    station.running = null;
    await running.stop();
    return 0;
  }
  const child = station.process;
  if (child === null) return null;
  station.process = null;
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode ?? child.signalCode;
  return new Promise((resolve) => {
    child.once("exit", (code, sig) => resolve(code ?? sig));
    child.kill(signal);
  });
}

/**
 * Polls until a condition holds.
 *
 * @param check returns true when done; a thrown error ends the wait with that error
 * @param options what is awaited (for the failure message), timeout and poll interval
 */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  options: { what: string; timeoutMs?: number; everyMs?: number },
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let last: Error | null = null;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      if (error.message.includes("exited")) throw error;
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${options.what}${last === null ? "" : `: ${last.message}`}`);
    }
    await new Promise((r) => setTimeout(r, options.everyMs ?? 100));
  }
}

/**
 * Creates a line at `creator` and has each joiner accept an invite to it (all must be running).
 *
 * @param creator the station that opens the line
 * @param joiners the stations that join it
 * @param name the line's name
 * @returns the line id and the safety codes each joiner was shown
 */
export async function pairOnLine(
  creator: TestStation,
  joiners: readonly TestStation[],
  name = "moscow-washington",
): Promise<{ line: string; safetyCodes: string[] }> {
  const { id: line } = await hotlineJson<{ id: string }>([
    "line",
    "create",
    "--name",
    name,
    "--dir",
    creator.dir,
  ]);
  const safetyCodes: string[] = [];
  for (const joiner of joiners) {
    const { invite } = await hotlineJson<{ invite: string }>([
      "invite",
      "--line",
      line,
      "--dir",
      creator.dir,
    ]);
    const accepted = await hotlineJson<{ safetyCode: string }>(["accept", invite, "--dir", joiner.dir]);
    safetyCodes.push(accepted.safetyCode);
  }
  return { line, safetyCodes };
}

/** Washington and Moscow, running, on the line "moscow-washington" that Washington opened. */
export interface PairedStations {
  /** holds both data directories; the test may write its own files there too */
  tmp: TempDir;
  washington: TestStation;
  moscow: TestStation;
  line: string;
  /** Stops both stations and removes `tmp`. */
  close(): Promise<void>;
}

/** What to do to the two stations before they start. */
export interface PairedStationsOptions {
  /** runs once both stations are initialised, before either starts (e.g. to add an operator) */
  beforeStart?: (stations: Omit<PairedStations, "line" | "close">) => Promise<void>;
  /** the stations to run as `hotline start` processes (for a test that kills one with -9) */
  processes?: readonly ("washington" | "moscow")[];
}

/**
 * Inits Washington and Moscow in a new temporary directory, starts both and pairs them on the
 * line "moscow-washington". If a step fails, what was started is stopped and removed again.
 *
 * @param options what to do before the stations start
 * @returns the running stations and their line
 */
export async function startPairedStations(options: PairedStationsOptions = {}): Promise<PairedStations> {
  const tmp = tempDir();
  const made: TestStation[] = [];
  const close = async () => {
    await Promise.all(made.map((station) => stopStation(station)));
    tmp.remove();
  };
  try {
    const [washington, moscow] = await Promise.all([
      initStation(tmp.join("washington"), "Washington"),
      initStation(tmp.join("moscow"), "Moscow"),
    ]);
    made.push(washington, moscow);
    await options.beforeStart?.({ tmp, washington, moscow });
    const asProcess = (name: "washington" | "moscow") => ({
      process: options.processes?.includes(name) === true,
    });
    await Promise.all([
      startStation(washington, asProcess("washington")),
      startStation(moscow, asProcess("moscow")),
    ]);
    const { line } = await pairOnLine(washington, [moscow]);
    return { tmp, washington, moscow, line, close };
  } catch (error) {
    await close();
    throw error;
  }
}
