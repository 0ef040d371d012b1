import type { AlarmStore, NewAlarm } from "../../store/mod.js";
import { isoNow, type Clock } from "./clock.js";
import type { StationLogger } from "./logger.js";

/** What the watch needs of the station (not the Station type: the station holds the watch). */
export interface DiskFullHost {
  clock: Pick<Clock, "now">;
  logger: StationLogger;
  store: Pick<AlarmStore, "clearAlarms">;
  raiseAlarm(alarm: NewAlarm): Promise<number>;
}

/** The alarm a full disk leaves. */
export const DISK_FULL = "DISK_FULL";

/**
 * What a station does about a full disk. While it is full every write fails with `DISK_FULL`
 * (messages refused, nothing received, no receipt, no link test recorded: its peers raise
 * `LINK_DOWN` naming `DISK_FULL`), and the station cannot write an alarm either: so it logs the
 * start at once (`disk.full`, a warning), and when a write succeeds again logs `disk.room` and keeps
 * the incident as a `DISK_FULL` alarm (critical), cleared at once since its cause is gone but
 * shown until an operator acknowledges it.
 */
export class DiskFullWatch {
  #station: DiskFullHost | null = null;
  #since: string | null = null;

  /** @param station the station, once open (changes before it are kept for it) */
  attach(station: DiskFullHost): void {
    this.#station = station;
  }

  /** @param full whether the disk is full now (told by the store on each change) */
  changed(full: boolean): void {
    const station = this.#station;
    const now = station === null ? new Date().toISOString() : isoNow(station.clock);
    if (full) {
      this.#since = now;
      station?.logger.warn(
        { event: "disk.full" },
        "The disk is full: every write is refused (DISK_FULL) until there is room",
      );
      return;
    }
    const since = this.#since ?? now;
    this.#since = null;
    station?.logger.info({ event: "disk.room", since }, "The disk has room again: writes go through");
    if (station !== null) void this.#keep(station, since, now);
  }

  async #keep(station: DiskFullHost, since: string, until: string): Promise<void> {
    try {
      await station.raiseAlarm({
        code: DISK_FULL,
        severity: "critical",
        line: null,
        peer: null,
        entry: null,
        detail: `The disk was full from ${since} to ${until}: nothing could be written meanwhile (messages refused, nothing received from peers); keep free space`,
        cause: since,
      });
      await station.store.clearAlarms(
        { line: null, peer: null, codes: [DISK_FULL], cause: since },
        isoNow(station.clock),
      );
    } catch {
      // full again, or the station is closing: the log has it
    }
  }
}
