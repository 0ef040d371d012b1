/**
 * The record on SQLite and on PostgreSQL, in the same run: durable append (one entry a
 * transaction, and batches of 100), one line's sustained throughput and a catch-up of 10k, each
 * measured once on each engine with the same sizes, and each beside its ceiling measured in this
 * run on that engine (a bare durable insert of an entry's bytes; raw verify for the line); and the
 * station failover of an active/standby pair sharing a store on that engine (see
 * `_station-failover.ts`: SQLite, a file the two processes of one host share), beside what the
 * lease allows.
 *
 * PostgreSQL is a throwaway server this bench starts (src/pglab: initdb into a temporary
 * directory, loopback TCP, fsync on, synchronous commit), one database per station. Without the
 * PostgreSQL server programs the group says it is skipped.
 */
import { existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { havePostgres, startPostgres, type PostgresServer } from "../src/pglab/mod.js";
import { Station, initStation, type InitOptions } from "../src/station/mod.js";
import { durableBatchInsertRate, durableInsertRate, type CeilingSample } from "./_ceilings.js";
import { messageText, textDrafts } from "./_fixture.js";
import { bestOfAsync, opsPerSecondAsync } from "./_measure.js";
import { catchUpAfterOutage, startPair, stopChild, timeToReceipt } from "./_peers.js";
import { pgDurableBatchInsertRate, pgDurableInsertRate } from "./_pg-ceilings.js";
import {
  FAILOVER_CEILING_SECONDS,
  FAILOVER_TARGET_SECONDS,
  FAILOVER_TTL_SECONDS,
  stationFailover,
  type FailoverTrial,
} from "./_station-failover.js";
import { compared, timed, type Row } from "./_table.js";

export interface EngineBenchSizes {
  /** single-entry writes per round */
  sends: number;
  /** batches of 100 per round */
  batches: number;
  /** rounds of the write measurements (the best counts, for measured and ceiling alike) */
  rounds: number;
  /** entries of the sustained-throughput run */
  throughput: number;
  /** entries caught up after the outage */
  catchUp: number;
  /** kill -9 trials of the station failover (an active/standby pair sharing a store on this engine) */
  failoverTrials: number;
}

/** One engine: how a station is made on it, and its bare storage ceilings. */
interface Engine {
  name: "SQLite" | "PostgreSQL";
  /** @returns the `init` options putting a new station's record on this engine */
  init(station: string): Promise<Partial<InitOptions>>;
  /**
   * @param station a name given to `init` before
   * @param dir that station's data directory
   * @returns the bytes its record takes on this engine (tables and indexes; SQLite: the file and its WAL)
   */
  footprint(station: string, dir: string): Promise<number>;
  /** @returns durable one-row inserts per second */
  insertRate(scratch: string, rowBytes: number, ops: number): Promise<number>;
  /** @returns durable rows per second, `perBatch` to a transaction */
  batchInsertRate(scratch: string, rowBytes: number, batches: number, perBatch: number): Promise<number>;
}

const sqlite: Engine = {
  name: "SQLite",
  init: () => Promise.resolve({}),
  footprint: (_station, dir) => {
    const file = join(dir, "hotline.db");
    const wal = `${file}-wal`;
    return Promise.resolve(statSync(file).size + (existsSync(wal) ? statSync(wal).size : 0));
  },
  insertRate: (scratch, rowBytes, ops) => {
    mkdirSync(scratch, { recursive: true });
    return Promise.resolve(durableInsertRate(scratch, rowBytes, ops));
  },
  batchInsertRate: (scratch, rowBytes, batches, perBatch) => {
    mkdirSync(scratch, { recursive: true });
    return Promise.resolve(durableBatchInsertRate(scratch, rowBytes, batches, perBatch));
  },
};

/**
 * @param server the throwaway server
 * @returns PostgreSQL as an engine: a database per station, the ceilings in a database of their own
 */
function postgresEngine(server: PostgresServer): Engine {
  let ceilingDb: string | null = null;
  const scratch = async () => (ceilingDb ??= await server.createDatabase("ceiling"));
  let made = 0;
  const urls = new Map<string, string>();
  return {
    name: "PostgreSQL",
    init: async (station) => {
      const url = await server.createDatabase(`${station.toLowerCase()}_${++made}`);
      urls.set(station, url);
      return { store: url };
    },
    footprint: async (station) => {
      const url = urls.get(station);
      if (url === undefined) throw new Error(`no database for ${station}`);
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      try {
        const [row] = await sql<{ bytes: string }[]>`
          SELECT sum(pg_total_relation_size(c.oid))::text AS bytes
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')`;
        return Number(row?.bytes ?? 0);
      } finally {
        await sql.end();
      }
    },
    insertRate: async (_dir, rowBytes, ops) => await pgDurableInsertRate(await scratch(), rowBytes, ops),
    batchInsertRate: async (_dir, rowBytes, batches, perBatch) =>
      await pgDurableBatchInsertRate(await scratch(), rowBytes, batches, perBatch),
  };
}

/**
 * @param root a directory for this group's stations
 * @param sizes how much to write
 * @param ceilings `sample`: the entry the storage ceilings insert; `sign`: measures (again) and
 *   returns the raw sign rate; `verify`: the single-core raw verify rate of this run
 * @param progress where to say what runs
 * @returns rows (each figure on SQLite, then the same on PostgreSQL) and notes
 */
export async function engineBench(
  root: string,
  sizes: EngineBenchSizes,
  ceilings: { sample: CeilingSample; sign: () => number; verify: number },
  progress: (message: string) => void,
): Promise<{ rows: Row[]; notes: Record<string, number>; skipped: string | null }> {
  if (!havePostgres()) {
    const skipped =
      "PostgreSQL is not installed (apt-get install postgresql); SQLite-only rows are in the write and peers groups";
    progress(`pg: skipped: ${skipped}`);
    return { rows: [], notes: {}, skipped };
  }
  progress("pg: starting a throwaway PostgreSQL server");
  const server = await startPostgres();
  try {
    const byEngine: Row[][] = [];
    const notes: Record<string, number> = {};
    let skipped: string | null = null;
    for (const engine of [sqlite, postgresEngine(server)]) {
      const measured = await onEngine(
        engine,
        join(root, engine.name.toLowerCase()),
        sizes,
        ceilings,
        progress,
      );
      const { rows, error } = measured;
      byEngine.push(rows);
      notes[`${engine.name.toLowerCase()}DurableInsertsPerSecond`] = measured.insert;
      notes[`${engine.name.toLowerCase()}DurableBatchInsertsPerSecond`] = measured.batchInsert;
      notes[`${engine.name.toLowerCase()}BytesPerEntry`] = measured.bytesPerEntry;
      if (measured.failover.length > 0) {
        const [leaseTaken, receipted] = [
          measured.failover.map((t) => t.leaseTaken),
          measured.failover.map((t) => t.receipted),
        ];
        Object.assign(notes, {
          [`${engine.name.toLowerCase()}FailoverTrials`]: measured.failover.length,
          [`${engine.name.toLowerCase()}FailoverLeaseTakenWorstSeconds`]: Math.max(...leaseTaken),
          [`${engine.name.toLowerCase()}FailoverReceiptedWorstSeconds`]: Math.max(...receipted),
        });
      }
      if (error !== null) skipped = `${engine.name} stations: ${error}`;
    }
    // Side by side: each figure on SQLite, then on PostgreSQL.
    const [first = [], second = []] = byEngine;
    const rows = first.flatMap((row, i) => [row, ...(second[i] === undefined ? [] : [second[i]])]);
    rows.push(...second.slice(first.length));
    return { rows, notes, skipped };
  } finally {
    await server.stop();
  }
}

/**
 * The four figures on one engine, and its storage ceilings (measured first: they stand in the
 * notes even when stations cannot be made on the engine, and the error says why).
 */
async function onEngine(
  engine: Engine,
  dir: string,
  sizes: EngineBenchSizes,
  ceilings: { sample: CeilingSample; sign: () => number; verify: number },
  progress: (message: string) => void,
): Promise<{
  rows: Row[];
  error: string | null;
  insert: number;
  batchInsert: number;
  bytesPerEntry: number;
  failover: FailoverTrial[];
}> {
  const rows: Row[] = [];
  const stored = ceilings.sample.stored;
  progress(`pg: ${engine.name}: bare durable inserts of ${stored} bytes, one a transaction and 100 to one`);
  let insert = 0;
  let batchInsert = 0;
  let sign = 0;
  for (let round = 0; round < sizes.rounds; round++) {
    insert = Math.max(insert, await engine.insertRate(join(dir, `ceiling-${round}`), stored, sizes.sends));
    batchInsert = Math.max(
      batchInsert,
      await engine.batchInsertRate(join(dir, `batch-ceiling-${round}`), stored, sizes.batches, 100),
    );
    sign = Math.max(sign, ceilings.sign());
  }
  const oneCeiling = 1 / (1 / insert + 1 / sign);
  const batchCeiling = 1 / (1 / sign + 1 / batchInsert);
  const on = (what: string) => `${engine.name}: ${what}`;
  let bytesPerEntry = 0;
  let failover: FailoverTrial[] = [];
  let station: Station | null = null;
  try {
    const stationDir = join(dir, "alone");
    await initStation({ dir: stationDir, name: "Alone", ...(await engine.init("alone")) });
    station = await Station.open({ dir: stationDir });
    const opened = station;
    const line = (await opened.createLine({ name: "engine-bench", operator: "admin" })).id;
    let next = 1;
    progress(
      `pg: ${engine.name}: sign+append, one transaction each: ${sizes.rounds} rounds of ${sizes.sends}`,
    );
    const oneEach = await bestOfAsync(sizes.rounds, async () => {
      const send = async () => {
        await opened.send({ line, text: messageText(next++), operator: "admin" });
      };
      return await opsPerSecondAsync(sizes.sends, send, 20);
    });
    rows.push(compared(on("sign+append, one transaction each"), oneEach, oneCeiling, 0.8));
    progress(`pg: ${engine.name}: sign+append, batches of 100: ${sizes.rounds} rounds of ${sizes.batches}`);
    const batched = await bestOfAsync(sizes.rounds, async () => {
      const batch = async () => {
        await opened.writeMany(line, textDrafts(100, next));
        next += 100;
      };
      return (await opsPerSecondAsync(sizes.batches, batch, 2)) * 100;
    });
    rows.push(compared(on("sign+append, batches of 100"), batched, batchCeiling, 0.8));
    await opened.close();
    station = null;

    const pair = await startPair(join(dir, "pair"), {
      washington: await engine.init("washington"),
      moscow: await engine.init("moscow"),
    });
    let moscow = pair.moscow;
    try {
      progress(
        `pg: ${engine.name}: throughput: ${sizes.throughput.toLocaleString("en-US")} entries delivered and receipted`,
      );
      const seconds = await timeToReceipt(pair.washington, pair.line, pair.moscowId, sizes.throughput);
      rows.push(
        compared(
          on("one line: delivered, durable, receipted"),
          sizes.throughput / seconds,
          ceilings.verify,
          0.75,
        ),
      );
      progress(
        `pg: ${engine.name}: catch-up: ${sizes.catchUp.toLocaleString("en-US")} entries after an outage`,
      );
      const outage = await catchUpAfterOutage(pair, sizes.catchUp);
      moscow = outage.moscow;
      rows.push(
        timed(
          on(`catch-up of ${sizes.catchUp.toLocaleString("en-US")} entries after an outage`),
          outage.caughtUp,
          "s",
          sizes.catchUp / ceilings.verify,
          { atMost: 1.3, of: "ratio" },
        ),
      );
      // The record's size on this engine: Moscow holds both chains, with receipts and statements.
      const entries = await pair.washington.station.store.countEntries();
      bytesPerEntry = (await engine.footprint("moscow", pair.mDir)) / entries;
    } finally {
      await stopChild(moscow);
      await pair.washington.stop();
    }

    progress(
      `pg: ${engine.name}: station failover: an active/standby pair and a SQLite peer, ${sizes.failoverTrials} kill -9 trials`,
    );
    failover = await stationFailover(
      join(dir, "failover"),
      await engine.init("failover"),
      sizes.failoverTrials,
      progress,
    );
    rows.push(...failoverRows(on, failover));
    return { rows, error: null, insert, batchInsert, bytesPerEntry, failover };
  } catch (error) {
    const message = (error as Error).message;
    progress(`pg: ${engine.name}: stations not measured: ${message}`);
    return { rows, error: message, insert, batchInsert, bytesPerEntry, failover };
  } finally {
    await station?.close();
  }
}

/**
 * The failover rows: kill → lease taken and kill → next entry receipted, the median of the trials
 * and (with more than one) the worst, each beside the lease TTL plus one try of the standby.
 */
function failoverRows(on: (what: string) => string, trials: readonly FailoverTrial[]): Row[] {
  const row = (what: string, seconds: number) =>
    timed(
      on(`station failover: ${what}, TTL ${FAILOVER_TTL_SECONDS} s`),
      seconds,
      "s",
      FAILOVER_CEILING_SECONDS,
      {
        atMost: FAILOVER_TARGET_SECONDS,
        of: "value",
      },
    );
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  const leaseTaken = trials.map((t) => t.leaseTaken);
  const receipted = trials.map((t) => t.receipted);
  const n = trials.length;
  const of = n === 1 ? "1 trial" : `p50 of ${n}`;
  const rows = [
    row(`kill -9 → lease taken by the standby (${of})`, median(leaseTaken)),
    row(`kill -9 → next entry receipted by the peer (${of})`, median(receipted)),
  ];
  if (n > 1)
    rows.push(row(`kill -9 → next entry receipted by the peer (worst of ${n})`, Math.max(...receipted)));
  return rows;
}
