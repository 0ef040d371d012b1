import { describe, expect, it } from "vitest";
import type { MemberRow } from "../../store/mod.js";
import { membersToApprove } from "./approvals.js";

const SELF = "S".repeat(43);
const OTHER = "O".repeat(43);

function member(name: string, state: Partial<MemberRow> = {}): MemberRow {
  const station = `${name.toUpperCase()}${"x".repeat(43 - name.length)}`;
  return {
    station,
    name,
    url: `https://${name}.example:7443`,
    cert: `sha256:${name}`,
    addedBy: `add-of-${name}`,
    previousCert: null,
    previousUntil: null,
    active: false,
    consenters: [SELF, OTHER],
    approvals: [],
    ...state,
  };
}

const members = [
  member("alpha", { active: true, consenters: [] }),
  member("bravo"),
  member("charlie"),
  member("delta", { consenters: [OTHER] }),
  member("echo", { approvals: [SELF] }),
];
const options = { self: SELF, lineName: "line" };

function refusal(refs: readonly string[] | "all", of = members): unknown {
  try {
    membersToApprove(of, { ...options, refs });
  } catch (error) {
    return error;
  }
  return null;
}

describe("membersToApprove()", () => {
  it("membersToApprove() with 'all' gives every addition awaiting this station's consent, and no other", () => {
    expect(membersToApprove(members, { ...options, refs: "all" }).map((m) => m.name)).toEqual([
      "bravo",
      "charlie",
    ]);
  });

  it("membersToApprove() takes names, ids and id prefixes, a station named twice once", () => {
    const [, bravo, charlie] = members as [MemberRow, MemberRow, MemberRow];
    const chosen = membersToApprove(members, {
      ...options,
      refs: ["Charlie", bravo.station, bravo.station.slice(0, 6), charlie.station],
    });
    expect(chosen.map((m) => m.name)).toEqual(["charlie", "bravo"]);
  });

  it("membersToApprove() refuses the whole list when one is a participant, not asked, consented to already or unknown", () => {
    expect(refusal(["bravo", "alpha"])).toMatchObject({ code: "BAD_INPUT", message: /participant already/ });
    expect(refusal(["bravo", "delta"])).toMatchObject({ code: "BAD_INPUT", message: /did not ask/ });
    expect(refusal(["bravo", "echo"])).toMatchObject({ code: "BAD_INPUT", message: /consented already/ });
    expect(refusal(["bravo", "zulu"])).toMatchObject({ code: "NOT_FOUND" });
    expect(refusal([])).toMatchObject({ code: "BAD_INPUT", message: /no station named/ });
  });

  it("membersToApprove() refuses more than 63 stations in one entry", () => {
    const many = Array.from({ length: 64 }, (_, i) => member(`m${i}`));
    expect(
      refusal(
        many.map((m) => m.station),
        many,
      ),
    ).toMatchObject({ code: "BAD_INPUT", message: /at most 63/ });
  });

  it("membersToApprove() with 'all' says NOT_FOUND when nothing awaits this station", () => {
    expect(refusal("all", members.slice(3))).toMatchObject({ code: "NOT_FOUND" });
  });
});
