import { HotlineError, type BodyOf, type Verdict } from "../../record/mod.js";
import { checkedBody, entriesOfKinds, namesOn, referencedEntry, type ReadEntry } from "../core/mod.js";
import { callOf } from "./calls.js";
import { keyTermsOf, sentencesOf } from "./readout-compare.js";
import { compareReadouts } from "./readout-sides.js";
import { translationsByOriginal, translationsOf } from "../thread/mod.js";
import type { Station } from "../core/mod.js";
import type {
  ComparisonView,
  MarkedPoint,
  MarkView,
  ReadoutsView,
  ReadoutView,
  TranslationView,
} from "../views/mod.js";

/**
 * All sides' readouts of a call side by side: each readout's points with the other sides'
 * marks, the comparison of the sides' latest readouts, and what is agreed and what disputed.
 * A mark is placed at its point when the sentence there is the one it quotes; else at the
 * sentence it quotes; else it is listed as unplaced. Built from the record alone, in causal
 * order: every participant computes the same view.
 *
 * @param station the station
 * @param ref the call: its request's hash or a unique prefix
 * @returns the view
 */
export async function readoutsOf(station: Station, ref: string): Promise<ReadoutsView> {
  const call = await callOf(station, ref);
  const names = await namesOn(station, call.line);
  const nameOf = (s: string) => names.get(s) ?? s.slice(0, 8);
  const translations = translationsByOriginal(await translationsOf(station, call.line));
  const entries = await entriesOfKinds(station, call.line, ["readout", "readout.mark"]);
  const readouts = entries
    .filter((e) => e.kind === "readout" && e.body.call === call.id)
    .map((e) => readoutView(e as ReadEntry<BodyOf<"readout">>, nameOf, translations.get(e.hash) ?? []));
  const latestBy = new Map<string, ReadoutView>();
  for (const r of readouts) latestBy.set(r.station, r);
  for (const r of latestBy.values()) r.latest = true;

  const byHash = new Map(readouts.map((r) => [r.hash, r]));
  const unplaced: ReadoutsView["unplaced"] = [];
  for (const e of entries) {
    if (e.kind !== "readout.mark") continue;
    const body = e.body as BodyOf<"readout.mark">;
    const readout = byHash.get(body.readout);
    if (readout === undefined) continue; // a mark on a readout of another call
    const mark: MarkView = {
      hash: e.hash,
      station: e.author,
      stationName: nameOf(e.author),
      operator: body.operator,
      time: e.time,
      verdict: body.verdict,
      comment: body.comment ?? null,
      quote: body.quote,
    };
    const point =
      readout.points[body.point]?.text === body.quote
        ? readout.points[body.point]
        : readout.points.find((p) => p.text === body.quote);
    if (point === undefined) {
      unplaced.push({ ...mark, readout: readout.hash, point: body.point });
      continue;
    }
    point.marks.push(mark);
    // A side's verdict on its own account is no reconciliation (a station refuses to write one).
    if (e.author !== readout.station) point.verdicts[e.author] = body.verdict;
  }

  const latest = [...latestBy.values()];
  const comparisons: ComparisonView[] = [];
  for (let i = 0; i < latest.length; i++) {
    for (let j = i + 1; j < latest.length; j++) {
      comparisons.push(compareReadouts(latest[i] as ReadoutView, latest[j] as ReadoutView));
    }
  }
  for (const r of latest) {
    const mine = comparisons.filter(
      (c) => c.comparable && (c.a.readout === r.hash || c.b.readout === r.hash),
    );
    const original =
      mine.length > 0 && mine.every((c) => (c.a.readout === r.hash ? c.a : c.b).source === "original");
    if (!original) continue;
    for (const p of r.points) {
      if (keyTermsOf(p.text, r.lang).length === 0) continue; // nothing to compare it by
      p.mentionedByOthers = mine.every((c) =>
        c.a.readout === r.hash
          ? !c.onlyA.some((o) => o.index === p.index)
          : !c.onlyB.some((o) => o.index === p.index),
      );
    }
  }

  const marked = (verdict: Verdict): MarkedPoint[] =>
    readouts.flatMap((r) =>
      r.points
        .filter((p) =>
          verdict === "disputed"
            ? Object.values(p.verdicts).includes("disputed")
            : Object.values(p.verdicts).length > 0 && Object.values(p.verdicts).every((v) => v === "agreed"),
        )
        .map((p) => ({
          readout: r.hash,
          station: r.station,
          stationName: r.stationName,
          index: p.index,
          text: p.text,
          by: Object.entries(p.verdicts)
            .filter(([, v]) => v === verdict)
            .map(([s]) => ({
              station: s,
              stationName: nameOf(s),
              comment: p.marks.findLast((m) => m.station === s)?.comment ?? null,
            })),
        })),
    );
  return { call, readouts, comparisons, agreed: marked("agreed"), disputed: marked("disputed"), unplaced };
}

