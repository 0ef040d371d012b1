import { HotlineError, readStoredEntry, type Precedence } from "../../record/mod.js";
import { isoNow, type PartLogger } from "../core/mod.js";
import { resolveEntry } from "../core/mod.js";
import type { Station } from "../core/mod.js";
import type { AckState, LineSettings } from "../views/mod.js";
import { MAX_SLEEP_MS, WakeTimer } from "./wake-timer.js";

/** Entry kinds a person must acknowledge: messages, and presence tests. */
export const ACKABLE_KINDS = ["text", "test"] as const;
export type AckableKind = (typeof ACKABLE_KINDS)[number];

/** Alarms that move along the line's escalation chain while nobody attends to them. */
export const ESCALATING_CODES = ["ACK_OVERDUE", "ACK_REMINDER", "NO_ANSWER"] as const;

/**
 * The alarm of an entry not acknowledged in time, at its author (about each participant that has
 * not answered) and at a participant that owes the answer. A presence test unanswered is
 * NO_ANSWER at both ends: one side knows nobody answered, the other that it did not.
 */
const OVERDUE_CODE = {
  text: { atAuthor: "ACK_OVERDUE", atOwer: "ACK_REMINDER" },
  test: { atAuthor: "NO_ANSWER", atOwer: "NO_ANSWER" },
} as const;

/** Raised at a station when a presence test for it arrives; cleared by its answer or by NO_ANSWER. */
const PRESENCE_TEST = "PRESENCE_TEST";

/** Who acknowledged an entry for a participant, and when (the ack entry's time). */
export interface AckMark {
  by: string;
  time: string;
  hash: string;
}

/**
 * An operator acknowledges a message or a presence test from another station: a signed `ack`
 * entry on its line.
 *
 * @param station this station
 * @param options the entry (hash or unique prefix), an optional note, the operator
 * @returns the ack entry's hash and seq, and the acknowledged entry's
 */
export async function ackEntry(
  station: Station,
  options: { entry: string; note?: string | undefined; operator: string },
): Promise<{ hash: string; seq: number; entry: string }> {
  const target = await resolveEntry(station, options.entry);
  if (!isAckable(target.kind)) {
    throw new HotlineError(
      "BAD_INPUT",
      `Cannot acknowledge entry ${target.hash.slice(0, 12)}: it is a ${target.kind}, not a message or a presence test`,
    );
  }
  if (target.author === station.id) {
    throw new HotlineError(
      "BAD_INPUT",
      `Cannot acknowledge ${target.kind === "test" ? "a presence test" : "a message"} this station sent: the other side acknowledges it`,
    );
  }
  if ((await acksOf(station, target.line)).get(target.hash)?.[station.id] !== undefined) {
    throw new HotlineError(
      "ALREADY_ACKED",
      `Cannot acknowledge ${target.hash.slice(0, 12)} again: this station has acknowledged it`,
    );
  }
  const sealed = await station.write(target.line, {
    kind: "ack",
    body: {
      entry: target.hash,
      operator: options.operator,
      ...(options.note === undefined || options.note === "" ? {} : { note: options.note }),
    },
  });
  // Its alarms go before the operator is answered: the deadline watch, which hears of the ack
  // later (on PostgreSQL, after the answer), finds them cleared already.
  await clearAnswered(station, { author: station.id, entry: target.hash });
  return { hash: sealed.hash, seq: sealed.entry.seq, entry: target.hash };
}

/**
 * @param station the station
 * @param line a line id
 * @returns for each acknowledged entry, the first acknowledgement by each station
 */
export async function acksOf(station: Station, line: string): Promise<Map<string, Record<string, AckMark>>> {
  const out = new Map<string, Record<string, AckMark>>();
  for (const stored of await station.store.entriesOfKind(line, "ack")) {
    const body = readStoredEntry(stored, "ack").body;
    const marks = out.get(body.entry) ?? {};
    marks[stored.author] ??= { by: body.operator, time: stored.time, hash: stored.hash };
    out.set(body.entry, marks);
  }
  return out;
}

/** @returns whether entries of a kind must be acknowledged */
export function isAckable(kind: string): kind is AckableKind {
  return (ACKABLE_KINDS as readonly string[]).includes(kind);
}

