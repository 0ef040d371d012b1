import { describe, expect, it } from "vitest";
import { TestLine, makeStation, signWithKey, type TestStation } from "./_testing.js";
import { checkRecord } from "./check.js";
import { sha256Hex } from "./entry.js";

const moscow = makeStation("Moscow");
const washington = makeStation("Washington");
const paris = makeStation("Paris");
const berlin = makeStation("Berlin");

/** Moscow's line with Washington on it; Moscow then adds Paris and Berlin, each asking Washington. */
function twoPending(): { line: TestLine; addParis: string; addBerlin: string } {
  const line = TestLine.open(moscow);
  line.add(moscow, washington);
  const addParis = line.add(moscow, paris, [washington]).hash;
  const addBerlin = line.add(moscow, berlin, [washington]).hash;
  return { line, addParis, addBerlin };
}

/** A member.approve by `by` with this `of`, signed as it stands (the schema is not asked first). */
function approval(line: TestLine, by: TestStation, of: unknown) {
  return line.record(
    signWithKey(
      { ...line.next(by), kind: "member.approve", body: { of, operator: "duty-officer" } } as never,
      by.identity.privateKey,
    ),
  );
}

function codes(line: TestLine): string[] {
  return checkRecord(line.held()).map((p) => p.code);
}

describe("checkRecord() and a member.approve naming several additions", () => {
  it("checkRecord() finds nothing wrong when one approval lets two pending stations write", () => {
    const { line, addParis, addBerlin } = twoPending();
    approval(line, washington, [addParis, addBerlin]);
    line.say(paris, "Paris on the line.");
    line.say(berlin, "Berlin on the line.");
    expect(checkRecord(line.held())).toEqual([]);
  });

  it("checkRecord() still reads an approval of one addition by its hash alone, beside a list of one", () => {
    const { line, addParis, addBerlin } = twoPending();
    approval(line, washington, addParis);
    approval(line, washington, [addBerlin]);
    line.say(paris, "Paris on the line.");
    line.say(berlin, "Berlin on the line.");
    expect(checkRecord(line.held())).toEqual([]);
  });

  it("checkRecord() reports PENDING_MEMBER for a station the list left out", () => {
    const { line, addParis } = twoPending();
    approval(line, washington, [addParis]);
    line.say(paris, "Paris on the line.");
    line.say(berlin, "Berlin writes before Washington consented.");
    expect(codes(line)).toEqual(["PENDING_MEMBER"]);
  });

  it("checkRecord() reports NO_CONSENT for a list naming an addition that did not ask its author, and the other addition stays pending", () => {
    const line = TestLine.open(moscow);
    line.add(moscow, washington);
    const addParis = line.add(moscow, paris, [washington]).hash;
    const addBerlin = line.add(washington, berlin, [moscow]).hash;
    approval(line, washington, [addParis, addBerlin]);
    line.say(paris, "Paris writes though no consent was given.");
    expect(codes(line)).toEqual(["NO_CONSENT", "PENDING_MEMBER"]);
  });

  it("checkRecord() reports UNKNOWN_ENTRY for a list naming an entry that is no addition", () => {
    const { line, addParis } = twoPending();
    const text = line.say(moscow, "Not an addition.").hash;
    approval(line, washington, [addParis, text]);
    expect(codes(line)).toEqual(["UNKNOWN_ENTRY"]);
  });

  it("a member.approve of 64 additions, one named twice, none or no hash is refused as SCHEMA, saying what is wrong with `of`", () => {
    for (const [of, says] of [
      [Array.from({ length: 64 }, (_, i) => sha256Hex(`addition ${i}`)), "must name at most 63 additions"],
      ["twice", "must not name an addition twice"],
      [[], "must name at least one addition"],
      [42, "a member.add hash, or a list of 1 to 63"],
    ] as const) {
      const { line, addParis } = twoPending();
      let refused: unknown = null;
      try {
        approval(line, washington, of === "twice" ? [addParis, addParis] : of);
      } catch (error) {
        refused = error;
      }
      expect(refused, String(refused)).toMatchObject({
        code: "SCHEMA",
        // zod names the failing branch's rule when it can tell which branch was meant, else the union's
        message: expect.stringMatching(
          new RegExp(`body\\.of: (must be a member\\.add hash, or a list of 1 to 63|${says})`),
        ) as string,
      });
    }
  });
});
