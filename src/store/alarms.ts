import type { AlarmRow } from "./rows.js";

/** The part of an alarm its raiser gives. */
export type NewAlarm = Omit<
  AlarmRow,
  | "id"
  | "raisedAt"
  | "count"
  | "lastRaisedAt"
  | "clearedAt"
  | "ackedBy"
  | "ackedAt"
  | "audience"
  | "escalation"
  | "escalatedAt"
> & {
  audience?: string | null;
  /**
   * With the code, what makes a later raising the same alarm while it is open (not cleared): by
   * default its line, peer and entry. An EQUIVOCATION is one per (line, author), say, however
   * many entries the author forged.
   */
  cause?: string | undefined;
};

/**
 * What raising an alarm did: a new alarm; or a repeat of an open one, counted on its row
 * (`repeated`), which an operator had acknowledged or which is now more severe (`reopened`: it is
 * unacknowledged again and as severe as the new raising).
 */
export interface RaisedAlarm {
  id: number;
  outcome: "raised" | "repeated" | "reopened";
}

/** Alarms: raised once per cause, acknowledged, escalated, cleared. */
export interface AlarmStore {
  /**
   * Raises an alarm, once per cause: if an alarm of the same code and cause is open (not cleared,
   * acknowledged or not), that one counts the raising (`count`, `lastRaisedAt`) instead of a new
   * row. A repeat of an acknowledged alarm makes it unacknowledged again (once: the next repeat
   * finds it so); a more severe repeat raises its severity. Its first detail stays.
   *
   * @returns the alarm's id, and whether it is new, repeated or reopened
   */
  raiseAlarm(alarm: NewAlarm & { raisedAt: string }): Promise<RaisedAlarm>;
  /**
   * @returns alarms, newest first: unless all, those still active, and warnings and critical ones
   *   not yet acknowledged
   */
  alarms(options?: { all?: boolean }): Promise<AlarmRow[]>;
  /** @returns the alarm with that id, or null */
  alarm(id: number): Promise<AlarmRow | null>;
  /** @returns whether an alarm of a code about an entry and a peer was ever raised */
  alarmRaised(code: string, entry: string, peer: string | null): Promise<boolean>;
  /**
   * Marks the open alarms of some codes on a line and peer cleared (with `cause`: only those raised
   * for that cause; a null line or peer: the station's own alarms, about no line or peer). @returns how many
   */
  clearAlarms(
    where: { line: string | null; peer: string | null; codes: readonly string[]; cause?: string | undefined },
    at: string,
  ): Promise<number>;
  /** Clears open alarms of a code about an entry (and a peer, unless null: any peer). @returns how many */
  clearAlarmsOfEntry(
    where: { entry: string; peer: string | null; code: string },
    at: string,
  ): Promise<number>;
  /** Addresses an open alarm to a role further along its chain. @returns false if it is not open */
  escalateAlarm(id: number, level: number, audience: string, at: string): Promise<boolean>;
  /** @returns the alarms of some codes neither cleared nor acknowledged, oldest first */
  unattendedAlarms(codes: readonly string[]): Promise<AlarmRow[]>;
  /** @returns false if there is no such alarm */
  ackAlarm(id: number, by: string, at: string): Promise<boolean>;
}
