import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HotlineError, type HeadStatement } from "../../record/mod.js";
import { DirectTransport } from "../../../test/helpers/direct-transport.js";
import { inProcessPair, type InProcessPair } from "../../../test/helpers/in-process-pair.js";
import { addRoute } from "../core/mod.js";
import type { PairRequest, PeerTarget, PeerTransport } from "../delivery/mod.js";
import { healthReport } from "./health-report.js";
import { RoutedTransport } from "./routed-transport.js";
import { PeerRejection } from "../../peer/client.js";

const PRIMARY = "https://127.0.0.1:17302";
const BACKUP = "https://127.0.0.1:17402";

/**
 * Moscow, reached through DirectTransport, except at the URLs the test marks dead (no answer) or
 * refusing (an answer that says no); every try is counted by URL.
 */
class Network implements PeerTransport {
  readonly #direct: DirectTransport;
  readonly dead = new Set<string>();
  readonly refusing = new Set<string>();
  /** URLs whose host answers that it is the standby of a station run by two */
  readonly standby = new Set<string>();
  readonly tries: string[] = [];

  constructor(direct: DirectTransport) {
    this.#direct = direct;
  }

  #reach(target: PeerTarget): void {
    this.tries.push(target.url);
    if (this.dead.has(target.url))
      throw new HotlineError("PEER_UNREACHABLE", `Cannot reach ${target.url}: reset`);
    if (this.refusing.has(target.url))
      throw new HotlineError("PEER_REJECTED", "The peer refused: RATE_LIMITED");
    if (this.standby.has(target.url))
      throw new PeerRejection(
        "STANDBY",
        "Moscow here is the standby; the active is moscow-a",
        503,
        undefined,
      );
  }

  pair(target: PeerTarget, request: PairRequest) {
    return this.#direct.pair(target, request);
  }
  async push(target: PeerTarget, line: string, entries: readonly Buffer[]) {
    this.#reach(target);
    return this.#direct.push(target, line, entries);
  }
  async heads(target: PeerTarget, statement: HeadStatement) {
    this.#reach(target);
    return this.#direct.heads(target, statement);
  }
  async statementOf(target: PeerTarget, line: string, station: string) {
    this.#reach(target);
    return this.#direct.statementOf(target, line, station);
  }
  async entries(target: PeerTarget, line: string, author: string, after: number, limit: number) {
    this.#reach(target);
    return this.#direct.entries(target, line, author, after, limit);
  }
}

let pair: InProcessPair;
let network: Network;
let routed: RoutedTransport;
let moscowTarget: PeerTarget;

beforeEach(async () => {
  pair = await inProcessPair();
  // Moscow has a backup route and announces it; Washington holds the announcement.
  await addRoute(pair.moscow, { name: "backup", url: BACKUP, operator: "admin" });
  await pair.sync();
  const direct = new DirectTransport();
  direct.add(pair.washington, pair.moscow);
  network = new Network(direct);
  routed = new RoutedTransport(pair.washington, network, { downAfter: 2, returnAfter: 3, probeEvery: 1 });
  moscowTarget = { station: pair.moscow.id, url: PRIMARY, cert: pair.moscow.certFingerprint };
});
afterEach(async () => {
  await pair.close();
});

const statement = async () => pair.washington.headStatement(pair.line);
/** One link test, and the tests of the idle routes it set off. */
const heads = async () => {
  try {
    return await routed.heads(moscowTarget, await statement());
  } finally {
    await routed.probed();
  }
};
const activeRoute = () => routed.routing(pair.moscow.id)?.active;
const routeAlarms = async () =>
  (await pair.washington.store.alarms()).filter((a) => a.code === "ROUTE_DOWN" && a.clearedAt === null);

