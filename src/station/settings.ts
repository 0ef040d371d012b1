import type { BodyOf } from "../record/mod.js";
import type { Store } from "../store/mod.js";
import type { LineSettings, Suspension } from "./views.js";

/**
 * Defaults: a link test every 5 s; presence tests 06:00 and 18:00 UTC, answered within 10 min;
 * FLASH 2 min … ROUTINE 4 h; escalation officer → supervisor → admin.
 */
export const DEFAULT_SETTINGS: LineSettings = {
  testInterval: 5,
  presenceSchedule: "0 6,18 * * *",
  presenceDeadline: 600,
  ackDeadlines: { FLASH: 120, IMMEDIATE: 600, PRIORITY: 1800, ROUTINE: 14_400 },
  escalation: ["officer", "supervisor", "admin"],
  noticeHours: {},
  maxWindowHours: 30 * 24,
};

/**
 * The settings in force on a line. Changes apply in a fixed order every station computes alike
 * (entry time, then author, then seq), so both ends always agree whatever order they arrived in.
 *
 * @param store the store
 * @param line a line id
 * @returns the settings
 */
export function settingsOf(store: Store, line: string): LineSettings {
  const changes = store
    .entriesOfKind(line, "line.settings")
    .map((stored) => ({
      stored,
      body: (JSON.parse(stored.bytes.toString("utf8")) as { body: SettingsBody }).body,
    }))
    .sort(
      (a, b) =>
        compare(a.stored.time, b.stored.time) ||
        compare(a.stored.author, b.stored.author) ||
        a.stored.seq - b.stored.seq,
    );
  const settings: LineSettings = {
    ...DEFAULT_SETTINGS,
    ackDeadlines: { ...DEFAULT_SETTINGS.ackDeadlines },
    escalation: [...DEFAULT_SETTINGS.escalation],
    noticeHours: { ...DEFAULT_SETTINGS.noticeHours },
  };
  for (const { body } of changes) {
    const { ackDeadlines, noticeHours, operator: _operator, ...rest } = body;
    for (const [key, value] of Object.entries(rest)) {
      if (value !== undefined) Object.assign(settings, { [key]: value });
    }
    Object.assign(settings.ackDeadlines, ackDeadlines ?? {});
    Object.assign(settings.noticeHours, noticeHours ?? {});
  }
  return settings;
}

type SettingsBody = BodyOf<"line.settings">;

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * @param store the store
 * @param line a line id
 * @returns the suspension in force, or null when the line is in service (the latest of
 *   `line.suspend` and `line.resume` decides, in time, author, seq order)
 */
export function suspensionOf(store: Store, line: string): Suspension | null {
  const changes = [
    ...store.entriesOfKind(line, "line.suspend"),
    ...store.entriesOfKind(line, "line.resume"),
  ].sort((a, b) => compare(a.time, b.time) || compare(a.author, b.author) || a.seq - b.seq);
  const last = changes.at(-1);
  if (last === undefined || last.kind === "line.resume") return null;
  const body = (JSON.parse(last.bytes.toString("utf8")) as { body: { reason: string; operator: string } })
    .body;
  return { since: last.time, station: last.author, by: body.operator, reason: body.reason };
}
