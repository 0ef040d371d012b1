/**
 * A line of N participants, its stations run as processes (the default: station 0 in this process,
 * stations 1..N−1 each a `hotline start` child, see _line-procs.ts) or all in this one process
 * (`--line-in-process`, for profiling: one --cpu-prof sees every station). In this process, each
 * station runs as under `hotline start` (`startStation`: its peer port on loopback with mutual
 * TLS, its outbox, its link monitor). Either way the stations are paired on one line by real
 * invites in rounds (1, 1, then all the rest), each round's stations approved by every participant
 * already there in one entry each (see _line-build.ts: O(N) entries). For each size of line it
 * measures:
 *
 *  - setup: pairing and approvals, its time and its entries (rows: both should grow linearly);
 *  - one message from station 0 until every other participant's signed receipt of it is stored at
 *    station 0, p50 and p99 over messages sent one at a time;
 *  - every station writing as fast as it can: entries delivered per second line-wide (an entry
 *    times a participant that receives it), until every receipt is in;
 *  - the CPU time of every process of the line per delivered entry;
 *  - idle: CPU and RSS of every process while the line only runs its link tests (in this process
 *    at the default 5 s; as processes every max(5 s, N (N − 1) / 25 s), see idleTestInterval), and the
 *    CPU per link test, which should stay flat (while the line is built and carries traffic the
 *    tests run slower: see {@link BUSY_TEST_INTERVAL}).
 *
 * The stations share the machine's two cores, so a figure is the whole line's cost, not one
 * station's; convergence is awaited by condition (receipts stored, heads equal everywhere, links
 * tested), never by sleeping. The stations' warnings are counted by kind and printed with the
 * progress: they say what a phase waited on.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import pino from "pino";
import { startStation, type RunningStation } from "../src/cli/mod.js";
import type { PeerClient } from "../src/peer/mod.js";
import { DEFAULT_SETTINGS, freeLoopbackPort, initStation } from "../src/station/mod.js";
import { buildLine } from "./_line-build.js";
import { ceilingSample, rawVerifyRate } from "./_ceilings.js";
import { textDraft, textDrafts } from "./_fixture.js";
import { receipted, settled, until } from "./_line-waits.js";
import { compared, plain, timed, type Row } from "./_table.js";
import { Warnings } from "./_warnings.js";
import {
  BUSY_TEST_INTERVAL,
  MB,
  SYNC_INTERVAL_MS,
  WARMUP,
  idlePerStationAt5s,
  links,
  peerTimeoutMs,
  percentile,
  type LineBenchSizes,
  type LineFigures,
  type LineMode,
} from "./_line-figures.js";
import { measureLineOfProcesses } from "./_line-procs.js";

export type { LineBenchSizes, LineFigures, LineMode } from "./_line-figures.js";

/** Connections a station's peer port takes in all (default 256), for a line of up to 64 in one process. */
const PEER_CONNECTIONS = 2_048;

/**
 * Runs the line bench at each size, smallest first.
 *
 * @param root a directory for the stations (one subdirectory per size)
 * @param sizes sizes of line and how much to send
 * @param rawVerify the one-core Ed25519 verify rate measured in this run (0: measure it here)
 * @param progress where to say what runs
 * @param mode the stations as processes (station 0 here, the others `hotline start` children;
 *   the default) or all in this process (`--line-in-process`, for profiling with --cpu-prof)
 * @returns rows (one per figure and size), notes, and the figures
 */
export async function lineBench(
  root: string,
  sizes: LineBenchSizes,
  rawVerify: number,
  progress: (message: string) => void,
  mode: LineMode = "processes",
): Promise<{ rows: Row[]; notes: Record<string, number>; figures: LineFigures[] }> {
  const figures: LineFigures[] = [];
  let verifyRate = rawVerify;
  const measure = mode === "processes" ? measureLineOfProcesses : measureLine;
  for (const n of [...sizes.sizes].sort((a, b) => a - b)) {
    const measured = await measure(join(root, `line-${n}`), n, sizes, progress);
    if (rawVerify === 0) verifyRate = Math.max(verifyRate, measured.rawVerify);
    figures.push(measured.figures);
  }
  const notes = { ...lineNotes(figures), lineRawVerifiesPerSecond: verifyRate };
  return { rows: lineRows(figures), notes, figures };
}

