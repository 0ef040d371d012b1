/**
 * Station-to-station figures: Washington runs in this process (so the bench sees the moment a
 * receipt is stored), Moscow as a real `hotline start` child process; both on loopback, mutual TLS.
 *
 *  - latency: send through Washington's operator API → Moscow's signed receipt stored at Washington,
 *    beside a bare mutual-TLS HTTPS round trip on a kept-alive connection to another process;
 *  - throughput: entries written at Washington, delivered, applied durably and receipted;
 *  - catch-up: Moscow down while Washington writes, then started: time until all is receipted,
 *    beside the time to verify as many entries on one core;
 *  - time to detect a dead peer (kill -9) by the link tests, as a multiple of the test interval.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { request } from "node:https";
import { basename, dirname, join, resolve } from "node:path";
import { runningStation } from "../src/api/mod.js";
import { startStation, type RunningStation } from "../src/cli/mod.js";
import { PinnedAgent } from "../src/peer/mod.js";
import type { HeadStatement } from "../src/record/mod.js";
import {
  certFingerprint,
  createInvite,
  freeLoopbackPort,
  initStation,
  stationPaths,
  type InitOptions,
} from "../src/station/mod.js";
import { textDrafts } from "./_fixture.js";
import { compared, timed, type Row } from "./_table.js";

/** The `hotline` command (it runs dist/), from dist/bench/ (`npm run bench`) or bench/ (a test). */
const BIN = resolve(
  import.meta.dirname,
  basename(dirname(import.meta.dirname)) === "dist" ? "../../bin/hotline.js" : "../bin/hotline.js",
);

export interface PeerBenchSizes {
  /** messages whose latency is measured */
  latency: number;
  /** entries of the throughput run */
  throughput: number;
  /** entries caught up after the outage */
  catchUp: number;
  /** kill -9 trials for the time to detect a dead peer */
  detectTrials: number;
}

/**
 * @param root a directory for the two stations
 * @param sizes how much to send
 * @param rawVerify the single-core Ed25519 verify rate measured in this run
 * @param progress where to say what runs
 * @returns rows and notes
 */
