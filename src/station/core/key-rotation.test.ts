/**
 * Key rotation, judged alike by a receiving station and by `verify`: a `key.rotate` must carry
 * the new key's proof of its own place, name a key no member of the line has or had, and after it
 * its author's chain is signed by the new key only.
 */
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  KEY_KINDS,
  checkRecord,
  generateIdentity,
  keyHistoryOf,
  sha256Hex,
  signEntry,
  signMemberClaim,
  signRotation,
  type ErrorCode,
  type HeldEntry,
  type Identity,
  type SealedEntry,
  type UnsignedEntry,
} from "../../record/mod.js";
import { TestLine, makeStation } from "../../record/_testing.js";
import { stationPaths } from "./config.js";
import { initStation } from "./init.js";
import { writeNextKey } from "./key-files.js";
import { Station } from "./station.js";

const NOW = Date.parse("2026-12-07T03:00:00.000Z");

interface Peer {
  id: string;
  /** the key it signs with now */
  identity: Identity;
  participant: { station: string; name: string; url: string; cert: string };
}

function peer(name: string): Peer {
  const identity = generateIdentity();
  return {
    id: identity.id,
    identity,
    participant: {
      station: identity.id,
      name,
      url: `https://${name.toLowerCase()}.example:7443`,
      cert: `sha256:${sha256Hex(name + identity.id)}`,
    },
  };
}

let root: string;
let a: Station;
let line: string;
let b: Peer;
const clock = { t: NOW, now: () => clock.t };

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), "hotline-key-rotation-"));
  await initStation({ dir: root, name: "Alpha", listen: "127.0.0.1:17411" });
  clock.t = NOW;
  a = await Station.open({ dir: root, clock });
  b = peer("Bravo");
  line = (await a.createLine({ name: "alpha-bravo", operator: "admin" })).id;
  await a.write(line, {
    kind: "member.add",
    body: {
      member: b.participant,
      consenters: [],
      proof: signMemberClaim(line, b.participant, b.identity),
      operator: "admin",
    },
  });
});

afterEach(async () => {
  await a.close();
  rmSync(root, { recursive: true, force: true });
});

/** The envelope of Bravo's next entry on the line, as Alpha holds it. */
async function nextOf(by: Peer, onLine = line): Promise<Omit<UnsignedEntry, "kind" | "body">> {
  clock.t += 1_000;
  const head = await a.store.head(onLine, by.id);
  const seen: Record<string, string> = {};
  for (const h of await a.store.heads(onLine)) if (h.author !== by.id) seen[h.author] = h.hash;
  return {
    v: 1,
    line: onLine,
    author: by.id,
    seq: (head?.seq ?? 0) + 1,
    prev: head?.hash ?? null,
    seen,
    time: new Date(clock.t).toISOString(),
  };
}

/** Bravo's key.rotate; what it claims and who signs it can be bent. */
async function rotation(
  options: {
    next?: Identity;
    proofFor?: { line?: string; seq?: number; prev?: string | null };
    signer?: Identity;
  } = {},
): Promise<{ sealed: SealedEntry; next: Identity }> {
  const next = options.next ?? generateIdentity();
  const envelope = await nextOf(b);
  const proof = signRotation(
    {
      line: options.proofFor?.line ?? line,
      station: b.id,
      key: next.key,
      seq: options.proofFor?.seq ?? envelope.seq,
      prev: options.proofFor?.prev === undefined ? envelope.prev : options.proofFor.prev,
    },
    next,
  );
  const unsigned = { ...envelope, kind: "key.rotate", body: { key: next.key, proof, operator: "duty" } };
  const signer = options.signer ?? b.identity;
  return { sealed: signEntry(unsigned as UnsignedEntry, { ...signer, id: b.id }), next };
}

async function text(words: string, signer: Identity = b.identity): Promise<SealedEntry> {
  const unsigned = {
    ...(await nextOf(b)),
    kind: "text",
    body: { text: words, lang: "en", precedence: "ROUTINE", operator: "duty" },
  };
  return signEntry(unsigned as UnsignedEntry, { ...signer, id: b.id });
}

async function receive(sealed: SealedEntry): Promise<ErrorCode | null> {
  const result = await a.receive([JSON.parse(sealed.bytes.toString("utf8")) as unknown]);
  return result.refused?.code ?? null;
}

