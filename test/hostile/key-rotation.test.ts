/**
 * A paired peer abuses key rotation: it forges a rotation for another station, replays a rotation,
 * or sends a key field that is no key. Each is refused with its code, nothing is stored, and the
 * victim's record still verifies.
 */
import { afterEach, describe, expect, it } from "vitest";
import { generateIdentity, sha256Hex, signRotation } from "../../src/record/mod.js";
import type { Identity } from "../../src/record/mod.js";
import { assertLineWorks, expectIntact, expectRefused } from "./_harness.js";
import { bilateral, hashOf, signBytes, signRaw, type Bilateral, type Wire } from "./_mallory.js";

let scene: Bilateral | undefined;
afterEach(async () => {
  await scene?.h.close();
  scene = undefined;
});

async function setUp(): Promise<Bilateral> {
  scene = await bilateral();
  return scene;
}

async function expectNotStored({ a }: Bilateral, refused: readonly Wire[]): Promise<void> {
  for (const entry of refused) expect(await a.station.store.entryByHash(hashOf(entry))).toBeNull();
  await expectIntact(a);
}

/** Mallory's next key.rotate, its proof made by `next` for the place given (default its own). */
async function rotation(
  s: Bilateral,
  next: Identity,
  options: {
    proofLine?: string;
    proofSeq?: number;
    change?: Record<string, unknown>;
    signer?: Identity;
  } = {},
): Promise<Wire> {
  const envelope = { ...(await s.mal.envelope(s.line)), ...options.change } as Record<string, unknown> & {
    seq: number;
    prev: string | null;
    author: string;
  };
  const proof = signRotation(
    {
      line: options.proofLine ?? s.line,
      station: envelope.author,
      key: next.key,
      seq: options.proofSeq ?? envelope.seq,
      prev: envelope.prev,
    },
    next,
  );
  return signRaw(
    { ...envelope, kind: "key.rotate", body: { key: next.key, proof, operator: "mallory" } },
    options.signer ?? s.m.identity,
  );
}

describe("hostile key rotation", () => {
  it("a key.rotate forged for the victim's own chain, signed by Mallory, is refused BAD_SIGNATURE", async () => {
    const s = await setUp();
    const head = await s.a.station.store.head(s.line, s.a.id);
    const forged = await rotation(s, generateIdentity(), {
      change: { author: s.a.id, seq: (head?.seq ?? 0) + 1, prev: head?.hash ?? null, seen: {} },
    });
    expectRefused(await s.mal.push(s.line, [forged]), 400, "BAD_SIGNATURE");
    await expectNotStored(s, [forged]);
    // The victim still signs with its own key, and the line still works both ways.
    await assertLineWorks(s.a, s.m, s.line);
  });

  it("a key.rotate whose proof was made for another line or another seq is refused BAD_SIGNATURE", async () => {
    const s = await setUp();
    const next = generateIdentity();
    const otherLine = await rotation(s, next, { proofLine: sha256Hex("another line") });
    expectRefused(await s.mal.push(s.line, [otherLine]), 400, "BAD_SIGNATURE");
    const otherSeq = await rotation(s, next, { proofSeq: 1 });
    expectRefused(await s.mal.push(s.line, [otherSeq]), 400, "BAD_SIGNATURE");
    await expectNotStored(s, [otherLine, otherSeq]);
    await assertLineWorks(s.a, s.m, s.line);
  });

  it("a rotation replayed at the chain's next place, and an entry signed by the old key after it, are refused", async () => {
    const s = await setUp();
    const old = s.m.identity;
    const next = generateIdentity();
    const first = await rotation(s, next);
    expect((await s.mal.push(s.line, [first])).status).toBe(200);
    const newKey = { ...next, id: s.m.id };
    // The same rotation, carried to the next seq and signed by the new key: its proof is for seq before.
    const replayed = await rotation(s, next, { proofSeq: first.seq, signer: newKey });
    expectRefused(await s.mal.push(s.line, [replayed]), 400, "BAD_SIGNATURE");
    // The old key signs nothing after the rotation.
    const stale = signRaw(
      {
        ...(await s.mal.envelope(s.line)),
        kind: "text",
        body: { text: "old key", lang: "en", precedence: "ROUTINE", operator: "mallory" },
      },
      old,
    );
    expectRefused(await s.mal.push(s.line, [stale]), 400, "BAD_SIGNATURE");
    await expectNotStored(s, [replayed, stale]);
    // What the new key signs is taken.
    const fresh = signRaw(
      {
        ...(await s.mal.envelope(s.line)),
        kind: "text",
        body: { text: "new key", lang: "en", precedence: "ROUTINE", operator: "mallory" },
      },
      newKey,
    );
    expect((await s.mal.push(s.line, [fresh])).status).toBe(200);
    await expectIntact(s.a);
    // Head statements too: after the rotation only the new key signs for Mallory.
    const heads: Record<string, { seq: number; hash: string }> = {
      [s.m.id]: { seq: fresh.seq, hash: hashOf(fresh) },
    };
    const statement = (key: Identity) => {
      const unsigned = {
        v: 1,
        type: "heads",
        line: s.line,
        station: s.m.id,
        time: new Date().toISOString(),
        heads,
      };
      return JSON.stringify({ statement: { ...unsigned, sig: signBytes(unsigned, key) } });
    };
    expectRefused(await s.mal.call({ path: "/peer/v1/heads", body: statement(old) }), 400, "BAD_SIGNATURE");
    expect((await s.mal.call({ path: "/peer/v1/heads", body: statement(newKey) })).status).toBe(200);
  });

  it("a key.rotate to the victim's own key is refused (no proof can be made) and one to a key the line has is refused KEY_CONFLICT", async () => {
    const s = await setUp();
    const envelope = await s.mal.envelope(s.line);
    const bogus = signRaw(
      { ...envelope, kind: "key.rotate", body: { key: s.a.id, proof: "A".repeat(86), operator: "mallory" } },
      s.m.identity,
    );
    expectRefused(await s.mal.push(s.line, [bogus]), 400, "BAD_SIGNATURE");
    // Mallory's own current key: held on the line already.
    const own = await rotation(s, s.m.identity);
    expectRefused(await s.mal.push(s.line, [own]), 409, "KEY_CONFLICT");
    await expectNotStored(s, [bogus, own]);
  });

  it("a key field that is oversize, not a string, or not a key is refused with a code, and nothing is stored", async () => {
    const s = await setUp();
    const body = (key: unknown) => ({ key, proof: "A".repeat(86), operator: "mallory" });
    const oversize = await s.mal.entry(s.line, "key.rotate", body("A".repeat(70_000)));
    expectRefused(await s.mal.push(s.line, [oversize]), [400, 413], ["TOO_LARGE", "SCHEMA"]);
    const number = await s.mal.entry(s.line, "key.rotate", body(12345));
    expectRefused(await s.mal.push(s.line, [number]), 400, "SCHEMA");
    const garbage = await s.mal.entry(
      s.line,
      "key.rotate",
      body("not a key, but 43 characters long!!!!!!!!!!"),
    );
    expectRefused(await s.mal.push(s.line, [garbage]), 400, "SCHEMA");
    // 43 base64url characters whose spare bits are set: no station id, no key.
    const offCurve = await s.mal.entry(s.line, "key.rotate", body(`${"A".repeat(42)}B`));
    expectRefused(await s.mal.push(s.line, [offCurve]), 400, "BAD_SIGNATURE");
    await expectNotStored(s, [oversize, number, garbage, offCurve]);
    await assertLineWorks(s.a, s.m, s.line);
  });
});
