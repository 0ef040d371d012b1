/**
 * A line of N participants as N processes: station 0 in the bench's process (so the bench sees
 * the moment a receipt is stored there, as Washington in _peers.ts), stations 1..N−1 each a
 * `hotline start --dir …` child, driven through its operator API as its operator would. Each
 * station runs on a machine of its own in real use; one OS process each is the nearest this
 * machine has: each station's timers, TLS and SQLite are its own, and the kernel shares the two
 * cores between them (in one process they all wait on one event loop).
 *
 * The stations get the settings the in-process mode gives them, in their `station.json`
 * (`peerTimeoutMs`: 5 s × N / cores; `syncIntervalMs`: twice the pace of link tests). The peer port's connection
 * limit is left at its default, which grows with the certificates pinned (256 + 4 each): a
 * station's peers reach it each from its own process, as in real use.
 *
 * The CPU figures are every process's: the bench's (`process.cpuUsage()`: station 0, and the
 * operator API calls it makes to the children) and each child's (/proc/PID/stat). The children's
 * warnings (their pino JSON lines of level warn and above) are counted by kind with the progress.
 */
import type { ChildProcess } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import pino from "pino";
import { runningStation, type ApiClient } from "../src/api/mod.js";
import { startStation, type RunningStation } from "../src/cli/mod.js";
import { HotlineError } from "../src/record/mod.js";
import { freeLoopbackPort, initStation, stationPaths } from "../src/station/mod.js";
import { ceilingSample, rawVerifyRate } from "./_ceilings.js";
import { messageText, textDraft } from "./_fixture.js";
import {
  buildLineByApi,
  lineAt,
  patient,
  pollMs,
  statusAt,
  unanswered,
  type LineChild,
} from "./_line-build-procs.js";
import {
  busyTestInterval,
  MB,
  syncIntervalMs,
  WARMUP,
  idleTestInterval,
  links,
  peerTimeoutMs,
  percentile,
  type LineBenchSizes,
  type LineFigures,
} from "./_line-figures.js";
import { receipted, until } from "./_line-waits.js";
import { startChild, stopChild } from "./_peers.js";
import { cpuOfAll, rssMbOf } from "./_procs.js";
import { Warnings } from "./_warnings.js";

/** Children started at once: each start costs a core about half a second. */
const STARTING = 4;

/** How long the throughput run may take at most (a line of 57 on a loaded machine takes minutes). */
const THROUGHPUT_BOUND_MS = 1_200_000;

/** Messages a station has in flight through its operator API in the throughput run. */
const IN_FLIGHT = 4;

/**
 * Measures one line of `n` participants as processes, from creating its stations to stopping them.
 *
 * @param dir a directory for the stations
 * @param n participants
 * @param sizes how much to send
 * @param progress where to say what runs
 * @returns the figures, and the one-core verify rate on an entry of this line
 */
