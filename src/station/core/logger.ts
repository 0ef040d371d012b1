/** Where the station and its parts report what they do; pino fits. */
export interface StationLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  /** @returns a logger whose lines carry these fields too (e.g. `{ part: "outbox" }`) */
  child(bindings: Record<string, unknown>): StationLogger;
}

/** What a part of the station (outbox, couriers, link tests, hooks) logs through: pino fits. */
export type PartLogger = Pick<StationLogger, "info" | "warn">;

/** A logger that says nothing: the default when none is given. */
export const silentLogger: StationLogger = {
  info: () => undefined,
  warn: () => undefined,
  child: () => silentLogger,
};