export async function peerBench(
  root: string,
  sizes: PeerBenchSizes,
  rawVerify: number,
  progress: (message: string) => void,
): Promise<{ rows: Row[]; notes: Record<string, number> }> {
  const rows: Row[] = [];
  const notes: Record<string, number> = {};
  const pair = await startPair(root);
  const { washington, line, moscowId, wDir, mDir } = pair;
  let moscow: ChildProcess | null = pair.moscow;
  try {
    const w = washington.station;

    // Latency, and its ceiling: a bare mutual-TLS round trip to another process.
    progress(`latency: ${sizes.latency} messages, one at a time, API → receipt stored`);
    const wApi = runningStation(stationPaths(wDir));
    if (wApi === null) throw new Error("Washington's API is not reachable");
    const latencies: number[] = [];
    for (let i = 0; i < sizes.latency + 50; i++) {
      const start = process.hrtime.bigint();
      const sent = await wApi.call("POST /api/lines/:line/messages", {
        params: { line: line },
        body: { text: `latency ${i}` },
      });
      await receiptFor(washington, line, moscowId, sent.seq);
      if (i >= 50) latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    progress(`bare mutual-TLS round trips: ${sizes.latency}, kept alive`);
    const bare = await bareRoundTrips(wDir, sizes.latency);
    const [p50, p99] = [percentile(latencies, 0.5), percentile(latencies, 0.99)];
    rows.push(
      timed("latency p50: API send → receipt stored", p50, "ms", percentile(bare, 0.5), {
        atMost: 3,
        of: "value",
      }),
    );
    rows.push(
      timed("latency p99: API send → receipt stored", p99, "ms", percentile(bare, 0.99), {
        atMost: 10,
        of: "value",
      }),
    );

    // Throughput: write as fast as the station signs, in batches of 100, until all are receipted.
    progress(`throughput: ${sizes.throughput.toLocaleString("en-US")} entries delivered and receipted`);
    const throughputSeconds = await timeToReceipt(washington, line, moscowId, sizes.throughput);
    rows.push(
      compared(
        "one line: delivered, durable, receipted",
        sizes.throughput / throughputSeconds,
        rawVerify,
        0.75,
      ),
    );

    // Catch-up: Moscow down while Washington writes, then started.
    progress(`catch-up: ${sizes.catchUp.toLocaleString("en-US")} entries after an outage`);
    const outage = await catchUpAfterOutage({ ...pair, moscow }, sizes.catchUp);
    moscow = outage.moscow;
    const { started, caughtUp } = outage;
    rows.push(
      timed(
        `catch-up of ${sizes.catchUp.toLocaleString("en-US")} entries after an outage`,
        caughtUp,
        "s",
        sizes.catchUp / rawVerify,
        {
          atMost: 1.3,
          of: "ratio",
        },
      ),
    );
    // Time to detect a dead peer: link tests every second; kill -9 Moscow, time until `down`.
    progress(`time to detect a dead peer: ${sizes.detectTrials} kill -9 trials, link test every 1 s`);
    await w.setLine({ line, testInterval: 1, operator: "admin" });
    const detect: number[] = [];
    for (let trial = 0; trial < sizes.detectTrials; trial++) {
      await waitHealth(washington, line, moscowId, "up");
      await new Promise((r) => setTimeout(r, Math.random() * 1_000)); // die at any point of the cadence
      const killedAt = process.hrtime.bigint();
      moscow.kill("SIGKILL");
      await new Promise((r) => moscow?.once("exit", r));
      await waitHealth(washington, line, moscowId, "down");
      detect.push(Number(process.hrtime.bigint() - killedAt) / 1e9);
      moscow = await startChild(mDir);
    }
    rows.push(
      timed("time to detect a dead peer (median), interval 1 s", percentile(detect, 0.5), "s", 1, {
        atMost: 2,
        of: "ratio",
      }),
    );
    rows.push(
      timed("time to detect a dead peer (max), interval 1 s", Math.max(...detect), "s", 1, {
        atMost: 2,
        of: "ratio",
      }),
    );
    Object.assign(notes, { peerStartSeconds: started, bareRoundTripP50Ms: percentile(bare, 0.5) });
  } finally {
    if (moscow !== null) await stopChild(moscow);
    await washington.stop();
  }
  return { rows, notes };
}

/** Two stations paired on a line: Washington in this process, Moscow a child process. */
export interface StationPair {
  washington: RunningStation;
  moscow: ChildProcess;
  line: string;
  moscowId: string;
  wDir: string;
  mDir: string;
}

/**
 * Makes Washington (run in this process, so the bench sees the moment a receipt is stored) and
 * Moscow (a `hotline start` child process), pairs them on a line and waits for the first receipt.
 *
 * @param root a directory for the two stations
 * @param init extra options for each station's `init` (where its record lives, for one)
 * @returns the running pair; the caller stops both
 */
export async function startPair(
  root: string,
  init: { washington?: Partial<InitOptions>; moscow?: Partial<InitOptions> } = {},
): Promise<StationPair> {
  const wDir = join(root, "washington");
  const mDir = join(root, "moscow");
  const loopback = async () => `127.0.0.1:${await freeLoopbackPort()}`;
  await initStation({
    dir: wDir,
    name: "Washington",
    listen: await loopback(),
    api: await loopback(),
    ...init.washington,
  });
  await initStation({
    dir: mDir,
    name: "Moscow",
    listen: await loopback(),
    api: await loopback(),
    ...init.moscow,
  });
  const washington = await startStation({ dir: wDir });
  let moscow: ChildProcess | null = null;
  try {
    moscow = await startChild(mDir);
    const w = washington.station;
    const line = (await w.createLine({ name: "moscow-washington", operator: "admin" })).id;
    const { invite } = await createInvite(w, { line, expiresInMs: 3_600_000, operator: "admin" });
    const mApi = runningStation(stationPaths(mDir));
    if (mApi === null) throw new Error("Moscow is not running");
    const accepted = await mApi.call("POST /api/accept", { body: { invite } });
    const moscowId = (await mApi.call("GET /api/whoami")).id;
    if (accepted.peer.id !== w.id) throw new Error("paired with the wrong station");
    await receiptFor(washington, line, moscowId, (await w.store.head(line, w.id))?.seq ?? 0);
    return { washington, moscow, line, moscowId, wDir, mDir };
  } catch (error) {
    if (moscow !== null) await stopChild(moscow);
    await washington.stop();
    throw error;
  }
}

/**
 * Catch-up: Moscow stopped while Washington writes, then started again.
 *
 * @param pair the running pair
 * @param count entries Washington writes while Moscow is down (in batches of 1000)
 * @returns Moscow's new process, seconds it took to start, and seconds from then until Moscow's
 *   receipt covers the last entry
 */
export async function catchUpAfterOutage(
  pair: Pick<StationPair, "washington" | "moscow" | "line" | "moscowId" | "mDir">,
  count: number,
): Promise<{ moscow: ChildProcess; started: number; caughtUp: number }> {
  const { washington, line, moscowId, mDir } = pair;
  const w = washington.station;
  await stopChild(pair.moscow);
  for (let held = 0; held < count; held += 1000) {
    await w.writeMany(line, textDrafts(Math.min(1000, count - held), held));
  }
  const last = (await w.store.head(line, w.id))?.seq ?? 0;
  const start = process.hrtime.bigint();
  const moscow = await startChild(mDir);
  const started = Number(process.hrtime.bigint() - start) / 1e9;
  await receiptFor(washington, line, moscowId, last, 300_000);
  return { moscow, started, caughtUp: Number(process.hrtime.bigint() - start) / 1e9 - started };
}

/**
 * Resolves when the link test of a line to a peer says the link has that health.
 *
 * @param poll how often to look (default every 5 ms: a detection time is read to that) and for how
 *   long (default 30 s)
 */
export async function waitHealth(
  running: RunningStation,
  line: string,
  peer: string,
  health: string,
  poll: { everyMs?: number; timeoutMs?: number } = {},
): Promise<void> {
  const timeoutMs = poll.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  while (running.monitor.state(line, peer)?.health !== health) {
    if (Date.now() > deadline)
      throw new Error(`the link did not become ${health} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, poll.everyMs ?? 5));
  }
}

/** Writes `count` entries in batches of 100 and waits for the receipt of the last: seconds taken. */
export async function timeToReceipt(running: RunningStation, line: string, peer: string, count: number) {
  const w = running.station;
  const start = process.hrtime.bigint();
  for (let held = 0; held < count; held += 100) {
    await w.writeMany(line, textDrafts(Math.min(100, count - held), held));
    await new Promise((r) => setImmediate(r)); // let the outbox push while writing goes on
  }
  await receiptFor(running, line, peer, (await w.store.head(line, w.id))?.seq ?? 0, 300_000);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Resolves when the peer's signed heads stored here cover this station's chain up to `seq`. */
export async function receiptFor(
  running: RunningStation,
  line: string,
  peer: string,
  seq: number,
  timeoutMs = 30_000,
) {
  const me = running.station.id;
  if ((await running.station.store.coveredSeq(line, peer, me)) >= seq) return Promise.resolve();
  return new Promise<void>((done, fail) => {
    const timer = setTimeout(() => {
      running.station.events.off("statement", check);
      fail(new Error(`no receipt for seq ${seq} within ${timeoutMs} ms`));
    }, timeoutMs);
    function check(statement: HeadStatement) {
      if (statement.line !== line || statement.station !== peer) return;
      if ((statement.heads[me]?.seq ?? 0) < seq) return;
      clearTimeout(timer);
      running.station.events.off("statement", check);
      done();
    }
    running.station.events.on("statement", check);
  });
}

/**
 * Round trips to a bare mutual-TLS HTTPS server in another process (it answers `{}` to anything),
 * on one kept-alive connection, through the same pinned agent the stations use.
 */
async function bareRoundTrips(dir: string, count: number): Promise<number[]> {
  const tls = {
    cert: readFileSync(join(dir, "tls.crt"), "utf8"),
    key: readFileSync(join(dir, "tls.key"), "utf8"),
  };
  const port = await freeLoopbackPort();
  const script = `
    const https = require("node:https");
    const { cert, key } = JSON.parse(process.env.BARE_TLS);
    https.createServer({ cert, key, minVersion: "TLSv1.3", requestCert: true, rejectUnauthorized: false, keepAliveTimeout: 60000 },
      (req, res) => { req.resume(); req.on("end", () => { res.setHeader("content-type", "application/json"); res.end("{}"); }); })
      .listen(${port}, "127.0.0.1", () => process.stdout.write("ready\\n"));`;
  const child = spawn(process.execPath, ["-e", script], {
    env: { ...process.env, BARE_TLS: JSON.stringify(tls) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    await new Promise<void>((done, fail) => {
      child.stdout?.once("data", () => done());
      child.once("exit", (code) => fail(new Error(`bare server exited ${String(code)}`)));
    });
    const agent = new PinnedAgent(certFingerprint(tls.cert), tls, { maxSockets: 1 });
    const once = () =>
      new Promise<void>((done, fail) => {
        const req = request(`https://127.0.0.1:${port}/`, { method: "POST", agent }, (res) => {
          res.resume();
          res.on("end", () => done());
        });
        req.on("error", fail);
        req.end('{"ping":1}');
      });
    const times: number[] = [];
    for (let i = 0; i < count + 50; i++) {
      const start = process.hrtime.bigint();
      await once();
      if (i >= 50) times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    agent.destroy();
    return times;
  } finally {
    child.kill();
  }
}

