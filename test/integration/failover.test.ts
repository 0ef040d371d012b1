/**
 * The issue's own trial: Moscow reachable by two routes, each behind a fault-injecting proxy; the
 * primary is cut while Washington sends. Real stations (in this process), real loopback mutual TLS.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FaultProxy } from "../../src/faults/mod.js";
import { hotline, hotlineJson, tempDir, type TempDir } from "../helpers/cli.js";
import {
  freePort,
  initStation as init,
  startStation,
  stopStation,
  waitFor,
  type TestStation,
} from "../helpers/stations.js";

interface LogEntry {
  author: string;
  kind: string;
  body: { text?: string };
}
interface RouteStatus {
  name: string;
  health: string;
  active: boolean;
}
interface Status {
  lines: { id: string; participants: { id: string; url: string; outbox: number; routes: RouteStatus[] }[] }[];
}
interface RouteChange {
  route: string;
  kind: string;
  from: string | null;
  to: string;
  detail: string;
}
interface Alarm {
  code: string;
  clearedAt: string | null;
  detail: string;
}

describe("failover: a route cut while messages flow", () => {
  let tmp: TempDir;
  let washington: TestStation;
  let moscow: TestStation;
  let primary: FaultProxy;
  let backup: FaultProxy;
  let line: string;

  const texts = async () =>
    (await hotlineJson<LogEntry[]>(["log", "--line", line, "--dir", moscow.dir])).filter(
      (e) => e.author === washington.id && e.kind === "text",
    );
  const moscowAtWashington = async () =>
    (await hotlineJson<Status>(["status", "--dir", washington.dir])).lines[0]?.participants.find(
      (p) => p.id === moscow.id,
    );
  const routesOfMoscow = async () => (await moscowAtWashington())?.routes ?? [];
  const routeDown = async () =>
    (await hotlineJson<Alarm[]>(["alarms", "--all", "--dir", washington.dir])).filter(
      (a) => a.code === "ROUTE_DOWN",
    );
  const send = (text: string) => hotlineJson(["send", "--line", line, text, "--dir", washington.dir]);

  beforeAll(async () => {
    tmp = tempDir();
    const primaryPort = await freePort();
    const backupPort = await freePort();
    const backupListen = await freePort();
    washington = await init(tmp.join("washington"), "Washington");
    moscow = await init(tmp.join("moscow"), "Moscow", () => `https://127.0.0.1:${primaryPort}`);
    primary = await FaultProxy.start({
      listen: { host: "127.0.0.1", port: primaryPort },
      upstream: { host: "127.0.0.1", port: moscow.peerPort },
    });
    backup = await FaultProxy.start({
      listen: { host: "127.0.0.1", port: backupPort },
      upstream: { host: "127.0.0.1", port: backupListen },
    });
    await hotlineJson([
      "route",
      "add",
      "backup",
      "--url",
      `https://127.0.0.1:${backupPort}`,
      "--listen",
      `127.0.0.1:${backupListen}`,
      "--dir",
      moscow.dir,
    ]);
    await startStation(washington);
    await startStation(moscow);
    ({ id: line } = await hotlineJson<{ id: string }>([
      "line",
      "create",
      "--name",
      "mw",
      "--dir",
      washington.dir,
    ]));
    await hotlineJson(["line", "set", "--line", line, "--test-interval", "1", "--dir", washington.dir]);
    const { invite } = await hotlineJson<{ invite: string }>([
      "invite",
      "--line",
      line,
      "--dir",
      washington.dir,
    ]);
    await hotlineJson(["accept", invite, "--dir", moscow.dir]);
    // Moscow announces its two routes on joining; Washington learns them from Moscow's own entry.
    await waitFor(async () => (await routesOfMoscow()).length === 2, {
      what: "Washington knowing both routes",
    });
  });
  afterAll(async () => {
    await stopStation(washington);
    await stopStation(moscow);
    await primary.close();
    await backup.close();
    tmp.remove();
  });

  it("keeps delivering by the backup route, raises ROUTE_DOWN, and returns to the primary once it is back", async () => {
    for (let i = 1; i <= 3; i++) await send(`before ${i}`);
    await waitFor(async () => (await texts()).length === 3, { what: "the first messages at Moscow" });
    expect(primary.counts.bytesUp).toBeGreaterThan(0);

    primary.cut();
    const cutAt = performance.now();
    const backupBefore = backup.counts.bytesUp;
    for (let i = 1; i <= 3; i++) await send(`during ${i}`);
    await waitFor(async () => (await texts()).length === 6, { what: "the messages sent after the cut" });
    const failoverMs = performance.now() - cutAt;
    expect(backup.counts.bytesUp).toBeGreaterThan(backupBefore);
    // Each once, in order: the record, not the route, decided what was pending.
    expect((await texts()).map((e) => e.body.text)).toEqual([
      "before 1",
      "before 2",
      "before 3",
      "during 1",
      "during 2",
      "during 3",
    ]);
    // Moscow's signed receipts came back too: nothing of Washington's is pending for it.
    await waitFor(async () => (await moscowAtWashington())?.outbox === 0, { what: "every receipt" });
    await waitFor(
      async () => {
        const routes = await routesOfMoscow();
        return routes.find((r) => r.name === "backup")?.active === true;
      },
      { what: "the board showing the backup route carrying the line" },
    );
    // `health` names the routes too, and the one carrying the traffic.
    const health = await hotlineJson<{ participants: { id: string; routes: RouteStatus[] }[] }>([
      "health",
      "--line",
      line,
      "--dir",
      washington.dir,
    ]);
    const viaHealth = health.participants.find((p) => p.id === moscow.id)?.routes ?? [];
    expect(viaHealth.map((r) => [r.name, r.active])).toEqual([
      ["primary", false],
      ["backup", true],
    ]);
    await waitFor(async () => (await routeDown()).some((a) => a.clearedAt === null), {
      what: "ROUTE_DOWN raised at Washington",
    });
    expect((await routeDown())[0]?.detail).toMatch(/primary/);
    // The link itself never went down: another route carried it.
    const alarms = await hotlineJson<Alarm[]>(["alarms", "--all", "--dir", washington.dir]);
    expect(alarms.filter((a) => a.code === "LINK_DOWN")).toEqual([]);

    primary.heal();
    await waitFor(async () => (await routesOfMoscow()).find((r) => r.name === "primary")?.active === true, {
      what: "traffic back on the primary route",
    });
    await waitFor(async () => (await routeDown()).every((a) => a.clearedAt !== null), {
      what: "ROUTE_DOWN cleared",
    });
    await send("after");
    await waitFor(async () => (await texts()).length === 7, { what: "a message after the return" });
    // The route history keeps both switches and the primary's fall and return, with their causes.
    const health2 = async () =>
      (
        await hotlineJson<{
          participants: { id: string; switchedAt: string | null; routeHistory: RouteChange[] }[];
        }>(["health", "--line", line, "--dir", washington.dir])
      ).participants.find((p) => p.id === moscow.id);
    await waitFor(async () => (await health2())?.routeHistory[0]?.kind === "switch", {
      what: "the return to the primary in the route history",
    });
    const history = ((await health2())?.routeHistory ?? []).slice().reverse(); // oldest first
    const switches = history.filter((c) => c.kind === "switch").map((c) => [c.from, c.to]);
    expect(switches[0]).toEqual(["primary", "backup"]);
    expect(switches.at(-1)).toEqual(["backup", "primary"]);
    expect(history.find((c) => c.kind === "switch")?.detail).toMatch(/^primary failed/);
    expect(history.some((c) => c.route === "primary" && c.kind === "health" && c.to === "down")).toBe(true);
    expect((await health2())?.switchedAt).not.toBeNull();
    const text = (await hotline(["health", "--line", line, "--dir", washington.dir])).stdout;
    expect(text).toMatch(/last switch \d{4}-\d\d-\d\dT/);
    expect(text).toMatch(
      /route history, newest first:\n.*traffic backup → primary: primary answered \d+ times in a row/,
    );
    expect(failoverMs, "messages sent after the cut arrived").toBeLessThan(30_000);
    process.stdout.write(
      `failover: the 3 messages sent after the cut arrived within ${Math.round(failoverMs)} ms\n`,
    );
  });

  it("moves what waits on a blackholed route (no reset, no answer) to the backup within about a test interval", async () => {
    await waitFor(async () => (await routesOfMoscow()).find((r) => r.name === "primary")?.active === true, {
      what: "traffic on the primary route",
    });
    const sent = (await texts()).length;
    primary.set({ blackhole: "both" });
    const holedAt = performance.now();
    for (let i = 1; i <= 3; i++) await send(`in the dark ${i}`);
    await waitFor(async () => (await texts()).length === sent + 3, {
      what: "the messages sent into the blackhole, by the backup",
    });
    const failoverMs = performance.now() - holedAt;
    expect((await texts()).slice(-3).map((e) => e.body.text)).toEqual([
      "in the dark 1",
      "in the dark 2",
      "in the dark 3",
    ]);
    // The client's own deadline is 5 s: moved on by the link test's verdict, not by waiting it out.
    expect(failoverMs).toBeLessThan(5_000);
    process.stdout.write(
      `failover: through a blackhole, the 3 messages arrived within ${Math.round(failoverMs)} ms (test interval 1 s)\n`,
    );
    primary.heal();
  });
});