describe("failover between a peer's routes", () => {
  it("goes by the preferred route while it answers", async () => {
    await heads();
    expect(activeRoute()).toBe("primary");
    expect(network.tries[0]).toBe(PRIMARY);
    expect(routed.routing(pair.moscow.id)?.routes.map((r) => [r.name, r.url])).toEqual([
      ["primary", PRIMARY],
      ["backup", BACKUP],
    ]);
  });

  it("sends by the next route at once, in the same call, when the one carrying the traffic fails", async () => {
    await heads();
    network.dead.add(PRIMARY);
    network.tries.length = 0;
    await heads();
    expect(network.tries.slice(0, 2)).toEqual([PRIMARY, BACKUP]);
    expect(activeRoute()).toBe("backup");
    expect(routed.routing(pair.moscow.id)?.switchedAt).not.toBeNull();
  });

  it("raises ROUTE_DOWN while another route carries the line, and clears it when the route answers again", async () => {
    network.dead.add(PRIMARY);
    await heads(); // primary fails once, backup carries
    await heads(); // primary probed: fails a second time, down
    const raised = await routeAlarms();
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ severity: "warning", peer: pair.moscow.id, line: pair.line });
    expect(raised[0]?.detail).toMatch(/primary/);
    network.dead.delete(PRIMARY);
    await heads(); // probed: answers
    expect(await routeAlarms()).toHaveLength(0);
  });

  it("raises ROUTE_DOWN for a route that went down while no other answered, once another carries the line", async () => {
    network.dead.add(PRIMARY);
    network.dead.add(BACKUP);
    await expect(heads()).rejects.toMatchObject({ code: "PEER_UNREACHABLE" });
    await expect(heads()).rejects.toMatchObject({ code: "PEER_UNREACHABLE" }); // both down: LINK_DOWN's case
    expect(await routeAlarms()).toHaveLength(0);
    network.dead.delete(BACKUP);
    await heads(); // the backup answers and carries the line: the primary is still down
    const raised = await routeAlarms();
    expect(raised.map((a) => a.detail)).toEqual([expect.stringMatching(/primary/)]);
  });

  it("returns to the preferred route only after it answered several tests in a row, without flapping", async () => {
    network.dead.add(PRIMARY);
    await heads();
    expect(activeRoute()).toBe("backup");
    network.dead.delete(PRIMARY);
    await heads(); // primary answers a probe: 1 in a row
    expect(activeRoute()).toBe("backup");
    network.dead.add(PRIMARY);
    await heads(); // fails again: the streak starts over
    network.dead.delete(PRIMARY);
    await heads();
    await heads();
    expect(activeRoute()).toBe("backup");
    await heads(); // the third in a row
    expect(activeRoute()).toBe("primary");
  });

  it("takes a refusal as an answer: no failover, the refusal goes to the caller", async () => {
    network.refusing.add(PRIMARY);
    await expect(heads()).rejects.toThrow(/refused/);
    expect(network.tries).toEqual([PRIMARY]);
    expect(activeRoute()).toBe("primary");
    expect(routed.routing(pair.moscow.id)?.routes[0]?.health).toBe("up");
  });

  it("fails when every route fails, and leaves that to the link's own alarm (no ROUTE_DOWN)", async () => {
    network.dead.add(PRIMARY);
    network.dead.add(BACKUP);
    await expect(heads()).rejects.toThrow(/PEER_UNREACHABLE|Cannot reach/);
    await expect(heads()).rejects.toThrow(/Cannot reach/);
    expect(routed.routing(pair.moscow.id)?.routes.map((r) => r.health)).toEqual(["down", "down"]);
    expect(await routeAlarms()).toHaveLength(0);
  });

  it("delivers pushes by the backup route when the primary is dead, nothing lost or doubled", async () => {
    network.dead.add(PRIMARY);
    const sent = await pair.washington.send({
      line: pair.line,
      text: "Are you receiving?",
      operator: "admin",
    });
    const entry = await pair.washington.store.entryByHash(sent.hash);
    if (entry === null) throw new Error("not stored");
    await routed.push(moscowTarget, pair.line, [entry.bytes]);
    await routed.push(moscowTarget, pair.line, [entry.bytes]); // again: idempotent at the receiver
    expect(await pair.moscow.store.entryByHash(sent.hash)).not.toBeNull();
    expect(network.tries.filter((url) => url === BACKUP)).toHaveLength(2);
  });
});