/**
 * Starts `hotline start` for a station directory as a child process, resolving once its API answers.
 *
 * @param dir the station directory
 * @param options logTo: a file its stdout (pino JSON lines) and stderr are appended to (else its
 *   stdout is dropped and its stderr passed on): a file, not a pipe, since a station logging into a
 *   pipe its reader drains late waits on it; timeoutMs: how long it may take to answer (default 20 s)
 * @returns the child
 */
export async function startChild(
  dir: string,
  options: { logTo?: string; timeoutMs?: number } = {},
): Promise<ChildProcess> {
  const log = options.logTo === undefined ? null : openSync(options.logTo, "a");
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [BIN, "start", "--dir", dir], {
      stdio: ["ignore", log ?? "ignore", log ?? "inherit"],
    });
  } finally {
    if (log !== null) closeSync(log); // the child holds its own
  }
  const timeoutMs = options.timeoutMs ?? 20_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the station in ${dir} did not start`);
    const api = runningStation(stationPaths(dir));
    try {
      if (api !== null) {
        await api.call("GET /api/whoami");
        return child;
      }
    } catch {
      // not yet listening
    }
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`the station in ${dir} did not start within ${timeoutMs / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** How long a station may take to stop on SIGTERM before it is killed. */
const STOP_GRACE_MS = 5_000;

/**
 * @param child a station started by {@link startChild}
 * @returns resolves once it exited: SIGTERM, then SIGKILL if it still runs after a few seconds
 */
export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const kill = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
    child.once("exit", () => {
      clearTimeout(kill);
      done();
    });
    child.kill("SIGTERM");
  });
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}
