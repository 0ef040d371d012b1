/**
 * A chaos run: K stations as `hotline start` processes on one line (and the first two on a second
 * line of their own), each with two routes behind fault proxies; senders at every station; faults at random from a seeded source, one at a time;
 * then everything healed, convergence awaited, and the record, heads, `verify` and alarms checked.
 *
 * `npm run chaos` (chaos/main.ts) runs it for minutes and prints its table; the 60-second variant
 * in `npm test` (test/integration/chaos.test.ts) runs it for one minute and asserts no violation.
 *
 * @module
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seededRandom } from "../src/faults/mod.js";
import type { AlarmRow } from "../src/store/rows.js";
import { checkRecords, type Accepted, type Violation } from "./_checks.js";
import { drawFault, type Fault, type FaultKind } from "./_faults.js";
import { Senders } from "./_senders.js";
import { BIN, ChaosStation, sleep, until, type ChaosLine } from "./_stations.js";

/** What a run is asked to do. */
export interface ChaosOptions {
  /** how long faults are injected, minutes (fractions allowed) */
  minutes: number;
  /** how many stations (2..8) */
  stations: number;
  /** the seed of every random draw: the same seed, the same faults */
  seed: number;
  /** shortest and longest fault, seconds (default 4 and 12) */
  faultSeconds?: [number, number];
  /** the pause between two faults, seconds (default 1 to 4) */
  gapSeconds?: [number, number];
  /** the largest clock skew either way, seconds (default 60) */
  maxSkewSeconds?: number;
  /** the kinds of fault to draw from (default all: a seed replays only with the same kinds) */
  kinds?: readonly FaultKind[];
  /** each sender's mean pause between two messages, ms (default 400) */
  sendEveryMs?: number;
  /** how long a fault's alarm may take to appear, past the fault's own time, ms (default 20 s) */
  detectMs?: number;
  /** how long an alarm may take to clear once its fault is healed, ms (default 60 s) */
  clearMs?: number;
  /** how long the stations may take to converge at the end, ms (default 180 s) */
  convergeMs?: number;
  /** where the stations live (default a fresh temporary directory, removed after a clean run) */
  root?: string;
  /** where progress goes (default nowhere) */
  progress?: (line: string) => void;
}

/** A fault as it went: drawn, applied, detected or not. */
export interface FaultRecord {
  kind: FaultKind;
  station: string;
  detail: string;
  /** how long it lasted, ms */
  lastedMs: number;
  /** the alarm expected at the peers, and whether every peer raised it */
  expects: string | null;
  detected: boolean | null;
}

/** What a run found. */
export interface ChaosReport {
  options: { minutes: number; stations: number; seed: number };
  faults: FaultRecord[];
  sent: Record<string, number>;
  accepted: Record<string, number>;
  /** from healing everything to every station holding the same record and no alarm; null: never */
  convergeMs: number | null;
  /** each line's entries at the end, by its name */
  entriesAtEnd: Record<string, number>;
  violations: Violation[];
  /** the command that replays the run */
  replay: string;
  /** where the stations were (kept when there is a violation) */
  root: string;
}

/** Link alarms: what the faults raise and what must clear. */
const LINK_ALARMS = new Set(["LINK_DOWN", "LINK_DEGRADED", "ROUTE_DOWN"]);

