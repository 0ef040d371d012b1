import { readStoredEntry } from "../../record/mod.js";
import { isAckable } from "../attention/mod.js";
import type { Station } from "../core/mod.js";

/** Entries read from the store at a time while a line's ledger catches up. */
const PAGE = 1_000;

/** What a line's ack counts are made of, kept in memory and moved on with each entry that arrives. */
interface Ledger {
  /** the arrival number (n) of the last entry taken in */
  lastN: number;
  /** every message that asks for acknowledgement: its hash and author */
  messages: { hash: string; author: string }[];
  /** for each acknowledged entry, the stations that acknowledged it */
  acks: Map<string, Set<string>>;
}

const ledgers = new WeakMap<Station, Map<string, Ledger>>();

/**
 * How many messages from others this station has not acknowledged on a line, and how many of its
 * own some other participant has not. The status asks on every entry that arrives while a console
 * is open, so the line's messages and acknowledgements are read once and then only the entries
 * that arrived since (by arrival number), not the whole record each time: on a line of 100,000
 * messages a status was a read and parse of all of them.
 *
 * @param station the station
 * @param line a line id
 * @returns the counts
 */
export async function ackCounts(
  station: Station,
  line: string,
): Promise<{ unacked: number; awaitingAcks: number }> {
  const mine = ledgers.get(station) ?? new Map<string, Ledger>();
  ledgers.set(station, mine);
  const ledger: Ledger = mine.get(line) ?? { lastN: 0, messages: [], acks: new Map() };
  mine.set(line, ledger);
  for (;;) {
    const page = await station.store.entriesAfter(line, ledger.lastN, PAGE);
    for (const stored of page) {
      // (two status calls at once may read the same page: each entry is taken in once)
      if (stored.n <= ledger.lastN) continue;
      ledger.lastN = stored.n;
      if (isAckable(stored.kind)) ledger.messages.push({ hash: stored.hash, author: stored.author });
      else if (stored.kind === "ack") {
        const acked = readStoredEntry(stored, "ack").body.entry;
        const by = ledger.acks.get(acked) ?? new Set<string>();
        by.add(stored.author);
        ledger.acks.set(acked, by);
      }
    }
    if (page.length < PAGE) break;
  }
  const me = station.id;
  const others = ((await station.membersOf(line)) ?? [])
    .filter((m) => m.active && m.station !== me)
    .map((m) => m.station);
  let unacked = 0;
  let awaitingAcks = 0;
  for (const message of ledger.messages) {
    const by = ledger.acks.get(message.hash);
    if (message.author !== me) {
      if (by?.has(me) !== true) unacked++;
    } else if (others.some((id) => by?.has(id) !== true)) awaitingAcks++;
  }
  return { unacked, awaitingAcks };
}
