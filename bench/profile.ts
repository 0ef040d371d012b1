/**
 * Where the time of one bench row goes: runs the row's work with V8's CPU profiler on (through the
 * inspector, around the measured work only, not the setup) and prints self time per part (sign,
 * verify, canonical JSON, hash, schema, SQLite, HTTP, TLS, JSON parse, GC) per entry, as the
 * breakdown in docs/performance.md shows it. Main thread only: worker threads are not profiled.
 *
 *   npm run build --silent && node dist/bench/profile.js ROW [ENTRIES] [--save FILE]
 *
 * Rows: write-one (send, one transaction each), write-batch (writeMany of 100), verify (the record
 * on this thread), receive (a peer's pushes of 100 applied, no network), deliver (two running
 * stations in this process, mutual TLS on loopback: written, pushed, applied, receipted).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startStation, type RunningStation } from "../src/cli/mod.js";
import { PeerClient } from "../src/peer/mod.js";
import { Station, acceptInvite, createInvite, freeLoopbackPort, initStation } from "../src/station/mod.js";
import { benchStation, messageText, tempRoot, textDrafts } from "./_fixture.js";
import { buildLine } from "./_line-build.js";
import { receipted, settled } from "./_line-waits.js";
import { breakdown, breakdownTable, type CpuProfile } from "./_profile-summary.js";

const ROWS = [
  "write-one",
  "write-batch",
  "verify",
  "verify-workers",
  "receive",
  "deliver",
  "link-tests",
] as const;
type RowName = (typeof ROWS)[number];

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { save: { type: "string" }, help: { type: "boolean", short: "h", default: false } },
});
const row = positionals[0] as RowName | undefined;
if (values.help || row === undefined || !ROWS.includes(row)) {
  console.log(`usage: node dist/bench/profile.js ${ROWS.join("|")} [ENTRIES] [--save FILE]`);
  process.exit(values.help ? 0 : 2);
}
const entries = Number(positionals[1] ?? (row === "write-one" ? 2_000 : row === "link-tests" ? 8 : 10_000));

const root = tempRoot();
const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 100 });

/** Runs `work` with the profiler on; returns wall seconds and the profile. */
async function profiled(work: () => Promise<void>): Promise<{ seconds: number; profile: CpuProfile }> {
  await session.post("Profiler.start");
  const start = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const { profile } = await session.post("Profiler.stop");
  return { seconds, profile: profile as unknown as CpuProfile };
}

