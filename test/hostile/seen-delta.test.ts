/**
 * An entry's `seen` names only the heads that moved since its author's previous entry, and what
 * its author had seen is the fold along its chain (session 10). What a paired peer may now send in
 * `seen`, built to do harm: the victim refuses what names what it does not hold, and takes what
 * names less (an older head than before, or nothing) as the peer's own word, which gains it
 * nothing. After each, the victim's record verifies and the line carries a message both ways.
 */
import { afterEach, describe, expect, it } from "vitest";
import { generateIdentity, sha256Hex } from "../../src/record/mod.js";
import { seenAlong } from "../../src/station/core/seen-fold.js";
import { assertLineWorks, expectIntact, expectRefused } from "./_harness.js";
import { bilateral, hashOf, type Bilateral, type Wire } from "./_mallory.js";

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

describe("what a peer may send in seen, now that it is a delta", () => {
  it("naming an older head than its previous entry named is taken back, not gained by: its settings change does not win over the one it claims not to have seen", async () => {
    const s = await setUp();
    const { a, mal, line } = s;
    const older = await a.station.store.head(line, a.id);
    await a.station.setLine({ line, testInterval: 30, operator: "admin" });
    const change = await a.station.store.head(line, a.id);
    // Mallory names the victim's change (its time is that of Mallory's chain head: before the
    // change), then writes its own, dated before the victim's, naming an older head of the
    // victim's chain than the one it named just before.
    const at = (await a.station.store.head(line, mal.id))?.time ?? new Date().toISOString();
    const saw = await mal.text(line, "Noted.", { seen: { [a.id]: change?.hash }, time: at });
    expect((await mal.push(line, [saw])).status).toBe(200);
    const unsaw = await mal.entry(
      line,
      "line.settings",
      { testInterval: 10, operator: "mallory" },
      { seen: { [a.id]: older?.hash }, time: at },
    );
    expect((await mal.push(line, [unsaw])).status).toBe(200);
    const head = await a.station.store.head(line, mal.id);
    const fold = await seenAlong(a.station.store, line, mal.id, head?.seq ?? 0);
    expect(fold.get(a.id)).toBe(older?.hash);
    // Had it kept what it named before, its change (seeing the victim's) would come after it and
    // win; taken back, the two are concurrent and the later one (the victim's) wins.
    expect((await a.station.settings(line)).testInterval).toBe(30);
    await expectUnharmed(s, []);
  });

  it("seen naming its own chain is refused with UNKNOWN_SEEN", async () => {
    const s = await setUp();
    const own = await s.a.station.store.head(s.line, s.mal.id);
    const entry = await s.mal.text(s.line, "I saw myself.", { seen: { [s.mal.id]: own?.hash } });
    expectRefused(await s.mal.push(s.line, [entry]), 400, "UNKNOWN_SEEN");
    await expectUnharmed(s, [entry]);
  });

  it("seen naming 65 authors (more than a line may hold) is refused with UNKNOWN_SEEN", async () => {
    const s = await setUp();
    const seen: Record<string, string> = {};
    for (let i = 0; i < 65; i++) seen[generateIdentity().id] = sha256Hex(`nothing ${i}`);
    const entry = await s.mal.text(s.line, "I saw everyone.", { seen });
    expectRefused(await s.mal.push(s.line, [entry]), 400, "UNKNOWN_SEEN");
    await expectUnharmed(s, [entry]);
  });

  it("seen naming a victim's entry under the wrong author is refused with UNKNOWN_SEEN", async () => {
    const s = await setUp();
    const theirs = await s.a.station.store.head(s.line, s.a.id);
    const entry = await s.mal.text(s.line, "Yours is another's.", {
      seen: { [generateIdentity().id]: theirs?.hash },
    });
    expectRefused(await s.mal.push(s.line, [entry]), 400, "UNKNOWN_SEEN");
    await expectUnharmed(s, [entry]);
  });

  it("seen naming nothing although the victim's chain moved is a delta like any other: taken", async () => {
    const s = await setUp();
    await s.a.station.send({ line: s.line, text: "Anyone there?", operator: "admin" });
    const entry = await s.mal.text(s.line, "Here.", { seen: {} });
    expect((await s.mal.push(s.line, [entry])).status).toBe(200);
    expect(await s.a.station.store.entryByHash(hashOf(entry))).not.toBeNull();
    await expectUnharmed(s, []);
  });
});