/**
 * The rows: each figure at each size, one row per size. Where the figure should stay flat or grow
 * linearly with the participants, its ceiling is the smallest line's figure grown that way, so the
 * ratio column shows how much faster than linear it grows.
 *
 * @param figures what each size measured, smallest first
 * @returns the rows
 */
export function lineRows(figures: readonly LineFigures[]): Row[] {
  const base = figures[0];
  if (base === undefined) return [];
  const rows: Row[] = [];
  const each = (make: (f: LineFigures) => Row) => rows.push(...figures.map(make));
  // Building the line: O(N) entries (see _line-build.ts), compared with the smallest line's grown
  // linearly in N.
  const grown = (f: LineFigures, value: number) => (value * f.participants) / base.participants;
  each((f) =>
    timed(`line of ${f.participants}: setup, entries`, f.setupEntries, "", grown(f, base.setupEntries), {
      atMost: 1.5,
      of: "ratio",
    }),
  );
  // Its time, though, is every station's work on this one machine: each of its entries reaches
  // every participant, so what the machine does grows with the setup's deliveries, entries × (N − 1)
  // — O(N²) here, O(N) for each station on a machine of its own.
  const delivered = (f: LineFigures) => f.setupEntries * Math.max(1, f.participants - 1);
  each((f) =>
    timed(
      `line of ${f.participants}: setup, time`,
      f.setupSeconds,
      "s",
      (base.setupSeconds * delivered(f)) / delivered(base),
      { atMost: 1.5, of: "ratio" },
    ),
  );
  // One message to N-1 others: N-1 pushes and receipts, so linear in N-1 at best.
  const linear = (f: LineFigures, value: number) => (value * (f.participants - 1)) / (base.participants - 1);
  each((f) =>
    timed(
      `line of ${f.participants}: one message to all, receipted, p50`,
      f.latencyP50Ms,
      "ms",
      linear(f, base.latencyP50Ms),
      {
        atMost: 1,
        of: "ratio",
      },
    ),
  );
  each((f) =>
    timed(
      `line of ${f.participants}: one message to all, receipted, p99`,
      f.latencyP99Ms,
      "ms",
      linear(f, base.latencyP99Ms),
      {
        atMost: 1,
        of: "ratio",
      },
    ),
  );
  // A delivery costs each receiver the same whatever the line's size (seen as a delta, receipts
  // naming the chains pushed: O(1) per receiver), so the line's deliveries a second and the CPU
  // of one stay flat: the ceiling is the smallest line's. (Against the crypto alone — one verify
  // a delivery — the single-pair rows measure; here each message is also an operator API call,
  // an audit row and a durable commit: the raw verify rate is in the notes.)
  each((f) =>
    compared(
      `line of ${f.participants}: every station sending, delivered+receipted`,
      f.deliveriesPerSecond,
      base.deliveriesPerSecond,
      1 / 1.5,
    ),
  );
  each((f) =>
    timed(
      `line of ${f.participants}: CPU per delivered entry`,
      f.cpuPerDeliveryUs,
      "µs",
      base.cpuPerDeliveryUs,
      {
        atMost: 1.5,
        of: "ratio",
      },
    ),
  );
  // The same less what the line spends idle over the run's time (its link tests at the same pace,
  // every process's timers): what the traffic itself costs, which is what grows with the entries.
  const traffic = figures.filter((f) => f.trafficCpuPerDeliveryUs !== undefined);
  const trafficBase = traffic[0]?.trafficCpuPerDeliveryUs;
  for (const f of traffic) {
    if (f.trafficCpuPerDeliveryUs === undefined || trafficBase === undefined) continue;
    rows.push(
      timed(
        `line of ${f.participants}: CPU per delivered entry, less the idle line's`,
        f.trafficCpuPerDeliveryUs,
        "µs",
        trafficBase,
        { atMost: 1.5, of: "ratio" },
      ),
    );
  }
  // Idle, every pair of participants is tested (that every link is known to work is the point of
  // a line): N (N−1) tests per interval line-wide. Each test should cost the same whatever the
  // line's size, so the ceiling of the cost per test is the smallest line's (the rest of an idle
  // process's cost, its timers, is spread over its tests: small lines pay more per test).
  each((f) =>
    timed(
      `line of ${f.participants}: idle CPU per link test (every ${f.idleTestIntervalSeconds} s)`,
      f.idleCpuPerTestMs,
      "ms",
      base.idleCpuPerTestMs,
      { atMost: 1.5, of: "ratio" },
    ),
  );
  each((f) =>
    plain(
      `line of ${f.participants}: idle CPU, whole line (tests every ${f.idleTestIntervalSeconds} s)`,
      f.idleCpuMsPerSecond,
      "ms/s",
    ),
  );
  // What that makes one station on a machine of its own, at the default 5 s: see idlePerStationAt5s.
  each((f) =>
    plain(
      `line of ${f.participants}: idle CPU of one station at 5 s (from per test)`,
      idlePerStationAt5s(f),
      "ms/s",
    ),
  );
  each((f) => plain(`line of ${f.participants}: idle RSS, every process`, f.idleRssMb, "MB"));
  each((f) => plain(`line of ${f.participants}: idle RSS per station`, f.idleRssPerStationMb, "MB"));
  return rows;
}

