/**
 * A `member.approve` may consent to several additions at once (`of` a list). A participant cannot
 * use that to consent where it was not asked, to name an addition twice or more than 63 of them,
 * or to pass off another entry as an addition: each is refused whole, nothing of it is applied,
 * and the record stays intact.
 */
import { afterEach, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/record/mod.js";
import { acceptInvite, createInvite } from "../../src/station/mod.js";
import { assertLineWorks, expectIntact, expectRefused, Harness, waitFor, type Node } from "./_harness.js";
import { Mallory, memberAddBody, memberProof, puppet, type Member } from "./_mallory.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Alpha adds a station to the line by a real invite; its member.add's hash. */
async function invited(a: Node, joiner: Node, line: string): Promise<{ add: string; awaiting: string[] }> {
  const { invite } = await createInvite(a.station, { line, expiresInMs: 60_000, operator: "admin" });
  const accepted = await acceptInvite(joiner.station, joiner.client, invite);
  const add = (await a.station.store.members(line)).find((m) => m.station === joiner.id)?.addedBy;
  if (add === undefined) throw new Error(`${joiner.name} was not added`);
  return { add, awaiting: accepted.awaiting };
}

async function pending(a: Node, line: string): Promise<string[]> {
  return (await a.station.store.members(line)).filter((m) => !m.active).map((m) => m.station);
}

describe("one member.approve naming several additions", () => {
  it("is refused whole when it names 64 additions, one twice, one that did not ask its author, or an entry that is no addition; two pending stations are approved by one entry", async () => {
    harness = Harness.create();
    const a = await harness.station("Alpha");
    const m = await harness.station("Mallory", { run: "server" });
    const b = await harness.station("Bravo", { run: "none" });
    const c = await harness.station("Charlie", { run: "none" });
    const line = await harness.line(a, "approvals", [m]);
    const mal = new Mallory(m, a);

    // Alpha adds Bravo, then Charlie while Bravo is pending: each asks Mallory only.
    const bravo = await invited(a, b, line);
    const charlie = await invited(a, c, line);
    expect(bravo.awaiting).toEqual([m.id]);
    expect(charlie.awaiting, "a pending station is not asked to consent").toEqual([m.id]);
    // Mallory adds Zulu, asking Alpha: Mallory itself is not asked.
    const zulu = await puppet("Zulu");
    const member: Member = { station: zulu.id, name: "Zulu", url: "https://127.0.0.1:9", cert: zulu.cert };
    const zuluAdd = await mal.entry(
      line,
      "member.add",
      memberAddBody(member, { consenters: [a.id], proof: memberProof(line, member, zulu.identity) }),
    );
    expect((await mal.push(line, [zuluAdd])).status).toBe(200);
    const zuluHash = (await a.station.store.members(line)).find((p) => p.station === zulu.id)?.addedBy ?? "";
    const text = await a.station.send({ line, text: "not an addition", operator: "admin" });
    const before = (await a.station.store.heads(line)).map((h) => `${h.author} ${h.seq}`).sort();

    const approval = (of: unknown) => mal.entry(line, "member.approve", { of, operator: "mallory" });
    const many = Array.from({ length: 64 }, (_, i) => sha256Hex(`addition ${i}`));
    expectRefused(await mal.push(line, [await approval(many)]), 400, "SCHEMA");
    expectRefused(await mal.push(line, [await approval([bravo.add, bravo.add])]), 400, "SCHEMA");
    expectRefused(await mal.push(line, [await approval([])]), 400, "SCHEMA");
    expectRefused(await mal.push(line, [await approval([bravo.add, zuluHash])]), 403, "NO_CONSENT");
    const notAnAdd = await mal.push(line, [await approval([bravo.add, text.hash])]);
    expectRefused(notAnAdd, 404, "UNKNOWN_ENTRY");
    expect(await pending(a, line), "nothing of a refused approval is applied").toEqual(
      expect.arrayContaining([b.id, c.id, zulu.id]),
    );
    expect((await a.station.store.heads(line)).map((h) => `${h.author} ${h.seq}`).sort()).toEqual(before);

    const both = await mal.push(line, [await approval([bravo.add, charlie.add])]);
    expect(both.status, JSON.stringify(both.body).slice(0, 300)).toBe(200);
    await waitFor(async () => (await pending(a, line)).join() === zulu.id, {
      what: "Bravo and Charlie to be participants at Alpha after Mallory's one approval",
    });
    await expectIntact(a);
    await assertLineWorks(a, m, line);
  });
});
