/**
 * The demo's stations: each a real `hotline start` process on loopback, with the operators people
 * would have at it — an administrator, a duty officer and the minister's office.
 *
 * @module
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join, resolve } from "node:path";
import { runningStation, type ApiClient } from "../src/api/mod.js";
import { freeLoopbackPort, initStation, stationPaths } from "../src/station/mod.js";

/** The `hotline` command, as an operator runs it. */
export const BIN = resolve(import.meta.dirname, "../../bin/hotline.js");

/** An operator of a demo station, with the password it was given (shown once, at the end). */
export interface DemoOperator {
  name: string;
  role: "admin" | "officer" | "supervisor";
  /** what the role is for in the demo */
  duty: string;
  password: string;
}

/** The operators every demo station has besides `admin`: who writes what in the record. */
export const OPERATORS = [
  {
    name: "duty-officer",
    role: "officer",
    duty: "messages, acknowledgements, presence tests, notifications, questions and answers",
  },
  { name: "minister-office", role: "supervisor", duty: "calls, readouts, translations of readouts" },
] as const;

/** A running demo station and a client of its operator API for each of its operators. */
export interface DemoStation {
  /** its name, e.g. "Moscow" */
  name: string;
  dir: string;
  id: string;
  /** its working language: what its people write in */
  lang: string;
  process: ChildProcess;
  /** acts as `admin`: lines, invites, settings, zones, operators */
  admin: ApiClient;
  /** acts as `duty-officer`: messages, acknowledgements, notifications, questions */
  officer: ApiClient;
  /** acts as `minister-office` */
  office: ApiClient;
  /** the console's address */
  console: string;
  operators: DemoOperator[];
}

const children: ChildProcess[] = [];
let stopping = false;

/**
 * Creates stations in `root/<name lowercased>` and starts each as a `hotline start` process, all at
 * once, then adds their operators.
 *
 * @param root the directory holding the stations' data directories
 * @param specs each station's name and working language
 * @returns the running stations, in the order given
 */
export async function startStations(
  root: string,
  specs: readonly { name: string; lang: string }[],
): Promise<DemoStation[]> {
  // Ports one after another, so that no two stations are given the same one.
  const ports: number[] = [];
  while (ports.length < specs.length * 2) {
    const port = await freeLoopbackPort();
    if (!ports.includes(port)) ports.push(port);
  }
  return Promise.all(
    specs.map(
      async (spec, i) =>
        await startStation(join(root, spec.name.toLowerCase()), spec, {
          listen: ports[2 * i] as number,
          api: ports[2 * i + 1] as number,
        }),
    ),
  );
}

async function startStation(
  dir: string,
  spec: { name: string; lang: string },
  ports: { listen: number; api: number },
): Promise<DemoStation> {
  const made = await initStation({
    dir,
    name: spec.name,
    lang: spec.lang,
    listen: `127.0.0.1:${ports.listen}`,
    api: `127.0.0.1:${ports.api}`,
  });
  const child = spawn(process.execPath, [BIN, "start", "--dir", dir], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.push(child);
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  child.once("exit", (code, signal) => {
    if (!stopping) {
      console.error(`${spec.name} stopped unexpectedly (${signal ?? `exit ${String(code)}`}): ${stderr}`);
    }
  });
  const clientAs = (operator: string): ApiClient | null => runningStation(stationPaths(dir), operator);
  await waitUntil(async () => {
    if (child.exitCode !== null) throw new StartFailed(`${spec.name} did not start: ${stderr}`);
    const api = clientAs("admin");
    if (api === null) return false;
    await api.call("GET /api/whoami");
    return true;
  }, `${spec.name} to start`);
  const admin = clientAs("admin") as ApiClient;
  const operators: DemoOperator[] = [
    {
      name: "admin",
      role: "admin",
      duty: "lines, pairing, settings, zones, operators",
      password: made.admin.password,
    },
  ];
  for (const o of OPERATORS) {
    const added = await admin.call("POST /api/operators", { body: { name: o.name, role: o.role } });
    operators.push({ ...o, password: added.password });
  }
  return {
    name: spec.name,
    dir,
    id: made.id,
    lang: spec.lang,
    process: child,
    admin,
    officer: clientAs("duty-officer") as ApiClient,
    office: clientAs("minister-office") as ApiClient,
    console: `http://127.0.0.1:${ports.api}/`,
    operators,
  };
}

/** Stops every station the demo started (SIGTERM: each stops cleanly) and waits until they have. */
export async function stopStations(): Promise<void> {
  stopping = true;
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          child.once("exit", () => done());
          child.kill("SIGTERM");
        }),
    ),
  );
}

/** A station process exited while starting: no point waiting for it. */
class StartFailed extends Error {}

/**
 * Polls a condition until it holds.
 *
 * @param check the condition; an error it throws counts as "not yet" (a start failure ends the wait)
 * @param what what is awaited, for the timeout's message
 * @param timeoutMs how long to wait (default 30 s)
 */
export async function waitUntil(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      if (error instanceof StartFailed) throw error;
      last = error;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`Timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ""}`);
}
