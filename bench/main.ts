/**
 * The benchmark: writing and verifying the record, each figure printed beside its ceiling measured
 * in the same run (raw Ed25519 with parsed keys, a bare durable SQLite insert) and the ratio; then
 * station to station, and lines of many participants (a process per station).
 *
 * Options: see {@link USAGE} (`npm run bench -- --help`). Progress goes to stderr, the table (or
 * the JSON) to stdout.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Station } from "../src/station/mod.js";
import {
  ceilingSample,
  durableBatchInsertRate,
  durableInsertRate,
  rawSignRate,
  rawVerifyRate,
} from "./_ceilings.js";
import { benchStation, messageText, tempRoot, textDraft, textDrafts } from "./_fixture.js";
import { idleBench } from "./_idle.js";
import { lineBench } from "./_line.js";
import { bestOfAsync, opsPerSecondAsync, secondsAsync } from "./_measure.js";
import { peerBench } from "./_peers.js";
import { routeBench } from "./_routes.js";
import { detectBench } from "./_detect.js";
import { conflictBench } from "./_conflicts.js";
import { engineBench } from "./_engines.js";
import { compared, renderTable, timed, type Row } from "./_table.js";
import { verifyRate } from "./_verify.js";

const USAGE = `usage: npm run bench -- [options]

  --quick               a shorter run: a 10k-entry record instead of 100k, fewer messages,
                        lines of 2, 4 and 8 participants
  --json                print the results as JSON instead of the table
  --line-sizes LIST     participants of each line in the many-station bench, comma-separated,
                        each 2..64 (default 2,8,57; with --quick 2,4,8); "none" skips it
  --line-only           run only the many-station line bench (the same as --only line)
  --line-in-process     run the line's stations all in the bench's process (to profile them
                        with --cpu-prof); by default station 0 runs in the bench's process and
                        every other is a \`hotline start\` process of its own
  --only LIST           run only these groups, comma-separated: write, verify, conflicts,
                        peers, routes, detect (time to detect a dead peer, 20 trials idle
                        and 20 loaded), idle, line, pg (the record on SQLite and on
                        PostgreSQL side by side, and the failover of an active/standby
                        pair on each; skipped, saying so, when PostgreSQL is not
                        installed) (default all)
  -h, --help            print this and exit

Progress goes to stderr, the table (or the JSON) to stdout.`;

function options() {
  try {
    return parseArgs({
      options: {
        quick: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        "line-sizes": { type: "string" },
        "line-only": { type: "boolean", default: false },
        "line-in-process": { type: "boolean", default: false },
        only: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
}

/**
 * @param text the --line-sizes option
 * @param quick whether this is a quick run
 * @returns the sizes of line to measure (none: an empty list)
 */
function lineSizes(text: string | undefined, quick: boolean): number[] {
  if (text === undefined) return quick ? [2, 4, 8] : [2, 8, 57];
  if (text.trim() === "none") return [];
  const sizes = text.split(",").map((part) => Number(part.trim()));
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 2 || n > 64)) {
    process.stderr.write(
      `bench: --line-sizes takes participants per line, comma-separated, each 2..64 (a line's most); got '${text}'\n\n${USAGE}\n`,
    );
    process.exit(2);
  }
  return [...new Set(sizes)].sort((a, b) => a - b);
}

const GROUPS = ["write", "verify", "conflicts", "peers", "routes", "detect", "idle", "line", "pg"] as const;

/**
 * @param text the --only option
 * @param lineOnly the --line-only option
 * @returns the groups to run
 */
function groups(text: string | undefined, lineOnly: boolean): Set<string> {
  if (lineOnly) return new Set(["line"]);
  if (text === undefined) return new Set(GROUPS);
  const chosen = text.split(",").map((part) => part.trim());
  const unknown = chosen.filter((g) => !(GROUPS as readonly string[]).includes(g));
  if (unknown.length > 0 || chosen.length === 0) {
    process.stderr.write(
      `bench: --only takes groups among ${GROUPS.join(", ")}; got '${text}'\n\n${USAGE}\n`,
    );
    process.exit(2);
  }
  return new Set(chosen);
}

