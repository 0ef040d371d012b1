import { afterEach, describe, expect, it } from "vitest";
import { inProcessPair, type InProcessPair } from "../../test/helpers/in-process-pair.js";
import { canonicalJson, type HeadStatement } from "../record/mod.js";
import { recordSummary } from "./console.js";

/** Keeps a peer's head statement at Washington as the peer server would, whatever it says. */
async function keepStatement(p: InProcessPair, statement: HeadStatement): Promise<void> {
  await p.washington.store.addStatement(
    {
      line: statement.line,
      station: statement.station,
      time: statement.time,
      heads: canonicalJson(statement.heads),
      bytes: Buffer.from(canonicalJson(statement)),
    },
    new Date(p.clock.now()).toISOString(),
  );
}

describe("recordSummary()", () => {
  let p: InProcessPair;
  afterEach(async () => await p.close());

  it("says the heads match when the peer holds the same entries", async () => {
    p = await inProcessPair();
    await p.washington.send({ line: p.line, text: "Hello", operator: "admin" });
    await p.sync();
    await keepStatement(p, await p.moscow.headStatement(p.line));
    const peer = (await recordSummary(p.washington, p.line)).peers[0];
    expect(peer).toMatchObject({ name: "Moscow", match: true, missing: 0, extra: 0, diverged: 0 });
  });

  it("a push's receipt that names only some chains, kept last, is no divergence and no chain missing", async () => {
    p = await inProcessPair();
    await p.washington.send({ line: p.line, text: "Hello", operator: "admin" });
    await p.moscow.send({ line: p.line, text: "Здравствуйте", operator: "admin" });
    await p.sync();
    await p.washington.acceptStatement(await p.moscow.headStatement(p.line), p.moscow.id);
    p.clock.t += 1_000;
    // Moscow's receipt for a push of its own chain: it names Moscow's chain only, not Washington's.
    const receipt = await p.moscow.receipt(p.line, [p.moscow.id]);
    expect(Object.keys(receipt.heads)).toEqual([p.moscow.id]);
    await p.washington.acceptStatement(receipt, p.moscow.id);
    const peer = (await recordSummary(p.washington, p.line)).peers[0];
    expect(peer).toMatchObject({ name: "Moscow", match: true, missing: 0, extra: 0, diverged: 0 });
    expect(peer?.asOf).toBe(receipt.time);
    expect(await p.washington.store.alarms({ all: true })).not.toContainEqual(
      expect.objectContaining({ code: "DIVERGENCE" }),
    );
  });

  it("shows a peer whose chain has another entry at the same seq as diverged, not matching", async () => {
    p = await inProcessPair();
    await p.washington.send({ line: p.line, text: "Hello", operator: "admin" });
    await p.sync();
    const honest = await p.moscow.headStatement(p.line);
    const mine = honest.heads[p.washington.id];
    expect(mine).toBeDefined();
    // Same seq as Washington's head, another hash: Moscow holds a different history of Washington.
    const forked = {
      ...honest,
      heads: { ...honest.heads, [p.washington.id]: { seq: mine?.seq ?? 0, hash: "f".repeat(64) } },
    };
    await keepStatement(p, forked);
    const peer = (await recordSummary(p.washington, p.line)).peers[0];
    expect(peer).toMatchObject({ name: "Moscow", match: false, missing: 0, extra: 0, diverged: 1 });
  });
});
