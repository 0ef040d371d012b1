import { HotlineError } from "../../record/mod.js";
import { isoNow } from "../core/mod.js";
import { PERMISSIONS, requireRole } from "../core/mod.js";
import type { Station } from "../core/mod.js";
import type { AlarmView } from "../views/mod.js";

/**
 * @param station the station
 * @param options all alarms, or only those still active and the warnings and critical ones not yet acknowledged
 * @returns the alarms, newest first
 */
export async function alarmsOf(station: Station, options: { all?: boolean } = {}): Promise<AlarmView[]> {
  return await station.store.alarms(options);
}

/**
 * An operator acknowledges an alarm: it has been seen (it stays active until its cause clears).
 *
 * @param station the station
 * @param id the alarm
 * @param operator who acknowledges it
 * @returns the alarm after
 */
export async function ackAlarm(station: Station, id: number, operator: string): Promise<AlarmView> {
  await requireRole(station, operator, PERMISSIONS.ackAlarm);
  if (!(await station.store.ackAlarm(id, operator, isoNow(station.clock)))) {
    throw new HotlineError("NOT_FOUND", `Cannot acknowledge alarm ${id}: there is no such alarm`);
  }
  return (await station.store.alarm(id)) as AlarmView;
}

/**
 * @param station the station
 * @param id an alarm's id
 * @returns the alarm, or null if there is none
 */
export function alarmOf(station: Station, id: number): Promise<AlarmView | null> {
  return station.store.alarm(id);
}