const values = options();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const quick = values.quick;
const size = {
  /** single-entry writes per round */
  sends: quick ? 200 : 600,
  /** batches of 100 per round */
  batches: quick ? 10 : 20,
  /** entries in the record that is verified */
  record: quick ? 10_000 : 100_000,
  /** operations per raw-crypto ceiling */
  rawOps: 3_000,
  /** rounds of each verify run (the best counts) */
  verifyRounds: 2,
  /** single-entry writes on the line holding the verified record */
  bigLineSends: 50,
  /** rounds of the write measurements; the best round counts, for measured and ceiling alike */
  rounds: quick ? 2 : 3,
  /** station to station: messages timed, entries of the throughput run, entries caught up */
  peers: {
    latency: quick ? 500 : 2_000,
    throughput: quick ? 5_000 : 20_000,
    catchUp: 10_000,
    detectTrials: quick ? 5 : 20,
  },
  /** routes under faults: blackhole trials, entries per throughput run */
  routes: { failoverTrials: quick ? 3 : 10, entries: quick ? 2_000 : 10_000 },
  /** lines of many participants (as processes, or all in this process: --line-in-process) */
  line: {
    sizes: lineSizes(values["line-sizes"], quick),
    messages: quick ? 50 : 200,
    deliveries: quick ? 10_000 : 60_000,
    // whole periods of both cadences of an idle line: link tests (5 s) and heads comparisons (10 s)
    idleSeconds: quick ? 10 : 20,
  },
  /** kill -9 trials of the time to detect a dead peer, idle and again loaded */
  detectTrials: quick ? 10 : 20,
  /** kill -9 trials of the station failover (an active/standby pair), on each engine */
  failoverTrials: quick ? 1 : 3,
  /** an idle station on 4 lines: seconds measured (the issue asks a minute) */
  idle: { seconds: quick ? 20 : 60 },
};
/** how the line bench runs its stations */
const lineMode = values["line-in-process"] ? "in-process" : "processes";
const chosen = groups(values.only, values["line-only"]);
const want = (group: (typeof GROUPS)[number]) => chosen.has(group);
const lineOnly = !GROUPS.some((g) => g !== "line" && want(g));
const cores = availableParallelism();
/** verify's worker threads: one per core but one, the main thread taking its share (its default) */
const workerThreads = Math.max(1, cores - 1);
const MB = 1024 * 1024;
const loadAtStart = loadavg()[0] ?? 0;

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

const root = tempRoot();
process.once("SIGINT", () => {
  root.remove();
  process.exit(130);
});
const rows: Row[] = [];
const notes: Record<string, number> = {};
const opened: Station[] = [];
/** why the PostgreSQL rows are missing, when they are */
let pgSkipped = null as string | null;
try {
  if (!lineOnly) await recordAndPeers();
  // Lines of many participants, as processes (or all in this one): how the cost grows with N.
  if (want("line") && size.line.sizes.length > 0) {
    const lines = await lineBench(
      join(root.path, "lines"),
      size.line,
      notes.rawVerifiesPerSecond ?? 0,
      progress,
      lineMode,
    );
    rows.push(...lines.rows);
    Object.assign(notes, lines.notes);
  }
} finally {
  for (const station of opened) await station.close();
  root.remove();
}

