import { HotlineError, type Precedence } from "../record/mod.js";
import type { StoredEntry } from "../store/mod.js";
import { isoNow } from "./clock.js";
import type { Station } from "./station.js";

/** Who acknowledged an entry for a participant, and when (the ack entry's time). */
export interface AckMark {
  by: string;
  time: string;
  hash: string;
}

/**
 * Finds an entry by its hash or a unique prefix of it (at least 8 hex characters).
 *
 * @param station the station
 * @param ref the hash or prefix
 * @returns the entry
 */
export function resolveEntry(station: Station, ref: string): StoredEntry {
  const prefix = ref.trim().toLowerCase();
  if (!/^[0-9a-f]{8,64}$/.test(prefix)) {
    throw new HotlineError(
      "BAD_INPUT",
      `Cannot read entry '${ref}': give its hash, or at least its first 8 hex digits`,
    );
  }
  const found = station.store.entriesByHashPrefix(prefix, 2);
  if (found.length === 0)
    throw new HotlineError("UNKNOWN_ENTRY", `Cannot find entry ${prefix}: there is none here`);
  if (found.length > 1) {
    throw new HotlineError("AMBIGUOUS_ENTRY", `Cannot tell which entry ${prefix} is: give more of its hash`);
  }
  return found[0] as StoredEntry;
}

/**
 * An operator acknowledges a message from another station: a signed `ack` entry on its line.
 *
 * @param station this station
 * @param options the message (hash or unique prefix), an optional note, the operator
 * @returns the ack entry's hash and seq, and the message's
 */
export function ackEntry(
  station: Station,
  options: { entry: string; note?: string | undefined; operator: string },
): { hash: string; seq: number; entry: string } {
  const target = resolveEntry(station, options.entry);
  if (target.kind !== "text") {
    throw new HotlineError(
      "BAD_INPUT",
      `Cannot acknowledge entry ${target.hash.slice(0, 12)}: it is a ${target.kind}, not a message`,
    );
  }
  if (target.author === station.id) {
    throw new HotlineError(
      "BAD_INPUT",
      "Cannot acknowledge a message this station sent: the other side acknowledges it",
    );
  }
  if (acksOf(station, target.line).get(target.hash)?.[station.id] !== undefined) {
    throw new HotlineError(
      "ALREADY_ACKED",
      `Cannot acknowledge ${target.hash.slice(0, 12)} again: this station has acknowledged it`,
    );
  }
  const sealed = station.write(target.line, {
    kind: "ack",
    body: {
      entry: target.hash,
      operator: options.operator,
      ...(options.note === undefined || options.note === "" ? {} : { note: options.note }),
    },
  });
  return { hash: sealed.hash, seq: sealed.entry.seq, entry: target.hash };
}

/**
 * @param station the station
 * @param line a line id
 * @returns for each acknowledged entry, the first acknowledgement by each station
 */
export function acksOf(station: Station, line: string): Map<string, Record<string, AckMark>> {
  const out = new Map<string, Record<string, AckMark>>();
  for (const stored of station.store.entriesOfKind(line, "ack")) {
    const body = (JSON.parse(stored.bytes.toString("utf8")) as { body: { entry: string; operator: string } })
      .body;
    const marks = out.get(body.entry) ?? {};
    marks[stored.author] ??= { by: body.operator, time: stored.time, hash: stored.hash };
    out.set(body.entry, marks);
  }
  return out;
}

/**
 * @param time the message's time
 * @param precedence its precedence
 * @param deadlines seconds per precedence (the line's settings)
 * @returns when it must be acknowledged by
 */
export function deadlineOf(
  time: string,
  precedence: Precedence,
  deadlines: Record<Precedence, number>,
): string {
  return new Date(Date.parse(time) + deadlines[precedence] * 1000).toISOString();
}

/**
 * Raises the alarms of messages whose acknowledgement deadline passed in (since, now]: at the
 * sender ACK_OVERDUE for each participant that has not acknowledged (critical for FLASH), at a
 * receiver that has not, ACK_REMINDER. Each is raised once per message and participant.
 *
 * @param station the station
 * @param sinceMs deadlines after this were not yet looked at
 * @returns how many alarms were raised
 */
