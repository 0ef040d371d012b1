import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { freeLoopbackPort } from "../../src/station/mod.js";
import { HOTLINE_BIN, hotline, hotlineJson, tempDir, type TempDir } from "./cli.js";

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export const freePort = freeLoopbackPort;

/** A station's data directory, and the process running it when it runs. */
export interface TestStation {
  name: string;
  dir: string;
  id: string;
  peerPort: number;
  apiPort: number;
  process: ChildProcess | null;
  /** everything the running process wrote (logs), for diagnosing a failed test */
  output: string;
  /** the password `init` gave the station's first operator, admin */
  adminPassword: string;
}

/**
 * `hotline init` on two fresh loopback ports.
 *
 * @param dir the data directory to create
 * @param name the station's name
 * @returns the station, not running
 */
export async function initStation(dir: string, name: string): Promise<TestStation> {
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
  ]);
  return {
    name,
    dir,
    id: made.id,
    peerPort,
    apiPort,
    process: null,
    output: "",
    adminPassword: made.admin.password,
  };
}

/**
 * Runs `hotline start` as a child process and waits until its operator API answers.
 *
 * @param station the station to start
 * @param env extra environment (e.g. faster outbox timings)
 */
export async function startStation(station: TestStation, env: Record<string, string> = {}): Promise<void> {
  const child = spawn(process.execPath, [HOTLINE_BIN, "start", "--dir", station.dir], {
    env: { ...process.env, HOTLINE_DIR: "", ...env },
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
 * Stops a running station: SIGTERM (clean stop) or SIGKILL (kill -9), and waits for its exit.
 *
 * @param station the station
 * @param signal how to stop it
 * @returns the exit code, or the signal's name
 */
export async function stopStation(
  station: TestStation,
  signal: "SIGTERM" | "SIGKILL" = "SIGTERM",
): Promise<number | string | null> {
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
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
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
    await Promise.all([startStation(washington), startStation(moscow)]);
    const { line } = await pairOnLine(washington, [moscow]);
    return { tmp, washington, moscow, line, close };
  } catch (error) {
    await close();
    throw error;
  }
}
