import type { SealedEntry } from "../../record/mod.js";
import { conflictsAmong, type OwnedVolume } from "./conflicts.js";
import { shapeOf } from "./geometry.js";
import { NOTIFY_KINDS, notificationsOf } from "./notify.js";
import type { PartLogger, Station } from "../core/mod.js";
import { SHARED_ZONE_KINDS, sharedZoneVolumes, sharedZonesOf } from "./shared-zones.js";
import type { Conflict, NotificationView, SharedZoneView } from "../views/mod.js";
import { zoneVolumes } from "./zones.js";

/** Notification types whose conflicts are critical alarms. */
const CRITICAL_TYPES: ReadonlySet<string> = new Set(["nuclear-exercise", "missile-launch"]);

/**
 * @param notifications a line's notifications
 * @returns the volumes of those in force, owned by their current hash
 */
export function volumesOf(notifications: readonly NotificationView[]): OwnedVolume[] {
  return notifications
    .filter((n) => n.state === "active")
    .flatMap((n) =>
      n.volumes.map((v, index) => ({
        owner: n.hash,
        index,
        line: n.line,
        critical: CRITICAL_TYPES.has(n.type),
        shape: shapeOf(v),
      })),
    );
}

/**
 * The conflicts on a line (or every line): between its notifications in force, and between them
 * and the zones shared on the line or kept by this station. Computed from the record and the
 * zones, never stored as truth.
 *
 * @param station the station
 * @param options a line (id, prefix or name), else every line
 * @returns the conflicts, by id
 */
export async function conflictsOf(
  station: Station,
  options: { line?: string | undefined } = {},
): Promise<Conflict[]> {
  const lines =
    options.line === undefined
      ? (await station.store.lines()).map((l) => l.id)
      : [(await station.resolveLine(options.line)).id];
  const zones = await zoneVolumes(station);
  const conflicts: Conflict[] = [];
  for (const line of lines) {
    conflicts.push(
      ...lineConflicts(await notificationsOf(station, line), await sharedZonesOf(station, line), zones),
    );
  }
  return conflicts;
}

/**
 * One line's conflicts, from what has been read of it already.
 *
 * @param notifications the line's notifications
 * @param shared the zones shared on it
 * @param zones this station's own zones and plans, as volumes
 * @returns the conflicts, by id
 */
export function lineConflicts(
  notifications: readonly NotificationView[],
  shared: readonly SharedZoneView[],
  zones: readonly OwnedVolume[],
): Conflict[] {
  return conflictsAmong(volumesOf(notifications), [...sharedZoneVolumes(shared), ...zones]);
}

/**
 * Brings a line's LATE_NOTICE and CONFLICT alarms in line with its record: a late notification
 * raises LATE_NOTICE once; a new conflict raises CONFLICT (critical for nuclear exercises and
 * missile launches); a conflict gone (an update, a cancel, a zone removed) has its alarm cleared.
 * Idempotent, so writers and the watch may both call it.
 *
 * @param station the station
 * @param line a line id
 * @returns the line's conflicts
 */
export async function syncNotifyAlarms(station: Station, line: string): Promise<Conflict[]> {
  const notifications = await notificationsOf(station, line);
  for (const n of notifications) {
    if (!n.late || n.state !== "active" || (await station.store.alarmRaised("LATE_NOTICE", n.id, null)))
      continue;
    await station.raiseAlarm({
      code: "LATE_NOTICE",
      severity: "warning",
      line,
      peer: null,
      entry: n.id,
      detail: `Notification '${n.title}' (${n.type}) from ${n.stationName} came ${-(n.marginHours ?? 0)} h later than the line's ${n.noticeHours} h notice`,
    });
  }
  const shared = await sharedZonesOf(station, line);
  const conflicts = lineConflicts(notifications, shared, await zoneVolumes(station));
  const ids = new Set(conflicts.map((c) => c.id));
  const open = new Set<string>();
  const at = new Date(station.clock.now()).toISOString();
  for (const alarm of await station.store.alarms()) {
    if (alarm.code !== "CONFLICT" || alarm.line !== line || alarm.clearedAt !== null || alarm.entry === null)
      continue;
    if (ids.has(alarm.entry)) open.add(alarm.entry);
    else await station.store.clearAlarmsOfEntry({ entry: alarm.entry, peer: null, code: "CONFLICT" }, at);
  }
  const titles = new Map([
    ...notifications.map((n): [string, string] => [n.hash, `'${n.title}' (${n.stationName})`]),
    ...shared.map((z): [string, string] => [z.id, `zone '${z.name}' (shared by ${z.stationName})`]),
  ]);
  for (const c of conflicts) {
    if (open.has(c.id)) continue;
    await station.raiseAlarm({
      code: "CONFLICT",
      severity: c.severity,
      line,
      peer: null,
      entry: c.id,
      detail: `Conflict ${c.id.slice(0, 12)}: ${titles.get(c.a) ?? c.a} and ${titles.get(c.b) ?? c.b} overlap from ${c.from} to ${c.to}, ${c.minAltitude}–${c.maxAltitude} m`,
    });
  }
  return conflicts;
}

/** Keeps LATE_NOTICE and CONFLICT alarms in line with the record as entries arrive, in a running station. */
export class NotifyWatch {
  readonly #station: Station;
  readonly #logger: PartLogger;

  /**
   * @param station the station
   * @param options where to log (default the station's logger)
   */
  constructor(station: Station, options: { logger?: PartLogger | undefined } = {}) {
    this.#station = station;
    this.#logger = options.logger ?? station.logger.child({ part: "notify" });
  }

  async start(): Promise<void> {
    for (const line of await this.#station.store.lines()) await syncNotifyAlarms(this.#station, line.id);
    this.#station.events.on("entries", this.#onEntries);
  }

  stop(): void {
    this.#station.events.off("entries", this.#onEntries);
  }

  /** alarms synced one change after another, in the order entries came */
  #work: Promise<void> = Promise.resolve();

  readonly #onEntries = (entries: SealedEntry[]): void => {
    this.#work = this.#work
      .then(() => this.#sync(entries))
      .catch((error: unknown) => {
        this.#logger.warn(
          { event: "notify.alarms-failed", error: String(error) },
          "notification alarms not kept in line with the record",
        );
      });
  };

  async #sync(entries: SealedEntry[]): Promise<void> {
    const lines = new Set<string>();
    for (const e of entries) {
      const kind = e.entry.kind as string;
      if (
        (NOTIFY_KINDS as readonly string[]).includes(kind) ||
        (SHARED_ZONE_KINDS as readonly string[]).includes(kind) ||
        kind === "line.settings"
      )
        lines.add(e.entry.line ?? "");
    }
    for (const line of lines) await syncNotifyAlarms(this.#station, line);
  }
}

/**
 * After a zone changed: every line's alarms again.
 *
 * @param station the station
 */
export async function syncAllNotifyAlarms(station: Station): Promise<void> {
  for (const line of await station.store.lines()) await syncNotifyAlarms(station, line.id);
}
