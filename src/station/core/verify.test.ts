import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TestLine, makeStation } from "../../record/_testing.js";
import { RecordReplay, checkHeldEntry, checkRecord, type HeldEntry } from "../../record/mod.js";
import { verifyRecord } from "./verify.js";

const moscow = makeStation("Moscow");
const washington = makeStation("Washington");

/** Moscow's genesis, Washington added, then `texts` messages taking turns. */
function record(texts: number): TestLine {
  const line = TestLine.open(moscow);
  line.add(moscow, washington);
  for (let i = 0; i < texts; i++) line.say(i % 3 === 0 ? washington : moscow, `Message ${i}`);
  return line;
}

/** A one-shot source: the entries can be read once, as a store's stream of a large record. */
async function* once(held: readonly HeldEntry[]): AsyncIterable<HeldEntry> {
  yield* held;
}

describe("verify streams the record", () => {
  it("passes an intact record entry by entry, as held, without a second look at any line", () => {
    const held = record(20).held();
    const replay = new RecordReplay();
    for (const h of held) replay.take(checkHeldEntry(h));
    replay.finish();
    expect(replay.entries).toBe(held.length);
    expect([...replay.needsFullCheck]).toEqual([]);
  });

  it("names exactly the problems of the full check when a byte is flipped, whether the record can be read again or only once", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 12 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (texts, where, mask) => {
          const held = record(texts).held();
          const target = held[where % held.length] as HeldEntry;
          const bytes = Buffer.from(target.bytes);
          const at = where % bytes.length;
          bytes[at] = (bytes[at] ?? 0) ^ mask;
          target.bytes = bytes;
          const expected = checkRecord(held);
          expect(expected.length).toBeGreaterThan(0);
          for (const source of [held, () => held, once(held)]) {
            const report = await verifyRecord(source, held.length, { workers: 0 });
            expect(report.problems).toEqual(expected);
            expect(report.ok).toBe(false);
            expect(report.entries).toBe(held.length);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("checks in full a line whose entries are held out of order, and finds it intact", async () => {
    const held = record(6).held();
    // Washington's first text held before the member.add that made it a participant.
    const [genesis, add, ...rest] = held;
    const shuffled = [genesis, ...rest.slice(0, 2), add, ...rest.slice(2)] as HeldEntry[];
    const replay = new RecordReplay();
    for (const h of shuffled) replay.take(checkHeldEntry(h));
    expect(replay.needsFullCheck.size).toBe(1);
    const report = await verifyRecord(shuffled, shuffled.length, { workers: 0 });
    expect(report).toEqual({ ok: true, lines: 1, entries: shuffled.length, findings: [], problems: [] });
  });

  it("names a known line with no entries, as the full check does", async () => {
    const report = await verifyRecord([], 0, { workers: 0, lines: ["a".repeat(64)] });
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.code)).toEqual(["BAD_GENESIS"]);
  });
});
