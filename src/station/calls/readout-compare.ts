/**
 * Compares two accounts of the same call, point by point, in one language. Deliberately simple,
 * so that both sides can see why the machine said what it said:
 *
 * 1. **Points**: each text is split into sentences by `Intl.Segmenter` (sentence granularity,
 *    Unicode's rules, which hold for most languages).
 * 2. **Key terms**: each sentence's words (`Intl.Segmenter`, word granularity, which also splits
 *    Chinese and Japanese) are lowercased, stripped of accents and apostrophe endings, cut to
 *    their first 6 letters (a crude, language-blind stem: "communication" and "communications"
 *    meet), and dropped when short (under 3 letters in alphabetic scripts) or a stop word
 *    (English and Russian lists only; other languages keep theirs, which lowers the scores).
 * 3. **Alignment**: a sentence of A is mentioned by B when some sentence of B shares at least two
 *    of its key terms (one, if either has only one) and the shared terms are at least half of the
 *    smaller sentence's (the overlap coefficient ≥ 0.5). Jaccard would punish a short sentence
 *    matched against a long one that says the same and more, which is how readouts differ.
 *
 * What it cannot do: see meaning. Two sentences with the same words and opposite sense ("X
 * agreed" / "X did not agree") match; a paraphrase with no words in common does not. And it
 * works within one language only: readouts in different languages are compared through a
 * translation into a common language when one is attached, and otherwise not at all.
 *
 * @module
 */

/** A sentence of a text, and whether the other text mentions it. */
export interface ComparedPoint {
  /** its index among the text's sentences */
  index: number;
  text: string;
  /** the key terms it was compared by */
  terms: string[];
  /** the other text's sentences that mention it, best first; empty when none does */
  matches: { index: number; score: number }[];
}

/** Two texts compared point by point. */
export interface TextComparison {
  a: ComparedPoint[];
  b: ComparedPoint[];
}

/** The least share of the smaller sentence's key terms two sentences must have in common. */
export const MATCH_AT = 0.5;
/** The least number of key terms two sentences must share (fewer when a sentence has fewer). */
export const MIN_SHARED = 2;
/** Key terms are cut to this many letters. */
export const STEM_LENGTH = 6;

/**
 * @param text a text
 * @param lang its language
 * @returns its sentences, trimmed, empty ones left out
 */
export function sentencesOf(text: string, lang: string): string[] {
  const segmenter = new Intl.Segmenter(safeLocale(lang), { granularity: "sentence" });
  return [...segmenter.segment(text)].map((s) => s.segment.trim()).filter((s) => s.length > 0);
}

/**
 * @param sentence a sentence
 * @param lang its language
 * @returns its key terms, each once, in the order they first appear
 */
export function keyTermsOf(sentence: string, lang: string): string[] {
  const locale = safeLocale(lang);
  const words = new Intl.Segmenter(locale, { granularity: "word" });
  const terms = new Set<string>();
  for (const w of words.segment(sentence)) {
    if (w.isWordLike !== true) continue;
    const lower = w.segment.toLocaleLowerCase(locale).replace(/['’](s|d|ll|re|ve|t)?$/u, "");
    const word = lower.normalize("NFKD").replace(/\p{M}/gu, "");
    if (STOP_WORDS.has(lower) || STOP_WORDS.has(word)) continue;
    const alphabetic = /^[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}\p{N}._-]+$/u.test(word);
    if (alphabetic ? word.length < 3 : word.length < 2) continue;
    terms.add(alphabetic ? [...word].slice(0, STEM_LENGTH).join("") : word);
  }
  return [...terms];
}

/**
 * Compares two texts in one language: which sentences of each the other mentions.
 *
 * @param a the first text
 * @param b the second text
 * @param lang their language
 * @returns every sentence of each, with the other's sentences that mention it
 */
export function compareTexts(a: string, b: string, lang: string): TextComparison {
  const pointsOf = (text: string): ComparedPoint[] =>
    sentencesOf(text, lang).map((s, index) => ({ index, text: s, terms: keyTermsOf(s, lang), matches: [] }));
  const left = pointsOf(a);
  const right = pointsOf(b);
  for (const p of left) {
    for (const q of right) {
      const score = similarity(p.terms, q.terms);
      if (score === null) continue;
      p.matches.push({ index: q.index, score });
      q.matches.push({ index: p.index, score });
    }
  }
  for (const p of [...left, ...right]) p.matches.sort((x, y) => y.score - x.score || x.index - y.index);
  return { a: left, b: right };
}

/**
 * @returns the overlap coefficient of two sets of key terms when they match (see the module
 *   comment), rounded to two decimals; null when they do not
 */
function similarity(a: readonly string[], b: readonly string[]): number | null {
  const smaller = Math.min(a.length, b.length);
  if (smaller === 0) return null;
  const other = new Set(b);
  const shared = a.filter((t) => other.has(t)).length;
  const score = shared / smaller;
  if (shared < Math.min(MIN_SHARED, smaller) || score < MATCH_AT) return null;
  return Math.round(score * 100) / 100;
}

function safeLocale(lang: string): string {
  try {
    return Intl.getCanonicalLocales(lang)[0] ?? "und";
  } catch {
    return "und";
  }
}

// Function words only: what every readout says and no readout means.
const STOP_WORDS = new Set(
  [
    // English
    "the and for with that this these those from into onto upon about over under between during",
    "was were are is be been being has have had having will would shall should can could may might",
    "must not but yet nor any all each both either neither some such than then there here where when",
    "which who whom whose what while also its his her hers their theirs our ours your yours him them",
    "they she you one two per via said says say very more most other others own same too only just",
    // Russian
    "и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне",
    "было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до",
    "вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя",
    "их чем была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот того потому этого",
    "какой совсем ним здесь этом один почти мой тем чтобы нее сейчас были куда зачем всех никогда",
    "можно при наконец два об другой хоть после над больше тот через эти нас про всего них какая",
    "много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им",
    "более всегда конечно всю между также это эта",
  ]
    .join(" ")
    .split(" "),
);
