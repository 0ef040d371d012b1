/**
 * Which texts of two readouts are compared (originals when they share a language, else a
 * translation into a common one, a person's before a machine's, the author's own first), and
 * the comparison as the readouts view shows it.
 *
 * @module
 */
import { compareTexts } from "./readout-compare.js";
import type { ComparedSide, ComparisonView, ReadoutView, TranslationView } from "../views/mod.js";

/** @returns how far a translation is from its author's own words: lower is nearer */
function rank(t: TranslationView): number {
  return (t.machine ? 2 : 0) + (t.byAuthor ? 0 : 1);
}

/** @returns the primary language subtag, lowercased: "en-GB" → "en" */
function baseLang(tag: string): string {
  return (tag.split("-")[0] ?? tag).toLowerCase();
}

/** The translation of a readout into a language to read: a person's before a machine's, the author's own first. */
function bestTranslation(r: ReadoutView, lang: string): TranslationView | undefined {
  return r.translations
    .filter((t) => baseLang(t.lang) === lang)
    .reduce<TranslationView | undefined>(
      (best, t) => (best === undefined || rank(t) < rank(best) ? t : best),
      undefined,
    );
}

/**
 * Compares two readouts in a common language: their originals when they share one; else one's
 * original with a translation of the other into its language; else translations of both into a
 * third; else not at all, saying why.
 *
 * @param a the first readout, with its translations
 * @param b the second
 * @returns what was compared, and what each mentions that the other does not
 */
export function compareReadouts(a: ReadoutView, b: ReadoutView): ComparisonView {
  const side = (r: ReadoutView, t: TranslationView | undefined): ComparedSide & { text: string } => ({
    station: r.station,
    stationName: r.stationName,
    readout: r.hash,
    lang: t?.lang ?? r.lang,
    source: t === undefined ? "original" : "translation",
    translation: t?.hash ?? null,
    machine: t?.machine ?? false,
    text: t?.text ?? r.text,
  });
  const la = baseLang(a.lang);
  const lb = baseLang(b.lang);
  let pair: [ReturnType<typeof side>, ReturnType<typeof side>] | null = null;
  if (la === lb) pair = [side(a, undefined), side(b, undefined)];
  const aInB = bestTranslation(a, lb);
  const bInA = bestTranslation(b, la);
  const aFirst = aInB !== undefined && (bInA === undefined || rank(aInB) <= rank(bInA));
  if (pair === null && aFirst) pair = [side(a, aInB), side(b, undefined)];
  if (pair === null && bInA !== undefined) pair = [side(a, undefined), side(b, bInA)];
  if (pair === null) {
    for (const t of a.translations) {
      const other = bestTranslation(b, baseLang(t.lang));
      if (other === undefined) continue;
      pair = [side(a, bestTranslation(a, baseLang(t.lang))), side(b, other)];
      break;
    }
  }
  if (pair === null) {
    const { text: _a, ...sa } = side(a, undefined);
    const { text: _b, ...sb } = side(b, undefined);
    return {
      a: sa,
      b: sb,
      comparable: false,
      reason: `Cannot compare a readout in ${a.lang} with one in ${b.lang}: neither has a translation into the other's language, nor both into a common one (hotline translate)`,
      both: [],
      onlyA: [],
      onlyB: [],
    };
  }
  const [{ text: ta, ...sa }, { text: tb, ...sb }] = pair;
  const compared = compareTexts(ta, tb, sa.lang);
  return {
    a: sa,
    b: sb,
    comparable: true,
    reason: null,
    both: compared.a.flatMap((p) =>
      p.matches.map((m) => ({
        a: p.index,
        b: m.index,
        aText: p.text,
        bText: compared.b[m.index]?.text ?? "",
        score: m.score,
      })),
    ),
    onlyA: compared.a
      .filter((p) => p.matches.length === 0 && p.terms.length > 0)
      .map(({ index, text }) => ({ index, text })),
    onlyB: compared.b
      .filter((p) => p.matches.length === 0 && p.terms.length > 0)
      .map(({ index, text }) => ({ index, text })),
  };
}
