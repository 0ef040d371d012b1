/**
 * A station whose key was rotated opens and joins new lines with the key it holds now, named in its
 * genesis or member claim. A peer cannot use that to hijack a station: a claim naming a key that did
 * not sign it, or a key that is (or was) another station's, or a key the station never had where
 * the victim knows it, is refused, and nothing is stored.
 */
import { afterEach, describe, expect, it } from "vitest";
import { generateIdentity } from "../../src/record/mod.js";
import { createInvite } from "../../src/station/mod.js";
import { parseInvite } from "../../src/station/delivery/pairing.js";
import { peerCall } from "../helpers/peer-call.js";
import { assertLineWorks, expectIntact, expectRefused, Harness, type Node } from "./_harness.js";
import { Mallory, memberAddBody, memberProof, type Member } from "./_mallory.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Mallory (running no station) asks Alpha to pair on a fresh line with this joiner and claim. */
async function pairAs(
  a: Node,
  m: Node,
  joiner: (line: string) => { joiner: Member; signer: Node["identity"] },
) {
  const fresh = (await a.station.createLine({ name: "alpha-newcomer", operator: "admin" })).id;
  const invite = parseInvite(
    (await createInvite(a.station, { line: fresh, expiresInMs: 60_000, operator: "admin" })).invite,
  );
  const made = joiner(fresh);
  const answer = await peerCall(a.port, {
    path: "/peer/v1/pair",
    body: JSON.stringify({
      invite: invite.id,
      joiner: made.joiner,
      secret: invite.secret,
      claim: memberProof(fresh, made.joiner, made.signer),
    }),
    tls: m.tls,
  });
  return { answer, fresh };
}

describe("a claimed first key cannot hijack a station", () => {
  it("a pair request naming a key that did not sign the claim is refused BAD_SIGNATURE; one naming Charlie's id with a key of Mallory's is refused (409); nothing is stored", async () => {
    harness = Harness.create();
    const a = await harness.station("Alpha");
    const c = await harness.station("Charlie");
    const m = await harness.station("Mallory", { run: "none" });
    const withC = await harness.line(a, "alpha-charlie", [c]);

    const unsigned = await pairAs(a, m, () => ({
      joiner: { station: m.id, name: "Mallory", url: m.url, cert: m.cert, key: generateIdentity().key },
      signer: m.identity, // not the key the claim names
    }));
    expectRefused(unsigned.answer, 400, "BAD_SIGNATURE");
    expect((await a.station.store.participants(unsigned.fresh)).map((p) => p.station)).toEqual([a.id]);

    // Charlie's id, Mallory's address and certificate, and a key Mallory holds: Charlie "rotated".
    const hijack = await pairAs(a, m, () => ({
      joiner: { station: c.id, name: "Charlie", url: m.url, cert: m.cert, key: m.id },
      signer: m.identity,
    }));
    // Mallory can present only its own certificate, which Charlie's pin here already refuses.
    expectRefused(hijack.answer, 409, ["KEY_CONFLICT", "MEMBER_CONFLICT"]);
    expect((await a.station.store.participants(hijack.fresh)).map((p) => p.station)).toEqual([a.id]);
    await expectIntact(a);
    await assertLineWorks(a, c, withC);
  });

  it("a member.add naming Charlie (its real address and certificate) with a key Mallory holds is refused KEY_CONFLICT, and Charlie is still heard", async () => {
    harness = Harness.create();
    const a = await harness.station("Alpha");
    const c = await harness.station("Charlie");
    const m = await harness.station("Mallory", { run: "server" });
    const withM = await harness.line(a, "alpha-mallory", [m]);
    const withC = await harness.line(a, "alpha-charlie", [c]);
    const mal = new Mallory(m, a);
    const stolen = generateIdentity();
    const charlie = (await a.station.store.participants(withC)).find((p) => p.station === c.id);
    const posing: Member = {
      station: c.id,
      name: "Charlie",
      url: charlie?.url ?? c.url,
      cert: charlie?.cert ?? c.cert,
      key: stolen.key,
    };
    const add = await mal.entry(
      withM,
      "member.add",
      memberAddBody(posing, { consenters: [a.id], proof: memberProof(withM, posing, stolen) }),
    );
    expectRefused(await mal.push(withM, [add]), 409, "KEY_CONFLICT");
    expect((await a.station.store.participants(withM)).map((p) => p.station)).not.toContain(c.id);
    await expectIntact(a);
    await assertLineWorks(a, c, withC);
    await assertLineWorks(a, m, withM);
  });
});
