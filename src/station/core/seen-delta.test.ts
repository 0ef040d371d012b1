/**
 * An entry's `seen` names only the heads of other chains that moved since its author's previous
 * entry; what its author had seen is the fold along its chain. Old records, whose every entry
 * names every head, verify and read as before.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { inProcessPair, type InProcessPair } from "../../../test/helpers/in-process-pair.js";
import { generateIdentity, sha256Hex, signEntry, signMemberClaim, type Identity } from "../../record/mod.js";
import { entriesOfKinds } from "./entries.js";
import { initStation } from "./init.js";
import { ManualClock } from "./manual-clock.js";
import { seenAlong } from "./seen-fold.js";
import { Station } from "./station.js";

interface Peer {
  id: string;
  identity: Identity;
}

let root: string;
let a: Station;
let line: string;
let b: Peer;
let c: Peer;
const clock = new ManualClock({ start: "2026-12-07T09:00:00.000Z" });

async function add(peer: Peer, name: string): Promise<void> {
  const participant = {
    station: peer.id,
    name,
    url: `https://${name.toLowerCase()}.example:7443`,
    cert: `sha256:${sha256Hex(name + peer.id)}`,
  };
  await a.write(line, {
    kind: "member.add",
    body: {
      member: participant,
      consenters: [],
      proof: signMemberClaim(line, participant, peer.identity),
      operator: "admin",
    },
  });
}

/**
 * A peer writes a text that Alpha receives.
 *
 * @param seen what it names: "all" the other heads (as every station wrote before), or these
 */
async function peerWrites(by: Peer, seen: "all" | Record<string, string> = "all"): Promise<string> {
  clock.t += 1_000;
  const head = await a.store.head(line, by.id);
  const all: Record<string, string> = {};
  for (const h of await a.store.heads(line)) if (h.author !== by.id) all[h.author] = h.hash;
  const sealed = signEntry(
    {
      v: 1,
      line,
      author: by.id,
      seq: (head?.seq ?? 0) + 1,
      prev: head?.hash ?? null,
      seen: seen === "all" ? all : seen,
      time: new Date(clock.t).toISOString(),
      kind: "text",
      body: { text: "Received.", lang: "en", precedence: "ROUTINE", operator: "duty" },
    },
    by.identity,
  );
  const result = await a.receive([JSON.parse(sealed.bytes.toString("utf8"))]);
  if (result.refused !== null) throw result.refused;
  return sealed.hash;
}

async function send(station: Station = a): Promise<Record<string, string>> {
  clock.t += 1_000;
  const { hash } = await station.send({ line, text: "Noted.", operator: "admin" });
  const stored = await station.store.entryByHash(hash);
  return (JSON.parse(stored?.bytes.toString("utf8") ?? "{}") as { seen: Record<string, string> }).seen;
}

/** @returns every other chain's head as Alpha holds it: what a full `seen` would name */
async function othersHeads(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const h of await a.store.heads(line)) if (h.author !== a.id) out[h.author] = h.hash;
  return out;
}

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), "hotline-seen-delta-"));
  await initStation({ dir: root, name: "Alpha", listen: "127.0.0.1:17431" });
  a = await Station.open({ dir: root, clock });
  line = (await a.createLine({ name: "alpha-bravo-charlie", operator: "admin" })).id;
  const peer = (identity: Identity): Peer => ({ id: identity.id, identity });
  b = peer(generateIdentity());
  c = peer(generateIdentity());
  await add(b, "Bravo");
  await add(c, "Charlie");
});

afterEach(async () => {
  await a.close();
  rmSync(root, { recursive: true, force: true });
});

