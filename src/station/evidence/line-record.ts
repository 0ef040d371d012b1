import type { Head, ParticipantRow, StatementRow, StoredEntry } from "../../store/mod.js";
import type { Station } from "../core/mod.js";
import type { LineInfo } from "../../store/mod.js";

/** A line's record as this station holds it, with its peers' latest signed heads. */
export interface LineRecord {
  line: LineInfo;
  /** every entry, in storage order */
  entries: StoredEntry[];
  /** the head of every chain */
  heads: Head[];
  /** the newest head statement of each station, by station */
  statements: StatementRow[];
  participants: ParticipantRow[];
}

/**
 * @param station the station
 * @param ref a line id, prefix or name
 * @returns the line's record and its peers' statements, for comparing them (the record summary)
 */
export async function lineRecord(station: Station, ref: string): Promise<LineRecord> {
  const line = await station.resolveLine(ref);
  return {
    line,
    entries: await station.store.entries(line.id),
    heads: await station.store.heads(line.id),
    statements: await station.store.latestStatements(line.id),
    participants: await station.store.participants(line.id),
  };
}

/**
 * @param station the station
 * @param line a line id
 * @param author a chain's author
 * @param after the seq to continue after
 * @param limit the most entries
 * @returns entries of one chain with seq > after, oldest first (what a peer catching up asks for)
 */
export function chainPage(
  station: Station,
  line: string,
  author: string,
  after: number,
  limit: number,
): Promise<StoredEntry[]> {
  return station.store.chainAfter(line, author, after, limit);
}
