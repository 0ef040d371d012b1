import { describe, expect, it } from "vitest";
import { MOSCOW_READOUT_EN, MOSCOW_READOUT_RU, WASHINGTON_READOUT } from "../../../test/helpers/readouts.js";
import { compareTexts, keyTermsOf, sentencesOf } from "./readout-compare.js";

describe("compareTexts()", () => {
  it("finds what each of two readouts of one call mentions that the other does not", () => {
    const { a, b } = compareTexts(WASHINGTON_READOUT, MOSCOW_READOUT_EN, "en");
    const only = (points: typeof a) => points.filter((p) => p.matches.length === 0).map((p) => p.text);
    expect(only(a)).toEqual([
      "Secretary Austin stressed the importance of keeping lines of communication open.",
      "He rejected any pretext for Russian escalation.",
    ]);
    expect(only(b)).toEqual([
      "Minister Shoigu voiced concern about possible provocations by Kyiv involving the use of a dirty bomb.",
    ]);
    // Both say who spoke, and that Ukraine was discussed: matched sentence to sentence.
    expect(a.map((p) => p.matches.map((m) => m.index))).toEqual([[0], [1], [], []]);
    expect(a[1]?.matches[0]?.score).toBeGreaterThanOrEqual(0.5);
  });

  it("compareTexts() of a text with itself matches every sentence with its own, score 1", () => {
    const { a } = compareTexts(WASHINGTON_READOUT, WASHINGTON_READOUT, "en");
    expect(a.map((p) => p.matches[0])).toEqual(a.map((p) => ({ index: p.index, score: 1 })));
  });

  it("compareTexts() does not match sentences that share one name only", () => {
    const { a } = compareTexts(
      "Secretary Austin stressed the importance of keeping lines of communication open.",
      "Minister Shoigu voiced concern about Secretary Austin's plans for the winter offensive and its supply lines.",
      "en",
    );
    expect(a[0]?.matches).toEqual([]);
  });

  it("compareTexts() works within one language, as its comment says: Russian and English share nothing", () => {
    const { a, b } = compareTexts(MOSCOW_READOUT_RU, MOSCOW_READOUT_EN, "ru");
    expect(a.every((p) => p.matches.length === 0)).toBe(true);
    expect(b.every((p) => p.matches.length === 0)).toBe(true);
  });
});

describe("sentencesOf() and keyTermsOf()", () => {
  it("sentencesOf() splits Russian and English into sentences, trimmed", () => {
    expect(sentencesOf(MOSCOW_READOUT_RU, "ru")).toHaveLength(3);
    expect(sentencesOf("  One point.  Two points!\n\nThree? ", "en")).toEqual([
      "One point.",
      "Two points!",
      "Three?",
    ]);
    expect(sentencesOf("   ", "en")).toEqual([]);
  });

  it("keyTermsOf() drops stop words and short words, folds case, accents and plurals", () => {
    expect(keyTermsOf("The Lines of Communication are open, as the Secretary's office said.", "en")).toEqual([
      "lines",
      "commun",
      "open",
      "secret",
      "office",
    ]);
    expect(keyTermsOf("Sécurité et sécurité", "fr")).toEqual(["securi"]);
    expect(keyTermsOf("Обсуждались вопросы безопасности, и их обсуждали", "ru")).toEqual([
      "обсужд",
      "вопрос",
      "безопа",
    ]);
  });

  it("keyTermsOf() keeps words of scripts without spaces, and survives an odd language tag", () => {
    expect(keyTermsOf("双方讨论了乌克兰局势。", "zh")).toEqual(["双方", "讨论", "乌克兰", "局势"]);
    expect(keyTermsOf("Lines of communication", "not a tag!")).toEqual(["lines", "commun"]);
  });
});
