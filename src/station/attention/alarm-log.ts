import type { PartLogger, Station } from "../core/mod.js";

/**
 * Writes every alarm raised to the log (`alarm.raised`, or `alarm.repeated` when its cause was
 * raised again while it is open), so that a log pipeline sees what the console shows: critical
 * ones as warnings, the rest as information.
 */
export class AlarmLog {
  readonly #station: Station;
  readonly #logger: PartLogger;
  /** alarms logged one after another, in the order they were raised */
  #work: Promise<void> = Promise.resolve();

  /**
   * @param station the station whose alarms are logged
   * @param options where to log (default the station's logger)
   */
  constructor(station: Station, options: { logger?: PartLogger | undefined } = {}) {
    this.#station = station;
    this.#logger = options.logger ?? station.logger.child({ part: "alarms" });
  }

  start(): void {
    this.#station.events.on("alarm", this.#hear);
  }

  stop(): void {
    this.#station.events.off("alarm", this.#hear);
  }

  readonly #hear = (id: number, repeat?: boolean): void => {
    this.#work = this.#work.then(async () => {
      try {
        const alarm = await this.#station.store.alarm(id);
        if (alarm === null) return;
        const fields = {
          event: repeat === true ? "alarm.repeated" : "alarm.raised",
          alarm: alarm.id,
          code: alarm.code,
          severity: alarm.severity,
          line: alarm.line,
          peer: alarm.peer,
          count: alarm.count,
        };
        if (alarm.severity === "critical") this.#logger.warn(fields, alarm.detail);
        else this.#logger.info(fields, alarm.detail);
      } catch {
        // the store is closing: the station is stopping
      }
    });
  };
}
