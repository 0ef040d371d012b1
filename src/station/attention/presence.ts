import { Cron } from "croner";
import { MIN_PRESENCE_GAP_MINUTES, readStoredEntry } from "../../record/mod.js";
import { isoNow, type Timer } from "../core/mod.js";
import type { PartLogger } from "../core/mod.js";
import { suspensionOf } from "../core/mod.js";
import type { Station } from "../core/mod.js";

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
 */
export class PresenceTests {
  readonly #station: Station;
  readonly #everyMs: number;
  readonly #logger: PartLogger;
  /** per line, the time up to which its schedule was looked at */
  readonly #checkedUpTo = new Map<string, number>();
  /** per line, its schedule parsed (only the current one: a line's old schedules are let go) */
  readonly #crons = new Map<string, { pattern: string; cron: Cron }>();
  #startedAt = 0;
  #timer: Timer | null = null;

  /**
   * @param station the station
   * @param options how often to look at the schedules (default every second), a logger
   */
  constructor(station: Station, options: { everyMs?: number; logger?: PartLogger | undefined } = {}) {
    this.#station = station;
    this.#everyMs = options.everyMs ?? 1_000;
    this.#logger = options.logger ?? station.logger.child({ part: "presence" });
  }

  start(): void {
    this.#startedAt = this.#station.clock.now();
    this.#timer = this.#station.clock.setInterval(
      () => void this.check().catch(() => undefined),
      this.#everyMs,
    );
    this.#timer.unref();
  }

  stop(): void {
    this.#station.clock.clearTimer(this.#timer);
    this.#timer = null;
  }

  /**
   * Sends the presence tests whose slot came since the last check (the latest slot of each line).
   *
   * @returns the tests written: line and slot
   */
  async check(): Promise<{ line: string; slot: string; hash: string }[]> {
    const station = this.#station;
    const now = station.clock.now();
    const written: { line: string; slot: string; hash: string }[] = [];
    for (const line of await station.store.lines()) {
      const from = this.#checkedUpTo.get(line.id) ?? this.#startedAt;
      this.#checkedUpTo.set(line.id, now);
      const slot = this.#latestSlot(line.id, (await station.settings(line.id)).presenceSchedule, from, now);
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
    return written;
  }

  /** @returns the latest slot of a line's schedule in (from, now], or null */
  #latestSlot(line: string, pattern: string, from: number, now: number): string | null {
    let parsed = this.#crons.get(line);
    if (parsed?.pattern !== pattern) {
      parsed = { pattern, cron: new Cron(pattern, { timezone: "UTC" }) }; // the entry's schema checked it
      this.#crons.set(line, parsed);
    }
    const { cron } = parsed;
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

  async #sent(line: string, slot: string): Promise<boolean> {
    return (await this.#station.store.entriesOfKind(line, "test")).some(
      (e) => e.author === this.#station.id && readStoredEntry(e, "test").body.slot === slot,
    );
  }
}
