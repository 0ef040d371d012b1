/**
 * The benchmark: writing and verifying the record, each figure printed beside its ceiling measured
 * in the same run (raw Ed25519 with parsed keys, a bare durable SQLite insert) and the ratio; then
 * station to station, and lines of many participants in one process.
 *
 * Options: see {@link USAGE} (`npm run bench -- --help`). Progress goes to stderr, the table (or
 * the JSON) to stdout.
 */
import { mkdirSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Station } from "../src/station/mod.js";
import { ceilingSample, durableInsertRate, rawSignRate, rawVerifyRate } from "./_ceilings.js";
import { benchStation, messageText, tempRoot, textDraft, textDrafts } from "./_fixture.js";
import { lineBench } from "./_line.js";
import { bestOfAsync, opsPerSecondAsync, secondsAsync } from "./_measure.js";
import { peerBench } from "./_peers.js";
import { routeBench } from "./_routes.js";
import { conflictBench } from "./_conflicts.js";
import { detectBench } from "./_detect.js";
import { compared, plain, renderTable, type Row } from "./_table.js";
import { verifyRate } from "./_verify.js";

const USAGE = `usage: npm run bench -- [options]

  --quick               a shorter run: a 10k-entry record instead of 100k, fewer messages,
                        lines of 2, 4 and 8 participants
  --json                print the results as JSON instead of the table
  --line-sizes LIST     participants of each line in the many-station bench, comma-separated,
                        each 2..64 (default 2,8,57; with --quick 2,4,8); "none" skips it
  --line-only           run only the many-station line bench
  --detect-only         run only the time to detect a dead peer (20 trials idle, 20 loaded)
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
        "detect-only": { type: "boolean", default: false },
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
  /** kill -9 trials of the time to detect a dead peer, idle and again loaded */
  detectTrials: quick ? 10 : 20,
  /** routes under faults: blackhole trials, entries per throughput run */
  routes: { failoverTrials: quick ? 3 : 10, entries: quick ? 2_000 : 10_000 },
  /** lines of many participants in this process */
  line: {
    sizes: lineSizes(values["line-sizes"], quick),
    messages: quick ? 50 : 200,
    deliveries: quick ? 10_000 : 60_000,
    // whole periods of both cadences of an idle line: link tests (5 s) and heads comparisons (10 s)
    idleSeconds: quick ? 10 : 20,
  },
};
const lineOnly = values["line-only"];
const detectOnly = values["detect-only"];
const cores = availableParallelism();
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
try {
  if (detectOnly) await detection();
  else if (!lineOnly) await recordAndPeers();
  // Lines of many participants, all in this process: how the cost grows with the participants.
  if (size.line.sizes.length > 0 && !detectOnly) {
    const lines = await lineBench(
      join(root.path, "lines"),
      size.line,
      notes.rawVerifiesPerSecond ?? 0,
      progress,
    );
    rows.push(...lines.rows);
    Object.assign(notes, lines.notes);
  }
} finally {
  for (const station of opened) await station.close();
  root.remove();
}

/** Time to detect a dead peer, idle and with both cores loaded: rows and notes. */
async function detection(): Promise<void> {
  const detect = await detectBench(join(root.path, "detect"), size.detectTrials, progress);
  rows.push(...detect.rows);
  Object.assign(notes, detect.notes);
}

/** The record (writing, verifying), conflicts, and station to station: rows and notes. */
async function recordAndPeers(): Promise<void> {
  // Writing, on a fresh station with one line.
  const a = await benchStation(join(root.path, "alpha"), "Alpha");
  opened.push(a.station);
  const sample = ceilingSample(a.station.identity, await a.station.write(a.line, textDraft(0)));
  let next = 1;
  let signRate = 0;
  const rawSign = () =>
    (signRate = Math.max(signRate, rawSignRate(sample.bytes, sample.privateKey, size.rawOps)));

  progress(`sign+append, one transaction each: ${size.rounds} rounds of ${size.sends}`);
  let insertRate = 0;
  let oneCeiling = 0;
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
  rows.push(compared("sign+append, one transaction each", oneEach, oneCeiling, 0.7));

  progress(`sign+append, batches of 100: ${size.rounds} rounds of ${size.batches} batches`);
  const batched = await bestOfAsync(size.rounds, () => {
    rawSign();
    const batch = async () => {
      await a.station.writeMany(a.line, textDrafts(100, next));
      next += 100;
    };
    return opsPerSecondAsync(size.batches, batch, 2).then((rate) => rate * 100);
  });
  rawSign();
  rows.push(compared("sign+append, batches of 100", batched, signRate, 0.8));

  // Verifying, on a second station that holds only the record to verify.
  const b = await benchStation(join(root.path, "bravo"), "Bravo");
  opened.push(b.station);
  progress(`building a ${size.record.toLocaleString("en-US")}-entry record`);
  notes.recordBuildSeconds = (
    await secondsAsync(async () => {
      // The genesis, then texts in batches of 1000; the last entry is the sample written below.
      for (let held = 1; held < size.record - 1;) {
        const k = Math.min(1000, size.record - 1 - held);
        await b.station.writeMany(b.line, textDrafts(k, held));
        held += k;
      }
    })
  ).seconds;
  const signed = ceilingSample(b.station.identity, await b.station.write(b.line, textDraft(size.record)));
  const rawVerify = () => rawVerifyRate(signed.bytes, signed.signature, signed.publicKey, size.rawOps);

  progress("warming up verify on the first station's record");
  const warm = await a.station.store.countEntries();
  await verifyRate(a.station, 0, warm);
  await verifyRate(a.station, cores, warm);

  let verifyCeiling = rawVerify();
  let single = 0;
  let parallel = 0;
  for (let round = 1; round <= size.verifyRounds; round++) {
    progress(`verify, 1 core: ${size.record.toLocaleString("en-US")} entries (round ${round})`);
    single = Math.max(single, await verifyRate(b.station, 0, size.record));
    progress(`verify, ${cores} worker threads (round ${round})`);
    parallel = Math.max(parallel, await verifyRate(b.station, cores, size.record));
    verifyCeiling = Math.max(verifyCeiling, rawVerify());
  }

  const record = quick ? "10k" : "100k";
  rows.push(compared(`verify ${record}-entry record, 1 core`, single, verifyCeiling, 0.85));
  rows.push(
    compared(
      `verify ${record}-entry record, worker threads (${cores} cores)`,
      parallel,
      verifyCeiling,
      1.7,
      "times",
    ),
  );
  rows.push(plain("RSS after the verify runs", process.memoryUsage().rss / MB, "MB"));
  rows.push(plain("peak RSS (maxRSS)", (process.resourceUsage().maxRSS * 1024) / MB, "MB"));

  // Not a required row: the same single writes, on the line that now holds the whole record, to
  // show what a write costs once a standing line has grown.
  progress(`sign+append, one transaction each, on the ${record}-entry line: ${size.bigLineSends}`);
  const send = async () => {
    await b.station.send({ line: b.line, text: messageText(next++), operator: "admin" });
  };
  const onBigLine = await opsPerSecondAsync(size.bigLineSends, send, 5);
  rows.splice(1, 0, compared(`sign+append, one each, on a ${record}-entry line`, onBigLine, oneCeiling, 0.7));
  // Conflicts: 100,000 stored volumes (20,000 with --quick), one new notification checked.
  progress("conflicts");
  rows.push(...conflictBench(quick ? 20_000 : 100_000, quick ? 200 : 1_000));
  // Station to station: two stations (one a child process), mutual TLS on loopback.
  const peers = await peerBench(join(root.path, "peers"), size.peers, verifyCeiling, progress);
  rows.push(...peers.rows);
  Object.assign(notes, peers.notes);
  // Routes under faults: failover through a blackhole, throughput through loss and latency.
  const routes = await routeBench(join(root.path, "routes"), size.routes, progress);
  rows.push(...routes.rows);
  Object.assign(notes, routes.notes);
  await detection();

  Object.assign(notes, {
    rawSignsPerSecond: signRate,
    durableInsertsPerSecond: insertRate,
    rawVerifiesPerSecond: verifyCeiling,
    signingBytes: sample.bytes.length,
    entryBytes: sample.stored,
  });
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
  if (!lineOnly && !detectOnly) {
    console.log(
      `ceilings, measured in this run: raw crypto.sign / crypto.verify with parsed KeyObjects on the same ` +
        `${notes.signingBytes} bytes; a bare durable one-row insert (WAL, synchronous=FULL) of ${notes.entryBytes} bytes`,
    );
  }
  if (size.line.sizes.length > 0 && !detectOnly) {
    console.log(
      `line rows: N stations in this process over loopback mutual TLS; ceilings: the smallest line's figure grown ` +
        `linearly (latency with N-1, idle CPU with N), and one-core raw verify for deliveries and CPU per delivery`,
    );
  }
  console.log(`\n${renderTable(rows)}\n`);
  if (!lineOnly && !detectOnly) {
    console.log(
      `ceiling parts: raw sign ${count(notes.rawSignsPerSecond)}/s, durable insert ${count(notes.durableInsertsPerSecond)}/s, ` +
        `raw verify ${count(notes.rawVerifiesPerSecond)}/s (one core); record built in ${notes.recordBuildSeconds?.toFixed(1)} s`,
    );
  }
  for (const n of detectOnly ? [] : size.line.sizes) {
    console.log(
      `line of ${n}: set up in ${notes[`line${n}SetupSeconds`]?.toFixed(1)} s (${count(notes[`line${n}SetupEntries`])} entries); ` +
        `a text entry ${count(notes[`line${n}EntryBytes`])} bytes; ` +
        `throughput run ${count(notes[`line${n}EntriesPerStation`])} entries per station, ${notes[`line${n}ThroughputSeconds`]?.toFixed(1)} s`,
    );
  }
  if (size.line.sizes.length > 0 && !detectOnly) {
    console.log(
      `line bench: raw verify ${count(notes.lineRawVerifiesPerSecond)}/s (one core); peak RSS ${count(notes.linePeakRssMb)} MB`,
    );
  }
}
