/**
 * Station failover, as test/integration/standby.test.ts does it: Washington is an active/standby
 * pair (two `hotline start` child processes, two data directories made by `standby-setup`, one
 * store), Moscow a plain SQLite station in this process (so the bench sees the moment an entry
 * is stored there). Messages flow both ways; the active is killed (-9) at a random point of its
 * renewal cadence; the bench times kill → the standby holds the lease, and kill → the first entry
 * the pair wrote after the takeover is stored at Moscow (Moscow commits an entry and its signed
 * head statement, the sender's receipt, in one transaction). The killed process is started again
 * as the new standby before the next trial, which kills the other one.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join, resolve } from "node:path";
import { runningStation, type ApiClient } from "../src/api/mod.js";
import { startStation, type RunningStation } from "../src/cli/mod.js";
import {
  DEFAULT_LEASE_TTL_MS,
  freeLoopbackPort,
  initStation,
  setUpStandby,
  stationPaths,
  type InitOptions,
} from "../src/station/mod.js";

const BIN = resolve(import.meta.dirname, "../../bin/hotline.js");

/** A standby tries to take the lease this often (the lease loop's default), ms. */
const TRY_EVERY_MS = 1_000;

/** Each trial's two times, seconds after the kill. */
export interface FailoverTrial {
  /** the standby holds the lease (its `activeSince`) */
  leaseTaken: number;
  /** the first entry written at the pair after the takeover is stored, and receipted, at Moscow */
  receipted: number;
}

/** The lease's time to live the pair runs with (the default), seconds. */
export const FAILOVER_TTL_SECONDS = DEFAULT_LEASE_TTL_MS / 1000;
/** What the pair's timings allow: the lease runs out, then the standby's next try takes it. */
export const FAILOVER_CEILING_SECONDS = (DEFAULT_LEASE_TTL_MS + TRY_EVERY_MS) / 1000;
/** The target: "within a few seconds", read as the lease TTL plus 2 s. */
export const FAILOVER_TARGET_SECONDS = FAILOVER_TTL_SECONDS + 2;

/**
 * @param root a directory for the three stations
 * @param store extra `init` options for the pair (where its shared record lives)
 * @param trials kill -9 trials, each killing whichever process is active
 * @param progress where to say what runs
 * @returns each trial's times
 */