/** What verify says of the record Alpha holds with this entry added. */
async function verifyWith(extra: SealedEntry): Promise<ErrorCode[]> {
  const held: HeldEntry[] = [];
  for await (const e of a.store.allEntries()) {
    held.push({ line: e.line, author: e.author, seq: e.seq, hash: e.hash, bytes: e.bytes });
  }
  const all = [
    ...held,
    { line, author: extra.entry.author, seq: extra.entry.seq, hash: extra.hash, bytes: extra.bytes },
  ];
  const setters = (await Promise.all(KEY_KINDS.map((kind) => a.store.entriesOfKind(line, kind)))).flat();
  const rotations = [...setters, extra].map((e) => ({
    entry: JSON.parse(e.bytes.toString("utf8")) as SealedEntry["entry"],
    bytes: e.bytes,
    hash: e.hash,
  }));
  const keys = keyHistoryOf(rotations);
  return checkRecord(all, keys).map((p) => p.code);
}

/** Bravo's chain from where Alpha holds it: perhaps a rotation, then texts signed by `signer`. */
async function chain(options: {
  rotate: boolean;
  signer: Identity;
  count: number;
  old: Identity;
  next: Identity;
}): Promise<unknown[]> {
  const { old, next } = options;
  const first = await nextOf(b);
  const out: SealedEntry[] = [];
  const at = (seq: number, prev: string | null, i: number) => ({
    ...first,
    seq,
    prev,
    time: new Date(Date.parse(first.time) + i).toISOString(),
  });
  if (options.rotate) {
    const proof = signRotation(
      { line, station: b.id, key: next.key, seq: first.seq, prev: first.prev },
      next,
    );
    const body = { key: next.key, proof, operator: "duty" };
    out.push(signEntry({ ...first, kind: "key.rotate", body }, old));
  }
  for (let i = 0; i < options.count; i++) {
    const before = out.at(-1);
    const unsigned = {
      ...at(before === undefined ? first.seq : before.entry.seq + 1, before?.hash ?? first.prev, i + 1),
      kind: "text",
      body: { text: `batched ${i}`, lang: "en", precedence: "ROUTINE", operator: "duty" },
    };
    out.push(signEntry(unsigned as UnsignedEntry, { ...options.signer, id: b.id }));
  }
  return out.map((e) => JSON.parse(e.bytes.toString("utf8")) as unknown);
}

/** Refused at receive with this code, and flagged by verify with the same code. */
async function expectRefusedAlike(sealed: SealedEntry, code: ErrorCode): Promise<void> {
  expect(await verifyWith(sealed)).toContain(code);
  expect(await receive(sealed)).toBe(code);
  expect((await a.verify()).ok).toBe(true);
}