describe("a peer run by an active and a standby host", () => {
  it("goes by the active host's route while the other answers STANDBY: the standby route is up, carries nothing, raises nothing", async () => {
    network.standby.add(BACKUP);
    await heads();
    await heads();
    await heads();
    expect(activeRoute()).toBe("primary");
    const routes = routed.routing(pair.moscow.id)?.routes ?? [];
    expect(routes.map((r) => [r.name, r.health, r.standby])).toEqual([
      ["primary", "up", false],
      ["backup", "up", true],
    ]);
    expect(await routeAlarms()).toHaveLength(0);
  });

  it("when the active host dies and the standby takes over, traffic moves to it; the old host answering STANDBY later raises nothing and gets no traffic back", async () => {
    network.standby.add(BACKUP);
    await heads();
    // The active host dies; its standby has not taken over yet: nothing answers as the active.
    network.dead.add(PRIMARY);
    await expect(heads()).rejects.toMatchObject({ code: "PEER_UNREACHABLE" });
    // The standby took over: it answers, and carries the traffic.
    network.standby.delete(BACKUP);
    await heads();
    expect(activeRoute()).toBe("backup");
    expect(routed.routing(pair.moscow.id)?.routes.find((r) => r.name === "backup")?.standby).toBe(false);
    await heads();
    expect((await routeAlarms()).map((a) => a.detail)).toEqual([expect.stringMatching(/primary/)]);
    // The old host comes back as the standby: its ROUTE_DOWN clears, the traffic stays where it is
    // however many times it answers.
    network.dead.delete(PRIMARY);
    network.standby.add(PRIMARY);
    for (let i = 0; i < 5; i++) await heads();
    expect(activeRoute()).toBe("backup");
    expect(await routeAlarms()).toHaveLength(0);
    const primary = routed.routing(pair.moscow.id)?.routes.find((r) => r.name === "primary");
    expect(primary).toMatchObject({ health: "up", standby: true });
  });

  it("a push that reaches the standby first goes on to the active host in the same call", async () => {
    network.standby.add(PRIMARY);
    const sent = await pair.washington.send({
      line: pair.line,
      text: "Are you receiving?",
      operator: "admin",
    });
    const entry = await pair.washington.store.entryByHash(sent.hash);
    if (entry === null) throw new Error("not stored");
    await routed.push(moscowTarget, pair.line, [entry.bytes]);
    expect(network.tries).toEqual([PRIMARY, BACKUP]);
    expect(await pair.moscow.store.entryByHash(sent.hash)).not.toBeNull();
    // Known as the standby now, it is tried last.
    network.tries.length = 0;
    await routed.push(moscowTarget, pair.line, [entry.bytes]);
    expect(network.tries).toEqual([BACKUP]);
  });

  it("when every route answers STANDBY the peer is unreached: no host of it is active", async () => {
    network.standby.add(PRIMARY);
    network.standby.add(BACKUP);
    await expect(heads()).rejects.toMatchObject({ code: "PEER_UNREACHABLE", message: /standby/ });
    expect(await routeAlarms()).toHaveLength(0);
  });
});

