/**
 * A paired peer abuses key revocation: it forges a revocation for the victim's chain, signs one with
 * the old key, replays one at another place, sends fields that are no key or no time, or revokes
 * its own key and then vouches for the new one itself. Each is refused with its code, nothing is
 * stored that should not be, and the victim's record still verifies.
 */
import { afterEach, describe, expect, it } from "vitest";
import { generateIdentity, signRevocation, type Identity } from "../../src/record/mod.js";
import { assertLineWorks, expectIntact, expectRefused } from "./_harness.js";
import { bilateral, hashOf, signRaw, type Bilateral, type Wire } from "./_mallory.js";

const SINCE = new Date(Date.now() - 3_600_000).toISOString();

let scene: Bilateral | undefined;
afterEach(async () => {
  await scene?.h.close();
  scene = undefined;
});

async function expectNotStored({ a }: Bilateral, refused: readonly Wire[]): Promise<void> {
  for (const entry of refused) expect(await a.station.store.entryByHash(hashOf(entry))).toBeNull();
  await expectIntact(a);
}

/** A key.revoke on Mallory's chain (unless changed): signed by `signer`, proved by `prover`. */
async function revocation(
  s: Bilateral,
  options: {
    next?: Identity;
    signer?: Identity;
    prover?: Identity;
    /** the key it says it revokes (default: the prover's) */
    revoked?: string;
    proofSeq?: number;
    change?: Record<string, unknown>;
    body?: Record<string, unknown>;
  } = {},
): Promise<Wire> {
  const next = options.next ?? generateIdentity();
  const envelope = { ...(await s.mal.envelope(s.line)), ...options.change } as Record<string, unknown> & {
    seq: number;
    prev: string | null;
    author: string;
  };
  const prover = options.prover ?? s.m.identity;
  const revoked = options.revoked ?? prover.key;
  const proof = signRevocation(
    {
      line: s.line,
      station: envelope.author,
      key: next.key,
      revoked,
      since: SINCE,
      seq: options.proofSeq ?? envelope.seq,
      prev: envelope.prev,
    },
    prover,
  );
  return signRaw(
    {
      ...envelope,
      kind: "key.revoke",
      body: { key: next.key, revoked, since: SINCE, proof, operator: "mallory", ...options.body },
    },
    options.signer ?? next,
  );
}

describe("hostile key revocation", () => {
  it("a key.revoke forged for the victim's chain (Mallory's proof), or one signed by the old key, is refused BAD_SIGNATURE", async () => {
    const s = (scene = await bilateral());
    const head = await s.a.station.store.head(s.line, s.a.id);
    const forged = await revocation(s, {
      revoked: s.a.id,
      change: { author: s.a.id, seq: (head?.seq ?? 0) + 1, prev: head?.hash ?? null, seen: {} },
    });
    expectRefused(await s.mal.push(s.line, [forged]), 400, "BAD_SIGNATURE");
    const byOld = await revocation(s, { signer: s.m.identity });
    expectRefused(await s.mal.push(s.line, [byOld]), 400, "BAD_SIGNATURE");
    const otherSeq = await revocation(s, { proofSeq: 1 });
    expectRefused(await s.mal.push(s.line, [otherSeq]), 400, "BAD_SIGNATURE");
    await expectNotStored(s, [forged, byOld, otherSeq]);
    expect(s.a.station.identity.key).toBe(s.a.id);
    await assertLineWorks(s.a, s.m, s.line);
  });

  it("a key.revoke whose fields are no key, no time, oversize or extra is refused SCHEMA (or TOO_LARGE)", async () => {
    const s = (scene = await bilateral());
    const bad = [
      await revocation(s, { body: { key: "not-a-key" } }),
      await revocation(s, { body: { since: "yesterday" } }),
      await revocation(s, { body: { since: "9".repeat(70_000) } }),
      await revocation(s, { body: { extra: true } }),
    ];
    for (const entry of bad) {
      expectRefused(await s.mal.push(s.line, [entry]), [400, 413], ["SCHEMA", "TOO_LARGE", "BAD_SIGNATURE"]);
    }
    await expectNotStored(s, bad);
    await assertLineWorks(s.a, s.m, s.line);
  });

  it("after revoking its own key Mallory is held (KEY_UNCONFIRMED) and cannot vouch for the new key itself; the revocation replayed is a duplicate, not a second one", async () => {
    const s = (scene = await bilateral());
    const next = generateIdentity();
    const revoke = await revocation(s, { next });
    expect((await s.mal.push(s.line, [revoke])).status).toBe(200);
    expect((await s.a.station.store.alarms()).map((a) => a.code)).toContain("KEY_REVOKED");
    const again = await s.mal.push(s.line, [revoke]);
    expect(again.status).toBe(200);
    const newKey = { ...next, id: s.m.id };
    const ack = signRaw(
      {
        ...(await s.mal.envelope(s.line)),
        kind: "key.revoke.ack",
        body: { of: hashOf(revoke), station: s.m.id, key: next.key, since: SINCE, operator: "mallory" },
      },
      newKey,
    );
    expectRefused(await s.mal.push(s.line, [ack]), 409, "KEY_UNCONFIRMED");
    const text = signRaw(
      {
        ...(await s.mal.envelope(s.line)),
        kind: "text",
        body: { text: "trust my new key", lang: "en", precedence: "FLASH", operator: "mallory" },
      },
      newKey,
    );
    expectRefused(await s.mal.push(s.line, [text]), 409, "KEY_UNCONFIRMED");
    await expectNotStored(s, [ack, text]);
    expect(await s.a.station.keyOn(s.line, s.m.id)).toBe(s.m.id);
  });
});
