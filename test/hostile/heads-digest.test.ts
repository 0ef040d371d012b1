/**
 * A paired peer posts link tests by digest (POST /peer/v1/heads with `{ digest }`) that lie: a
 * digest of the wrong length, a body that is both forms, the victim's own digest over a signature
 * of other heads (claiming to hold what the victim holds while holding something else), dated in
 * the past or the future, for a line the victim does not hold. The victim refuses each with a
 * stable code and keeps nothing of it; a digest it does not hold is answered with its own digest
 * form and nothing of the peer's is kept (the asker sends its full statement next).
 */
import { afterEach, describe, expect, it } from "vitest";
import { headsDigest, sha256Hex } from "../../src/record/mod.js";
import type { PeerAnswer } from "../helpers/peer-call.js";
import { assertLineWorks, expectIntact, expectRefused } from "./_harness.js";
import { bilateral, signBytes, type Bilateral } from "./_mallory.js";

let scene: Bilateral | undefined;
afterEach(async () => {
  await scene?.h.close();
  scene = undefined;
});

type Heads = Record<string, { seq: number; hash: string }>;

/** @returns the heads the victim holds on its line, as a statement names them */
async function victimHeads({ a, line }: Bilateral): Promise<Heads> {
  const heads: Heads = {};
  for (const h of await a.station.store.heads(line)) heads[h.author] = { seq: h.seq, hash: h.hash };
  return heads;
}

/**
 * Signs a head statement of `signed` heads as Mallory and posts its digest form, naming `digest`.
 *
 * @returns the answer
 */
function postDigest(
  s: Bilateral,
  options: { signed: Heads; digest?: string; time?: string; line?: string; extra?: Record<string, unknown> },
): Promise<PeerAnswer> {
  const unsigned = {
    v: 1,
    type: "heads",
    line: options.line ?? s.line,
    station: s.mal.id,
    time: options.time ?? new Date().toISOString(),
    heads: options.signed,
  };
  const sig = signBytes(unsigned, s.m.identity);
  const { heads, ...rest } = unsigned;
  const digest = { ...rest, digest: options.digest ?? headsDigest(heads), sig };
  return s.mal.call({ path: "/peer/v1/heads", body: JSON.stringify({ digest, ...options.extra }) });
}

/** @returns whether the victim keeps a statement of Mallory's of that time */
async function kept({ a, line, mal }: Bilateral, time: string): Promise<boolean> {
  const statements = await a.station.store.latestStatements(line);
  return (
    statements.some((st) => st.station === mal.id && st.time === time) ||
    a.station.heardFrom(line, mal.id)?.time === time
  );
}

/** A time no background link test uses: a second ago and some odd milliseconds. */
function oddTime(): string {
  return new Date(Date.now() - 1_234).toISOString();
}

async function expectUnharmed({ a, m, line }: Bilateral): Promise<void> {
  await expectIntact(a);
  await assertLineWorks(a, m, line);
}

describe("link tests by digest from a paired peer that lie", () => {
  it("a digest of the wrong length, not hex, or a body carrying both a statement and a digest is refused with SCHEMA, and nothing is kept", async () => {
    const s = (scene = await bilateral());
    const heads = await victimHeads(s);
    const time = oddTime();
    for (const digest of [
      "ab12",
      `${headsDigest(heads)}00`,
      "Z".repeat(64),
      headsDigest(heads).toUpperCase(),
    ]) {
      expectRefused(await postDigest(s, { signed: heads, digest, time }), 400, "SCHEMA");
    }
    const both = await postDigest(s, { signed: heads, time, extra: { statement: { line: s.line } } });
    expectRefused(both, 400, "SCHEMA");
    expect(await kept(s, time)).toBe(false);
    await expectUnharmed(s);
  });

  it("the victim's own digest over a signature of other heads is refused with BAD_SIGNATURE, and nothing is kept", async () => {
    const s = (scene = await bilateral());
    const heads = await victimHeads(s);
    const own = heads[s.mal.id];
    if (own === undefined) throw new Error("the victim holds no chain of Mallory's");
    const other = { ...heads, [s.mal.id]: { seq: own.seq, hash: sha256Hex("another history") } };
    const time = oddTime();
    const answer = await postDigest(s, { signed: other, digest: headsDigest(heads), time });
    expectRefused(answer, 400, "BAD_SIGNATURE");
    expect(await kept(s, time)).toBe(false);
    const alarms = (await s.a.station.store.alarms({ all: true })).map((a) => a.code);
    expect(alarms).not.toContain("DIVERGENCE");
    await expectUnharmed(s);
  });

  it("a digest the victim does not hold is answered with the victim's own digest form, and nothing of it is kept", async () => {
    const s = (scene = await bilateral());
    const heads = await victimHeads(s);
    const own = heads[s.mal.id];
    if (own === undefined) throw new Error("the victim holds no chain of Mallory's");
    const other = { ...heads, [s.mal.id]: { seq: own.seq, hash: sha256Hex("another history") } };
    const time = oddTime();
    const answer = await postDigest(s, { signed: other, time });
    expect(answer.status).toBe(200);
    const body = answer.body as { digest?: { station?: string; digest?: string }; statement?: unknown };
    expect(body.statement).toBeUndefined();
    expect(body.digest).toMatchObject({ station: s.a.id, digest: headsDigest(await victimHeads(s)) });
    expect(await kept(s, time)).toBe(false);
    const alarms = (await s.a.station.store.alarms({ all: true })).map((a) => a.code);
    expect(alarms, "a digest is no evidence: the full statement is").not.toContain("DIVERGENCE");
    await expectUnharmed(s);
  });

  it("the victim's own digest dated 1970 is refused with BACKDATED, dated year 3000 with FUTURE_TIME", async () => {
    const s = (scene = await bilateral());
    const heads = await victimHeads(s);
    expectRefused(await postDigest(s, { signed: heads, time: "1970-01-01T00:00:00.000Z" }), 400, "BACKDATED");
    expectRefused(
      await postDigest(s, { signed: heads, time: "3000-01-01T00:00:00.000Z" }),
      400,
      "FUTURE_TIME",
    );
    expect(await kept(s, "1970-01-01T00:00:00.000Z")).toBe(false);
    expect(await kept(s, "3000-01-01T00:00:00.000Z")).toBe(false);
    await expectUnharmed(s);
  });

  it("a digest for a line the victim does not hold is refused with NOT_PARTICIPANT or UNKNOWN_LINE", async () => {
    const s = (scene = await bilateral());
    const elsewhere = sha256Hex("a line the victim does not hold");
    const answer = await postDigest(s, { signed: {}, line: elsewhere });
    expectRefused(answer, [403, 404], ["NOT_PARTICIPANT", "UNKNOWN_LINE"]);
    expect(answer.body).not.toHaveProperty("digest");
    await expectUnharmed(s);
  });

  it("the victim's own digest, rightly signed, is kept as the peer's statement of those heads (a receipt)", async () => {
    const s = (scene = await bilateral());
    const heads = await victimHeads(s);
    // Ahead of the victim's own link tests (within clock tolerance), so it is the newest heard.
    const time = new Date(Date.now() + 3_000).toISOString();
    const answer = await postDigest(s, { signed: heads, time });
    expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBe(200);
    expect(s.a.station.heardFrom(s.line, s.mal.id)).toMatchObject({ time, heads });
    await expectUnharmed(s);
  });
});
