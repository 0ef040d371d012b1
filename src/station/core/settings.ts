import { readStoredEntry } from "../../record/mod.js";
import type { EntryStore, StoredEntry } from "../../store/mod.js";

import { witnessOrder, type Witnessed } from "./order.js";
import { seenAlong } from "./seen-fold.js";

/** What reading a line's settings needs of the store. */
type SettingsReads = Pick<EntryStore, "entriesOfKind" | "entryPlace" | "chainAfter">;
import type { LineSettings, Suspension } from "../views/mod.js";

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
 * The settings in force on a line. Changes apply in an order every station computes alike: each
 * after every change its author had seen (so a later change that saw an earlier one wins, whatever
 * time either claims: a peer cannot date a change ahead to outlast the other side's answer to it),
 * concurrent ones by (time, author, seq).
 *
 * @param store the store
 * @param line a line id
 * @returns the settings
 */
export async function settingsOf(store: SettingsReads, line: string): Promise<LineSettings> {
  const stored = await store.entriesOfKind(line, "line.settings");
  const changes = witnessOrder(
    await Promise.all(
      stored.map(async (e) => {
        const entry = readStoredEntry(e, "line.settings");
        return { ...(await witnessed(store, e, stored)), body: entry.body };
      }),
    ),
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

/**
 * An entry with what its author had seen, as seqs: for {@link witnessOrder}. What it had seen is
 * the fold of `seen` along its chain (an entry names only the heads that moved since its author's
 * previous one), asked only of the authors of the entries it is ordered among.
 */
async function witnessed(
  store: SettingsReads,
  stored: StoredEntry,
  among: readonly StoredEntry[],
): Promise<Witnessed> {
  const wanted = new Set(among.map((e) => e.author).filter((a) => a !== stored.author));
  const seenSeq: Record<string, number> = {};
  const fold =
    wanted.size === 0
      ? new Map<string, string>()
      : await seenAlong(store, stored.line, stored.author, stored.seq, { wanted });
  for (const [author, hash] of fold) {
    seenSeq[author] = (await store.entryPlace(hash))?.seq ?? 0;
  }
  return { author: stored.author, seq: stored.seq, time: stored.time, seenSeq };
}

/**
 * @param store the store
 * @param line a line id
 * @returns the suspension in force, or null when the line is in service (the latest of
 *   `line.suspend` and `line.resume` decides, in the order of {@link witnessOrder})
 */
export async function suspensionOf(store: SettingsReads, line: string): Promise<Suspension | null> {
  const stored = [
    ...(await store.entriesOfKind(line, "line.suspend")),
    ...(await store.entriesOfKind(line, "line.resume")),
  ];
  const changes = witnessOrder(
    await Promise.all(
      stored.map(async (e) => {
        const entry = readStoredEntry(e, e.kind as "line.suspend" | "line.resume");
        return { ...(await witnessed(store, e, stored)), kind: entry.kind, body: entry.body };
      }),
    ),
  );
  const last = changes.at(-1);
  // a line.suspend's body has its reason; a resume's has none
  if (last === undefined || last.kind === "line.resume" || !("reason" in last.body)) return null;
  const body = last.body;
  return { since: last.time, station: last.author, by: body.operator, reason: body.reason };
}