export async function measureLineOfProcesses(
  dir: string,
  n: number,
  sizes: LineBenchSizes,
  progress: (message: string) => void,
): Promise<{ figures: LineFigures; rawVerify: number }> {
  progress(`line of ${n}: starting ${n} stations (station 0 here, ${n - 1} \`hotline start\` processes)`);
  const warnings = new Warnings();
  const logs = new ChildLogs(warnings);
  // What the stations warned of, and how often a child left the bench's polls unanswered.
  const heard = () => {
    logs.read();
    const polls = unanswered.polls;
    unanswered.polls = 0;
    return polls === 0
      ? warnings.take()
      : `${warnings.take()}; ${polls} polls of a child's API unanswered within 30 s`;
  };
  const children: LineChild[] = [];
  const spawned: ChildProcess[] = [];
  // Should the bench exit without its finally (process.exit on SIGINT), no child outlives it.
  const killAll = () => spawned.forEach((c) => c.kill("SIGKILL"));
  process.once("exit", killAll);
  let first: RunningStation | null = null;
  try {
    first = await startFirst(join(dir, "s0"), n, warnings);
    const station0 = first;
    for (let i = 1; i < n; i += STARTING) {
      const started = await Promise.all(
        Array.from({ length: Math.min(STARTING, n - i) }, (_, k) =>
          startOneChild(join(dir, `s${i + k}`), `Participant ${i + k + 1}`, n, logs, spawned),
        ),
      );
      children.push(...started);
    }
    const pids = children.map((c) => c.child.pid ?? 0);
    const cpuNow = () => cpuOfAll(pids);

    progress(`line of ${n}: pairing and approvals, through the children's operator API`);
    const setupStart = process.hrtime.bigint();
    const line = (await station0.station.createLine({ name: `line-of-${n}`, operator: "admin" })).id;
    await station0.station.setLine({ line, testInterval: busyTestInterval(n), operator: "admin" });
    await buildLineByApi(station0, children, line, (message) => {
      const took = Number(process.hrtime.bigint() - setupStart) / 1e9;
      progress(`line of ${n}: ${message} after ${took.toFixed(1)} s; warnings: ${heard()}`);
    });
    await settledAll(station0, children, line);
    const setupSeconds = Number(process.hrtime.bigint() - setupStart) / 1e9;
    const setupEntries = (await station0.station.store.heads(line)).reduce((sum, h) => sum + h.seq, 0);
    progress(`line of ${n}: set up in ${setupSeconds.toFixed(1)} s (${setupEntries} entries)`);
    progress(`line of ${n}: warnings while setting up: ${heard()}`);

    // Latency: one message at a time from station 0, until every other participant receipted it.
    progress(`line of ${n}: ${sizes.messages} messages from one station to ${n - 1} others`);
    const others = children.map((c) => c.id);
    const latencies: number[] = [];
    for (let i = 0; i < sizes.messages + WARMUP; i++) {
      const start = process.hrtime.bigint();
      const sent = await station0.station.send({ line, text: `latency ${i}`, operator: "admin" });
      await receipted(station0, line, others, sent.seq, 300_000).catch((error: unknown) => {
        for (const id of others)
          progress(`  to ${id.slice(0, 8)}: ${JSON.stringify(station0.outbox.state(id))}`);
        progress(`line of ${n}: warnings: ${heard()}`);
        throw error;
      });
      if (i >= WARMUP) latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    // Said as soon as known: should a later phase fail, the figures so far are in the progress.
    const [p50, p99] = [percentile(latencies, 0.5), percentile(latencies, 0.99)];
    progress(
      `line of ${n}: one message to all, receipted: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`,
    );

    // Idle, at a pace of link tests the line fits on two cores: once every station holds the
    // setting and every link has been tested at that pace, only link tests (and the outbox's
    // comparisons of heads) run.
    const interval = idleTestInterval(n);
    // Every link tested at least once in the window (twice when the pace allows).
    const idleSeconds = Math.max(sizes.idleSeconds, Math.min(2 * interval, interval + 30));
    progress(`line of ${n}: link tests every ${interval} s; idle for ${idleSeconds} s`);
    await station0.station.setLine({ line, testInterval: interval, operator: "admin" });
    await settledAll(station0, children, line);
    const changed = new Date().toISOString();
    // Every link tested at the new pace and up: a link that went down while the line was built
    // (a new link is tested at once: at 57, the last round's 54 joiners start some 3,000 tests
    // together) comes up at its next test, and the changes of health that brings (alarms, history)
    // are not the idle line's work.
    const upSince = (state: { lastTestAt?: string | null; health?: string } | null | undefined) =>
      state?.lastTestAt !== null &&
      state?.lastTestAt !== undefined &&
      state.lastTestAt > changed &&
      state.health === "up";
    await Promise.all([
      until("station 0's links to be tested at the new pace and up", () =>
        Promise.resolve(others.every((p) => upSince(station0.monitor.state(line, p)))),
      ),
      ...children.map((c) =>
        until(
          `${c.name}'s links to be tested at the new pace and up`,
          patient(async () => (await statusAt(c, line)).participants.every((p) => upSince(p))),
          1_000,
        ),
      ),
    ]);
    const idleCpu = cpuNow();
    const idleStart = process.hrtime.bigint();
    await new Promise((r) => setTimeout(r, idleSeconds * 1000)); // the window measured, not a wait for a condition
    const idleSpent = cpuNow();
    const idleWall = Number(process.hrtime.bigint() - idleStart) / 1e9;
    const idleMsPerSecond = (idleSpent.own - idleCpu.own + idleSpent.children - idleCpu.children) / idleWall;
    const childrenRssMb = pids.reduce((sum, pid) => sum + rssMbOf(pid), 0);
    const idleRssMb = process.memoryUsage().rss / MB + childrenRssMb;
    progress(
      `line of ${n}: idle ${idleMsPerSecond.toFixed(1)} ms/s of CPU, ` +
        `${(idleMsPerSecond / (links(n) / interval)).toFixed(2)} ms per link test; RSS ${Math.round(idleRssMb)} MB ` +
        `(${Math.round(childrenRssMb / Math.max(1, pids.length))} MB per child)`,
    );
    progress(`line of ${n}: warnings while idle: ${heard()}`);

    // Throughput (last: at 57 on a loaded machine it can crawl, and the figures above are worth
    // having): every station writes through its operator API, messages one by one, a few in
    // flight (no operator route writes many at once), until every receipt of every entry is in;
    // link tests at the idle window's pace, so that what the line spent idle a second is what it
    // spends beside the traffic (and can be told apart from it).
    const perStation = Math.max(10, Math.ceil(sizes.deliveries / (n * Math.max(1, n - 1))));
    progress(`line of ${n}: every station writes ${perStation} messages through its operator API`);
    const firstApi = runningStation(stationPaths(station0.station.paths.dir));
    if (firstApi === null) throw new Error("station 0's operator API is not reachable");
    // Entries are counted at station 0 once all are receipted (it then holds every one): an API
    // call that timed out may still have written its entry.
    const held = async () => (await station0.station.store.heads(line)).reduce((sum, h) => sum + h.seq, 0);
    const heldBefore = await held();
    let unanswered = 0;
    const cpu = cpuNow();
    const start = process.hrtime.bigint();
    let done = 0;
    const saying = setInterval(
      () => progress(`line of ${n}: ${done} of ${n - 1} children have all their messages receipted`),
      30_000,
    );
    await Promise.all([
      (async () => {
        unanswered += await sendMany(firstApi, line, perStation, 0);
        const last = (await station0.station.store.head(line, station0.station.id))?.seq ?? 0;
        await receipted(station0, line, others, last, THROUGHPUT_BOUND_MS);
      })(),
      ...children.map(async (c, k) => {
        unanswered += await sendMany(c.api, line, perStation, (k + 1) * perStation);
        // Its outbox to every participant empty: each has receipted all it wrote. (A status at a
        // line of 57 is 56 participants' worth of work: asked once a second.)
        let pending = "";
        await until(
          `${c.name}'s messages to be receipted by all`,
          patient(async () => {
            const waiting = (await statusAt(c, line)).participants.filter((p) => p.outbox > 0);
            // What it waits on, should the bound end the wait: each peer's link and delivery.
            pending = waiting
              .map(
                (p) =>
                  `${p.name}: ${p.outbox} (${p.health}${p.connected ? "" : ", not connected"}${p.relay === null ? "" : ", relayed"})`,
              )
              .join(", ");
            return waiting.length === 0;
          }),
          1_000,
          THROUGHPUT_BOUND_MS,
        ).catch((error: unknown) => {
          progress(`line of ${n}: ${c.name} still waits for receipts from ${pending}`);
          throw error;
        });
        done++;
      }),
    ]).finally(() => clearInterval(saying));
    const throughputSeconds = Number(process.hrtime.bigint() - start) / 1e9;
    const spent = cpuNow();
    const written = (await held()) - heldBefore;
    const deliveries = written * (n - 1);
    const benchMs = spent.own - cpu.own;
    const allMs = benchMs + spent.children - cpu.children;
    progress(
      `line of ${n}: ${written} entries (${deliveries} deliveries) in ${throughputSeconds.toFixed(1)} s: ` +
        `${Math.round(deliveries / throughputSeconds)}/s, CPU ${Math.round((allMs * 1000) / deliveries)} µs per delivery ` +
        `(${Math.round(((allMs - idleMsPerSecond * throughputSeconds) * 1000) / deliveries)} µs less the idle line's) ` +
        `(the bench's process ${Math.round((benchMs * 1000) / deliveries)} µs)` +
        (unanswered === 0 ? "" : `; ${unanswered} API calls unanswered within 30 s`),
    );
    progress(`line of ${n}: warnings while sending: ${heard()}`);

    // The ceiling, on an entry of this line once every chain moved since station 0's previous
    // entry (after the throughput run: its `seen` names every other chain, as long as any).
    const sample = ceilingSample(station0.station.identity, await station0.station.write(line, textDraft(0)));
    // A conversation: station 1 writes, and station 0 answers once it holds it (its `seen` names
    // the one head that moved).
    const answerTo = children[0];
    if (answerTo !== undefined) {
      const other = await answerTo.api.call("POST /api/lines/:line/messages", {
        params: { line },
        body: { text: messageText(1) },
      });
      await until(
        `station 0 to hold an entry of ${answerTo.name}`,
        async () => (await station0.station.store.entryByHash(other.hash)) !== null,
      );
    }
    const oneMoved = (await station0.station.write(line, textDraft(2))).bytes.length;

    return {
      figures: {
        participants: n,
        setupSeconds,
        setupEntries,
        latencyP50Ms: p50,
        latencyP99Ms: p99,
        perStation,
        deliveriesPerSecond: deliveries / throughputSeconds,
        throughputSeconds,
        cpuPerDeliveryUs: (allMs * 1000) / deliveries,
        trafficCpuPerDeliveryUs: ((allMs - idleMsPerSecond * throughputSeconds) * 1000) / deliveries,
        benchCpuPerDeliveryUs: (benchMs * 1000) / deliveries,
        idleTestIntervalSeconds: interval,
        idleCpuMsPerSecond: idleMsPerSecond,
        idleCpuPerTestMs: idleMsPerSecond / (links(n) / interval),
        idleRssMb,
        idleRssPerStationMb: childrenRssMb / Math.max(1, pids.length),
        entryBytes: sample.stored,
        entryBytesOneMoved: oneMoved,
      },
      rawVerify: rawVerifyRate(sample.bytes, sample.signature, sample.publicKey, 3_000),
    };
  } finally {
    progress(`line of ${n}: stopping`);
    await Promise.allSettled([...spawned.map((c) => stopChild(c)), first?.stop()]);
    process.off("exit", killAll);
  }
}

/** The settings every station of a line of n gets in its `station.json` (see the file's comment). */
function tune(dir: string, n: number): void {
  const file = stationPaths(dir).config;
  const config = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  config.peerTimeoutMs = peerTimeoutMs(n);
  config.syncIntervalMs = syncIntervalMs(n);
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
}

const loopback = async () => `127.0.0.1:${await freeLoopbackPort()}`;

/** Station 0, in this process, its warnings counted. */
async function startFirst(dir: string, n: number, warnings: Warnings): Promise<RunningStation> {
  for (let attempt = 1; ; attempt++) {
    await initStation({ dir, name: "Participant 1", listen: await loopback(), api: await loopback() });
    tune(dir, n);
    try {
      return await startStation({ dir, logger: pino({ level: "warn" }, warnings) });
    } catch (error) {
      if (attempt === 3 || !String((error as Error).message).includes("EADDRINUSE")) throw error;
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/**
 * Creates a station on loopback ports and starts it as a `hotline start` child. A port found free
 * can be taken by another process before the station binds it (the machine is shared; a line of
 * 57 binds 114 ports): then the station is made again on other ports, twice at most.
 */
async function startOneChild(
  dir: string,
  name: string,
  n: number,
  logs: ChildLogs,
  spawned: ChildProcess[],
): Promise<LineChild> {
  for (let attempt = 1; ; attempt++) {
    await initStation({ dir, name, listen: await loopback(), api: await loopback() });
    tune(dir, n);
    try {
      const child = await startChild(dir, { timeoutMs: 120_000, logTo: logs.add(dir) });
      spawned.push(child);
      const api = runningStation(stationPaths(dir));
      if (api === null) throw new Error(`${name} is not running`);
      const { id } = await api.call("GET /api/whoami");
      return { name, dir, child, api, id };
    } catch (error) {
      if (attempt === 3) throw error;
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/**
 * Sends `count` messages through a station's operator API, {@link IN_FLIGHT} at a time. A call the
 * station did not answer within the API client's 30 s is counted, not retried (it may have been
 * written): a station sharing two cores with 56 others, each pushing to all, can be that slow.
 *
 * @param api the station's operator API
 * @param line the line id
 * @param count messages
 * @param from the first message's number
 * @returns how many calls went unanswered
 */
async function sendMany(api: ApiClient, line: string, count: number, from: number): Promise<number> {
  let next = 0;
  let unanswered = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < count) {
        const i = next++;
        try {
          await api.call("POST /api/lines/:line/messages", {
            params: { line },
            body: { text: messageText(from + i) },
          });
        } catch (error) {
          if (!(error instanceof HotlineError && error.message.includes("no answer within"))) throw error;
          unanswered++;
        }
      }
    }),
  );
  return unanswered;
}

/** Resolves once every station holds as many entries of the line as station 0 (the same heads). */
async function settledAll(
  first: RunningStation,
  children: readonly LineChild[],
  line: string,
): Promise<void> {
  const held = async () => (await first.station.store.lines()).find((l) => l.id === line)?.entries ?? -1;
  await Promise.all(
    children.map((c) =>
      until(
        `${c.name} to hold the whole line`,
        patient(async () => (await lineAt(c, line)).entries === (await held())),
        pollMs(children.length + 1),
      ),
    ),
  );
}

/**
 * The children's logs, each a file (see startChild), read after each phase: their warnings (pino
 * JSON lines of level warn and above; Node's process warnings on stderr, a slow store transaction
 * for one) are counted with station 0's, anything else on stderr is passed on.
 */
class ChildLogs {
  readonly #warnings: Warnings;
  /** each log file, and how far it was read */
  readonly #files = new Map<string, { name: string; read: number }>();

  constructor(warnings: Warnings) {
    this.#warnings = warnings;
  }

  /**
   * @param dir a child's station directory
   * @returns the file its output goes to
   */
  add(dir: string): string {
    const file = join(dir, "output.log");
    this.#files.set(file, { name: basename(dir), read: 0 });
    return file;
  }

  /** Reads what each file gained since the last read. */
  read(): void {
    for (const [file, at] of this.#files) {
      let text: string;
      try {
        const bytes = readFileSync(file);
        text = bytes.subarray(at.read, bytes.lastIndexOf(0x0a) + 1).toString("utf8");
        at.read += Buffer.byteLength(text);
      } catch {
        continue; // not made yet, or the station made again
      }
      for (const line of text.split("\n")) this.#heard(at.name, line);
    }
  }

  #heard(name: string, line: string): void {
    if (line === "" || line.startsWith("(Use `node --trace-warnings") || line.startsWith("Station ")) return;
    if (line.startsWith("{")) {
      // pino's levels: 40 warn, 50 error, 60 fatal.
      if (/"level":[456]\d/.test(line)) this.#warnings.write(line);
      return;
    }
    const warning = /^\(node:\d+\) (.*Warning: .*)$/.exec(line)?.[1];
    if (warning !== undefined) this.#warnings.write(JSON.stringify({ msg: warning }));
    else process.stderr.write(`${name}: ${line}\n`);
  }
}
