import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TestLine, heldOf, makeStation, signWithKey, timeAt } from "./_testing.js";
import type { TestStation } from "./_testing.js";
import { checkHeldEntry, checkLine, checkRecord } from "./check.js";
import type { HeldEntry, Problem } from "./check.js";
import { seal, sha256Hex, signEntry } from "./entry.js";
import type { ErrorCode } from "./errors.js";
import { PRECEDENCES } from "./kinds.js";
import { signMemberClaim } from "./membership.js";
import type { Precedence, UnsignedEntry } from "./kinds.js";

const moscow = makeStation("Moscow");
const washington = makeStation("Washington");
const paris = makeStation("Paris");

/**
 * The record most cases start from, in writing order:
 * Moscow 1 (genesis), Moscow 2 (adds Washington), Washington 1, Moscow 3, Washington 2, Moscow 4,
 * Moscow 5. Every text names the other chain's head in `seen`.
 */
function standardLine(): TestLine {
  const line = TestLine.open(moscow);
  line.add(moscow, washington);
  line.say(washington, "Washington on the line. Radio check.");
  line.say(moscow, "Two Tu-95 will transit the Norwegian Sea at 0600Z.", { precedence: "IMMEDIATE" });
  line.say(washington, "Understood. Request their planned altitude band.", {
    replyTo: line.entryOf(moscow, 3).hash,
  });
  line.say(moscow, "FL300 to FL350.");
  line.say(moscow, "Transit complete.", { precedence: "PRIORITY" });
  return line;
}

/** The held entry of `station`'s `seq` in a held list. */
function heldAt(held: readonly HeldEntry[], station: TestStation, seq: number): HeldEntry {
  const found = held.find((h) => h.author === station.id && h.seq === seq);
  if (found === undefined) throw new Error(`no held entry for seq ${seq} of ${station.name}`);
  return found;
}

/** The problem a check should report at a held entry. */
function problemAt(code: ErrorCode, held: HeldEntry, detail: string | RegExp = /./): Problem {
  return {
    code,
    line: held.line,
    author: held.author,
    seq: held.seq,
    hash: held.hash,
    detail: typeof detail === "string" ? detail : (expect.stringMatching(detail) as string),
  };
}

/** An entry `author` writes on `line` next, signed by `signer` (the author's own key unless a forger's). */
function textBy(
  line: TestLine,
  author: TestStation,
  text: string,
  options: { signer?: TestStation; seen?: Record<string, string> } = {},
) {
  const envelope = line.next(author);
  const unsigned: UnsignedEntry = {
    ...envelope,
    seen: options.seen ?? envelope.seen,
    kind: "text",
    body: { text, lang: "en", precedence: "ROUTINE", operator: "duty-officer" },
  };
  return signWithKey(unsigned, (options.signer ?? author).identity.privateKey);
}

function replaceBytes(bytes: Buffer, from: string, to: string): Buffer {
  const text = bytes.toString("utf8");
  if (!text.includes(from) || Buffer.byteLength(from) !== Buffer.byteLength(to)) {
    throw new Error(`cannot replace '${from}' in the entry`);
  }
  return Buffer.from(text.replace(from, to), "utf8");
}