describe("key.rotate", () => {
  it("a rotated station's entries signed by its new key are accepted, and verify finds the record intact", async () => {
    const { sealed, next } = await rotation();
    expect(await receive(sealed)).toBeNull();
    b.identity = next;
    expect(await receive(await text("after the rotation"))).toBeNull();
    expect(await receive(await text("and again"))).toBeNull();
    const report = await a.verify({ workers: 0 });
    expect(report.problems).toEqual([]);
    expect(report.entries).toBe(5);
  });

  it("a large batch (signatures checked ahead) spanning a rotation is applied, and one signed by the old key after it is refused", async () => {
    const old = b.identity;
    const next = generateIdentity();
    const stale = await a.receiveBatch(await chain({ rotate: true, signer: old, count: 70, old, next }));
    expect(stale.refused?.code).toBe("BAD_SIGNATURE");
    expect(stale.applied.map((e) => e.entry.kind)).toEqual(["key.rotate"]);
    // Alpha holds the rotation now: a batch after it signed by the new key all applies...
    const fresh = await a.receiveBatch(await chain({ rotate: false, signer: next, count: 70, old, next }));
    expect(fresh.refused).toBeNull();
    expect(fresh.applied).toHaveLength(70);
    // ...and one signed by the old key is refused at its first entry.
    const late = await a.receiveBatch(await chain({ rotate: false, signer: old, count: 70, old, next }));
    expect(late.refused?.code).toBe("BAD_SIGNATURE");
    expect(late.applied).toHaveLength(0);
    expect((await a.verify()).problems).toEqual([]);
  });

  it("a large batch holding a rotation and what the new key signs after it is applied whole", async () => {
    const next = generateIdentity();
    const batch = await a.receiveBatch(
      await chain({ rotate: true, signer: next, count: 70, old: b.identity, next }),
    );
    expect(batch.refused).toBeNull();
    expect(batch.applied).toHaveLength(71);
    expect((await a.verify()).problems).toEqual([]);
  });

  it("two rotations in a row are accepted, each signed by the key before it", async () => {
    const first = await rotation();
    expect(await receive(first.sealed)).toBeNull();
    b.identity = first.next;
    const second = await rotation();
    expect(await receive(second.sealed)).toBeNull();
    b.identity = second.next;
    expect(await receive(await text("third key"))).toBeNull();
    expect((await a.verify()).problems).toEqual([]);
  });

  it("an entry after the rotation signed by the old key is refused BAD_SIGNATURE and flagged by verify", async () => {
    const { sealed } = await rotation();
    expect(await receive(sealed)).toBeNull();
    await expectRefusedAlike(await text("signed by the old key", b.identity), "BAD_SIGNATURE");
  });

  it("a second rotation signed by the first key (not the one in force) is refused BAD_SIGNATURE", async () => {
    const old = b.identity;
    const first = await rotation();
    expect(await receive(first.sealed)).toBeNull();
    b.identity = first.next;
    await expectRefusedAlike((await rotation({ signer: old })).sealed, "BAD_SIGNATURE");
  });

  it("a key.rotate whose proof is not the new key's is refused BAD_SIGNATURE", async () => {
    const envelope = await nextOf(b);
    const next = generateIdentity();
    const other = generateIdentity();
    const proof = signRotation(
      { line, station: b.id, key: next.key, seq: envelope.seq, prev: envelope.prev },
      other,
    );
    const sealed = signEntry(
      { ...envelope, kind: "key.rotate", body: { key: next.key, proof, operator: "duty" } },
      b.identity,
    );
    await expectRefusedAlike(sealed, "BAD_SIGNATURE");
  });

  it("a key.rotate whose proof was made for another line is refused BAD_SIGNATURE (no replay across lines)", async () => {
    await expectRefusedAlike(
      (await rotation({ proofFor: { line: sha256Hex("another line") } })).sealed,
      "BAD_SIGNATURE",
    );
  });

  it("a key.rotate whose proof was made for another seq is refused BAD_SIGNATURE (no replay along the chain)", async () => {
    await expectRefusedAlike((await rotation({ proofFor: { seq: 7, prev: null } })).sealed, "BAD_SIGNATURE");
  });

  it("a key.rotate replayed as is after the rotation it made is refused", async () => {
    const { sealed, next } = await rotation();
    expect(await receive(sealed)).toBeNull();
    b.identity = next;
    expect(await receive(await text("after"))).toBeNull();
    // The same bytes again are a duplicate (held already), never a second rotation.
    const again = await a.receive([JSON.parse(sealed.bytes.toString("utf8")) as unknown]);
    expect(again.refused).toBeNull();
    expect(again.duplicates).toBe(1);
    // Its proof carried to the chain's next place, re-signed by the new key: the proof no longer holds.
    const replay = await rotation({ next, proofFor: { seq: sealed.entry.seq, prev: sealed.entry.prev } });
    await expectRefusedAlike(replay.sealed, "BAD_SIGNATURE");
  });

  it("a key.rotate to another station's id is refused KEY_CONFLICT", async () => {
    // Alpha's own id is a key whose private half Bravo does not hold; Bravo's proof cannot be made
    // for it, so the conflict is shown with a key Bravo holds that a member of the line is: a
    // station added with it.
    const c = peer("Charlie");
    await a.write(line, {
      kind: "member.add",
      body: {
        member: c.participant,
        consenters: [b.id],
        proof: signMemberClaim(line, c.participant, c.identity),
        operator: "admin",
      },
    });
    await expectRefusedAlike((await rotation({ next: c.identity })).sealed, "KEY_CONFLICT");
  });

  it("a rotation back to a key the station held before is refused KEY_CONFLICT", async () => {
    const first = b.identity;
    const { sealed, next } = await rotation();
    expect(await receive(sealed)).toBeNull();
    b.identity = next;
    await expectRefusedAlike((await rotation({ next: first })).sealed, "KEY_CONFLICT");
  });

  it("a key.rotate by a station that is no participant is refused UNKNOWN_AUTHOR", async () => {
    const stranger = peer("Mallory");
    const next = generateIdentity();
    const envelope = await nextOf(stranger);
    const proof = signRotation({ line, station: stranger.id, key: next.key, seq: 1, prev: null }, next);
    const sealed = signEntry(
      { ...envelope, kind: "key.rotate", body: { key: next.key, proof, operator: "x" } },
      stranger.identity,
    );
    expect(await verifyWith(sealed)).toContain("UNKNOWN_AUTHOR");
    expect(await receive(sealed)).toBe("UNKNOWN_AUTHOR");
  });
});

