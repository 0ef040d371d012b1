/**
 * An idle station: a `hotline start` child process on 4 lines, each with one other station (those
 * run in this process), left to run its link tests at the default pace. Its resident memory and
 * CPU time are read from /proc (Linux), so they are the station's alone, not the bench's.
 *
 *  - RSS at the end of the idle window, beside the same process's RSS once started with no line
 *    (what any station holds): target ≤ 100 MB;
 *  - CPU per idle hour, extrapolated from the window, beside the signatures its link tests need at
 *    the raw Ed25519 rates measured in this run: target ≤ 36 s per hour (1 % of one core).
 */
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runningStation } from "../src/api/mod.js";
import { startStation, type RunningStation } from "../src/cli/mod.js";
import {
  DEFAULT_SETTINGS,
  createInvite,
  freeLoopbackPort,
  initStation,
  stationPaths,
} from "../src/station/mod.js";
import { startChild, stopChild } from "./_peers.js";
import { timed, type Row } from "./_table.js";

/** Lines the idle station is on, each with one other station. */
const LINES = 4;
const MB = 1024 * 1024;

export interface IdleSizes {
  /** seconds the station sits idle while measured */
  seconds: number;
}

/**
 * @param root a directory for the stations
 * @param sizes how long to idle
 * @param raw one-core raw Ed25519 sign and verify rates measured in this run
 * @param raw.sign signatures per second
 * @param raw.verify verifications per second
 * @param progress where to say what runs
 * @returns rows and notes
 */
export async function idleBench(
  root: string,
  sizes: IdleSizes,
  raw: { sign: number; verify: number },
  progress: (message: string) => void,
): Promise<{ rows: Row[]; notes: Record<string, number> }> {
  const hubDir = join(root, "idle");
  const loopback = async () => `127.0.0.1:${await freeLoopbackPort()}`;
  await initStation({ dir: hubDir, name: "Idle", listen: await loopback(), api: await loopback() });
  const peers: RunningStation[] = [];
  let hub: ChildProcess | null = null;
  try {
    progress(`idle station: starting it and ${LINES} peers`);
    hub = await startChild(hubDir);
    const pid = hub.pid ?? 0;
    await new Promise((r) => setTimeout(r, 1_000)); // its start-up work done
    const startedRssMb = rssOf(pid);
    const api = runningStation(stationPaths(hubDir));
    if (api === null) throw new Error("the idle station's API is not reachable");
    for (let i = 0; i < LINES; i++) {
      const dir = join(root, `peer-${i}`);
      await initStation({ dir, name: `Peer ${i + 1}`, listen: await loopback(), api: await loopback() });
      const peer = await startStation({ dir });
      peers.push(peer);
      const line = (await peer.station.createLine({ name: `idle-${i}`, operator: "admin" })).id;
      const { invite } = await createInvite(peer.station, {
        line,
        expiresInMs: 3_600_000,
        operator: "admin",
      });
      await api.call("POST /api/accept", { body: { invite } });
    }
    // Every link tested at least once at the default pace before the window opens.
    await new Promise((r) => setTimeout(r, DEFAULT_SETTINGS.testInterval * 1_000 + 1_000));
    progress(`idle station: ${LINES} lines, idle for ${sizes.seconds} s`);
    const cpuBefore = cpuSecondsOf(pid);
    const start = process.hrtime.bigint();
    let peakRssMb = 0;
    while (Number(process.hrtime.bigint() - start) / 1e9 < sizes.seconds) {
      await new Promise((r) => setTimeout(r, 1_000));
      peakRssMb = Math.max(peakRssMb, rssOf(pid));
    }
    const window = Number(process.hrtime.bigint() - start) / 1e9;
    const cpuPerHour = ((cpuSecondsOf(pid) - cpuBefore) / window) * 3600;
    const endRssMb = rssOf(pid);
    // The link tests' signatures: every interval, on each line, the station signs its own test's
    // statement and its answer to the peer's, and checks the two statements it gets back.
    const testsPerHour = (3600 / DEFAULT_SETTINGS.testInterval) * LINES * 2;
    const cryptoPerHour = testsPerHour * (1 / raw.sign + 1 / raw.verify);
    const rows = [
      timed(`idle station, ${LINES} lines, ${sizes.seconds} s: RSS`, endRssMb, "MB", startedRssMb, {
        atMost: 100,
        of: "value",
      }),
      timed(`idle station, ${LINES} lines: CPU per idle hour`, cpuPerHour, "s", cryptoPerHour, {
        atMost: 36,
        of: "value",
      }),
    ];
    return {
      rows,
      notes: { idleStartedRssMb: startedRssMb, idlePeakRssMb: peakRssMb, idleWindowSeconds: window },
    };
  } finally {
    if (hub !== null) await stopChild(hub);
    await Promise.allSettled(peers.map((p) => p.stop()));
  }
}

/** Resident memory of a process, MB, from /proc/PID/status. */
function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
  return (kb * 1024) / MB;
}

/** User + system CPU seconds of a process (all its threads), from /proc/PID/stat. */
function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces) start at its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
  return ticks / 100; // USER_HZ is 100 on Linux
}