function readoutView(
  e: ReadEntry<BodyOf<"readout">>,
  nameOf: (station: string) => string,
  translations: TranslationView[],
): ReadoutView {
  return {
    hash: e.hash,
    station: e.author,
    stationName: nameOf(e.author),
    operator: e.body.operator,
    time: e.time,
    lang: e.body.lang,
    text: e.body.text,
    latest: false,
    points: sentencesOf(e.body.text, e.body.lang).map((text, index) => ({
      index,
      text,
      mentionedByOthers: null,
      marks: [],
      verdicts: {},
    })),
    translations,
  };
}

/**
 * Publishes this station's readout of a call: its own account, in its own language.
 *
 * @param station this station
 * @param options the call (hash or prefix), the text, its language (default the station's), the
 *   line it must be on (if given), the operator
 * @returns the readout's hash and seq, and how many points (sentences) it has
 * @throws HotlineError UNKNOWN_ENTRY, AMBIGUOUS_ENTRY, BAD_INPUT (not a call, a call declined or cancelled, a field)
 */
export async function publishReadout(
  station: Station,
  options: {
    call: string;
    text: string;
    lang?: string | undefined;
    line?: string | undefined;
    operator: string;
  },
): Promise<{ hash: string; seq: number; call: string; points: number }> {
  const call = await callOf(station, options.call);
  const action = `publish a readout of call ${call.id.slice(0, 12)}`;
  if (options.line !== undefined && (await station.resolveLine(options.line)).id !== call.line) {
    throw new HotlineError(
      "BAD_INPUT",
      `Cannot ${action}: the call is on another line (${call.line.slice(0, 12)})`,
    );
  }
  if (call.state === "declined" || call.state === "cancelled") {
    throw new HotlineError("BAD_INPUT", `Cannot ${action}: the call was ${call.state}`);
  }
  const lang = options.lang ?? station.config.lang;
  const body = checkedBody(
    "readout",
    { call: call.id, text: options.text, lang, operator: options.operator },
    action,
  );
  const sealed = await station.write(call.line, { kind: "readout", body });
  return {
    hash: sealed.hash,
    seq: sealed.entry.seq,
    call: call.id,
    points: sentencesOf(options.text, lang).length,
  };
}

/**
 * Marks a point of another side's readout agreed or disputed, by a signed `readout.mark` entry
 * naming the point by index and by quoting it. A later mark by the same station on the same
 * point stands over an earlier one; both stay in the record.
 *
 * @param station this station
 * @param options the readout (hash or prefix), the point's index (as `readouts` shows it), the
 *   verdict, a comment, the operator
 * @returns the mark's hash and seq, and the sentence it quotes
 * @throws HotlineError UNKNOWN_ENTRY, AMBIGUOUS_ENTRY, BAD_INPUT (not a readout, this station's
 *   own, no such point, a field)
 */
export async function markReadout(
  station: Station,
  options: {
    readout: string;
    point: number;
    verdict: Verdict;
    comment?: string | undefined;
    operator: string;
  },
): Promise<{ hash: string; seq: number; readout: string; quote: string }> {
  const readout = await referencedEntry(station, options.readout, {
    kinds: ["readout"],
    what: "a readout",
    action: `mark readout ${options.readout}`,
  });
  const action = `mark point ${options.point} of readout ${readout.hash.slice(0, 12)}`;
  if (readout.author === station.id) {
    throw new HotlineError(
      "BAD_INPUT",
      `Cannot ${action}: it is this station's own readout; the other sides mark it`,
    );
  }
  const points = sentencesOf(readout.body.text, readout.body.lang);
  const quote = Number.isInteger(options.point) ? points[options.point] : undefined;
  if (quote === undefined) {
    throw new HotlineError(
      "BAD_INPUT",
      `Cannot ${action}: it has ${points.length} point(s), numbered 0 to ${points.length - 1} (see 'hotline readouts')`,
    );
  }
  const body = checkedBody(
    "readout.mark",
    {
      readout: readout.hash,
      point: options.point,
      quote,
      verdict: options.verdict,
      ...(options.comment === undefined || options.comment === "" ? {} : { comment: options.comment }),
      operator: options.operator,
    },
    action,
  );
  const sealed = await station.write(readout.line, { kind: "readout.mark", body });
  return { hash: sealed.hash, seq: sealed.entry.seq, readout: readout.hash, quote };
}