describe("verify and key history", () => {
  it("verify flags entries signed by the key of a rotation that broke a rule, not only the rotation", () => {
    const moscow = makeStation("Moscow");
    const washington = makeStation("Washington");
    const record = TestLine.open(moscow);
    record.add(moscow, washington);
    record.say(washington, "before");
    // Washington "rotates" to Moscow's own key (a key the line has): the rotation is refused...
    const stolen = { ...moscow.identity };
    record.rotate(washington, stolen);
    // ...so what it then signs with that key is not signed by Washington's key in force.
    record.say(washington, "after");
    const keys = keyHistoryOf(record.entries);
    const problems = checkRecord(record.held(), keys).map((p) => `${p.code} ${p.seq}`);
    expect(problems).toEqual(["KEY_CONFLICT 2", "BAD_SIGNATURE 3"]);
  });

  it("verify of a record spanning rotations is intact whatever order its entries are held in", () => {
    const moscow = makeStation("Moscow");
    const washington = makeStation("Washington");
    const record = TestLine.open(moscow);
    record.add(moscow, washington);
    record.say(washington, "one");
    record.rotate(washington);
    record.say(moscow, "two");
    record.say(washington, "three");
    record.rotate(moscow);
    record.rotate(washington);
    record.say(moscow, "four");
    record.say(washington, "five");
    const keys = keyHistoryOf(record.entries);
    expect(checkRecord(record.held(), keys)).toEqual([]);
    expect(checkRecord(record.held().reverse(), keys)).toEqual([]);
    // Without the history read first, the rotated chains' signatures cannot be checked.
    expect(checkRecord(record.held()).map((p) => p.code)).toContain("BAD_SIGNATURE");
  });
});