/**
 * @param entry an entry that needs acknowledging: its kind and body
 * @param settings its line's settings
 * @returns the seconds the other participants have to acknowledge it
 */
export function ackWindowOf(entry: { kind: AckableKind; body: unknown }, settings: LineSettings): number {
  return entry.kind === "test"
    ? settings.presenceDeadline
    : settings.ackDeadlines[(entry.body as { precedence: Precedence }).precedence];
}

/**
 * @param entry an entry: kind, time, body
 * @param settings its line's settings
 * @returns when it must be acknowledged by, or null if nobody needs to
 */
export function deadlineOf(
  entry: { kind: string; time: string; body: unknown },
  settings: LineSettings,
): string | null {
  if (!isAckable(entry.kind)) return null;
  const window = ackWindowOf({ kind: entry.kind, body: entry.body }, settings);
  return new Date(Date.parse(entry.time) + window * 1000).toISOString();
}

/**
 * @param deadline when the entry must be acknowledged by
 * @param owers the participants that owe an acknowledgement (all but the author)
 * @param marks the acknowledgements so far
 * @param nowMs now
 * @returns each ower's state: acked, pending (deadline not passed) or overdue
 */
export function ackStatesOf(
  deadline: string,
  owers: readonly string[],
  marks: Record<string, unknown>,
  nowMs: number,
): Record<string, AckState> {
  const late = Date.parse(deadline) <= nowMs;
  return Object.fromEntries(
    owers.map((p) => [p, marks[p] !== undefined ? "acked" : late ? "overdue" : "pending"] as const),
  );
}

/**
 * Clears the alarms an acknowledgement answers: at the author, ACK_OVERDUE / NO_ANSWER about the
 * station that acknowledged; at the station that acknowledged, ACK_REMINDER / NO_ANSWER /
 * PRESENCE_TEST.
 *
 * @param station the station
 * @param ack the ack entry's author and the entry it acknowledges
 */
export async function clearAnswered(station: Station, ack: { author: string; entry: string }): Promise<void> {
  const at = isoNow(station.clock);
  for (const code of ["ACK_OVERDUE", "NO_ANSWER"]) {
    await station.store.clearAlarmsOfEntry({ entry: ack.entry, peer: ack.author, code }, at);
  }
  if (ack.author !== station.id) return;
  for (const code of ["ACK_REMINDER", "NO_ANSWER", PRESENCE_TEST]) {
    await station.store.clearAlarmsOfEntry({ entry: ack.entry, peer: null, code }, at);
  }
}

/** How far back, at start, deadlines that passed while the station was stopped are looked for. */
const LOOK_BACK_MS = 7 * 86_400_000;

/** An entry whose deadline has not been dealt with yet. */
interface Awaiting {
  line: string;
  hash: string;
  author: string;
  kind: AckableKind;
  time: string;
  body: unknown;
}

/**
 * Watches acknowledgement deadlines while the station runs. Entries that need an answer are held
 * in memory from their arrival (and, at start, from the last 7 days of the record) until their
 * deadline: then the alarms of whoever has not answered are raised (once each). Open, unattended
 * alarms escalate along the line's chain — the first role at the deadline, the next at twice the
 * deadline, and so on — until acknowledged or cleared by the answer. A presence test arriving
 * raises PRESENCE_TEST here, so the person on watch is asked at once.
 *
 * Between looks the watch sleeps until the next deadline or escalation step among what it holds,
 * and at most {@link MAX_SLEEP_MS}: an entry arriving meanwhile wakes it earlier if its deadline
 * comes first, a change of the line's settings at once.
 */
export class DeadlineWatch {
  readonly #station: Station;
  readonly #logger: PartLogger;
  readonly #awaiting = new Map<string, Awaiting>();
  readonly #wake: WakeTimer;
  /** the work under way: checks and arrivals run one after another, in the order they came */
  #work: Promise<void> = Promise.resolve();

  /**
   * @param station the station
   * @param options the longest it sleeps between looks (default {@link MAX_SLEEP_MS}), where to log
   *   (default the station's logger)
   */
  constructor(station: Station, options: { maxSleepMs?: number; logger?: PartLogger | undefined } = {}) {
    this.#station = station;
    this.#logger = options.logger ?? station.logger.child({ part: "deadlines" });
    this.#wake = new WakeTimer(station.clock, options.maxSleepMs ?? MAX_SLEEP_MS, () => void this.check());
  }

