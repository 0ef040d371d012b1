/**
 * Relay (GET /peer/v1/statement, and what a station does with the answer): while every route to
 * Moscow is down, Washington asks Ankara for the newest statement Ankara heard from Moscow. A
 * relay is a participant, authenticated and never trusted: it may withhold a statement, but what
 * it hands over must be Moscow's own, signed by Moscow, recent, of this line — or nothing of it is
 * kept and Moscow does not count as reached. And the route itself answers only a participant of the
 * line asked about, with well-formed questions.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { HotlineError, signStatement, sha256Hex, type HeadStatement } from "../../src/record/mod.js";
import {
  acceptInvite,
  createInvite,
  initStation,
  LinkMonitor,
  ManualClock,
  Station,
  type PeerTarget,
  type PeerTransport,
} from "../../src/station/mod.js";
import { DirectTransport } from "../helpers/direct-transport.js";
import { waitFor } from "../helpers/stations.js";
import { expectRefused } from "./_harness.js";
import { bilateral } from "./_mallory.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** What the relay hands over when asked for Moscow's statement. */
type Lie = (honest: HeadStatement | null, ankara: Station) => unknown;

/**
 * Washington, Moscow and Ankara on one line, in this process, on one test clock. Washington's link
 * tests run over a transport on which Moscow never answers, and on which Ankara, asked for
 * Moscow's statement, hands over whatever `lie` makes of the honest one.
 */
async function scene(lie: Lie) {
  const root = mkdtempSync(join(tmpdir(), "hotline-relay-"));
  const clock = new ManualClock({ start: "2026-12-07T09:00:00.000Z" });
  const open = async (name: string, port: number) => {
    await initStation({ dir: join(root, name), name, listen: `127.0.0.1:${port}` });
    return Station.open({ dir: join(root, name), clock });
  };
  const washington = await open("Washington", 17401);
  const moscow = await open("Moscow", 17402);
  const ankara = await open("Ankara", 17403);
  const direct = new DirectTransport();
  direct.add(washington, moscow, ankara);
  const line = (await washington.createLine({ name: "wma", operator: "admin" })).id;
  const invite = async () =>
    (await createInvite(washington, { line, expiresInMs: 60_000, operator: "admin" })).invite;
  await acceptInvite(moscow, direct, await invite());
  await acceptInvite(ankara, direct, await invite());
  const copy = async (from: Station, to: Station) => {
    const missing: unknown[] = [];
    for (const e of await from.store.entries(line))
      if ((await to.store.entryByHash(e.hash)) === null) missing.push(JSON.parse(e.bytes.toString("utf8")));
    if (missing.length > 0) await to.receive(missing);
  };
  await copy(washington, moscow);
  await moscow.approveMember({ line, member: "Ankara", operator: "admin" });
  for (let i = 0; i < 2; i++)
    for (const from of [washington, moscow, ankara])
      for (const to of [washington, moscow, ankara]) if (from !== to) await copy(from, to);
  await moscow.send({ line, text: "Moscow holds this", operator: "admin" });
  await washington.send({ line, text: "Washington's, for Moscow", operator: "admin" });
  await copy(washington, moscow);

  const unreachable = (target: PeerTarget) => {
    if (target.station === moscow.id) throw new HotlineError("PEER_UNREACHABLE", "Cannot reach Moscow: cut");
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
      // Ankara heard Moscow just now (Moscow tests its link to Ankara every interval).
      await ankara.acceptStatement(await moscow.headStatement(l), moscow.id);
      return lie(await direct.statementOf(target, l, station), ankara);
    },
  };
  const monitor = new LinkMonitor(washington, { transport, timeoutMs: 1_000 });
  const settings = await washington.settings(line);
  cleanups.push(async () => {
    await monitor.stop();
    for (const s of [washington, moscow, ankara]) await s.close();
    rmSync(root, { recursive: true, force: true });
  });
  await monitor.start();
  // Two failed tests in a row: Moscow is down; then one more round for the relay to be asked.
  for (let i = 0; i < 3 && monitor.state(line, moscow.id)?.health !== "down"; i++)
    await clock.advance(settings.testInterval * 1000);
  await clock.advance(settings.testInterval * 1000);
  expect(monitor.state(line, moscow.id)?.health).toBe("down");
  expect(monitor.state(line, ankara.id)?.health).toBe("up");
  const relayed = async () =>
    (await washington.store.alarms({ all: true })).filter((a) => a.code === "LINK_RELAYED");
  return { washington, moscow, ankara, line, monitor, clock, relayed };
}

