/** A line's thread: entries as people read them, with receipts, acknowledgements and translations; alarms. Types only (see mod.ts). */
import type { AlarmRow } from "../../store/rows.js";

/** Where a participant stands with an entry that needs its acknowledgement. */
export type AckState = "acked" | "pending" | "overdue";

/**
 * A translation attached to an entry. The original stays the authoritative text; a translation
 * is an aid, and says whose: made at the original author's station (`byAuthor`: the author's own
 * translation) or at another, by a person or by machine.
 */
export interface TranslationView {
  hash: string;
  /** the original entry's hash */
  of: string;
  lang: string;
  text: string;
  translator: string;
  /** made by machine translation */
  machine: boolean;
  /** made at the station that wrote the original: the author's own translation */
  byAuthor: boolean;
  /** always false: only the original is authoritative */
  authoritative: false;
  station: string;
  stationName: string;
  operator: string;
  time: string;
}

/** One entry as a transcript shows it. */
export interface LogEntry {
  hash: string;
  line: string;
  author: string;
  authorName: string;
  seq: number;
  time: string;
  kind: string;
  /** its shape depends on the kind: see the entry kinds in src/record/kinds.ts */
  body: Record<string, unknown>;
  /** when each other participant's signed heads first covered this entry */
  receipts: Record<string, string>;
  /**
   * the participant it came through, when that was not its author: relayed (caught up from Paris
   * while Washington and this station could not reach each other); absent otherwise
   */
  via?: { station: string; name: string };
  /** for a message: each station's acknowledgement (operator and time) */
  acks: Record<string, { by: string; time: string }>;
  /**
   * for a message or presence test: when it must be acknowledged by (its time plus the line's
   * deadline for its precedence, or for presence tests)
   */
  deadline: string | null;
  /** for a message or presence test: each other participant's state, acked, pending or overdue */
  ackStates: Record<string, AckState>;
  /** for a message or readout: the translations attached to it (the original stays authoritative) */
  translations?: TranslationView[];
}

/** An alarm, as `hotline alarms` shows it: the stored row. */
export type AlarmView = AlarmRow;