describe("a failure found once counts once", () => {
  it("an exchange that started after a failing one waits for its own answer; one that started before moves on", async () => {
    // The primary holds every exchange until the test settles it.
    const held: { url: string; settle: (error?: Error) => void }[] = [];
    const holding: PeerTransport = {
      pair: (target, request) => network.pair(target, request),
      push: (target, line, entries) => network.push(target, line, entries),
      entries: (target, line, author, after, limit) => network.entries(target, line, author, after, limit),
      statementOf: (target, line, station) => network.statementOf(target, line, station),
      heads: (target, s) =>
        target.url !== PRIMARY
          ? network.heads(target, s)
          : new Promise((resolve, reject) => {
              held.push({
                url: target.url,
                settle: (error) => (error === undefined ? resolve(network.heads(target, s)) : reject(error)),
              });
            }),
    };
    const r = new RoutedTransport(pair.washington, holding, { probeEvery: 100 });
    const tried = (s: Promise<unknown>) => {
      let settled = false;
      void s.then(
        () => (settled = true),
        () => (settled = true),
      );
      return () => settled;
    };
    const first = r.heads(moscowTarget, await statement());
    await waitUntil(() => held.length === 1);
    const second = r.heads(moscowTarget, await statement());
    await waitUntil(() => held.length === 2);
    const secondDone = tried(second);
    const third = r.heads(moscowTarget, await statement());
    await waitUntil(() => held.length === 3);
    // The second fails (a timeout, say): the first, waiting longer, moves to the backup at once;
    // the third, started after it, still waits for the primary's own answer.
    held[1]?.settle(
      new HotlineError("PEER_UNREACHABLE", "Cannot reach the primary: no answer within 1000 ms"),
    );
    await expect(second).resolves.toBeDefined(); // by the backup
    await expect(first).resolves.toBeDefined(); // by the backup, given up on the primary
    expect(secondDone()).toBe(true);
    const thirdDone = tried(third);
    await new Promise((resolve) => setImmediate(resolve));
    expect(thirdDone()).toBe(false);
    held[2]?.settle();
    await expect(third).resolves.toBeDefined();
  });
});

describe("each route's history", () => {
  it("keeps every change of a route's health and every switch, with time and cause, and the health report shows them with each route's uptime", async () => {
    const t0 = pair.clock.now();
    network.dead.add(PRIMARY);
    await heads(); // primary fails (degraded), backup answers and takes the traffic, primary probed: down
    pair.clock.t = t0 + 60_000;
    network.dead.delete(PRIMARY);
    for (let i = 0; i < 3; i++) await heads(); // primary answers three probes in a row: traffic back
    await routed.kept();
    const history = await pair.washington.store.routeHistory({ peer: pair.moscow.id });
    expect(history.map((c) => [c.route, c.kind, c.from, c.to, c.at])).toEqual([
      ["primary", "health", "unknown", "degraded", new Date(t0).toISOString()],
      ["backup", "health", "unknown", "up", new Date(t0).toISOString()],
      ["backup", "switch", "primary", "backup", new Date(t0).toISOString()],
      ["primary", "health", "degraded", "down", new Date(t0).toISOString()],
      ["primary", "health", "down", "up", new Date(t0 + 60_000).toISOString()],
      ["primary", "switch", "backup", "primary", new Date(t0 + 60_000).toISOString()],
    ]);
    // The cause, in words: what failed, and why traffic moved.
    expect(history[2]?.detail).toMatch(/^primary failed: .*reset/);
    expect(history[3]?.detail).toMatch(/2 tries in a row failed/);
    expect(history[5]?.detail).toMatch(/answered 3 times in a row: back to the preferred route/);

    const report = await healthReport(pair.washington, pair.line, {
      monitor: null,
      routes: routed,
      now: t0 + 120_000,
    });
    const moscow = report.participants[0];
    expect(moscow?.switchedAt).toBe(new Date(t0 + 60_000).toISOString());
    expect(moscow?.routeHistory.map((c) => [c.route, c.kind, c.to])[0]).toEqual([
      "primary",
      "switch",
      "primary",
    ]);
    expect(moscow?.routeHistory).toHaveLength(6);
    // Primary: down for the first minute, up for the second; backup up throughout.
    expect(moscow?.routes.map((r) => [r.name, r.active, r.uptime["1h"], r.changedAt])).toEqual([
      ["primary", true, 50, new Date(t0 + 60_000).toISOString()],
      ["backup", false, 100, new Date(t0).toISOString()],
    ]);
  });

  it("keeps a clean stop as unknown, so a route's uptime leaves out the time nobody tested it", async () => {
    await heads();
    await routed.stop();
    const history = await pair.washington.store.routeHistory({ peer: pair.moscow.id });
    expect(history.filter((c) => c.to === "unknown").map((c) => [c.route, c.from])).toEqual([
      ["primary", "up"],
      ["backup", "up"],
    ]);
  });
});

/** Waits until a condition holds, turning the event loop (nothing here waits on a timer). */
async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1_000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  if (!condition()) throw new Error("the condition did not come true");
}
