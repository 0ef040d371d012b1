/**
 * What every line a station logs carries: a stable name for its kind of event (`link.down`,
 * `peer.push.refused`), which log pipelines filter on; the message beside it is for people and may
 * change. The list is in docs/operator-guide.md ("Log events").
 */
export interface LogFields {
  event: string;
  [field: string]: unknown;
}

/** Where the station and its parts report what they do; pino fits. */
export interface StationLogger {
  info(obj: LogFields, msg: string): void;
  warn(obj: LogFields, msg: string): void;
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