  async start(): Promise<void> {
    // Only the last days' entries (a long record is not read whole at every start).
    const recent = new Date(this.#station.clock.now() - LOOK_BACK_MS).toISOString();
    this.#station.events.on("entries", this.#onEntries);
    await this.#queue(async () => {
      for (const line of await this.#station.store.lines()) {
        for (const kind of ACKABLE_KINDS) {
          for (const stored of await this.#station.store.entriesOfKind(line.id, kind, recent)) {
            await this.#await({ ...stored, line: line.id, kind, body: readStoredEntry(stored, kind).body });
          }
        }
      }
    });
    this.#wake.restart();
    this.#wake.set(null); // looks again at the cap even if this first look fails
    await this.check(); // sets the timer to what is due first
  }

  /** @returns once the work asked so far is done (a failure is logged, not thrown) */
  #queue(fn: () => Promise<void>): Promise<void> {
    this.#work = this.#work.then(fn).catch((error: unknown) => {
      this.#logger.warn({ event: "deadline.watch-failed", error: String(error) }, "deadline watch failed");
    });
    return this.#work;
  }

  stop(): void {
    this.#wake.stop();
    this.#station.events.off("entries", this.#onEntries);
  }

  /**
   * Raises the alarms of deadlines passed, and escalates those nobody attended to; then sleeps
   * until the next deadline or escalation step.
   */
  check(): Promise<void> {
    return this.#queue(async () => {
      const now = this.#station.clock.now();
      let next = Number.POSITIVE_INFINITY;
      const acks = new Map<string, Map<string, Record<string, AckMark>>>();
      for (const awaiting of this.#awaiting.values()) {
        const settings = await this.#station.settings(awaiting.line);
        const due = Date.parse(awaiting.time) + ackWindowOf(awaiting, settings) * 1000;
        if (due > now) {
          next = Math.min(next, due);
          continue;
        }
        if (!acks.has(awaiting.line)) acks.set(awaiting.line, await acksOf(this.#station, awaiting.line));
        await this.#overdue(awaiting, acks.get(awaiting.line)?.get(awaiting.hash) ?? {}, settings);
        this.#awaiting.delete(awaiting.hash);
      }
      next = Math.min(next, await this.#escalate(now));
      this.#wake.set(Number.isFinite(next) ? next : null);
    });
  }

  /** @returns how many entries are waiting for their deadline */
  get waiting(): number {
    return this.#awaiting.size;
  }

  async #await(entry: Awaiting): Promise<void> {
    this.#awaiting.set(entry.hash, entry);
    const station = this.#station;
    const settings = await station.settings(entry.line);
    const due = Date.parse(entry.time) + ackWindowOf(entry, settings) * 1000;
    this.#wake.earlier(due); // one already past (delivered late): at once
    if (entry.kind !== "test" || entry.author === station.id) return;
    if (await station.store.alarmRaised(PRESENCE_TEST, entry.hash, entry.author)) return;
    if (due <= station.clock.now()) return;
    if ((await acksOf(station, entry.line)).get(entry.hash)?.[station.id] !== undefined) return;
    await station.raiseAlarm({
      code: PRESENCE_TEST,
      severity: "warning",
      line: entry.line,
      peer: entry.author,
      entry: entry.hash,
      audience: settings.escalation[0] ?? null,
      detail: `Presence test from ${await this.#nameOf(entry.line, entry.author)}: acknowledge it by ${deadlineOf(entry, settings) ?? ""} to show someone is on watch (hotline ack ${entry.hash.slice(0, 12)})`,
    });
  }

  /** Raises the alarms of an entry whose deadline passed, for each participant that did not answer. */
  async #overdue(entry: Awaiting, marks: Record<string, AckMark>, settings: LineSettings): Promise<void> {
    const station = this.#station;
    const codes = OVERDUE_CODE[entry.kind];
    const what = this.#describe(entry);
    const severity =
      entry.kind === "test" || (entry.body as { precedence?: string }).precedence === "FLASH"
        ? ("critical" as const)
        : ("warning" as const);
    const alarm = { severity, line: entry.line, entry: entry.hash, audience: settings.escalation[0] ?? null };
    if (entry.author === station.id) {
      for (const p of await station.store.participants(entry.line)) {
        if (p.station === station.id || marks[p.station] !== undefined) continue;
        if (await station.store.alarmRaised(codes.atAuthor, entry.hash, p.station)) continue;
        await station.raiseAlarm({
          ...alarm,
          code: codes.atAuthor,
          peer: p.station,
          detail: `${p.name} has not acknowledged ${what} by its deadline`,
        });
      }
      return;
    }
    if (marks[station.id] !== undefined) return;
    await station.store.clearAlarmsOfEntry(
      { entry: entry.hash, peer: null, code: PRESENCE_TEST },
      isoNow(station.clock),
    );
    if (await station.store.alarmRaised(codes.atOwer, entry.hash, entry.author)) return;
    await station.raiseAlarm({
      ...alarm,
      code: codes.atOwer,
      peer: entry.author,
      detail: `${what} from ${await this.#nameOf(entry.line, entry.author)} is past its deadline and not acknowledged here (hotline ack ${entry.hash.slice(0, 12)})`,
    });
  }

  /**
   * Readdresses each unattended alarm to the role its age calls for: chain[k] from (k + 1) × the deadline.
   *
   * @returns when the next step of an alarm is due (ms since the epoch), Infinity if none will be
   */
  async #escalate(now: number): Promise<number> {
    const station = this.#station;
    let next = Number.POSITIVE_INFINITY;
    for (const alarm of await station.store.unattendedAlarms(ESCALATING_CODES)) {
      if (alarm.entry === null || alarm.line === null) continue;
      const entry = await station.store.entryByHash(alarm.entry);
      if (entry === null || !isAckable(entry.kind)) continue;
      const settings = await station.settings(alarm.line);
      const windowMs =
        ackWindowOf({ kind: entry.kind, body: readStoredEntry(entry, entry.kind).body }, settings) * 1000;
      const level = Math.min(
        settings.escalation.length - 1,
        Math.floor((now - Date.parse(entry.time)) / windowMs) - 1,
      );
      const role = settings.escalation[level];
      let reached = alarm.escalation;
      if (level > alarm.escalation && role !== undefined) {
        if (await station.store.escalateAlarm(alarm.id, level, role, isoNow(station.clock))) {
          station.events.emit("alarm", alarm.id);
          reached = level;
        }
      }
      // chain[k + 1] is due at (k + 2) × the deadline; one not later than now (an escalation that
      // did not take) is left to the next look, not retried at once.
      const step = Date.parse(entry.time) + (reached + 2) * windowMs;
      if (reached + 1 < settings.escalation.length && step > now) next = Math.min(next, step);
    }
    return next;
  }

  #describe(entry: Awaiting): string {
    if (entry.kind === "test") return `The presence test of ${entry.time}`;
    const body = entry.body as { precedence: Precedence; text: string };
    const excerpt = body.text.length > 60 ? `${body.text.slice(0, 57)}…` : body.text;
    return `The ${body.precedence} message of ${entry.time} ("${excerpt}")`;
  }

  async #nameOf(line: string, station: string): Promise<string> {
    const participants = await this.#station.store.participants(line);
    return participants.find((p) => p.station === station)?.name ?? station.slice(0, 8);
  }

  readonly #onEntries = (
    entries: readonly {
      hash: string;
      entry: { kind: string; line: string | null; author: string; time: string; body: unknown };
    }[],
  ): void => {
    void this.#queue(async () => {
      for (const { hash, entry } of entries) {
        if (entry.line === null) continue;
        if (entry.kind === "line.settings") {
          // Deadlines and the chain may have moved: look again now, which sets the timer anew.
          void this.check();
        } else if (entry.kind === "ack") {
          await clearAnswered(this.#station, {
            author: entry.author,
            entry: (entry.body as { entry: string }).entry,
          });
        } else if (isAckable(entry.kind)) {
          await this.#await({ ...entry, line: entry.line, kind: entry.kind, hash });
        }
      }
    });
  };

  /** @returns once what the watch was given so far (arrivals, checks) is dealt with */
  settled(): Promise<void> {
    return this.#queue(() => Promise.resolve());
  }
}
