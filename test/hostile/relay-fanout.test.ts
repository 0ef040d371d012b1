/**
 * Relays on a bigger line: while every route to Moscow is down, Washington asks other participants
 * for Moscow's newest statement — but only a few a round (RELAYS_PER_ROUND), not every one. Asking
 * every participant made a line of N send O(N²) relay requests a round when many links failed at
 * once (an overloaded host), which failed more links. Relays that cannot help are tried again in
 * later rounds, drawn at random, so one that can is still found.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { HotlineError } from "../../src/record/mod.js";
import {
  acceptInvite,
  createInvite,
  initStation,
  LinkMonitor,
  ManualClock,
  RELAYS_PER_ROUND,
  Station,
  type PeerTarget,
  type PeerTransport,
} from "../../src/station/mod.js";
import { DirectTransport } from "../helpers/direct-transport.js";
import { waitFor } from "../helpers/stations.js";

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const NAMES = ["Washington", "Moscow", "Ankara", "Paris", "London", "Berlin"] as const;

describe("relays on a line of six", () => {
  it(`asks at most ${RELAYS_PER_ROUND} participants a round for an unreachable one's statement, and finds the one that can help`, async () => {
    const root = mkdtempSync(join(tmpdir(), "hotline-relay-fanout-"));
    const clock = new ManualClock({ start: "2026-12-07T09:00:00.000Z" });
    const stations: Station[] = [];
    for (const [i, name] of NAMES.entries()) {
      await initStation({ dir: join(root, name), name, listen: `127.0.0.1:${17501 + i}` });
      stations.push(await Station.open({ dir: join(root, name), clock }));
    }
    const [washington, moscow, ...others] = stations as [Station, Station, ...Station[]];
    cleanups.push(async () => {
      for (const s of stations) await s.close();
      rmSync(root, { recursive: true, force: true });
    });
    const direct = new DirectTransport();
    direct.add(...stations);
    const line = (await washington.createLine({ name: "six", operator: "admin" })).id;
    const copyAll = async () => {
      for (let round = 0; round < 2; round++)
        for (const from of stations)
          for (const to of stations) {
            if (from === to) continue;
            const missing: unknown[] = [];
            for (const e of await from.store.entries(line))
              if ((await to.store.entryByHash(e.hash)) === null)
                missing.push(JSON.parse(e.bytes.toString("utf8")));
            if (missing.length > 0) await to.receive(missing).catch(() => undefined);
          }
    };
    const invite = async () =>
      (await createInvite(washington, { line, expiresInMs: 60_000, operator: "admin" })).invite;
    await acceptInvite(moscow, direct, await invite());
    // The four others are added while pending: each asks only Moscow's consent, given in one entry.
    for (const s of others) await acceptInvite(s, direct, await invite());
    await copyAll();
    await moscow.approveMembers({ line, members: "all", operator: "admin" });
    await copyAll();
    expect(await washington.store.participants(line)).toHaveLength(6);

    // Only Berlin heard Moscow; the others hold nothing of it to hand over.
    const berlin = others.at(-1) as Station;
    const asked: string[] = [];
    const unreachable = (target: PeerTarget) => {
      if (target.station === moscow.id)
        throw new HotlineError("PEER_UNREACHABLE", "Cannot reach Moscow: cut");
    };
    const transport: PeerTransport = {
      pair: (target, request) => direct.pair(target, request),
      push: async (target, l, entries) => (unreachable(target), direct.push(target, l, entries)),
      entries: async (target, l, author, after, limit) => (
        unreachable(target),
        direct.entries(target, l, author, after, limit)
      ),
      heads: async (target, statement) => (unreachable(target), direct.heads(target, statement)),
      statementOf: async (target, l, station) => {
        unreachable(target);
        asked.push(target.station);
        if (target.station !== berlin.id) return null;
        await berlin.acceptStatement(await moscow.headStatement(l), moscow.id);
        return direct.statementOf(target, l, station);
      },
    };
    const monitor = new LinkMonitor(washington, { transport, timeoutMs: 1_000 });
    cleanups.push(() => monitor.stop());
    await monitor.start();
    const intervalMs = (await washington.settings(line)).testInterval * 1000;
    const relays = new Set(others.map((s) => s.id));
    for (let round = 0; round < 12 && monitor.relayOf(line, moscow.id) === null; round++) {
      const before = asked.length;
      await clock.advance(intervalMs);
      await waitFor(() => monitor.state(line, moscow.id) !== null, { what: "a test of Moscow's link" });
      const thisRound = asked.slice(before);
      expect(thisRound.length).toBeLessThanOrEqual(RELAYS_PER_ROUND);
      for (const s of thisRound) expect(relays.has(s)).toBe(true);
    }
    await waitFor(() => monitor.relayOf(line, moscow.id) !== null, { what: "the relay through Berlin" });
    expect(monitor.relayOf(line, moscow.id)).toMatchObject({ via: berlin.id, viaName: "Berlin" });
    // Once carried, the relay that carries it is asked first: one request a round, not three.
    const before = asked.length;
    await clock.advance(intervalMs);
    await waitFor(() => asked.length > before, { what: "the next relay round" });
    expect(asked.slice(before)[0]).toBe(berlin.id);
  });
});