describe("checkRecord()", () => {
  it("checkRecord() finds nothing wrong with an intact record", () => {
    expect(checkRecord(standardLine().held())).toEqual([]);
  });

  it("checkRecord() finds nothing wrong whatever order the entries are held in", () => {
    expect(checkRecord(standardLine().held().reverse())).toEqual([]);
  });

  it("checkRecord() finds nothing wrong with an empty record", () => {
    expect(checkRecord([])).toEqual([]);
  });

  it("checkRecord() reports BAD_HASH and BAD_SIGNATURE at seq 3 when a byte of its text is changed, and nothing at seq 4", () => {
    const line = standardLine();
    const held = line.held();
    const target = heldAt(held, moscow, 3);
    target.bytes = replaceBytes(target.bytes, "Norwegian", "Norwegiam");
    const newHash = sha256Hex(target.bytes);
    expect(checkRecord(held)).toEqual([
      problemAt(
        "BAD_HASH",
        target,
        `The stored bytes hash to ${newHash}, not to the hash ${target.hash} they are filed under`,
      ),
      problemAt(
        "BAD_SIGNATURE",
        target,
        "The signature does not match the entry's content and its author's key",
      ),
    ]);
  });

  it("checkRecord() reports BAD_SIGNATURE at seq 3 and BAD_PREV at seq 4 when seq 3's time is changed and its hash recomputed", () => {
    const line = standardLine();
    const held = line.held();
    const original = line.entryOf(moscow, 3);
    const edited = seal({ ...original.entry, time: timeAt(1_000) });
    const index = held.findIndex((h) => h.hash === original.hash);
    held[index] = heldOf(edited, line.id);
    const [target, next, washington2] = [
      heldAt(held, moscow, 3),
      heldAt(held, moscow, 4),
      heldAt(held, washington, 2),
    ];
    expect(target.hash).toBe(edited.hash);
    expect(checkRecord(held)).toEqual([
      problemAt("BAD_SIGNATURE", target),
      problemAt(
        "BAD_PREV",
        next,
        `prev names ${original.hash}, but the entry before it hashes to ${edited.hash}`,
      ),
      // Washington had seen the original seq 3, which the record no longer holds.
      problemAt("UNKNOWN_SEEN", washington2),
    ]);
  });

  it("checkRecord() reports CHAIN_GAP at seq 4 when seq 3 of 5 is deleted", () => {
    const line = standardLine();
    const deleted = line.entryOf(moscow, 3);
    const held = line.held().filter((h) => h.hash !== deleted.hash);
    expect(checkRecord(held)).toEqual([
      problemAt("CHAIN_GAP", heldAt(held, moscow, 4), "Entries 3..3 of this chain are missing"),
      // Washington 2 had seen the deleted entry.
      problemAt("UNKNOWN_SEEN", heldAt(held, washington, 2)),
    ]);
  });

  it("checkRecord() reports CHAIN_GAP naming the whole missing range when seq 2..4 of 5 are deleted", () => {
    const line = TestLine.open(moscow);
    for (let i = 2; i <= 5; i++) line.say(moscow, `Test message ${i}`);
    const held = line.held().filter((h) => h.seq === 1 || h.seq === 5);
    expect(checkRecord(held)).toEqual([
      problemAt("CHAIN_GAP", heldAt(held, moscow, 5), "Entries 2..4 of this chain are missing"),
    ]);
  });

  it("checkRecord() reports nothing when the newest entry of a chain is deleted (a shorter record is not a broken one)", () => {
    const line = TestLine.open(moscow);
    line.say(moscow, "one");
    line.say(moscow, "two");
    expect(checkRecord(line.held().slice(0, 2))).toEqual([]);
  });

  it("checkRecord() reports MISMATCH at seq 3 and 4 when their entries are swapped in the held list", () => {
    const line = standardLine();
    const held = line.held();
    const three = heldAt(held, moscow, 3);
    const four = heldAt(held, moscow, 4);
    [three.hash, three.bytes, four.hash, four.bytes] = [four.hash, four.bytes, three.hash, three.bytes];

    const problems = checkRecord(held);
    expect(problems.filter((p) => p.code === "MISMATCH")).toEqual([
      problemAt(
        "MISMATCH",
        three,
        `The entry is filed as line ${line.id.slice(0, 10)}… author ${moscow.id.slice(0, 10)}… seq 3, ` +
          `but is signed as line ${line.id.slice(0, 10)}… author ${moscow.id.slice(0, 10)}… seq 4`,
      ),
      problemAt("MISMATCH", four),
    ]);
    // Whatever else is reported sits at the swapped entries or just after them.
    for (const p of problems) {
      expect(p.author).toBe(moscow.id);
      expect([3, 4, 5]).toContain(p.seq);
    }
  });

  it("checkRecord() reports MISMATCH when an entry is filed under another line", () => {
    const line = standardLine();
    const other = TestLine.open(paris, "paris-ankara");
    const stray = heldOf(line.entryOf(moscow, 3), other.id);
    expect(checkRecord([...other.held(), stray])).toEqual([
      problemAt("MISMATCH", stray),
      // On Paris's line, Moscow is nobody: the first rule it breaks is named.
      problemAt(
        "UNKNOWN_AUTHOR",
        stray,
        `Station ${moscow.id.slice(0, 10)}… wrote 1 entries but was never made a participant`,
      ),
    ]);
  });

  it("checkRecord() reports BAD_SIGNATURE for an entry signed by another key but claiming Moscow as author", () => {
    const line = standardLine();
    const forged = line.record(textBy(line, moscow, "Disregard the previous message.", { signer: paris }));
    const held = line.held();
    expect(checkRecord(held)).toEqual([problemAt("BAD_SIGNATURE", heldOf(forged, line.id))]);
  });

  it("checkRecord() reports UNKNOWN_AUTHOR for entries by a station that was never added", () => {
    const line = standardLine();
    const intruder = line.record(textBy(line, paris, "Paris here, listening in."));
    line.record(textBy(line, paris, "Still here."));
    expect(checkRecord(line.held())).toEqual([
      problemAt(
        "UNKNOWN_AUTHOR",
        heldOf(intruder, line.id),
        `Station ${paris.id.slice(0, 10)}… wrote 2 entries but was never made a participant`,
      ),
    ]);
  });

  it("checkRecord() accepts a station added by a station that was itself added, in any held order", () => {
    const line = standardLine();
    line.add(washington, paris);
    line.say(paris, "Paris on the line.");
    expect(checkRecord(line.held())).toEqual([]);
    // Washington's add of Paris comes before Moscow's add of Washington here.
    expect(checkRecord(line.held().reverse())).toEqual([]);
  });

  it("checkRecord() reports UNKNOWN_AUTHOR for a station added only by a non-participant", () => {
    const line = standardLine();
    const ankara = makeStation("Ankara");
    const unsigned: UnsignedEntry = {
      ...line.next(paris),
      kind: "member.add",
      body: {
        member: ankara.participant,
        consenters: [],
        proof: signMemberClaim(line.id, ankara.participant, ankara.identity),
        operator: "duty-officer",
      },
    };
    const parisAdd = line.record(signEntry(unsigned, paris.identity));
    const ankaraSays = line.record(textBy(line, ankara, "Ankara on the line."));
    expect(checkRecord(line.held())).toEqual([
      problemAt("UNKNOWN_AUTHOR", heldOf(parisAdd, line.id)),
      problemAt("UNKNOWN_AUTHOR", heldOf(ankaraSays, line.id)),
    ]);
  });

  it("checkRecord() reports UNKNOWN_SEEN when seen names a hash the record does not hold", () => {
    const line = standardLine();
    const made = line.record(
      textBy(line, moscow, "See my earlier message.", { seen: { [washington.id]: sha256Hex("nothing") } }),
    );
    expect(checkRecord(line.held())).toEqual([
      problemAt(
        "UNKNOWN_SEEN",
        heldOf(made, line.id),
        `seen names ${sha256Hex("nothing").slice(0, 10)}… of ${washington.id.slice(0, 10)}…, which the record does not hold`,
      ),
    ]);
  });

  it("checkRecord() reports UNKNOWN_SEEN when seen names a real hash under the wrong station", () => {
    const line = standardLine();
    const made = line.record(
      textBy(line, moscow, "Noted.", { seen: { [washington.id]: line.entryOf(moscow, 2).hash } }),
    );
    expect(checkRecord(line.held())).toEqual([problemAt("UNKNOWN_SEEN", heldOf(made, line.id))]);
  });

  it("checkRecord() reports EQUIVOCATION when two different entries are held for seq 6", () => {
    const line = standardLine();
    const first = textBy(line, moscow, "The exercise is cancelled.");
    const second = textBy(line, moscow, "The exercise goes ahead.");
    line.record(first);
    line.record(second);
    expect(first.entry.seq).toBe(6);
    expect(second.entry.seq).toBe(6);
    expect(checkRecord(line.held())).toEqual([
      problemAt("EQUIVOCATION", heldOf(second, line.id), "Two different entries are held for seq 6"),
    ]);
  });

  it("checkRecord() reports BAD_GENESIS when the record has no genesis", () => {
    const line = standardLine();
    const held = line.held().slice(1);
    expect(checkRecord(held)).toEqual([
      {
        code: "BAD_GENESIS",
        line: line.id,
        author: null,
        seq: null,
        hash: null,
        detail: "The line has no genesis entry",
      },
      // Without the genesis, nobody was ever made a participant: each chain is named once.
      problemAt("UNKNOWN_AUTHOR", heldAt(held, moscow, 2)),
      problemAt("UNKNOWN_AUTHOR", heldAt(held, washington, 1)),
    ]);
  });

  it("checkRecord() reports BAD_GENESIS for a genesis that has seen something", () => {
    const genesis = signEntry(
      {
        v: 1,
        line: null,
        author: moscow.id,
        seq: 1,
        prev: null,
        seen: { [washington.id]: sha256Hex("elsewhere") },
        time: timeAt(0),
        kind: "line.genesis",
        body: { name: "moscow-washington", creator: moscow.participant, operator: "duty-officer" },
      },
      moscow.identity,
    );
    const held = heldOf(genesis, genesis.hash);
    expect(checkRecord([held])).toEqual([
      problemAt(
        "BAD_GENESIS",
        held,
        "A line's genesis entry must be seq 1 with no line, no prev and nothing seen",
      ),
    ]);
  });

  it("checkRecord() reports BAD_LINE and MISMATCH for a text entry with no line", () => {
    const line = TestLine.open(moscow);
    const unsigned: UnsignedEntry = {
      ...line.next(moscow),
      line: null,
      kind: "text",
      body: { text: "Lost.", lang: "en", precedence: "ROUTINE", operator: "duty-officer" },
    };
    const lost = line.record(signEntry(unsigned, moscow.identity));
    const held = heldOf(lost, line.id);
    expect(checkRecord([...line.held().slice(0, 1), held])).toEqual([
      problemAt("MISMATCH", held),
      problemAt("BAD_LINE", held, "Only a genesis entry may have no line"),
    ]);
  });

  it("checkRecord() reports SCHEMA for unreadable bytes, and no BAD_PREV at the next seq", () => {
    const line = standardLine();
    const held = line.held();
    const target = heldAt(held, moscow, 3);
    target.bytes = Buffer.from("this is not an entry");
    expect(checkRecord(held)).toEqual([
      problemAt("SCHEMA", target, "Cannot read the entry: its bytes are not JSON"),
    ]);
  });

  it("checkRecord() reports NOT_CANONICAL for re-indented bytes at their seq", () => {
    const line = standardLine();
    const held = line.held();
    const target = heldAt(held, washington, 2);
    target.bytes = Buffer.from(JSON.stringify(JSON.parse(target.bytes.toString("utf8")), null, 1));
    expect(checkRecord(held)).toEqual([problemAt("NOT_CANONICAL", target)]);
  });

  it("checkRecord() checks each line on its own", () => {
    const first = standardLine();
    const second = TestLine.open(paris, "paris-ankara");
    second.say(paris, "Paris line test.");
    expect(checkRecord([...first.held(), ...second.held()])).toEqual([]);

    const broken = second.held();
    const target = heldAt(broken, paris, 2);
    target.bytes = replaceBytes(target.bytes, "Paris line", "Paris lime");
    expect(checkRecord([...first.held(), ...broken]).map((p) => [p.code, p.line, p.seq])).toEqual([
      ["BAD_HASH", second.id, 2],
      ["BAD_SIGNATURE", second.id, 2],
    ]);
  });
});

