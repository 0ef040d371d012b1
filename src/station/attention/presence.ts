import { Cron } from "croner";
import { MIN_PRESENCE_GAP_MINUTES, readStoredEntry } from "../../record/mod.js";
import { isoNow } from "../core/mod.js";
import type { PartLogger } from "../core/mod.js";
import { suspensionOf } from "../core/mod.js";
import type { Station } from "../core/mod.js";
import { MAX_SLEEP_MS, WakeTimer } from "./wake-timer.js";

/**
 * Most schedule slots looked at in one check: slots are at least MIN_PRESENCE_GAP_MINUTES apart (a
 * rule of the record), so this covers a stall of days; after a longer one the latest slot is
 * looked for from the stall's end.
 */
const MAX_SLOTS_PER_CHECK = 1_000;

/**
 * Presence tests: on each line's schedule (`presenceSchedule`, cron in UTC) this station writes a
 * signed `test` entry, which every other participant's operators must acknowledge within the
 * line's `presenceDeadline` — proof that a person is on watch there (the DeadlineWatch raises
 * NO_ANSWER at both ends when nobody does).
 *
 * Only slots that fall while the station runs are sent: a slot missed while it was stopped is not
 * sent late. A suspended line gets none (nobody owes a watch on it); a line with no other
 * participant neither. At most one test per slot and line, even across a restart.
 *
 * Between looks it sleeps until the next slot of any line, and at most {@link MAX_SLEEP_MS}; a line
 * created here or a change of a line's settings wakes it at once.
 */
export class PresenceTests {
  readonly #station: Station;
  readonly #logger: PartLogger;
  readonly #wake: WakeTimer;
  /** per line, the time up to which its schedule was looked at */
  readonly #checkedUpTo = new Map<string, number>();
  /** per line, its schedule parsed (only the current one: a line's old schedules are let go) */
  readonly #crons = new Map<string, { pattern: string; cron: Cron }>();
  #startedAt = 0;
  /** the checks asked so far, one after another: two at once could both send a slot's test */
  #running: Promise<unknown> = Promise.resolve();

  /**
   * @param station the station
   * @param options the longest it sleeps between looks at the schedules (default
   *   {@link MAX_SLEEP_MS}), a logger
   */
  constructor(station: Station, options: { maxSleepMs?: number; logger?: PartLogger | undefined } = {}) {
    this.#station = station;
    this.#logger = options.logger ?? station.logger.child({ part: "presence" });
    this.#wake = new WakeTimer(
      station.clock,
      options.maxSleepMs ?? MAX_SLEEP_MS,
      () => void this.check().catch(() => undefined),
    );
  }

  start(): void {
    this.#startedAt = this.#station.clock.now();
    this.#wake.restart();
    this.#wake.set(null); // looks again at the cap even if this first look fails
    this.#station.events.on("entries", this.#onEntries);
    void this.check().catch(() => undefined); // sets the timer to the first slot
  }

  stop(): void {
    this.#wake.stop();
    this.#station.events.off("entries", this.#onEntries);
  }

  /**
   * Sends the presence tests whose slot came since the last check (the latest slot of each line),
   * then sleeps until the next slot.
   *
   * @returns the tests written: line and slot
   */
  check(): Promise<{ line: string; slot: string; hash: string }[]> {
    const now = this.#station.clock.now(); // the time it was asked at, not the time its turn came
    const run = this.#running.then(() => this.#check(now));
    this.#running = run.catch(() => undefined);
    return run;
  }

  async #check(now: number): Promise<{ line: string; slot: string; hash: string }[]> {
    const station = this.#station;
    const written: { line: string; slot: string; hash: string }[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (const line of await station.store.lines()) {
      const from = this.#checkedUpTo.get(line.id) ?? this.#startedAt;
      this.#checkedUpTo.set(line.id, now);
      const schedule = this.#cronOf(line.id, (await station.settings(line.id)).presenceSchedule);
      next = Math.min(next, schedule.nextRun(new Date(now))?.getTime() ?? Number.POSITIVE_INFINITY);
      const slot = latestSlot(schedule, from, now);
      if (slot === null) continue;
      if ((await station.store.participants(line.id)).length < 2) continue;
      if ((await suspensionOf(station.store, line.id)) !== null) {
        this.#logger.info(
          { event: "presence.skipped", line: line.id, slot },
          "presence test not sent: the line is suspended",
        );
        continue;
      }
      if (await this.#sent(line.id, slot)) continue;
      try {
        const sealed = await station.write(line.id, { kind: "test", body: { slot } });
        written.push({ line: line.id, slot, hash: sealed.hash });
        this.#logger.info(
          { event: "presence.sent", line: line.id, slot, at: isoNow(station.clock) },
          "presence test sent",
        );
      } catch (error) {
        this.#logger.warn(
          { event: "presence.failed", line: line.id, slot, error: String(error) },
          "presence test not sent",
        );
      }
    }
    this.#wake.set(Number.isFinite(next) ? next : null);
    return written;
  }

  /** @returns a line's schedule, parsed once while it stays the same */
  #cronOf(line: string, pattern: string): Cron {
    let parsed = this.#crons.get(line);
    if (parsed?.pattern !== pattern) {
      parsed = { pattern, cron: new Cron(pattern, { timezone: "UTC" }) }; // the entry's schema checked it
      this.#crons.set(line, parsed);
    }
    return parsed.cron;
  }

  /** A line created here or its settings changed: its next slot may come before the one slept for. */
  readonly #onEntries = (entries: readonly { entry: { kind: string } }[]): void => {
    if (entries.some((e) => e.entry.kind === "line.genesis" || e.entry.kind === "line.settings")) {
      void this.check().catch(() => undefined);
    }
  };

  async #sent(line: string, slot: string): Promise<boolean> {
    return (await this.#station.store.entriesOfKind(line, "test")).some(
      (e) => e.author === this.#station.id && readStoredEntry(e, "test").body.slot === slot,
    );
  }
}

/** @returns the latest slot of a schedule in (from, now], or null */
function latestSlot(cron: Cron, from: number, now: number): string | null {
  let latest: Date | null = null;
  let next = cron.nextRun(
    new Date(Math.max(from, now - MAX_SLOTS_PER_CHECK * MIN_PRESENCE_GAP_MINUTES * 60_000)),
  );
  for (let i = 0; next !== null && next.getTime() <= now && i < MAX_SLOTS_PER_CHECK; i++) {
    latest = next;
    next = cron.nextRun(next);
  }
  return latest?.toISOString() ?? null;
}