/**
 * Runs chaos and checks the outcome.
 *
 * @param options minutes, stations, seed and bounds
 * @returns the report (violations empty when all held)
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const say = options.progress ?? (() => undefined);
  const seed = options.seed >>> 0;
  const [minFault, maxFault] = options.faultSeconds ?? [4, 12];
  const [minGap, maxGap] = options.gapSeconds ?? [1, 4];
  const detectMs = options.detectMs ?? 20_000;
  const clearMs = options.clearMs ?? 60_000;
  const root = options.root ?? mkdtempSync(join(tmpdir(), "hotline-chaos-"));
  const only = options.kinds === undefined ? "" : ` --faults ${options.kinds.join(",")}`;
  const replay = `npm run chaos -- --minutes ${options.minutes} --stations ${options.stations} --seed ${seed}${only}`;
  const violations: Violation[] = [];
  const faults: FaultRecord[] = [];
  const stations: ChaosStation[] = [];
  let senders: Senders | null = null;
  try {
    say(`chaos: ${options.stations} stations in ${root}, seed ${seed}`);
    for (let i = 0; i < options.stations; i++) stations.push(await ChaosStation.create(i, root, seed));
    const lines: ChaosLine[] = [{ name: "chaos", stations, id: "" }];
    // A second line of two, opened by the second station: a station on two lines, each with its
    // own couriers and alarms, under the same faults.
    lines.push({ name: "chaos-pair", stations: [stations[1], stations[0]] as ChaosStation[], id: "" });
    for (const line of lines) {
      line.id = await pairAll(line.stations, line.name);
      say(`chaos: line ${line.name} with ${line.stations.map((s) => s.name).join(", ")}`);
    }

    senders = new Senders(stations, lines, seededRandom(seed ^ 0x5eed), options.sendEveryMs ?? 400);
    senders.start();
    const random = seededRandom(seed);
    const endAt = Date.now() + options.minutes * 60_000;
    while (Date.now() < endAt) {
      await sleep((minGap + random() * (maxGap - minGap)) * 1000);
      const fault = drawFault(random, stations.length, {
        minMs: minFault * 1000,
        maxMs: maxFault * 1000,
        maxSkewMs: (options.maxSkewSeconds ?? 60) * 1000,
        ...(options.kinds === undefined ? {} : { kinds: options.kinds }),
      });
      // A fault that would outlast the run is not started: the run keeps to its minutes.
      if (Date.now() + fault.durationMs > endAt) break;
      faults.push(await inject(fault, stations, { detectMs, clearMs }, violations, say));
      const crashed = stations.filter((s) => s.crashed !== null);
      for (const s of crashed) {
        violations.push({ what: "station crashed", detail: `${s.crashed ?? ""}\n${s.output.slice(-3000)}` });
        s.crashed = null;
        await s
          .start()
          .catch((error: Error) => violations.push({ what: "no restart", detail: error.message }));
      }
    }

    say("chaos: healing everything, stopping the senders");
    for (const s of stations) {
      for (const proxy of Object.values(s.proxies)) proxy.heal();
      s.skew(0);
      s.diskFull(false);
      if (s.state === "stopped") s.thaw();
      if (s.state === "killed") {
        await s
          .start()
          .catch((error: Error) => violations.push({ what: "no restart", detail: error.message }));
      }
    }
    await senders.stop();
    const healedAt = Date.now();
    const accepted = senders.accepted;
    let convergeMs: number | null = null;
    try {
      await until(
        async () => (await converged(lines, accepted)) === null,
        "every station to hold the same record, with no alarm",
        options.convergeMs ?? 180_000,
        500,
      );
      convergeMs = Date.now() - healedAt;
    } catch {
      violations.push({
        what: "no convergence",
        detail: (await converged(lines, accepted).catch((e: Error) => e.message)) ?? "",
      });
    }
    say(`chaos: ${convergeMs === null ? "did not converge" : `converged in ${convergeMs} ms`}; checking`);
    const entriesAtEnd: Record<string, number> = {};
    for (const line of lines) {
      const logs = await Promise.all(
        line.stations.map(async (s) => ({
          station: s.name,
          entries: await s.admin.call("GET /api/lines/:line/log", { params: { line: line.id } }),
        })),
      );
      const ofLine = accepted.filter((a) => a.line === line.id);
      violations.push(
        ...checkRecords(logs, ofLine, stations).map((v) => ({ ...v, what: `${v.what} (line ${line.name})` })),
      );
      entriesAtEnd[line.name] = Math.max(0, ...logs.map((l) => l.entries.length));
    }
    for (const s of stations) {
      const verdict = await verifyAt(s);
      if (verdict !== null) violations.push({ what: `verify at ${s.name}`, detail: verdict });
      for (const alarm of await activeAlarms(s)) {
        violations.push({
          what: `alarm still active at ${s.name}`,
          detail: `${alarm.code} since ${alarm.raisedAt}: ${alarm.detail}`,
        });
      }
      if (s.crashed !== null) violations.push({ what: "station crashed", detail: s.crashed });
    }
    return {
      options: { minutes: options.minutes, stations: options.stations, seed },
      faults,
      sent: senders.sent,
      accepted: Object.fromEntries(
        stations.map((s) => [s.name, accepted.filter((a) => a.author === s.id).length]),
      ),
      convergeMs,
      entriesAtEnd,
      violations,
      replay,
      root,
    };
  } finally {
    await senders?.stop();
    for (const s of stations) await s.close().catch(() => undefined);
    if (violations.length === 0 && options.root === undefined) rmSync(root, { recursive: true, force: true });
  }
}

/**
 * Opens a line at the first station and has every other join it, each consented to by those
 * already on it; the line tested every second.
 *
 * @param stations its stations, the creator first
 * @param name its name
 * @returns the line's id
 */