describe("checkHeldEntry()", () => {
  it("checkHeldEntry() gives the facts of an intact genesis, with its creator as the station it adds", () => {
    const line = standardLine();
    const held = heldAt(line.held(), moscow, 1);
    expect(checkHeldEntry(held)).toEqual({
      line: line.id,
      author: moscow.id,
      seq: 1,
      storedHash: line.id,
      hash: line.id,
      prev: null,
      seen: {},
      time: line.entryOf(moscow, 1).entry.time,
      kind: "line.genesis",
      creator: { station: moscow.id, cert: moscow.participant.cert, key: null },
      member: null,
      approves: null,
      rotate: null,
      signedWith: moscow.id,
      renews: null,
      revoke: null,
      revokeAck: null,
      problems: [],
    });
  });

  it("checkHeldEntry() gives the facts of an intact text entry", () => {
    const line = standardLine();
    const held = heldAt(line.held(), washington, 2);
    expect(checkHeldEntry(held)).toEqual({
      line: line.id,
      author: washington.id,
      seq: 2,
      storedHash: held.hash,
      hash: held.hash,
      prev: line.entryOf(washington, 1).hash,
      seen: { [moscow.id]: line.entryOf(moscow, 3).hash },
      time: line.entryOf(washington, 2).entry.time,
      kind: "text",
      creator: null,
      member: null,
      approves: null,
      rotate: null,
      signedWith: washington.id,
      renews: null,
      revoke: null,
      revokeAck: null,
      problems: [],
    });
  });

  it("checkHeldEntry() of unreadable bytes knows no hash, prev or kind", () => {
    const line = standardLine();
    const held = { ...heldAt(line.held(), moscow, 2), bytes: Buffer.from("{}") };
    const facts = checkHeldEntry(held);
    expect(facts).toMatchObject({ hash: null, prev: null, kind: null, member: null, seen: {} });
    expect(facts.problems.map((p) => [p.code, p.seq])).toEqual([["SCHEMA", 2]]);
  });
});