const runs: Record<RowName, () => Promise<{ seconds: number; profile: CpuProfile }>> = {
  "write-one": async () => {
    const a = await benchStation(join(root.path, "a"), "Alpha");
    for (let i = 0; i < 100; i++)
      await a.station.send({ line: a.line, text: messageText(i), operator: "admin" });
    const result = await profiled(async () => {
      for (let i = 0; i < entries; i++) {
        await a.station.send({ line: a.line, text: messageText(i), operator: "admin" });
      }
    });
    await a.station.close();
    return result;
  },
  "write-batch": async () => {
    const a = await benchStation(join(root.path, "a"), "Alpha");
    await a.station.writeMany(a.line, textDrafts(500, 0));
    const result = await profiled(async () => {
      for (let held = 0; held < entries; held += 100)
        await a.station.writeMany(a.line, textDrafts(100, held));
    });
    await a.station.close();
    return result;
  },
  verify: () => verifyRow(0),
  "verify-workers": () => verifyRow(availableParallelism()),
  receive: async () => {
    // Alpha writes; Bravo, holding the same line as a participant would, applies its entries.
    const a = await benchStation(join(root.path, "a"), "Alpha");
    for (let held = 1; held < entries; held += 1000) {
      await a.station.writeMany(a.line, textDrafts(Math.min(1000, entries - held), held));
    }
    const values: unknown[] = [];
    for await (const e of a.station.store.allEntries()) values.push(JSON.parse(e.bytes.toString("utf8")));
    const bDir = join(root.path, "b");
    await initStation({ dir: bDir, name: "Bravo" });
    const b = await Station.open({ dir: bDir });
    // As joining: Bravo takes Alpha's line from its genesis.
    const result = await profiled(async () => {
      for (let at = 0; at < values.length; at += 100) {
        const applied = await b.receive(values.slice(at, at + 100), { joining: a.line });
        if (applied.refused !== null) throw applied.refused;
      }
    });
    await a.station.close();
    await b.close();
    return result;
  },
  deliver: async () => {
    const [w, m] = [await started(join(root.path, "w"), "W"), await started(join(root.path, "m"), "M")];
    const line = (await w.station.createLine({ name: "profile", operator: "admin" })).id;
    const { invite } = await createInvite(w.station, { line, expiresInMs: 3_600_000, operator: "admin" });
    const { tlsCert, tlsKey } = m.station.paths;
    const client = new PeerClient({ cert: readFileSync(tlsCert, "utf8"), key: readFileSync(tlsKey, "utf8") });
    await acceptInvite(m.station, client, invite);
    await w.station.writeMany(line, textDrafts(200, 0));
    await receipted(w, line, [m.station.id], (await w.station.store.head(line, w.station.id))?.seq ?? 0);
    const result = await profiled(async () => {
      for (let held = 0; held < entries; held += 100) {
        await w.station.writeMany(line, textDrafts(100, held));
        await new Promise((r) => setImmediate(r));
      }
      const last = (await w.station.store.head(line, w.station.id))?.seq ?? 0;
      await receipted(w, line, [m.station.id], last, 300_000);
    });
    client.close();
    await Promise.all([w.stop(), m.stop()]);
    return result;
  },
  "link-tests": async () => {
    // A line of ENTRIES participants, idle, every link tested once a second: the profile's
    // figure per entry is then per station, and the line runs N (N-1) tests a second.
    const stations: RunningStation[] = [];
    for (let i = 0; i < entries; i++) stations.push(await started(join(root.path, `s${i}`), `S${i}`));
    const [first] = stations;
    if (first === undefined) throw new Error("a line needs a station");
    const line = (await first.station.createLine({ name: "profile", operator: "admin" })).id;
    const clients = await buildLine(stations, line, () => {});
    await first.station.setLine({ line, testInterval: 1, operator: "admin" });
    await settled(stations, line);
    await new Promise((r) => setTimeout(r, 5_000)); // every link on the 1 s cadence
    const result = await profiled(() => new Promise((r) => setTimeout(r, 20_000)));
    const tests = entries * (entries - 1) * 20;
    console.log(`link tests in the window: about ${tests} (N (N-1) a second for 20 s)`);
    for (const c of clients) c.close();
    await Promise.all(stations.map((s) => s.stop()));
    return result;
  },
};

/** Verifies a record of `entries` on this thread (0) or over worker threads. */
async function verifyRow(workers: number) {
  const a = await benchStation(join(root.path, "a"), "Alpha");
  for (let held = 1; held < entries; held += 1000) {
    await a.station.writeMany(a.line, textDrafts(Math.min(1000, entries - held), held));
  }
  await a.station.verify({ workers }); // warm
  const result = await profiled(async () => {
    const report = await a.station.verify({ workers });
    if (!report.ok) throw new Error("the record is not intact");
  });
  await a.station.close();
  return result;
}

async function started(dir: string, name: string): Promise<RunningStation> {
  const loopback = async () => `127.0.0.1:${await freeLoopbackPort()}`;
  await initStation({ dir, name, listen: await loopback(), api: await loopback() });
  return startStation({ dir });
}

try {
  const { seconds, profile } = await runs[row]();
  if (values.save !== undefined) writeFileSync(values.save, JSON.stringify(profile));
  const result = breakdown(profile);
  console.log(
    `${row}: ${entries.toLocaleString("en-US")} entries in ${seconds.toFixed(2)} s ` +
      `(${Math.round(entries / seconds).toLocaleString("en-US")}/s), main thread busy ${(result.busyMs / 1000).toFixed(2)} s\n`,
  );
  console.log(breakdownTable(result, entries));
} finally {
  session.disconnect();
  root.remove();
}