/** The record (writing, verifying), conflicts, station to station, an idle station: rows and notes. */
async function recordAndPeers(): Promise<void> {
  // The ceilings' sample: a real entry of a fresh station with one line.
  const a = await benchStation(join(root.path, "alpha"), "Alpha");
  opened.push(a.station);
  const sample = ceilingSample(a.station.identity, await a.station.write(a.line, textDraft(0)));
  let next = 1;
  let signRate = 0;
  let verifyCeiling = 0;
  const rawSign = () =>
    (signRate = Math.max(signRate, rawSignRate(sample.bytes, sample.privateKey, size.rawOps)));
  const rawVerify = () =>
    (verifyCeiling = Math.max(
      verifyCeiling,
      rawVerifyRate(sample.bytes, sample.signature, sample.publicKey, size.rawOps),
    ));
  let insertRate = 0;
  let batchInsertRate = 0;
  let oneCeiling = 0;

  if (want("write")) {
    progress(`sign+append, one transaction each: ${size.rounds} rounds of ${size.sends}`);
    const oneEach = await bestOfAsync(size.rounds, async (round) => {
      const dir = join(root.path, `ceiling-${round}`);
      mkdirSync(dir);
      const inserts = durableInsertRate(dir, sample.stored, size.sends);
      const signs = rawSign();
      insertRate = Math.max(insertRate, inserts);
      oneCeiling = Math.max(oneCeiling, 1 / (1 / inserts + 1 / signs));
      const send = async () => {
        await a.station.send({ line: a.line, text: messageText(next++), operator: "admin" });
      };
      return opsPerSecondAsync(size.sends, send, 20);
    });
    rows.push(compared("sign+append, one transaction each", oneEach, oneCeiling, 0.8));

    progress(`sign+append, batches of 100: ${size.rounds} rounds of ${size.batches} batches`);
    const batched = await bestOfAsync(size.rounds, async (round) => {
      const dir = join(root.path, `batch-ceiling-${round}`);
      mkdirSync(dir);
      batchInsertRate = Math.max(
        batchInsertRate,
        durableBatchInsertRate(dir, sample.stored, size.batches, 100),
      );
      rawSign();
      const batch = async () => {
        await a.station.writeMany(a.line, textDrafts(100, next));
        next += 100;
      };
      return opsPerSecondAsync(size.batches, batch, 2).then((rate) => rate * 100);
    });
    rawSign();
    // The ceiling: signing each entry and inserting the same bytes, 100 to a durable transaction.
    const batchCeiling = 1 / (1 / signRate + 1 / batchInsertRate);
    rows.push(compared("sign+append, batches of 100", batched, batchCeiling, 0.8));
  }

  const record = quick ? "10k" : "100k";
  if (want("verify")) {
    // Verifying, on a second station that holds only the record to verify.
    const b = await benchStation(join(root.path, "bravo"), "Bravo");
    opened.push(b.station);
    progress(`building a ${size.record.toLocaleString("en-US")}-entry record`);
    notes.recordBuildSeconds = (
      await secondsAsync(async () => {
        // The genesis, then texts in batches of 1000.
        for (let held = 1; held < size.record;) {
          const k = Math.min(1000, size.record - held);
          await b.station.writeMany(b.line, textDrafts(k, held));
          held += k;
        }
      })
    ).seconds;

    progress("warming up verify on the first station's record");
    const warm = await a.station.store.countEntries();
    await verifyRate(a.station, 0, warm);
    await verifyRate(a.station, workerThreads, warm);

    rawVerify();
    let single = 0;
    let parallel = 0;
    for (let round = 1; round <= size.verifyRounds; round++) {
      progress(`verify, 1 core: ${size.record.toLocaleString("en-US")} entries (round ${round})`);
      single = Math.max(single, await verifyRate(b.station, 0, size.record));
      progress(`verify, ${cores} cores: main thread + ${workerThreads} worker (round ${round})`);
      parallel = Math.max(parallel, await verifyRate(b.station, workerThreads, size.record));
      rawVerify();
    }
    rows.push(compared(`verify ${record}-entry record, 1 core`, single, verifyCeiling, 0.9));
    rows.push(
      compared(
        `verify ${record}-entry record, ${cores} cores (main thread + ${workerThreads} worker)`,
        parallel,
        verifyCeiling,
        1.8,
        "times",
      ),
    );
    // Memory: `verify` in a process of its own, beside that process's RSS once the station is open.
    progress(`verify in a process of its own: ${size.record.toLocaleString("en-US")} entries, RSS`);
    const alone = verifyInChild(b.station.paths.dir, workerThreads);
    rows.push(
      timed(`RSS of a process verifying the ${record}-entry record`, alone.maxRssMb, "MB", alone.openRssMb, {
        atMost: 150,
        of: "value",
      }),
    );
    notes.verifyChildSeconds = alone.seconds;
    // The bench's own RSS (every station it built): a note, not a row (no ceiling, no target).
    notes.benchRssAfterVerifyMb = process.memoryUsage().rss / MB;

    if (want("write")) {
      // Not a required row: the same single writes, on the line that now holds the whole record,
      // to show what a write costs once a standing line has grown.
      progress(`sign+append, one transaction each, on the ${record}-entry line: ${size.bigLineSends}`);
      const send = async () => {
        await b.station.send({ line: b.line, text: messageText(next++), operator: "admin" });
      };
      const onBigLine = await opsPerSecondAsync(size.bigLineSends, send, 5);
      rows.splice(
        1,
        0,
        compared(`sign+append, one each, on a ${record}-entry line`, onBigLine, oneCeiling, 0.8),
      );
    }
  }
  if (want("conflicts")) {
    // Conflicts: 100,000 stored volumes (20,000 with --quick), one new notification checked.
    progress("conflicts");
    rows.push(...conflictBench(quick ? 20_000 : 100_000, quick ? 200 : 1_000));
  }
  if (want("peers")) {
    // Station to station: two stations (one a child process), mutual TLS on loopback.
    const peers = await peerBench(join(root.path, "peers"), size.peers, rawVerify(), progress);
    rows.push(...peers.rows);
    Object.assign(notes, peers.notes);
  }
  if (want("routes")) {
    // Routes under faults: failover through a blackhole, throughput through loss and latency.
    const routes = await routeBench(join(root.path, "routes"), size.routes, progress);
    rows.push(...routes.rows);
    Object.assign(notes, routes.notes);
  }
  if (want("detect")) {
    // Time to detect a dead peer, idle and with both cores loaded.
    const detect = await detectBench(join(root.path, "detect"), size.detectTrials, progress);
    rows.push(...detect.rows);
    Object.assign(notes, detect.notes);
  }
  if (want("idle")) {
    // An idle station on 4 lines, a process of its own: RSS and CPU per idle hour.
    const idle = await idleBench(
      join(root.path, "idle"),
      size.idle,
      { sign: rawSign(), verify: rawVerify() },
      progress,
    );
    rows.push(...idle.rows);
    Object.assign(notes, idle.notes);
  }

  if (want("pg")) {
    // The record on SQLite and on PostgreSQL, side by side, at the same sizes.
    const engines = await engineBench(
      join(root.path, "engines"),
      {
        sends: size.sends,
        batches: size.batches,
        rounds: size.rounds,
        throughput: size.peers.throughput,
        catchUp: size.peers.catchUp,
        failoverTrials: size.failoverTrials,
      },
      { sample, sign: rawSign, verify: rawVerify() },
      progress,
    );
    rows.push(...engines.rows);
    Object.assign(notes, engines.notes);
    pgSkipped = engines.skipped;
  }

  Object.assign(notes, {
    rawSignsPerSecond: signRate,
    durableInsertsPerSecond: insertRate,
    durableBatchInsertsPerSecond: batchInsertRate,
    rawVerifiesPerSecond: verifyCeiling,
    signingBytes: sample.bytes.length,
    entryBytes: sample.stored,
  });
}

