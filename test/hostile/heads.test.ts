import { logOf } from "../../src/station/mod.js";
/**
 * A paired peer posts signed head statements that lie (POST /peer/v1/heads): for a line the victim
 * does not hold, from the past or the future, naming strangers, claiming entries the victim never
 * wrote, or another history of a chain. The victim refuses them, stores nothing of them, and raises
 * one DIVERGENCE alarm where a third station's chain is contradicted.
 */
import { randomBytes } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/record/mod.js";
import { assertLineWorks, expectIntact, expectRefused, Harness } from "./_harness.js";
import { bilateral, Mallory, type Bilateral } from "./_mallory.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** @returns a fresh victim and scripted peer on a line */
async function setUp(): Promise<Bilateral> {
  const scene = await bilateral();
  harness = scene.h;
  return scene;
}

type Heads = Record<string, { seq: number; hash: string }>;

/** @returns the heads a station holds on a line, as a statement names them */
async function headsAt(scene: Bilateral, line: string, at = scene.m): Promise<Heads> {
  const heads: Heads = {};
  for (const h of await at.station.store.heads(line)) heads[h.author] = { seq: h.seq, hash: h.hash };
  return heads;
}

/** @returns how many statements the victim keeps for a line, from any station */
async function statementsAt({ a }: Bilateral, line: string): Promise<number> {
  return (await a.station.store.latestStatements(line)).length;
}

/** @returns the victim's database size on disk, WAL included */
function databaseBytes({ a }: Bilateral): number {
  const file = join(a.dir, "hotline.db");
  return [file, `${file}-wal`].reduce((n, f) => n + (existsSync(f) ? statSync(f).size : 0), 0);
}

/** @returns n made-up station ids, each with a head */
function strangers(n: number): Heads {
  const heads: Heads = {};
  for (let i = 0; i < n; i++) {
    heads[randomBytes(32).toString("base64url")] = { seq: 1 + i, hash: randomBytes(32).toString("hex") };
  }
  return heads;
}

/** After the lies: the victim's record verifies and the line works both ways. */
async function expectUnharmed({ a, m, line }: Bilateral): Promise<void> {
  await expectIntact(a);
  await assertLineWorks(a, m, line);
}

