/**
 * A push naming in `seen` an entry the victim does not hold is held a moment at the victim, its
 * request open, for that entry to arrive from its own author (session 12), and woken only by that
 * entry (session 13). What a paired peer can make of the hold: a push that can never be taken is
 * not held at all; one naming what nobody wrote is held no longer than the hold, then refused as
 * before; and while it is held, the victim's own traffic neither answers it early nor spends it.
 */
import { afterEach, describe, expect, it } from "vitest";
import { generateIdentity, sha256Hex } from "../../src/record/mod.js";
import { assertLineWorks, expectIntact, expectRefused, Harness, type Node } from "./_harness.js";
import { hashOf, Mallory } from "./_mallory.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** @returns Alpha (its pushes held `holdMs`) and Mallory on a line, Mallory's server running */
async function scene(holdMs: number): Promise<{ a: Node; m: Node; mal: Mallory; line: string }> {
  harness = Harness.create();
  const a = await harness.station("Alpha", { pushHoldMs: holdMs });
  const m = await harness.station("Mallory", { run: "server" });
  const line = await harness.line(a, "alpha-mallory", [m]);
  await assertLineWorks(a, m, line);
  return { a, m, mal: new Mallory(m, a), line };
}

describe("a push held for another chain, as a hostile peer may use it", () => {
  it("seen naming a victim's entry under another author is refused at once: nothing that arrives could change it, so it is not held", async () => {
    // An hour's hold: were it held, the test would time out.
    const { a, m, mal, line } = await scene(3_600_000);
    const theirs = await a.station.store.head(line, a.id);
    const entry = await mal.text(line, "Yours is another's.", {
      seen: { [generateIdentity().id]: theirs?.hash },
    });
    expectRefused(await mal.push(line, [entry]), 400, "UNKNOWN_SEEN");
    // Its own chain named in seen: never takeable either.
    const own = await a.station.store.head(line, m.id);
    const self = await mal.text(line, "I saw myself.", { seen: { [m.id]: own?.hash } });
    expectRefused(await mal.push(line, [self]), 400, "UNKNOWN_SEEN");
    expect(await a.station.store.entryByHash(hashOf(entry))).toBeNull();
    await expectIntact(a);
    await assertLineWorks(a, m, line);
  });

  it("seen naming what nobody wrote is held for the hold and then refused, however the victim's own line moves meanwhile", async () => {
    const holdMs = 1_500;
    const { a, m, mal, line } = await scene(holdMs);
    const entry = await mal.text(line, "I answer what you never wrote.", {
      seen: { [a.id]: sha256Hex("an entry nobody wrote") },
    });
    const started = Date.now();
    const answer = mal.push(line, [entry]);
    // The victim writes while the push is held: not what it waits for, so it is not answered early.
    for (let i = 0; i < 3; i++) await a.station.send({ line, text: `Alpha ${i}`, operator: "admin" });
    expectRefused(await answer, 400, "UNKNOWN_SEEN");
    // A lower bound only (a loaded machine is slow): it waited out its hold.
    expect(Date.now() - started).toBeGreaterThanOrEqual(holdMs - 50);
    expect(await a.station.store.entryByHash(hashOf(entry))).toBeNull();
    await expectIntact(a);
    await assertLineWorks(a, m, line);
  });
});
