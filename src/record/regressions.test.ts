import { describe, expect, it } from "vitest";
import { makeStation, TestLine } from "./_testing.js";
import { checkRecord } from "./check.js";
import { HotlineError } from "./errors.js";
import { hasValidSignature, openEntry, signEntry, signingBytes } from "./entry.js";
import { isStationId, publicKeyOf } from "./keys.js";
import type { UnsignedEntry } from "./kinds.js";

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof HotlineError) return error.code;
    throw error;
  }
  throw new Error("expected a HotlineError");
}

describe("bugs found once, kept found", () => {
  const moscow = makeStation("Moscow");

  it("signEntry() refuses a line name with outer spaces rather than signing what it does not store", () => {
    const line = TestLine.open(moscow);
    const genesis = line.entryOf(moscow, 1).entry;
    const { sig: _sig, ...unsigned } = genesis;
    const padded = { ...unsigned, body: { ...unsigned.body, name: " padded " } } as UnsignedEntry;
    expect(codeOf(() => signEntry(padded, moscow.identity))).toBe("SCHEMA");
  });

  it("signEntry() refuses a lone surrogate in text with SCHEMA, not an internal error", () => {
    const line = TestLine.open(moscow);
    const envelope = line.next(moscow);
    const unsigned = {
      ...envelope,
      kind: "text",
      body: { text: "a\uD800b", lang: "ru", precedence: "ROUTINE", operator: "admin" },
    } as UnsignedEntry;
    expect(codeOf(() => signEntry(unsigned, moscow.identity))).toBe("SCHEMA");
  });

  it("signEntry() writes exactly the canonical bytes, and the signature covers the signing bytes", () => {
    const line = TestLine.open(moscow);
    const sealed = line.say(moscow, 'text with "time":"quotes" and ,"sig":" inside');
    expect(openEntry(sealed.bytes).hash).toBe(sealed.hash);
    expect(hasValidSignature(sealed.entry)).toBe(true);
    expect(hasValidSignature(sealed.entry, sealed.bytes)).toBe(true);
    expect(signingBytes(sealed.entry).length).toBe(sealed.bytes.length - ',"sig":""'.length - 86);
  });

  it("a station id with its spare bits set is not a second name for the same key", () => {
    const last = moscow.id.at(-1) ?? "A";
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const alias = moscow.id.slice(0, -1) + (alphabet[alphabet.indexOf(last) + 1] ?? "B");
    expect(isStationId(moscow.id)).toBe(true);
    expect(isStationId(alias)).toBe(false);
    expect(codeOf(() => publicKeyOf(alias))).toBe("BAD_INPUT");
  });

  it("checkRecord() calls the same entry held twice a MISMATCH, not an equivocation", () => {
    const line = TestLine.open(moscow);
    line.say(moscow, "one");
    const held = line.held();
    const twice = [...held, held[1]!];
    expect(checkRecord(twice).map((p) => [p.code, p.seq])).toEqual([["MISMATCH", 2]]);
  });
});
