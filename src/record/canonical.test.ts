import canonicalize from "canonicalize";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalText } from "./canonical.js";

/** What the library gives, or the message it refuses with. */
function library(value: unknown): string | undefined {
  try {
    return canonicalize(value);
  } catch (error) {
    return `refused: ${(error as Error).message}`;
  }
}

function ours(value: unknown): string | undefined {
  try {
    return canonicalText(value);
  } catch (error) {
    return `refused: ${(error as Error).message}`;
  }
}

describe("canonical JSON in one pass", () => {
  it("writes every JSON value exactly as the RFC 8785 library does, surrogates, keys and numbers included", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.anything(), (json, anything) => {
        expect(ours(json)).toBe(library(json));
        expect(ours(anything)).toBe(library(anything));
      }),
      { numRuns: 2000 },
    );
  });

  it("refuses what the library refuses, with its message: lone surrogates, NaN, Infinity, cycles", () => {
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    for (const value of ["\uD800", { "\uDC00": 1 }, [1, Number.NaN], { x: Infinity }, cycle]) {
      expect(ours(value)).toMatch(/^refused: /);
      expect(ours(value)).toBe(library(value));
    }
    // A pair is fine, and escapes are the library's.
    expect(ours({ b: "\uD83D\uDE00", a: '"\n\u0001' })).toBe(library({ b: "\uD83D\uDE00", a: '"\n\u0001' }));
  });
});
