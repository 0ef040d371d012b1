/** Calls and readouts: who asked, who agreed, what each side said, compared. Types only (see mod.ts). */
import type { CallLevel, Verdict } from "../../record/kinds.js";
import type { TranslationView } from "./thread.js";

/** Where a call stands, from the record. */
export type CallState = "requested" | "accepted" | "declined" | "held" | "cancelled";

/** A station and one of its operators: who did something. */
export interface Actor {
  station: string;
  stationName: string;
  operator: string;
}

/** An answer to a call request: accepted, declined, or withdrawn by the requester. */
export interface CallResponse extends Actor {
  kind: "accept" | "decline" | "cancel";
  time: string;
  hash: string;
  /** the decline's reason, or the cancel's, or the accept's note */
  reason: string | null;
}

/** One station's record that the call took place. */
export interface HeldRecord extends Actor {
  start: string;
  end: string;
  durationSeconds: number;
  participants: string[];
  initiatedBy: { station: string; stationName: string };
  time: string;
  hash: string;
}

/** A call as the record tells it: who asked, who agreed, when, how long, at what level. */
export interface CallView {
  /** the call's id: its request's hash */
  id: string;
  line: string;
  requestedBy: Actor;
  requestedAt: string;
  level: CallLevel;
  topic: string;
  proposedTime: string;
  participants: string[];
  state: CallState;
  /** accepts, declines and cancels, in causal order */
  responses: CallResponse[];
  /** every station's record that it was held, in causal order (two sides may both record it) */
  held: HeldRecord[];
  /** from the first record that it was held, or null */
  start: string | null;
  end: string | null;
  durationSeconds: number | null;
  initiatedBy: { station: string; stationName: string } | null;
}

/** One station's mark on a point of another side's readout. */
export interface MarkView {
  hash: string;
  station: string;
  stationName: string;
  operator: string;
  time: string;
  verdict: Verdict;
  comment: string | null;
  /** the sentence it quotes */
  quote: string;
}

/** A point (sentence) of a readout: what the other sides said of it. */
export interface PointView {
  index: number;
  text: string;
  /**
   * whether the other sides' latest readouts mention it, by the comparison; null when the
   * comparison did not read this original (it went through a translation, or could not be made),
   * or the sentence has no key terms to compare
   */
  mentionedByOthers: boolean | null;
  /** every mark on it, in causal order */
  marks: MarkView[];
  /** each marking station's latest verdict */
  verdicts: Record<string, Verdict>;
}

/** A readout, its points, and the translations attached to it. */
export interface ReadoutView {
  hash: string;
  station: string;
  stationName: string;
  operator: string;
  time: string;
  lang: string;
  /** the original text: the authoritative one */
  text: string;
  /** the newest readout of its station for this call (the one compared) */
  latest: boolean;
  points: PointView[];
  translations: TranslationView[];
}

/** What one side of a comparison read: an original, or a translation of it. */
export interface ComparedSide {
  station: string;
  stationName: string;
  readout: string;
  lang: string;
  source: "original" | "translation";
  /** the translation read, if one was */
  translation: string | null;
  machine: boolean;
}

/** Two sides' latest readouts compared (see readout-compare.ts for how, and its limits). */
export interface ComparisonView {
  a: ComparedSide;
  b: ComparedSide;
  comparable: boolean;
  /** why not, when not */
  reason: string | null;
  /** sentences of each that the other mentions: indices into the texts compared, with the score */
  both: { a: number; b: number; aText: string; bText: string; score: number }[];
  /** what A says that B does not mention */
  onlyA: { index: number; text: string }[];
  /** what B says that A does not mention */
  onlyB: { index: number; text: string }[];
}

/** A point the other sides marked, with their verdicts. */
export interface MarkedPoint {
  readout: string;
  station: string;
  stationName: string;
  index: number;
  text: string;
  by: { station: string; stationName: string; comment: string | null }[];
}

/** All sides' readouts of a call, side by side. */
export interface ReadoutsView {
  call: CallView;
  readouts: ReadoutView[];
  comparisons: ComparisonView[];
  /** points some other side marked agreed (its latest verdict), none disputing */
  agreed: MarkedPoint[];
  /** points some other side marked disputed (its latest verdict) */
  disputed: MarkedPoint[];
  /** marks whose point could not be found by index or by quote */
  unplaced: (MarkView & { readout: string; point: number })[];
}