export function raiseOverdue(station: Station, sinceMs: number): number {
  const now = station.clock.now();
  let raised = 0;
  for (const line of station.store.lines()) {
    const { ackDeadlines } = station.settings(line.id);
    const longest = Math.max(...Object.values(ackDeadlines)) * 1000;
    const participants = station.store.participants(line.id);
    let acks: Map<string, Record<string, AckMark>> | null = null;
    for (const message of station.store.entriesOfKind(line.id, "text")) {
      const sent = Date.parse(message.time);
      if (sent + longest <= sinceMs) continue;
      const body = (
        JSON.parse(message.bytes.toString("utf8")) as { body: { precedence: Precedence; text: string } }
      ).body;
      const due = sent + ackDeadlines[body.precedence] * 1000;
      if (due <= sinceMs || due > now) continue;
      acks ??= acksOf(station, line.id);
      const marks = acks.get(message.hash) ?? {};
      const excerpt = body.text.length > 60 ? `${body.text.slice(0, 57)}…` : body.text;
      if (message.author === station.id) {
        for (const p of participants) {
          if (p.station === station.id || marks[p.station] !== undefined) continue;
          if (station.store.alarmRaised("ACK_OVERDUE", message.hash, p.station)) continue;
          station.raiseAlarm({
            code: "ACK_OVERDUE",
            severity: body.precedence === "FLASH" ? "critical" : "warning",
            line: line.id,
            peer: p.station,
            entry: message.hash,
            detail: `${p.name} has not acknowledged the ${body.precedence} message of ${message.time} by its deadline: "${excerpt}"`,
          });
          raised++;
        }
      } else if (
        marks[station.id] === undefined &&
        !station.store.alarmRaised("ACK_REMINDER", message.hash, message.author)
      ) {
        const from =
          participants.find((p) => p.station === message.author)?.name ?? message.author.slice(0, 8);
        station.raiseAlarm({
          code: "ACK_REMINDER",
          severity: body.precedence === "FLASH" ? "critical" : "warning",
          line: line.id,
          peer: message.author,
          entry: message.hash,
          detail: `The ${body.precedence} message from ${from} of ${message.time} is past its deadline and not acknowledged here: "${excerpt}" (hotline ack ${message.hash.slice(0, 12)})`,
        });
        raised++;
      }
    }
  }
  return raised;
}

/**
 * Clears the alarms an acknowledgement answers: ACK_OVERDUE at the sender (for the station that
 * acknowledged), ACK_REMINDER at the station that acknowledged.
 *
 * @param station the station
 * @param ack the ack entry, as stored
 */
export function clearAnswered(
  station: Station,
  ack: { line: string | null; author: string; entry: string },
): void {
  const at = isoNow(station.clock);
  station.store.clearAlarmsOfEntry({ entry: ack.entry, peer: ack.author, code: "ACK_OVERDUE" }, at);
  if (ack.author === station.id)
    station.store.clearAlarmsOfEntry({ entry: ack.entry, peer: null, code: "ACK_REMINDER" }, at);
}

/** How far back, at start, deadlines that passed while the station was stopped are looked for. */
const LOOK_BACK_MS = 7 * 86_400_000;

/**
 * Watches acknowledgement deadlines while the station runs: every second, raises the alarms of
 * deadlines just passed (and, at start, of those that passed while it was stopped); clears them
 * when the acknowledgement arrives.
 */
export class DeadlineWatch {
  readonly #station: Station;
  readonly #everyMs: number;
  #since = 0;
  #timer: NodeJS.Timeout | null = null;

  /**
   * @param station the station
   * @param options how often to look (default every second)
   */
  constructor(station: Station, options: { everyMs?: number } = {}) {
    this.#station = station;
    this.#everyMs = options.everyMs ?? 1_000;
  }

  start(): void {
    this.#since = this.#station.clock.now() - LOOK_BACK_MS;
    this.#station.events.on("entries", this.#onEntries);
    this.#tick();
    this.#timer = setInterval(this.#tick, this.#everyMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#station.events.off("entries", this.#onEntries);
  }

  readonly #tick = (): void => {
    const now = this.#station.clock.now();
    raiseOverdue(this.#station, this.#since);
    this.#since = now;
  };

  readonly #onEntries = (
    entries: readonly { entry: { kind: string; line: string | null; author: string; body: unknown } }[],
  ): void => {
    for (const { entry } of entries) {
      if (entry.kind !== "ack") continue;
      clearAnswered(this.#station, {
        line: entry.line,
        author: entry.author,
        entry: (entry.body as { entry: string }).entry,
      });
    }
  };
}