function lineNotes(figures: readonly LineFigures[]): Record<string, number> {
  const notes: Record<string, number> = {};
  for (const f of figures) {
    notes[`line${f.participants}SetupSeconds`] = f.setupSeconds;
    notes[`line${f.participants}SetupEntries`] = f.setupEntries;
    notes[`line${f.participants}ThroughputSeconds`] = f.throughputSeconds;
    notes[`line${f.participants}EntriesPerStation`] = f.perStation;
    notes[`line${f.participants}EntryBytes`] = f.entryBytes;
    notes[`line${f.participants}EntryBytesOneMoved`] = f.entryBytesOneMoved;
    // What one tested link costs, idle (both its ends, CPU µs per second): flat if tests are O(1).
    notes[`line${f.participants}IdleCpuUsPerLink`] = (f.idleCpuMsPerSecond * 1000) / links(f.participants);
    notes[`line${f.participants}IdleTestIntervalSeconds`] = f.idleTestIntervalSeconds;
    notes[`line${f.participants}BenchCpuPerDeliveryUs`] = f.benchCpuPerDeliveryUs;
  }
  notes.linePeakRssMb = (process.resourceUsage().maxRSS * 1024) / MB;
  return notes;
}

/** Measures one line of `n` participants, from creating its stations to stopping them. */
async function measureLine(
  dir: string,
  n: number,
  sizes: LineBenchSizes,
  progress: (message: string) => void,
): Promise<{ figures: LineFigures; rawVerify: number }> {
  progress(`line of ${n}: starting ${n} stations`);
  const stations: RunningStation[] = [];
  const clients: PeerClient[] = [];
  try {
    const warnings = new Warnings();
    for (let i = 0; i < n; i++)
      stations.push(await startOne(join(dir, `s${i}`), `Participant ${i + 1}`, warnings, n));
    const [first] = stations;
    if (first === undefined) throw new Error("a line needs at least one station");

    progress(`line of ${n}: pairing and approvals`);
    const setupStart = process.hrtime.bigint();
    const line = (await first.station.createLine({ name: `line-of-${n}`, operator: "admin" })).id;
    // Link tests at a slow pace while the line is built and carries traffic (see BUSY_TEST_INTERVAL).
    await first.station.setLine({ line, testInterval: BUSY_TEST_INTERVAL, operator: "admin" });
    clients.push(
      ...(await buildLine(stations, line, (message) => {
        const took = Number(process.hrtime.bigint() - setupStart) / 1e9;
        progress(`line of ${n}: ${message} after ${took.toFixed(1)} s; warnings: ${warnings.take()}`);
      })),
    );
    await settled(stations, line);
    const setupSeconds = Number(process.hrtime.bigint() - setupStart) / 1e9;
    const setupEntries = (await first.station.store.heads(line)).reduce((sum, h) => sum + h.seq, 0);
    progress(`line of ${n}: set up in ${setupSeconds.toFixed(1)} s (${setupEntries} entries)`);
    progress(`line of ${n}: warnings while setting up: ${warnings.take()}`);

    // Latency: one message at a time from station 0, until every other participant receipted it.
    progress(`line of ${n}: ${sizes.messages} messages from one station to ${n - 1} others`);
    const others = stations.slice(1).map((s) => s.station.id);
    const latencies: number[] = [];
    for (let i = 0; i < sizes.messages + WARMUP; i++) {
      const start = process.hrtime.bigint();
      const sent = await first.station.send({ line, text: `latency ${i}`, operator: "admin" });
      // Patient: on a big line in one process on a loaded machine a receipt can take a minute.
      await receipted(first, line, others, sent.seq, 300_000).catch((error: unknown) => {
        // What station 0's delivery to each peer was doing (backing off after what refusal).
        for (const id of others)
          progress(`  to ${id.slice(0, 8)}: ${JSON.stringify(first.outbox.state(id))}`);
        progress(`line of ${n}: warnings: ${warnings.take()}`);
        throw error;
      });
      if (i >= WARMUP) latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
    }

    // Throughput: every station writes as fast as it can, until every receipt of every entry is in.
    const perStation = Math.max(10, Math.ceil(sizes.deliveries / (n * Math.max(1, n - 1))));
    progress(`line of ${n}: every station writes ${perStation} entries`);
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    await Promise.all(
      stations.map(async (s, k) => {
        const me = s.station;
        for (let held = 0; held < perStation; held += 100) {
          await me.writeMany(line, textDrafts(Math.min(100, perStation - held), k * perStation + held));
          await new Promise((r) => setImmediate(r)); // let the outboxes push while writing goes on
        }
        const last = (await me.store.head(line, me.id))?.seq ?? 0;
        const peers = stations.filter((p) => p !== s).map((p) => p.station.id);
        await receipted(s, line, peers, last, 600_000);
      }),
    );
    const throughputSeconds = Number(process.hrtime.bigint() - start) / 1e9;
    const spent = process.cpuUsage(cpu);
    progress(`line of ${n}: warnings while sending: ${warnings.take()}`);
    const deliveries = perStation * n * (n - 1);

    // The ceiling, on an entry of this line (its `seen` names every other chain: as long as any).
    const sample = ceilingSample(first.station.identity, await first.station.write(line, textDraft(0)));
    // A conversation: one other station writes, and station 0 answers once it holds it (its
    // `seen` names the one head that moved).
    const answerTo = (stations[1] ?? first).station;
    const other = await answerTo.write(line, textDraft(1));
    await until(
      `station 0 to hold an entry of ${answerTo.config.name}`,
      async () => (await first.station.store.entryByHash(other.hash)) !== null,
    );
    const oneMoved = (await first.station.write(line, textDraft(2))).bytes.length;
    // Idle, at the default pace of link tests: once every station holds the setting and every
    // link has been tested at that pace, only link tests (and the outbox's comparisons) run.
    progress(
      `line of ${n}: link tests every ${DEFAULT_SETTINGS.testInterval} s; idle for ${sizes.idleSeconds} s`,
    );
    await first.station.setLine({ line, testInterval: DEFAULT_SETTINGS.testInterval, operator: "admin" });
    await settled(stations, line);
    const changed = new Date().toISOString();
    await until("every link to be tested at the default pace", () =>
      Promise.resolve(
        stations.every((s) =>
          stations.every((p) => {
            if (p === s) return true;
            const tested = s.monitor.state(line, p.station.id)?.lastTestAt ?? null;
            return tested !== null && tested > changed;
          }),
        ),
      ),
    );
    const idleCpu = process.cpuUsage();
    const idleStart = process.hrtime.bigint();
    await new Promise((r) => setTimeout(r, sizes.idleSeconds * 1000)); // the window measured, not a wait for a condition
    const idleSpent = process.cpuUsage(idleCpu);
    const idleWall = Number(process.hrtime.bigint() - idleStart) / 1e9;
    const idleMsPerSecond = (idleSpent.user + idleSpent.system) / 1000 / idleWall;
    const idleRssMb = process.memoryUsage().rss / MB;
    progress(`line of ${n}: warnings while idle: ${warnings.take()}`);

    return {
      figures: {
        participants: n,
        setupSeconds,
        setupEntries,
        latencyP50Ms: percentile(latencies, 0.5),
        latencyP99Ms: percentile(latencies, 0.99),
        perStation,
        deliveriesPerSecond: deliveries / throughputSeconds,
        throughputSeconds,
        cpuPerDeliveryUs: (spent.user + spent.system) / deliveries,
        benchCpuPerDeliveryUs: (spent.user + spent.system) / deliveries,
        idleTestIntervalSeconds: DEFAULT_SETTINGS.testInterval,
        idleCpuMsPerSecond: idleMsPerSecond,
        idleCpuPerTestMs: idleMsPerSecond / (links(n) / DEFAULT_SETTINGS.testInterval),
        idleRssMb,
        idleRssPerStationMb: idleRssMb / n,
        entryBytes: sample.stored,
        entryBytesOneMoved: oneMoved,
      },
      rawVerify: rawVerifyRate(sample.bytes, sample.signature, sample.publicKey, 3_000),
    };
  } finally {
    progress(`line of ${n}: stopping`);
    await Promise.allSettled(stations.map((s) => s.stop()));
    for (const c of clients) c.close();
  }
}