async function pairAll(stations: ChaosStation[], name: string): Promise<string> {
  const [creator, ...joiners] = stations as [ChaosStation, ...ChaosStation[]];
  const { id: line } = await creator.admin.call("POST /api/lines", { body: { name } });
  // Tested every second. Nobody acknowledges anything in a chaos run: presence tests only once a
  // year and a week's deadline for messages, so no alarm of a person's duty is raised in a run.
  await creator.admin.call("POST /api/lines/:line/settings", {
    params: { line },
    body: { testInterval: 1, presenceSchedule: "0 3 1 1 *", ackDeadlines: { ROUTINE: 7 * 86_400 } },
  });
  const joined: ChaosStation[] = [creator];
  for (const joiner of joiners) {
    const { invite } = await creator.admin.call("POST /api/invites", {
      body: { line, expiresInSeconds: 3600 },
    });
    await joiner.admin.call("POST /api/accept", { body: { invite } });
    for (const consenter of joined.slice(1)) {
      await until(
        async () =>
          (await consenter.admin.call("GET /api/lines"))
            .find((l) => l.id === line)
            ?.participants.some((p) => p.id === joiner.id) === true,
        `${consenter.name} to learn that ${joiner.name} was added`,
      );
      await consenter.admin.call("POST /api/lines/:line/members/:station/approve", {
        params: { line, station: joiner.id },
      });
    }
    joined.push(joiner);
  }
  // Every station knows every other as a participant, with its two routes.
  await until(
    async () => {
      for (const s of stations) {
        const summary = (await s.admin.call("GET /api/lines")).find((l) => l.id === line);
        const others = summary?.participants.filter((p) => p.id !== s.id) ?? [];
        if (others.length !== stations.length - 1) return false;
        if (others.some((p) => p.pending || p.routes.length !== 2)) return false;
        const status = await s.admin.call("GET /api/status");
        const peers =
          status.lines.find((l) => l.id === line)?.participants.filter((p) => p.id !== s.id) ?? [];
        if (peers.some((p) => p.health !== "up")) return false;
      }
      return true;
    },
    "every station to know every other, with two routes, and its link up",
    120_000,
    250,
  );
  return line;
}

/**
 * Applies a fault, keeps it for its time (and, when its alarm is expected but not yet raised at
 * every peer, up to `detectMs` longer), heals it, and waits for its alarms to clear.
 */