describe("Station.rotateKey()", () => {
  it("rotates on every line, keeps the station id, and signs what follows with the new key", async () => {
    const before = a.whoami();
    const rotated = await a.rotateKey({ operator: "admin" });
    expect(a.id).toBe(before.id);
    expect(a.whoami().fingerprint).toBe(rotated.fingerprint);
    expect(a.whoami().fingerprint).not.toBe(before.fingerprint);
    expect(rotated.lines.map((l) => l.id)).toEqual([line]);
    await a.send({ line, text: "on the new key", operator: "admin" });
    expect((await a.verify()).problems).toEqual([]);
    expect(statSync(join(root, "identity.key")).mode & 0o777).toBe(0o600);
    expect(existsSync(join(root, "identity.key.next"))).toBe(false);
    // Opened again, it is the same station with the new key.
    await a.close();
    a = await Station.open({ dir: root, clock });
    expect(a.id).toBe(before.id);
    expect(a.whoami().fingerprint).toBe(rotated.fingerprint);
    await a.send({ line, text: "still the new key", operator: "admin" });
    expect((await a.verify()).problems).toEqual([]);
  });

  it("a crash after the entries were committed but before the new key took the old one's place is finished at open", async () => {
    const oldKey = readFileSync(join(root, "identity.key"), "utf8");
    const rotated = await a.rotateKey({ operator: "admin" });
    await a.close();
    // The files as they were between the commit and the rename.
    renameSync(join(root, "identity.key"), join(root, "identity.key.next"));
    writeFileSync(join(root, "identity.key"), oldKey, { mode: 0o600 });
    a = await Station.open({ dir: root, clock });
    expect(a.whoami().fingerprint).toBe(rotated.fingerprint);
    expect(existsSync(join(root, "identity.key.next"))).toBe(false);
    await a.send({ line, text: "after the crash", operator: "admin" });
    expect((await a.verify()).problems).toEqual([]);
  });

  it("a crash after the new key was written but before the entries were committed is undone at open", async () => {
    const before = a.whoami();
    writeNextKey(stationPaths(root), { ...generateIdentity(), id: a.id });
    await a.close();
    a = await Station.open({ dir: root, clock });
    expect(a.whoami().fingerprint).toBe(before.fingerprint);
    expect(existsSync(join(root, "identity.key.next"))).toBe(false);
    await a.send({ line, text: "the old key still signs", operator: "admin" });
    expect((await a.verify()).problems).toEqual([]);
  });

  it("a failed commit deletes the new key and leaves the old one in force", async () => {
    const before = a.whoami();
    const transaction = a.store.transaction.bind(a.store);
    a.store.transaction = () => Promise.reject(new Error("disk full"));
    await expect(a.rotateKey({ operator: "admin" })).rejects.toThrow("disk full");
    a.store.transaction = transaction;
    expect(existsSync(join(root, "identity.key.next"))).toBe(false);
    expect(a.whoami().fingerprint).toBe(before.fingerprint);
    await a.send({ line, text: "nothing changed", operator: "admin" });
    expect((await a.verify()).problems).toEqual([]);
  });
});

