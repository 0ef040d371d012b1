/**
 * Time to detect a dead peer, in the tail: Washington in this process, Moscow a real `hotline
 * start` child process reached through a fault-injecting proxy (also in this process), link tests
 * every second. At a random phase of the cadence Moscow is either killed (SIGKILL: its port then
 * refuses, a test fails at once) or its route blackholed (nothing answers: a test fails only at
 * its deadline, the slowest case), and the time until Washington's link monitor says `down` is
 * taken, over 20 trials each: the worst and the median, beside the target (two test intervals plus
 * the test timeout). Once on an idle machine, once while two busy processes (spawned here, killed
 * after) load both cores.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import pino from "pino";
import { runningStation } from "../src/api/mod.js";
import { FaultProxy } from "../src/faults/mod.js";
import { startStation } from "../src/cli/mod.js";
import { createInvite, freeLoopbackPort, initStation, stationPaths } from "../src/station/mod.js";
import { startChild, stopChild, waitHealth } from "./_peers.js";
import { timed, type Row } from "./_table.js";

/** The line's test interval in this bench, seconds. */
const INTERVAL_S = 1;
/** A link test's timeout at that interval: the station's (5 s) capped at the interval. */
const TIMEOUT_S = Math.min(5, INTERVAL_S);
/** What detection must stay within in every trial. */
const TARGET_S = 2 * INTERVAL_S + TIMEOUT_S;
/** the link's health looked at every 2 ms (a detection time is read to that), for up to 60 s */
const DETECT_POLL = { everyMs: 2, timeoutMs: 60_000 };

/**
 * @param root a directory for the two stations
 * @param trials kill trials per run (idle, then loaded)
 * @param progress where to say what runs
 * @returns rows and notes
 */
export async function detectBench(
  root: string,
  trials: number,
  progress: (message: string) => void,
): Promise<{ rows: Row[]; notes: Record<string, number> }> {
  const wDir = join(root, "washington");
  const mDir = join(root, "moscow");
  const loopback = async () => `127.0.0.1:${await freeLoopbackPort()}`;
  const proxyPort = await freeLoopbackPort();
  const moscowPort = await freeLoopbackPort();
  await initStation({ dir: wDir, name: "Washington", listen: await loopback(), api: await loopback() });
  await initStation({
    dir: mDir,
    name: "Moscow",
    listen: `127.0.0.1:${moscowPort}`,
    api: await loopback(),
    url: `https://127.0.0.1:${proxyPort}`,
  });
  const proxy = await FaultProxy.start({
    listen: { host: "127.0.0.1", port: proxyPort },
    upstream: { host: "127.0.0.1", port: moscowPort },
  });
  const washington = await startStation({ dir: wDir, logger: pino({ level: "silent" }) });
  let moscow: ChildProcess | null = null;
  const busy: ChildProcess[] = [];
  const rows: Row[] = [];
  const notes: Record<string, number> = {};
  try {
    moscow = await startChild(mDir);
    const w = washington.station;
    const line = (await w.createLine({ name: "moscow-washington", operator: "admin" })).id;
    const { invite } = await createInvite(w, { line, expiresInMs: 3_600_000, operator: "admin" });
    const mApi = runningStation(stationPaths(mDir));
    if (mApi === null) throw new Error("Moscow is not running");
    await mApi.call("POST /api/accept", { body: { invite } });
    const moscowId = (await mApi.call("GET /api/whoami")).id;
    await w.setLine({ line, testInterval: INTERVAL_S, operator: "admin" });

    for (const loaded of [false, true]) {
      if (loaded) {
        for (let i = 0; i < 2; i++) {
          busy.push(spawn(process.execPath, ["-e", "for(;;){}"], { stdio: "ignore" }));
        }
      }
      const how = loaded ? "both cores loaded" : "idle";
      for (const fault of ["kill -9", "blackhole"] as const) {
        const times: number[] = [];
        for (let trial = 1; trial <= trials; trial++) {
          progress(`detect: ${fault} at a random phase, ${how}, trial ${trial} of ${trials}`);
          await waitHealth(washington, line, moscowId, "up", DETECT_POLL);
          await new Promise((r) => setTimeout(r, Math.random() * INTERVAL_S * 1000));
          if (fault === "blackhole") {
            const at = performance.now();
            proxy.set({ blackhole: "both" });
            await waitHealth(washington, line, moscowId, "down", DETECT_POLL);
            times.push((performance.now() - at) / 1000);
            proxy.heal();
            continue;
          }
          const dead = moscow;
          const exited = new Promise((r) => dead.once("exit", r));
          const killedAt = performance.now();
          dead.kill("SIGKILL");
          await waitHealth(washington, line, moscowId, "down", DETECT_POLL);
          times.push((performance.now() - killedAt) / 1000);
          await exited;
          moscow = await startChild(mDir);
        }
        const sorted = [...times].sort((a, b) => a - b);
        const worst = sorted.at(-1) ?? 0;
        const p50 = sorted[Math.floor(sorted.length / 2)] ?? 0;
        const label = `${fault}, interval ${INTERVAL_S} s, ${how}`;
        rows.push(
          timed(`dead peer shown down, worst of ${trials} (${label})`, worst, "s", TARGET_S, {
            atMost: 1,
            of: "ratio",
          }),
          timed(`dead peer shown down, median of ${trials} (${label})`, p50, "s", TARGET_S, {
            atMost: 1,
            of: "ratio",
          }),
        );
        const key = `detect${fault === "blackhole" ? "Blackhole" : "Kill"}${loaded ? "Loaded" : "Idle"}`;
        Object.assign(notes, { [`${key}WorstMs`]: worst * 1000, [`${key}MedianMs`]: p50 * 1000 });
      }
      for (const b of busy.splice(0)) b.kill("SIGKILL");
    }
  } finally {
    for (const b of busy) b.kill("SIGKILL");
    if (moscow !== null) await stopChild(moscow);
    await washington.stop();
    await proxy.close();
  }
  return { rows, notes };
}
