/**
 * Routes under faults: Washington and Moscow in this process over loopback mutual TLS, Moscow
 * reachable by two routes, each behind a fault-injecting proxy (`src/faults/`).
 *
 *  - failover time: the primary route blackholed (no reset, no answer) → the next entry written at
 *    Washington receipted by Moscow through the backup, beside the line's test interval;
 *  - one line's throughput through a route with 5 % loss and 50 ms latency each way, beside the
 *    same line and route without faults.
 */
import { join } from "node:path";
import pino from "pino";
import { startStation, type RunningStation } from "../src/cli/mod.js";
import { FaultProxy } from "../src/faults/mod.js";
import { acceptInvite, addRoute, createInvite, freeLoopbackPort, initStation } from "../src/station/mod.js";
import { textDrafts } from "./_fixture.js";
import { receipted, until } from "./_line-waits.js";
import { compared, timed, type Row } from "./_table.js";

export interface RouteBenchSizes {
  /** blackhole trials of the failover time (the worst counts) */
  failoverTrials: number;
  /** entries of each throughput run */
  entries: number;
}

/** The line's test interval in this bench, seconds: failover is judged against it. */
const TEST_INTERVAL_S = 1;

/**
 * @param root a directory for the two stations
 * @param sizes trials and entries
 * @param progress where to say what runs
 * @returns rows and notes
 */
export async function routeBench(
  root: string,
  sizes: RouteBenchSizes,
  progress: (message: string) => void,
): Promise<{ rows: Row[]; notes: Record<string, number> }> {
  const loopback = async () => `127.0.0.1:${await freeLoopbackPort()}`;
  const primaryPort = await freeLoopbackPort();
  const backupPort = await freeLoopbackPort();
  const moscowListen = await freeLoopbackPort();
  const backupListen = await freeLoopbackPort();
  const wDir = join(root, "washington");
  const mDir = join(root, "moscow");
  await initStation({ dir: wDir, name: "Washington", listen: await loopback(), api: await loopback() });
  await initStation({
    dir: mDir,
    name: "Moscow",
    listen: `127.0.0.1:${moscowListen}`,
    api: await loopback(),
    url: `https://127.0.0.1:${primaryPort}`,
  });
  const proxy = (port: number, upstream: number) =>
    FaultProxy.start({
      listen: { host: "127.0.0.1", port },
      upstream: { host: "127.0.0.1", port: upstream },
    });
  const primary = await proxy(primaryPort, moscowListen);
  const backup = await proxy(backupPort, backupListen);
  const quiet = pino({ level: "silent" });
  const running: RunningStation[] = [];
  try {
    const w = await startStation({ dir: wDir, logger: quiet });
    running.push(w);
    const m = await startStation({ dir: mDir, logger: quiet });
    running.push(m);
    await addRoute(m.station, {
      name: "backup",
      url: `https://127.0.0.1:${backupPort}`,
      listen: `127.0.0.1:${backupListen}`,
      operator: "admin",
    });
    const line = (await w.station.createLine({ name: "moscow-washington", operator: "admin" })).id;
    await w.station.setLine({ line, testInterval: TEST_INTERVAL_S, operator: "admin" });
    const { invite } = await createInvite(w.station, { line, expiresInMs: 3_600_000, operator: "admin" });
    await acceptInvite(m.station, m.routes, invite);
    await until("Washington knowing Moscow's two routes", async () => {
      const lines = await w.station.lines();
      return lines[0]?.participants.find((p) => p.id === m.station.id)?.routes.length === 2;
    });
    const active = () => w.routes.routing(m.station.id)?.active ?? null;
    const writeOne = async () => {
      const [sealed] = await w.station.writeMany(line, textDrafts(1, 0));
      return sealed?.entry.seq ?? 0;
    };
    await receipted(w, line, [m.station.id], await writeOne());

    // Failover: blackhole the primary, write, time the receipt (by the backup); heal, wait until
    // traffic is back on the primary; again.
    const failovers: number[] = [];
    for (let trial = 1; trial <= sizes.failoverTrials; trial++) {
      progress(`routes: failover through a blackholed primary, trial ${trial} of ${sizes.failoverTrials}`);
      await until("traffic on the primary route", async () => active() === "primary");
      primary.set({ blackhole: "both" });
      const start = performance.now();
      await receipted(w, line, [m.station.id], await writeOne());
      failovers.push(performance.now() - start);
      primary.heal();
    }

    // Throughput through the primary, clean and then faulty (the backup cut, so nothing goes round).
    await until("traffic on the primary route", async () => active() === "primary");
    backup.cut();
    const throughput = async () => {
      const start = performance.now();
      for (let sent = 0; sent < sizes.entries; sent += 100) {
        await w.station.writeMany(line, textDrafts(Math.min(100, sizes.entries - sent), sent));
      }
      const head = (await w.station.store.head(line, w.station.id))?.seq ?? 0;
      await receipted(w, line, [m.station.id], head, 300_000);
      return sizes.entries / ((performance.now() - start) / 1000);
    };
    progress(`routes: ${sizes.entries} entries through the primary, no faults`);
    const clean = await throughput();
    progress(`routes: ${sizes.entries} entries through the primary, 5 % loss and 50 ms latency each way`);
    primary.set({ latencyMs: 50, lossRate: 0.05, retransmitMs: 200 });
    const lossy = await throughput();
    primary.heal();
    backup.heal();

    const worst = Math.max(...failovers);
    const rttMs = 2 * 0.3; // a loopback round trip, ms: the ceiling is the interval and one of them
    return {
      rows: [
        timed(
          `failover: primary blackholed → entry receipted by the backup (worst of ${failovers.length})`,
          worst / 1000,
          "s",
          TEST_INTERVAL_S + rttMs / 1000,
          { atMost: 2, of: "ratio" },
        ),
        compared("one line through 5 % loss and 50 ms latency, vs none", lossy, clean, 0.25),
      ],
      notes: {
        failoverMedianMs: [...failovers].sort((a, b) => a - b)[Math.floor(failovers.length / 2)] ?? 0,
        failoverWorstMs: worst,
        routeCleanPerSecond: clean,
        routeLossyPerSecond: lossy,
      },
    };
  } finally {
    for (const r of running.reverse()) await r.stop();
    await primary.close();
    await backup.close();
  }
}