describe("head statements from a paired peer that lie", () => {
  it("statements for a line the victim does not hold are refused with NOT_PARTICIPANT or UNKNOWN_LINE, and nothing is stored", async () => {
    const s = await setUp();
    const elsewhere = sha256Hex("a line the victim does not hold");
    const before = databaseBytes(s);
    for (let i = 0; i < 5; i++) {
      const answer = await s.mal.heads(elsewhere, strangers(10_000));
      expectRefused(answer, [403, 404], ["NOT_PARTICIPANT", "UNKNOWN_LINE"]);
      expect(answer.body).not.toHaveProperty("statement");
    }
    expect(await statementsAt(s, elsewhere), "statements kept for a line the victim does not hold").toBe(0);
    // Background link tests and contact notes write a little; five statements of 10,000 heads are megabytes.
    expect(databaseBytes(s) - before, "bytes the database grew").toBeLessThan(64 * 1024);
    await expectUnharmed(s);
  });

  it("a statement dated 1970 is refused with BACKDATED, one dated year 3000 with FUTURE_TIME", async () => {
    const s = await setUp();
    const before = await statementsAt(s, s.line);
    const heads = await headsAt(s, s.line);
    expectRefused(await s.mal.heads(s.line, heads, { time: "1970-01-01T00:00:00.000Z" }), 400, "BACKDATED");
    expectRefused(await s.mal.heads(s.line, heads, { time: "3000-01-01T00:00:00.000Z" }), 400, "FUTURE_TIME");
    const kept = (await s.a.station.store.latestStatements(s.line)).filter((st) => st.station === s.mal.id);
    expect(kept.map((st) => st.time.slice(0, 4))).not.toContain("1970");
    expect(kept.map((st) => st.time.slice(0, 4))).not.toContain("3000");
    expect(await statementsAt(s, s.line)).toBeLessThanOrEqual(before);
    await expectUnharmed(s);
  });

  it("a statement naming 10,000 unknown authors is refused with BAD_STATEMENT, and one naming an author not on the line is kept nowhere", async () => {
    const s = await setUp();
    const heads = await headsAt(s, s.line);
    expectRefused(await s.mal.heads(s.line, { ...heads, ...strangers(10_000) }), 400, "BAD_STATEMENT");
    // A chain the victim does not know may be one whose member.add has not reached it yet (a
    // lagging participant learns from such a statement what to catch up): answered, never kept.
    const stranger = strangers(1);
    const one = await s.mal.heads(s.line, { ...heads, ...stranger });
    expect(one.status).toBe(200);
    const kept = (await s.a.station.store.latestStatements(s.line)).find((st) => st.station === s.mal.id);
    for (const id of Object.keys(stranger)) expect(kept?.heads ?? "").not.toContain(id);
    expect(Object.keys(JSON.parse(kept?.heads ?? "{}") as Heads).length).toBeLessThanOrEqual(2);
    await expectUnharmed(s);
  });

  it("a statement claiming the victim's own chain 1,000 entries past its head is refused with BAD_STATEMENT, and the victim shows no receipt for what it has not written", async () => {
    const s = await setUp();
    const own = await s.a.station.store.head(s.line, s.a.id);
    if (own === null) throw new Error("the victim holds no chain of its own");
    const claim = {
      ...(await headsAt(s, s.line)),
      [s.a.id]: { seq: own.seq + 1000, hash: sha256Hex("the future") },
    };
    expectRefused(await s.mal.heads(s.line, claim), 400, "BAD_STATEMENT");
    expect(await s.a.station.store.coveredSeq(s.line, s.mal.id, s.a.id)).toBeLessThanOrEqual(own.seq);
    // Written after the lie, and not yet delivered (the outbox pushes on a later tick): no receipt.
    const sent = await s.a.station.send({ line: s.line, text: "Not yet delivered.", operator: "admin" });
    const shown = (await logOf(s.a.station, s.line)).find((e) => e.hash === sent.hash);
    expect(shown?.receipts[s.mal.id], "a receipt for an entry before it reached the peer").toBeUndefined();
    await expectUnharmed(s);
  });

  it("a statement naming the victim's own head seq with another hash is refused with BAD_STATEMENT", async () => {
    const s = await setUp();
    const own = await s.a.station.store.head(s.line, s.a.id);
    if (own === null) throw new Error("the victim holds no chain of its own");
    const claim = {
      ...(await headsAt(s, s.line)),
      [s.a.id]: { seq: own.seq, hash: sha256Hex("another history") },
    };
    expectRefused(await s.mal.heads(s.line, claim), 400, "BAD_STATEMENT");
    const kept = (await s.a.station.store.latestStatements(s.line)).find((st) => st.station === s.mal.id);
    expect((JSON.parse(kept?.heads ?? "{}") as Heads)[s.a.id]?.hash).not.toBe(sha256Hex("another history"));
    await expectUnharmed(s);
  });
});

describe("a head statement that contradicts a third participant's chain", () => {
  it("is accepted and raises one DIVERGENCE alarm, however many times it is sent", async () => {
    harness = Harness.create();
    const a = await harness.station("Alpha");
    const t = await harness.station("Tango");
    const m = await harness.station("Mallory", { run: "server" });
    const line = await harness.line(a, "alpha-tango-mallory", [t, m]);
    await assertLineWorks(a, t, line);
    await assertLineWorks(a, m, line);
    await harness.settle(line);
    const mal = new Mallory(m, a);
    const held = await a.station.store.head(line, t.id);
    if (held === null) throw new Error("the victim holds no chain of Tango's");
    const heads: Heads = {};
    for (const h of await m.station.store.heads(line)) heads[h.author] = { seq: h.seq, hash: h.hash };
    heads[t.id] = { seq: held.seq, hash: sha256Hex("Tango's other history") };
    for (let i = 0; i < 5; i++) {
      const answer = await mal.heads(line, heads, { time: new Date(Date.now() - i).toISOString() });
      expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBe(200);
    }
    const alarms = (await a.station.store.alarms({ all: true })).filter(
      (alarm) => alarm.code === "DIVERGENCE" && alarm.line === line,
    );
    expect(alarms, "DIVERGENCE alarms raised").toHaveLength(1);
    expect(alarms[0]).toMatchObject({ peer: m.id });
    const count = (alarms[0] as { count?: number }).count;
    expect(count, "the alarm carries a count").toBeGreaterThanOrEqual(1);
    expect(count).toBeLessThanOrEqual(5);
    await expectIntact(a);
    await assertLineWorks(a, m, line);
    await assertLineWorks(a, t, line);
  });
});