async function inject(
  fault: Fault,
  stations: ChaosStation[],
  bounds: { detectMs: number; clearMs: number },
  violations: Violation[],
  say: (line: string) => void,
): Promise<FaultRecord> {
  const target = stations[fault.station] as ChaosStation;
  const observers = stations.filter((s) => s !== target);
  const label = `${fault.kind} at ${target.name}${fault.route === null ? "" : ` (${fault.detail})`}`;
  say(
    `chaos: ${label}, ${(fault.durationMs / 1000).toFixed(1)} s${fault.route === null ? `: ${fault.detail}` : ""}`,
  );
  const startedAt = Date.now();
  await fault.apply(target);
  await sleep(fault.durationMs);
  let detected: boolean | null = null;
  if (fault.expects !== null) {
    const code = fault.expects;
    try {
      await until(
        async () => {
          for (const o of observers) {
            if (!(await activeAlarms(o)).some((a) => a.code === code && a.peer === target.id)) return false;
          }
          return true;
        },
        `${code} about ${target.name} at every peer`,
        bounds.detectMs,
        250,
      );
      detected = true;
    } catch {
      detected = false;
      const missing: string[] = [];
      for (const o of observers) {
        const alarms = await activeAlarms(o).catch(() => []);
        if (!alarms.some((a) => a.code === code && a.peer === target.id)) missing.push(o.name);
      }
      violations.push({
        what: `${label} not detected`,
        detail: `no active ${code} about ${target.name} at ${missing.join(", ")} after ${Math.round((Date.now() - startedAt) / 1000)} s`,
      });
    }
  }
  const lastedMs = Date.now() - startedAt;
  try {
    await fault.heal(target);
  } catch (error) {
    violations.push({ what: `${label} could not be healed`, detail: (error as Error).message });
  }
  const leaves = fault.leaves;
  if (leaves !== undefined) {
    try {
      await until(
        async () =>
          (await target.admin.call("GET /api/alarms", { query: { all: "true" } })).some(
            (a) => a.code === leaves && Date.parse(a.raisedAt) >= startedAt - 1000,
          ),
        `${leaves} kept at ${target.name}`,
        bounds.clearMs,
        250,
      );
    } catch {
      violations.push({ what: `${label} left no ${leaves} alarm`, detail: `at ${target.name}` });
    }
  }
  // Every link alarm about the station (and at it) clears once it is healed.
  try {
    await until(
      async () => {
        for (const s of stations) {
          if ((await activeAlarms(s)).some((a) => LINK_ALARMS.has(a.code))) return false;
        }
        return true;
      },
      `the alarms of ${label} to clear`,
      bounds.clearMs,
      250,
    );
  } catch {
    const left: string[] = [];
    for (const s of stations) {
      for (const a of await activeAlarms(s).catch(() => [])) {
        if (LINK_ALARMS.has(a.code)) left.push(`${s.name}: ${a.code} ${a.detail}`);
      }
    }
    violations.push({ what: `alarms of ${label} not cleared`, detail: left.join("\n") });
  }
  return {
    kind: fault.kind,
    station: target.name,
    detail: fault.detail,
    lastedMs,
    expects: fault.expects,
    detected,
  };
}

/** @returns the station's alarms not cleared */
async function activeAlarms(station: ChaosStation): Promise<AlarmRow[]> {
  const all = await station.admin.call("GET /api/alarms", { query: { all: "true" } });
  return all.filter((a) => a.clearedAt === null);
}

/**
 * @returns null when, on every line, every station holds the same record, including every entry
 *   accepted on it, and no station has an alarm; else what is not so yet
 */
async function converged(lines: readonly ChaosLine[], accepted: readonly Accepted[]): Promise<string | null> {
  for (const line of lines) {
    let reference: string | null = null;
    for (const s of line.stations) {
      const log = await s.admin.call("GET /api/lines/:line/log", { params: { line: line.id } });
      const hashes = new Set(log.map((e) => e.hash));
      const missing = accepted.filter((a) => a.line === line.id && !hashes.has(a.hash)).length;
      if (missing > 0) return `${s.name} lacks ${missing} accepted entries of ${line.name}`;
      const key = [...hashes].sort().join(",");
      if (reference === null) reference = key;
      else if (key !== reference) return `${s.name} holds another record of ${line.name}`;
    }
  }
  for (const s of lines[0]?.stations ?? []) {
    const alarms = await activeAlarms(s);
    if (alarms.length > 0) return `${s.name} has ${alarms.map((a) => a.code).join(", ")} active`;
  }
  return null;
}

/** @returns null when `hotline verify` finds the station's record intact, else what it said */
function verifyAt(station: ChaosStation): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, "verify", "--json", "--dir", station.dir],
      { env: { ...process.env, HOTLINE_DIR: "" }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error === null && (JSON.parse(stdout) as { ok: boolean }).ok) resolve(null);
        else resolve(`${stdout}${stderr}`.slice(0, 3000));
      },
    );
  });
}

export type { Violation };
