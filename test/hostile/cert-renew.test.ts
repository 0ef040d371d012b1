/**
 * A paired peer announces certificates (`cert.renew`) built to do harm: taking the victim's own
 * certificate, a malformed one, one in another station's name. Each is refused with its code, by
 * the record's rules (so every station and `verify` judge it alike), nothing is stored, the record
 * still verifies and the line still carries a message both ways.
 */
import { afterEach, describe, expect, it } from "vitest";
import { assertLineWorks, expectIntact, expectRefused } from "./_harness.js";
import { bilateral, hashOf, puppet, signRaw, type Bilateral, type Wire } from "./_mallory.js";

let scene: Bilateral | undefined;
afterEach(async () => {
  await scene?.h.close();
  scene = undefined;
});

async function setUp(): Promise<Bilateral> {
  scene = await bilateral();
  return scene;
}

async function expectUnharmed({ a, m, line }: Bilateral, refused: readonly Wire[]): Promise<void> {
  for (const entry of refused) expect(await a.station.store.entryByHash(hashOf(entry))).toBeNull();
  await expectIntact(a);
  await assertLineWorks(a, m, line);
}

/** @returns the victim's view of Mallory on the line */
async function malloryAtVictim(s: Bilateral) {
  return (await s.a.station.store.members(s.line)).find((m) => m.station === s.mal.id);
}

describe("cert.renew entries a paired peer signs validly, built to do harm", () => {
  it("a cert.renew naming the victim's own certificate is refused with MEMBER_CONFLICT, and Mallory keeps its pin", async () => {
    const s = await setUp();
    const before = await malloryAtVictim(s);
    const entry = await s.mal.entry(s.line, "cert.renew", {
      cert: s.a.station.certFingerprint,
      operator: "mallory",
    });
    expectRefused(await s.mal.push(s.line, [entry]), 409, "MEMBER_CONFLICT");
    expect(await malloryAtVictim(s)).toEqual(before);
    await expectUnharmed(s, [entry]);
  });

  it("a cert.renew naming a certificate pinned here to a station on another line is refused with MEMBER_CONFLICT", async () => {
    const s = await setUp();
    const other = await s.h.station("Bravo");
    await s.h.line(s.a, "alpha-bravo", [other]);
    const entry = await s.mal.entry(s.line, "cert.renew", {
      cert: other.station.certFingerprint,
      operator: "mallory",
    });
    expectRefused(await s.mal.push(s.line, [entry]), 409, "MEMBER_CONFLICT");
    await expectUnharmed(s, [entry]);
  });

  it("a malformed cert.renew (not a fingerprint, an unknown field, no operator) is refused with SCHEMA", async () => {
    const s = await setUp();
    const bodies = [
      { cert: "sha256:not-hex", operator: "mallory" },
      { cert: `sha256:${"a".repeat(64)}`, operator: "mallory", url: "https://mallory.example:7443" },
      { cert: `sha256:${"a".repeat(64)}` },
    ];
    for (const body of bodies) {
      const entry = await s.mal.entry(s.line, "cert.renew", body);
      expectRefused(await s.mal.push(s.line, [entry]), 400, "SCHEMA");
      await expectUnharmed(s, [entry]);
    }
  });

  it("a cert.renew by a station that is no participant, pushed by Mallory, is refused with UNKNOWN_AUTHOR", async () => {
    const s = await setUp();
    const stranger = await puppet("Stranger");
    const entry = signRaw(
      {
        v: 1,
        line: s.line,
        author: stranger.id,
        seq: 1,
        prev: null,
        seen: {},
        time: new Date().toISOString(),
        kind: "cert.renew",
        body: { cert: stranger.cert, operator: "stranger" },
      },
      stranger.identity,
    );
    expectRefused(await s.mal.push(s.line, [entry]), 403, "UNKNOWN_AUTHOR");
    await expectUnharmed(s, [entry]);
  });

  it("a valid cert.renew is taken: the victim pins the new certificate and accepts the old one for the grace period only", async () => {
    const s = await setUp();
    const renewed = await puppet("Mallory renewed");
    const before = await malloryAtVictim(s);
    const entry = await s.mal.entry(s.line, "cert.renew", { cert: renewed.cert, operator: "mallory" });
    expect((await s.mal.push(s.line, [entry])).status).toBe(200);
    const after = await malloryAtVictim(s);
    expect(after).toMatchObject({ cert: renewed.cert, previousCert: before?.cert });
    const days = (Date.parse(after?.previousUntil ?? "") - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);
    // Mallory still presents its old certificate: accepted, for now.
    await expectIntact(s.a);
    await assertLineWorks(s.a, s.m, s.line);
  });
});