/** Runs `verify` on a station's directory in a child process (see _verify-child.ts). */
function verifyInChild(dir: string, workers: number) {
  const child = spawnSync(
    process.execPath,
    [join(import.meta.dirname, "_verify-child.js"), dir, String(workers)],
    { encoding: "utf8" },
  );
  if (child.status !== 0) throw new Error(`verify in a child process failed: ${child.stderr}`);
  const result = JSON.parse(child.stdout) as {
    entries: number;
    ok: boolean;
    seconds: number;
    openRssMb: number;
    maxRssMb: number;
  };
  if (!result.ok) throw new Error("verify in a child process found the record broken");
  return result;
}

const header = {
  node: process.version,
  cores,
  cpu: cpus()[0]?.model ?? "unknown",
  date: new Date().toISOString(),
  mode: quick ? "quick" : "full",
  load: { start: loadAtStart, end: loadavg()[0] ?? 0 },
};
const count = (value: number | undefined) =>
  (value ?? 0).toLocaleString("en-US", { maximumFractionDigits: 0 });
if (values.json) {
  console.log(JSON.stringify({ ...header, rows, notes }, null, 2));
} else {
  console.log(
    `hotline bench — node ${header.node}, ${cores} cores (${header.cpu}), ${header.date}, ${header.mode} run, ` +
      `load ${header.load.start.toFixed(2)} → ${header.load.end.toFixed(2)}`,
  );
  if (want("write") || want("verify")) {
    console.log(
      `ceilings, measured in this run: raw crypto.sign / crypto.verify with parsed KeyObjects on the same ` +
        `${notes.signingBytes} bytes; a bare durable one-row insert (WAL, synchronous=FULL) of ${notes.entryBytes} bytes, ` +
        `and 100 such rows to a durable transaction (batches); RSS: the same process before the work`,
    );
  }
  if (want("line") && size.line.sizes.length > 0) {
    console.log(
      (lineMode === "processes"
        ? `line rows: N stations as N processes over loopback mutual TLS (station 0 in the bench's process, ` +
          `every other a \`hotline start\` child written to through its operator API, messages one by one, ` +
          `4 in flight), sharing the machine's cores; CPU: every process's (the bench's included); ` +
          `link tests every max(5 s, N (N − 1) / 25 s) while idle and sending (max(30 s, the same) while built), ` +
          `so that the line's tests fit the machine (25 a second, a quarter of a core); each station waits ` +
          `5 s × N / cores for a peer's answer (it has cores / N of the machine); `
        : `line rows: N stations in this process over loopback mutual TLS (--line-in-process: they share ` +
          `one event loop); idle: link tests every 5 s; each station waits 5 s × N / cores for a peer's answer; `) +
        `ceilings: the smallest line's figure grown linearly (latency with N-1) or flat (deliveries a ` +
        `second, CPU per delivery, CPU per link test); CPU per delivery less the idle line's: less the idle ` +
        `line's CPU a second over the run's time; idle CPU of one station at 5 s = (N − 1) / 5 × CPU per link ` +
        `test (each station starts N − 1 tests per interval and answers N − 1, each test's cost split ` +
        `between its two ends)`,
    );
  }
  console.log(`\n${renderTable(rows)}\n`);
  if (want("write") || want("verify")) {
    console.log(
      `ceiling parts: raw sign ${count(notes.rawSignsPerSecond)}/s, durable insert ${count(notes.durableInsertsPerSecond)}/s, ` +
        `batched durable insert ${count(notes.durableBatchInsertsPerSecond)}/s, ` +
        `raw verify ${count(notes.rawVerifiesPerSecond)}/s (one core)` +
        // (the record is built only by the verify group)
        (notes.recordBuildSeconds === undefined
          ? ""
          : `; record built in ${notes.recordBuildSeconds.toFixed(1)} s`),
    );
  }
  if (want("pg") && notes.sqliteDurableInsertsPerSecond !== undefined) {
    console.log(
      `engine rows: PostgreSQL 15, a throwaway server on loopback TCP (fsync on, synchronous commit; ` +
        `one database per station) beside SQLite (WAL, synchronous=FULL); ceilings: sign + a bare durable ` +
        `insert on that engine (inserts SQLite ${count(notes.sqliteDurableInsertsPerSecond)}/s, batched ` +
        `${count(notes.sqliteDurableBatchInsertsPerSecond)}/s; PostgreSQL ${count(notes.postgresqlDurableInsertsPerSecond)}/s, ` +
        `batched ${count(notes.postgresqlDurableBatchInsertsPerSecond)}/s), raw verify for the line; ` +
        `the receiving station's record after the catch-up: SQLite ${count(notes.sqliteBytesPerEntry)} bytes per entry, ` +
        `PostgreSQL ${count(notes.postgresqlBytesPerEntry)} (tables and indexes)`,
    );
  }
  if (want("pg")) {
    if (pgSkipped !== null) console.log(`engine rows missing: ${pgSkipped}`);
    if (notes.postgresqlFailoverTrials !== undefined || notes.sqliteFailoverTrials !== undefined) {
      console.log(
        `station failover rows: Washington an active/standby pair (two \`hotline start\` processes, ` +
          `\`standby-setup\`; SQLite: one file both share on this host) with the default lease TTL, ` +
          `Moscow a SQLite station in the bench's process; messages every 50 ms both ways; the active ` +
          `killed (-9) at a random point of its 1 s renewal, then started again as the standby; ` +
          `"receipted": the first entry asked of the pair after the kill is stored (with its receipt) at ` +
          `Moscow; ceiling: the TTL plus the standby's 1 s between tries; worst lease taken: SQLite ` +
          `${notes.sqliteFailoverLeaseTakenWorstSeconds?.toFixed(2)} s, PostgreSQL ` +
          `${notes.postgresqlFailoverLeaseTakenWorstSeconds?.toFixed(2)} s`,
      );
    }
  }
  for (const n of want("line") ? size.line.sizes : []) {
    console.log(
      `line of ${n}: set up in ${notes[`line${n}SetupSeconds`]?.toFixed(1)} s (${count(notes[`line${n}SetupEntries`])} entries); ` +
        `a text entry ${count(notes[`line${n}EntryBytes`])} bytes; ` +
        `throughput run ${count(notes[`line${n}EntriesPerStation`])} entries per station, ${notes[`line${n}ThroughputSeconds`]?.toFixed(1)} s; ` +
        `idle CPU per tested link ${count(notes[`line${n}IdleCpuUsPerLink`])} µs/s; ` +
        `the bench's process ${count(notes[`line${n}BenchCpuPerDeliveryUs`])} µs of the CPU per delivery`,
    );
  }
  if (want("line") && size.line.sizes.length > 0) {
    console.log(
      `line bench: raw verify ${count(notes.lineRawVerifiesPerSecond)}/s (one core); peak RSS ${count(notes.linePeakRssMb)} MB`,
    );
  }
}