describe("a chain that begins with a key other than the station id (a rotated station on a new line)", () => {
  /** Charlie, whose key was rotated elsewhere: its id stays its name, `key` is what it signs with. */
  function rotatedPeer(name: string): Peer & { participant: Peer["participant"] & { key: string } } {
    const p = peer(name);
    const key = generateIdentity();
    return {
      id: p.id,
      identity: { ...key, id: p.id },
      participant: { ...p.participant, key: key.key },
    };
  }

  /** Alpha adds `c` asking Bravo's consent, and Bravo's approval arrives. */
  async function addApproved(c: Peer, proof: string): Promise<ErrorCode | null> {
    const add = await a.write(line, {
      kind: "member.add",
      body: { member: c.participant, consenters: [b.id], proof, operator: "admin" },
    });
    const approve = signEntry(
      { ...(await nextOf(b)), kind: "member.approve", body: { of: add.hash, operator: "duty" } },
      b.identity,
    );
    return receive(approve);
  }

  async function textBy(c: Peer, words: string, signer: Identity): Promise<SealedEntry> {
    const unsigned = {
      ...(await nextOf(c)),
      kind: "text",
      body: { text: words, lang: "en", precedence: "ROUTINE", operator: "duty" },
    };
    return signEntry(unsigned as UnsignedEntry, { ...signer, id: c.id });
  }

  it("a member whose claim names its key is accepted writing with that key, and verify finds the record intact", async () => {
    const c = rotatedPeer("Charlie");
    expect(await addApproved(c, signMemberClaim(line, c.participant, c.identity))).toBeNull();
    expect(await receive(await textBy(c, "signed by the key I hold now", c.identity))).toBeNull();
    const report = await a.verify({ workers: 0 });
    expect(report.problems).toEqual([]);
    // Alpha shows Charlie's fingerprint and safety code from that key, and no key change to read aloud.
    const shown = (await a.lines())[0]?.participants.find((p) => p.id === c.id);
    expect(shown?.fingerprint).not.toBe(
      (await a.lines())[0]?.participants.find((p) => p.id === b.id)?.fingerprint,
    );
    expect(await a.keyOn(line, c.id)).toBe(c.participant.key);
    expect(shown?.keyChange).toBeNull();
  });

  it("an entry of that member signed by its station id's key is refused BAD_SIGNATURE and flagged by verify", async () => {
    const c = rotatedPeer("Charlie");
    const idKey = generateIdentity();
    const named = { ...c, id: idKey.id, participant: { ...c.participant, station: idKey.id } };
    expect(await addApproved(named, signMemberClaim(line, named.participant, named.identity))).toBeNull();
    await expectRefusedAlike(await textBy(named, "signed by the id's key", idKey), "BAD_SIGNATURE");
  });

  it("a member.add whose claim names a key that did not sign it is refused BAD_SIGNATURE", async () => {
    const c = rotatedPeer("Charlie");
    const notTheKey = generateIdentity();
    const unsigned = {
      ...(await nextOf(b)),
      kind: "member.add",
      body: {
        member: c.participant,
        consenters: [a.id],
        proof: signMemberClaim(line, c.participant, notTheKey),
        operator: "duty",
      },
    };
    await expectRefusedAlike(signEntry(unsigned as UnsignedEntry, b.identity), "BAD_SIGNATURE");
  });

  it("a member.add naming another station's id as the member's key is refused KEY_CONFLICT", async () => {
    // Bravo claims a place for "Charlie" that would sign with Bravo's own key.
    const c = peer("Charlie");
    const member = { ...c.participant, key: b.id };
    const unsigned = {
      ...(await nextOf(b)),
      kind: "member.add",
      body: {
        member,
        consenters: [a.id],
        proof: signMemberClaim(line, member, b.identity),
        operator: "duty",
      },
    };
    await expectRefusedAlike(signEntry(unsigned as UnsignedEntry, b.identity), "KEY_CONFLICT");
  });

  it("a member.add naming a key another station rotated to is refused KEY_CONFLICT", async () => {
    const { sealed, next } = await rotation();
    expect(await receive(sealed)).toBeNull();
    b.identity = next;
    const c = peer("Charlie");
    const member = { ...c.participant, key: next.key };
    const unsigned = {
      ...(await nextOf(b)),
      kind: "member.add",
      body: { member, consenters: [a.id], proof: signMemberClaim(line, member, next), operator: "duty" },
    };
    await expectRefusedAlike(signEntry(unsigned as UnsignedEntry, { ...next, id: b.id }), "KEY_CONFLICT");
  });

  it("a participant cannot add a station Alpha knows on another line with a key of the participant's own (KEY_CONFLICT)", async () => {
    const d = peer("Delta");
    const other = (await a.createLine({ name: "alpha-delta", operator: "admin" })).id;
    await a.write(other, {
      kind: "member.add",
      body: {
        member: d.participant,
        consenters: [],
        proof: signMemberClaim(other, d.participant, d.identity),
        operator: "admin",
      },
    });
    // Bravo adds "Delta" (its real id, name and certificate) on the first line with a key Bravo holds.
    const stolen = generateIdentity();
    const member = { ...d.participant, key: stolen.key };
    const unsigned = {
      ...(await nextOf(b)),
      kind: "member.add",
      body: { member, consenters: [a.id], proof: signMemberClaim(line, member, stolen), operator: "duty" },
    };
    expect(await receive(signEntry(unsigned as UnsignedEntry, b.identity))).toBe("KEY_CONFLICT");
    expect((await a.verify()).ok).toBe(true);
  });

  it("a genesis whose creator's key did not sign it is flagged BAD_SIGNATURE by verify", () => {
    const moscow = makeStation("Moscow");
    const claimed = generateIdentity();
    const genesis = signEntry(
      {
        v: 1,
        line: null,
        author: moscow.id,
        seq: 1,
        prev: null,
        seen: {},
        time: new Date(NOW).toISOString(),
        kind: "line.genesis",
        body: { name: "m-w", creator: { ...moscow.participant, key: claimed.key }, operator: "duty" },
      },
      moscow.identity,
    );
    const held = [
      { line: genesis.hash, author: moscow.id, seq: 1, hash: genesis.hash, bytes: genesis.bytes },
    ];
    expect(checkRecord(held, keyHistoryOf([genesis])).map((p) => p.code)).toEqual(["BAD_SIGNATURE"]);
    // Signed by the key it names, it is intact.
    const { sig: _sig, ...unsigned } = genesis.entry;
    const good = signEntry(unsigned, { ...claimed, id: moscow.id });
    const heldGood = [{ line: good.hash, author: moscow.id, seq: 1, hash: good.hash, bytes: good.bytes }];
    expect(checkRecord(heldGood, keyHistoryOf([good]))).toEqual([]);
  });
});