/**
 * Creates and starts one station on loopback ports. A port found free can be taken by another
 * process before the station binds it (the machine is shared; a line of 57 binds 114 ports): then
 * the station is made again on other ports, twice at most.
 */
async function startOne(dir: string, name: string, warnings: Warnings, n: number): Promise<RunningStation> {
  const loopback = async () => `127.0.0.1:${await freeLoopbackPort()}`;
  for (let attempt = 1; ; attempt++) {
    await initStation({ dir, name, listen: await loopback(), api: await loopback() });
    try {
      return await startStation({
        dir,
        logger: pino({ level: "warn" }, warnings),
        outbox: { syncIntervalMs: SYNC_INTERVAL_MS },
        // Every station's work waits on this one event loop: a burst of N (N-1) pushes delays each
        // answer by the whole line's work, past a timeout meant for one station per machine, and a
        // timeout is a failure that costs more work (a new connection, a relay, a resend). So the
        // stations wait for answers in proportion to N (5 s up to 10 stations, 28.5 s at 57).
        peerClient: { timeoutMs: peerTimeoutMs(n) },
        links: { timeoutMs: peerTimeoutMs(n) },
        // Every peer's transport keeps sockets to every other (up to 4 per agent): at 32 and more,
        // station 0 alone would pass the default 256 connections in all (see docs/performance.md).
        peer: { connections: { perCertificate: 16, total: PEER_CONNECTIONS } },
      });
    } catch (error) {
      if (attempt === 3 || !String((error as Error).message).includes("EADDRINUSE")) throw error;
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