describe("checkLine()", () => {
  it("checkLine() reports BAD_GENESIS for a line with no entries at all", () => {
    expect(checkLine("0".repeat(64), [])).toEqual([
      {
        code: "BAD_GENESIS",
        line: "0".repeat(64),
        author: null,
        seq: null,
        hash: null,
        detail: "The line has no genesis entry",
      },
    ]);
  });

  it("checkLine() reports BAD_LINE when the genesis does not hash to the line id", () => {
    const line = standardLine();
    const facts = line.held().map((h) => checkHeldEntry(h));
    const wrongId = sha256Hex("another line");
    const problems = checkLine(wrongId, facts);
    expect(problems).toEqual([
      {
        code: "BAD_LINE",
        line: wrongId,
        author: moscow.id,
        seq: 1,
        hash: line.id,
        detail: `The genesis entry hashes to ${line.id}, so it cannot be line ${wrongId}`,
      },
    ]);
  });
});

interface Message {
  byWashington: boolean;
  text: string;
  precedence: Precedence;
  lang: string;
}

describe("checkRecord() properties", () => {
  const plan: fc.Arbitrary<Message[]> = fc.array(
    fc.record({
      byWashington: fc.boolean(),
      text: fc.string({ minLength: 1, maxLength: 80, unit: "grapheme" }).filter((t) => t.trim().length > 0),
      precedence: fc.constantFrom(...PRECEDENCES),
      lang: fc.constantFrom("en", "ru", "fr", "tr", "zh-Hant"),
    }),
    { minLength: 1, maxLength: 30 },
  );

  function build(messages: readonly Message[]): TestLine {
    const line = TestLine.open(moscow);
    line.add(moscow, washington);
    for (const m of messages) {
      line.say(m.byWashington ? washington : moscow, m.text, { precedence: m.precedence, lang: m.lang });
    }
    return line;
  }

  it("checkRecord() finds nothing wrong with any honestly written record of 1..30 messages, and every entry round-trips", () => {
    fc.assert(
      fc.property(plan, (messages) => {
        const line = build(messages);
        expect(line.entries).toHaveLength(messages.length + 2);
        for (const sealed of line.entries) {
          expect(seal(sealed.entry)).toEqual(sealed);
        }
        expect(checkRecord(line.held())).toEqual([]);
      }),
      { numRuns: 50 },
    );
  });

  it("checkRecord() names the entry's author and seq when any single byte of any entry is flipped", () => {
    fc.assert(
      fc.property(
        plan,
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (messages, which, where, mask) => {
          const held = build(messages).held();
          const target = held[which % held.length];
          if (target === undefined) throw new Error("no entry to flip");
          const bytes = Buffer.from(target.bytes);
          const at = where % bytes.length;
          bytes[at] = (bytes[at] ?? 0) ^ mask;
          target.bytes = bytes;
          const problems = checkRecord(held);
          expect(problems.some((p) => p.author === target.author && p.seq === target.seq)).toBe(true);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe("checkRecord() and cert.renew", () => {
  /** @returns a cert.renew by `by` naming `cert`, now part of the line */
  function renew(line: TestLine, by: TestStation, cert: string) {
    const unsigned: UnsignedEntry = {
      ...line.next(by),
      kind: "cert.renew",
      body: { cert, operator: "duty-officer" },
    };
    return line.record(signEntry(unsigned, by.identity));
  }

  it("checkRecord() finds nothing wrong with a record in which a member renewed its certificate and wrote on", () => {
    const line = standardLine();
    renew(line, washington, `sha256:${"ab".repeat(32)}`);
    line.say(washington, "Same station, new certificate.");
    expect(checkRecord(line.held())).toEqual([]);
  });

  it("checkRecord() reports MEMBER_CONFLICT for a cert.renew naming another member's certificate, or its author's own", () => {
    for (const cert of [moscow.participant.cert, washington.participant.cert]) {
      const line = standardLine();
      const bad = renew(line, washington, cert);
      expect(checkRecord(line.held())).toEqual([
        expect.objectContaining({ code: "MEMBER_CONFLICT", author: washington.id, hash: bad.hash }),
      ]);
    }
  });
});