describe("a relay that lies about the station it relays", () => {
  it("an honest relay: Moscow counts as reached through Ankara, its receipt is kept, LINK_RELAYED raised", async () => {
    const s = await scene((honest) => honest);
    await waitFor(() => s.monitor.relayOf(s.line, s.moscow.id) !== null, { what: "the relay" });
    expect(s.monitor.relayOf(s.line, s.moscow.id)).toMatchObject({ via: s.ankara.id, viaName: "Ankara" });
    expect(await s.washington.store.coveredSeq(s.line, s.moscow.id, s.washington.id)).toBe(
      (await s.washington.store.head(s.line, s.washington.id))?.seq,
    );
    expect((await s.relayed()).filter((a) => a.clearedAt === null)).toHaveLength(1);
  });

  const lies: [string, Lie][] = [
    [
      "a statement in Moscow's name signed by Ankara",
      (honest, ankara) => {
        const { sig: _sig, ...unsigned } = honest as HeadStatement;
        return signStatement(unsigned, ankara.identity);
      },
    ],
    [
      "Moscow's statement with a head moved on",
      (honest) => {
        const h = honest as HeadStatement;
        const heads = Object.fromEntries(
          Object.entries(h.heads).map(([a, head]) => [a, { ...head, seq: head.seq + 5 }]),
        );
        return { ...h, heads };
      },
    ],
    [
      "Moscow's statement of another line",
      (honest) => ({ ...(honest as HeadStatement), line: sha256Hex("elsewhere") }),
    ],
    ["a number", () => 42],
    ["a list of a million nulls", (): unknown[] => new Array<null>(1_000_000).fill(null)],
    ["a 2 MB string", () => "x".repeat(2 * 1024 * 1024)],
    [
      "a statement with 10,000 heads",
      (honest) => ({ ...(honest as HeadStatement), heads: manyHeads(10_000) }),
    ],
  ];
  for (const [what, lie] of lies) {
    it(`${what}: refused, nothing kept, Moscow not counted as reached`, async () => {
      const s = await scene(lie);
      const before = await s.washington.store.latestStatements(s.line);
      // Several rounds of asking: never reached through Ankara.
      for (let i = 0; i < 3; i++)
        await s.clock.advance((await s.washington.settings(s.line)).testInterval * 1000);
      expect(s.monitor.relayOf(s.line, s.moscow.id)).toBeNull();
      expect(await s.relayed()).toEqual([]);
      const after = await s.washington.store.latestStatements(s.line);
      expect(after.find((r) => r.station === s.moscow.id)?.bytes).toEqual(
        before.find((r) => r.station === s.moscow.id)?.bytes,
      );
      expect((await s.washington.verify()).ok).toBe(true);
    });
  }

  it("Moscow's own statement, but six minutes old: not kept (BACKDATED), not counted as reached", async () => {
    let old: HeadStatement | null = null;
    const s = await scene((honest) => (old ??= honest));
    // The first one handed over is recent; from now on Ankara keeps handing over that same one.
    await waitFor(() => s.monitor.relayOf(s.line, s.moscow.id) !== null, { what: "the first relay" });
    await s.clock.advance(6 * 60_000);
    expect(s.monitor.relayOf(s.line, s.moscow.id)).toBeNull();
    expect((await s.relayed()).every((a) => a.clearedAt !== null)).toBe(true);
  });
});

describe("GET /peer/v1/statement from a paired peer", () => {
  it("answers only a participant of the line asked about, and only well-formed questions", async () => {
    const { h, a, mal, line } = await bilateral();
    cleanups.push(() => h.close());
    const ask = (query: string) => mal.call({ method: "GET", path: `/peer/v1/statement?${query}` });
    const q = (params: Record<string, string>) => new URLSearchParams(params).toString();
    // What the victim heard from Mallory itself: Mallory's own statement, signed by Mallory.
    const own = await ask(q({ line, station: mal.id }));
    expect(own.status).toBe(200);
    // Nothing of a line it is not on, nothing of a station it names wrongly.
    expectRefused(
      await ask(q({ line: sha256Hex("not held"), station: a.id })),
      [403, 404],
      ["NOT_PARTICIPANT", "UNKNOWN_LINE"],
    );
    for (const bad of [
      q({ line }),
      q({ station: a.id }),
      q({ line: "not-a-hash", station: a.id }),
      q({ line, station: "x".repeat(5000) }),
      q({ line, station: a.id, extra: "1" }),
    ])
      expectRefused(await ask(bad), 400, "SCHEMA");
    // A station that is nobody: nothing heard, nothing made up.
    const nobody = await ask(q({ line, station: Buffer.alloc(32, 7).toString("base64url") }));
    expect(nobody.body).toEqual({ statement: null });
  });
});

/** @returns n made-up heads */
function manyHeads(n: number): Record<string, { seq: number; hash: string }> {
  const heads: Record<string, { seq: number; hash: string }> = {};
  for (let i = 0; i < n; i++)
    heads[Buffer.alloc(32, i % 256).toString("base64url") + String(i)] = { seq: 1, hash: "0".repeat(64) };
  return heads;
}