export async function stationFailover(
  root: string,
  store: Partial<InitOptions>,
  trials: number,
  progress: (message: string) => void,
): Promise<FailoverTrial[]> {
  const loopback = async () => `127.0.0.1:${await freeLoopbackPort()}`;
  const dirs = [join(root, "washington-a"), join(root, "washington-b")] as const;
  const mDir = join(root, "moscow");
  const washingtonId = (
    await initStation({
      dir: dirs[0],
      name: "Washington",
      listen: await loopback(),
      api: await loopback(),
      ...store,
    })
  ).id;
  await setUpStandby({
    from: dirs[0],
    dir: dirs[1],
    listen: await loopback(),
    api: await loopback(),
    operator: "admin",
  });
  await initStation({ dir: mDir, name: "Moscow", listen: await loopback(), api: await loopback() });

  /** one process of the pair: its directory and, while it runs, the child */
  const first = { dir: dirs[0], child: null as ChildProcess | null };
  const second = { dir: dirs[1], child: null as ChildProcess | null };
  let moscow: RunningStation | null = null;
  let sending = true;
  let senders: Promise<void>[] = [];
  try {
    // The first to start takes the lease: the first directory, so that the line is opened there.
    first.child = startChild(first.dir);
    await waitRole(first.dir, "active");
    second.child = startChild(second.dir);
    await waitRole(second.dir, "standby");
    moscow = await startStation({ dir: mDir });
    const line = await pair(dirs[0], mDir);

    // When each of Washington's entries was stored at Moscow.
    const arrived = new Map<number, number>();
    moscow.station.events.on("entries", (applied) => {
      const now = performance.now();
      for (const { entry } of applied) if (entry.author === washingtonId) arrived.set(entry.seq, now);
    });
    // Whichever process is active takes each message; the other answers STANDBY, or is dead.
    // `at`: when the call that wrote it began (so a message counts as written after the kill only
    // if it was asked for after the kill).
    const sent: { at: number; seq: number }[] = [];
    const washingtonSender = async () => {
      for (let i = 0; sending; i++) {
        for (const dir of dirs) {
          const at = performance.now();
          try {
            const written = await api(dir).call("POST /api/lines/:line/messages", {
              params: { line },
              body: { text: `Washington ${i}` },
            });
            sent.push({ at, seq: written.seq });
            break;
          } catch {
            // the standby, or the dead one
          }
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const m = moscow.station;
    const moscowSender = async () => {
      for (let i = 0; sending; i++) {
        await m.send({ line, text: `Moscow ${i}`, operator: "admin" });
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    senders = [washingtonSender(), moscowSender()];

    const times: FailoverTrial[] = [];
    let [active, standby] = [first, second];
    for (let trial = 0; trial < trials; trial++) {
      // Messages flow: five more of Washington's stored at Moscow.
      const flowing = sent.length + 5;
      await waitUntil(
        () => sent.length >= flowing && arrived.has(sent[flowing - 1]?.seq ?? -1),
        "messages to flow",
      );
      await new Promise((r) => setTimeout(r, Math.random() * TRY_EVERY_MS)); // die at any point of the cadence
      progress(`pg: station failover trial ${trial + 1}/${trials}: kill -9 the active process`);
      const killed = active.child;
      const killedAtWall = Date.now();
      const killedAt = performance.now();
      killed?.kill("SIGKILL");
      const since = await waitRole(standby.dir, "active");
      const leaseTaken = (Date.parse(since ?? "") - killedAtWall) / 1000;
      // The first entry written after the takeover, then its arrival at Moscow.
      await waitUntil(() => sent.some((s) => s.at > killedAt), "a message written after the takeover");
      const next = sent.find((s) => s.at > killedAt)?.seq ?? 0;
      await waitUntil(() => arrived.has(next), "Moscow to store the first message after the takeover");
      const receipted = ((arrived.get(next) ?? 0) - killedAt) / 1000;
      times.push({ leaseTaken: Number.isFinite(leaseTaken) ? leaseTaken : receipted, receipted });
      // The killed one comes back as the standby: the next trial kills the other.
      if (killed !== null && killed.exitCode === null && killed.signalCode === null) {
        await new Promise((r) => killed.once("exit", r));
      }
      active.child = startChild(active.dir);
      await waitRole(active.dir, "standby");
      [active, standby] = [standby, active];
    }
    return times;
  } finally {
    sending = false;
    await Promise.allSettled(senders);
    await moscow?.stop();
    await Promise.all(
      [first.child, second.child].map((child) => (child === null ? Promise.resolve() : stopChild(child))),
    );
  }
}

/** Opens a line at Washington's active process and has Moscow join it: the line's id. */
async function pair(washington: string, moscow: string): Promise<string> {
  const { id: line } = await api(washington).call("POST /api/lines", { body: { name: "failover" } });
  const { invite } = await api(washington).call("POST /api/invites", { body: { line } });
  await api(moscow).call("POST /api/accept", { body: { invite } });
  return line;
}

function api(dir: string): ApiClient {
  const client = runningStation(stationPaths(dir));
  if (client === null) throw new Error(`the station in ${dir} is not running`);
  return client;
}

/**
 * Resolves once the process serving a directory answers `GET /api/status` with that role.
 *
 * @returns its `activeSince` (when it took the lease), if it says
 */
async function waitRole(dir: string, role: "active" | "standby"): Promise<string | undefined> {
  let since: string | undefined;
  await waitUntil(async () => {
    try {
      const status = await api(dir).call("GET /api/status");
      since = status.activeSince;
      return status.role === role;
    } catch {
      return false; // not (yet) listening
    }
  }, `${dir} to be ${role}`);
  return since;
}

async function waitUntil(ok: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`station failover: waited ${timeoutMs / 1000} s for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** `hotline start` for one process of the pair; its log goes nowhere (stderr: errors only). */
function startChild(dir: string): ChildProcess {
  return spawn(process.execPath, [BIN, "start", "--dir", dir], { stdio: ["ignore", "ignore", "inherit"] });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once("exit", () => done());
    child.kill("SIGTERM");
  });
}
