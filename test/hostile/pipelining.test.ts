/**
 * Pipelined pushes, as a hostile peer may send them: out of order, all at once, more than a sender
 * may have waiting, a first entry that gaps. Each is answered (taken, or refused with a clear code
 * and the victim's receipt for the pusher's chain); the victim's record stays intact and the line
 * still carries a message both ways. And a push's receipt names only the chains it carried.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { HeadStatement } from "../../src/record/mod.js";
import { assertLineWorks, expectIntact, Harness } from "./_harness.js";
import { bilateral, type Bilateral } from "./_mallory.js";
import type { PeerAnswer } from "../helpers/peer-call.js";

let scene: Bilateral | undefined;
let harness: Harness | undefined;
afterEach(async () => {
  await scene?.h.close();
  await harness?.close();
  scene = undefined;
  harness = undefined;
});

/**
 * @param count how many messages Mallory writes (validly signed, in its own store only)
 * @param size entries per page
 * @returns the victim, Mallory, and Mallory's new entries in pages, as it would push them
 */
async function written(count: number, size: number): Promise<Bilateral & { pages: unknown[][] }> {
  scene = await bilateral();
  const { a, m, line } = scene;
  for (let i = 0; i < count; i++) await m.station.send({ line, text: `Mallory ${i}`, operator: "admin" });
  const after = (await a.station.store.head(line, m.id))?.seq ?? 0;
  const chain = await m.station.store.chainAfter(line, m.id, after, 500);
  const values = chain.map((e) => JSON.parse(e.bytes.toString("utf8")) as unknown);
  const pages = Array.from({ length: Math.ceil(values.length / size) }, (_, i) =>
    values.slice(i * size, (i + 1) * size),
  );
  return { ...scene, pages };
}

/** @returns the seq of a page's last entry */
function lastSeq(page: unknown[] | undefined): number {
  return (page?.at(-1) as { seq: number }).seq;
}

/** @returns the receipt an answer carries */
function receiptOf(answer: PeerAnswer): HeadStatement {
  return (answer.body as { statement: HeadStatement }).statement;
}

describe("pipelined pushes from a hostile peer", () => {
  it("a push whose first entry gaps is refused CHAIN_GAP with a receipt of where the victim holds the chain; sent in order, both are taken", async () => {
    const { a, m, mal, line, pages } = await written(4, 2);
    const held = (await a.station.store.head(line, m.id))?.seq;
    const gap = await mal.call({ path: "/peer/v1/push", body: JSON.stringify({ line, entries: pages[1] }) });
    expect(gap.status).toBe(409);
    expect((gap.body as { error: { code: string } }).error.code).toBe("CHAIN_GAP");
    expect(receiptOf(gap).heads[m.id]?.seq).toBe(held);
    expect(Object.keys(receiptOf(gap).heads).sort()).toEqual([a.id, m.id].sort());
    expect((await a.station.store.head(line, m.id))?.seq).toBe(held);

    const first = await mal.push(line, pages[0] ?? []);
    expect(first.status).toBe(200);
    expect(receiptOf(first).heads[m.id]?.seq).toBe(lastSeq(pages[0]));
    const second = await mal.push(line, pages[1] ?? []);
    expect(second.status).toBe(200);
    expect(receiptOf(second).heads[m.id]?.seq).toBe(lastSeq(pages[1]));
    await expectIntact(a);
    await assertLineWorks(a, m, line);
  });

  it("pushes sent all at once, last first: each answered taken or refused as a gap, nothing stored out of order; sent again in order, all taken", async () => {
    const { a, m, mal, line, pages } = await written(6, 2);
    const answers = await Promise.all(
      [...pages]
        .reverse()
        .map((page) => mal.call({ path: "/peer/v1/push", body: JSON.stringify({ line, entries: page }) })),
    );
    for (const answer of answers) expect([200, 409]).toContain(answer.status);
    await expectIntact(a);
    for (const page of pages) expect((await mal.push(line, page)).status).toBe(200);
    expect((await a.station.store.head(line, m.id))?.seq).toBe(lastSeq(pages.at(-1)));
    await expectIntact(a);
    await assertLineWorks(a, m, line);
  });

  it("a flood of pushes at once, more than a sender may have waiting: each answered with a code, the record intact, the line still works", async () => {
    scene = await bilateral();
    const { a, m, mal, line } = scene;
    const junk = Array.from({ length: 450 }, (_, i) => ({ v: 1, line, author: m.id, seq: i + 1 }));
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        mal.call({ path: "/peer/v1/push", body: JSON.stringify({ line, entries: junk }) }),
      ),
    );
    for (const answer of answers) {
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect((answer.body as { error?: { code?: string } }).error?.code).toMatch(/^[A-Z_]+$/);
    }
    await expectIntact(a);
    await assertLineWorks(a, m, line);
  });
});

describe("receipts of pushes", () => {
  it("on a line of three, a push's receipt names the pusher's chain and the receiver's own, not the third's; the pusher counts it as delivered", async () => {
    harness = Harness.create();
    const h = harness;
    const alpha = await h.station("Alpha");
    const bravo = await h.station("Bravo");
    const charlie = await h.station("Charlie", { run: "server" });
    const line = await h.line(alpha, "three", [bravo, charlie]);
    await charlie.station.send({ line, text: "Charlie's message", operator: "admin" });
    const page = await charlie.station.store.chainAfter(
      line,
      charlie.id,
      (await alpha.station.store.head(line, charlie.id))?.seq ?? 0,
      500,
    );
    const target = { station: alpha.id, url: alpha.url, cert: alpha.cert };
    const receipt = (await charlie.client.push(
      target,
      line,
      page.map((e) => e.bytes),
    )) as HeadStatement;
    expect(Object.keys(receipt.heads).sort()).toEqual([alpha.id, charlie.id].sort());
    expect(receipt.heads[charlie.id]?.seq).toBe(page.at(-1)?.seq);
    const bravoCovered = await charlie.station.store.coveredSeq(line, alpha.id, bravo.id);
    await charlie.station.acceptStatement(receipt, alpha.id);
    expect(await charlie.station.store.coveredSeq(line, alpha.id, charlie.id)).toBe(page.at(-1)?.seq);
    // Bravo's chain unnamed is not "Alpha holds none of it": no alarm, and Bravo's coverage stands.
    expect(await charlie.station.store.coveredSeq(line, alpha.id, bravo.id)).toBe(bravoCovered);
    expect((await charlie.station.store.alarms({ all: true })).map((x) => x.code)).not.toContain(
      "DIVERGENCE",
    );
    await expectIntact(alpha);
  });
});