describe("an entry's seen names only the heads that moved since its author's previous entry", () => {
  it("names every head on the first entry that has any, then only the one that moved, then none", async () => {
    const b1 = await peerWrites(b);
    const c1 = await peerWrites(c);
    // Alpha's chain so far (genesis, two member.adds) named nothing: no other chain had a head.
    expect(await send()).toEqual({ [b.id]: b1, [c.id]: c1 });
    const b2 = await peerWrites(b);
    expect(await send()).toEqual({ [b.id]: b2 });
    expect(await send()).toEqual({});
    await peerWrites(c);
    const c3 = await peerWrites(c);
    expect(await send()).toEqual({ [c.id]: c3 });
  });

  it("the fold along the chain is what a full seen would have named at every entry", async () => {
    const expected: Record<number, Record<string, string>> = {};
    for (const who of [b, c, b, b, c, null, b, c]) {
      if (who !== null) await peerWrites(who);
      const full = await othersHeads();
      await send();
      const head = await a.store.head(line, a.id);
      expected[head?.seq ?? 0] = full;
    }
    for (const [seq, full] of Object.entries(expected)) {
      const fold = await seenAlong(a.store, line, a.id, Number(seq));
      expect(Object.fromEntries(fold)).toEqual(full);
    }
  });

  it("a batch's first entry names what moved, the rest nothing", async () => {
    const b1 = await peerWrites(b);
    const written = await a.writeMany(line, [
      { kind: "text", body: { text: "One.", lang: "en", precedence: "ROUTINE", operator: "admin" } },
      { kind: "text", body: { text: "Two.", lang: "en", precedence: "ROUTINE", operator: "admin" } },
    ]);
    expect(written.map((e) => e.entry.seen)).toEqual([{ [b.id]: b1 }, {}]);
  });

  it("a station restarted goes on writing deltas, its fold read back from its record", async () => {
    await peerWrites(b);
    await peerWrites(c);
    await send();
    await a.close();
    a = await Station.open({ dir: root, clock });
    const b2 = await peerWrites(b);
    expect(await send()).toEqual({ [b.id]: b2 });
  });

  it("entries written by another writer of the same store (the CLI) are folded in before the next delta", async () => {
    await peerWrites(b);
    await peerWrites(c);
    await send();
    // The CLI opens the same record beside the running station and writes on its chain.
    const cli = await Station.open({ dir: root, clock });
    const b2 = await peerWrites(b);
    expect(await send(cli)).toEqual({ [b.id]: b2 });
    await cli.close();
    const c2 = await peerWrites(c);
    expect(await send()).toEqual({ [c.id]: c2 });
  });

  it("a record whose entries name every head (as before) and entries naming deltas verify together", async () => {
    await peerWrites(b); // full, as every station wrote before
    await send();
    await peerWrites(c);
    await peerWrites(b, {}); // a delta: nothing moved that Bravo had not named
    await peerWrites(c, "all");
    await send();
    const report = await a.verify();
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });
});

describe("what an author had seen is the fold along its chain", () => {
  let pair: InProcessPair | undefined;
  afterEach(() => pair?.close());

  it("a settings change that saw an earlier one through an entry before it still wins, though it names nothing itself", async () => {
    pair = await inProcessPair("2026-12-07T09:00:00.000Z");
    const { washington, moscow, line: on } = pair;
    // Moscow's clock runs 4 minutes ahead; it sets the test interval to 30 s.
    pair.at("2026-12-07T09:04:00.000Z");
    await moscow.setLine({ line: on, testInterval: 30, operator: "admin" });
    await pair.deliver(moscow, washington);
    // Washington, on time, first sends a text (its seen names Moscow's change), then answers with
    // 10 s: that entry names nothing new, yet its author had seen Moscow's change.
    pair.at("2026-12-07T09:00:00.000Z");
    await washington.send({ line: on, text: "Your change is noted.", operator: "admin" });
    await washington.setLine({ line: on, testInterval: 10, operator: "admin" });
    const [change] = await washington.store
      .entriesOfKind(on, "line.settings")
      .then((all) => all.filter((e) => e.author === washington.id));
    expect(JSON.parse(change?.bytes.toString("utf8") ?? "{}")).toMatchObject({ seen: {} });
    await pair.deliver(washington, moscow);
    expect((await washington.settings(on)).testInterval).toBe(10);
    expect((await moscow.settings(on)).testInterval).toBe(10);
  });

  it("entries of some kinds come after those their author had seen through entries of other kinds, whatever their times", async () => {
    pair = await inProcessPair("2026-12-07T09:00:00.000Z");
    const { washington, moscow, line: on } = pair;
    const original = await washington.send({ line: on, text: "Exercise at 10:00.", operator: "admin" });
    await pair.sync();
    const translation = (who: Station, lang: string) =>
      who.write(on, {
        kind: "translation",
        body: { of: original.hash, lang, text: "…", translator: "duty", machine: false, operator: "admin" },
      });
    // Moscow's clock runs 4 minutes ahead.
    pair.at("2026-12-07T09:04:00.000Z");
    const first = await translation(moscow, "ru");
    await pair.deliver(moscow, washington);
    // Washington, on time, names Moscow's translation in a text, then translates: its
    // translation names nothing itself and carries the earlier time, yet comes after.
    pair.at("2026-12-07T09:00:01.000Z");
    await washington.send({ line: on, text: "Thank you.", operator: "admin" });
    const second = await translation(washington, "fr");
    expect(second.entry.seen).toEqual({});
    const order = (await entriesOfKinds(washington, on, ["translation"])).map((e) => e.hash);
    expect(order).toEqual([first.hash, second.hash]);
  });
});
