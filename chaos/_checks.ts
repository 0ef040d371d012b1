/**
 * The end of a chaos run: what every station's record must show once everything is healed.
 *
 * @module
 */
/** A message a station accepted: its answer said stored. */
export interface Accepted {
  line: string;
  author: string;
  seq: number;
  hash: string;
  /** the station's name, for the report */
  station: string;
}

/** Something that should not have happened. */
export interface Violation {
  what: string;
  detail: string;
}

/** An entry of a station's log, as much of it as the checks read. */
interface Held {
  hash: string;
  author: string;
  seq: number;
}

/**
 * Every entry any station accepted is at every station exactly once, and the heads agree.
 *
 * @param logs each station's log of the line
 * @param accepted what the stations accepted
 * @param stations the stations (names of authors)
 * @returns the violations, none when all holds
 */
export function checkRecords(
  logs: readonly { station: string; entries: readonly Held[] }[],
  accepted: readonly Accepted[],
  stations: readonly { id: string; name: string }[],
): Violation[] {
  const violations: Violation[] = [];
  const nameOf = (id: string) => stations.find((s) => s.id === id)?.name ?? id.slice(0, 8);
  const headsOf = (entries: readonly Held[]) => {
    const heads = new Map<string, number>();
    for (const e of entries) heads.set(e.author, Math.max(heads.get(e.author) ?? 0, e.seq));
    return heads;
  };
  for (const { station, entries } of logs) {
    const byHash = new Map<string, number>();
    const byPlace = new Map<string, string>();
    for (const e of entries) {
      byHash.set(e.hash, (byHash.get(e.hash) ?? 0) + 1);
      const place = `${e.author} ${e.seq}`;
      const other = byPlace.get(place);
      if (other !== undefined && other !== e.hash) {
        violations.push({
          what: `two entries in one place at ${station}`,
          detail: `${nameOf(e.author)} seq ${e.seq}: ${other.slice(0, 12)} and ${e.hash.slice(0, 12)}`,
        });
      }
      byPlace.set(place, e.hash);
    }
    const doubled = [...byHash].filter(([, count]) => count > 1);
    if (doubled.length > 0) {
      violations.push({
        what: `entries held more than once at ${station}`,
        detail: doubled.map(([hash, count]) => `${hash.slice(0, 12)} ×${count}`).join(", "),
      });
    }
    const missing = accepted.filter((a) => byHash.get(a.hash) === undefined);
    if (missing.length > 0) {
      violations.push({
        what: `accepted entries missing at ${station}`,
        detail: `${missing.length}, e.g. ${missing
          .slice(0, 5)
          .map((a) => `${a.station} seq ${a.seq} ${a.hash.slice(0, 12)}`)
          .join(", ")}`,
      });
    }
    const replaced = accepted.filter((a) => {
      const held = byPlace.get(`${a.author} ${a.seq}`);
      return held !== undefined && held !== a.hash;
    });
    if (replaced.length > 0) {
      violations.push({
        what: `accepted entries replaced at ${station}`,
        detail: replaced.map((a) => `${a.station} seq ${a.seq}: accepted ${a.hash.slice(0, 12)}`).join(", "),
      });
    }
  }
  const [first, ...rest] = logs;
  if (first !== undefined) {
    const reference = headsOf(first.entries);
    for (const other of rest) {
      const heads = headsOf(other.entries);
      for (const author of new Set([...reference.keys(), ...heads.keys()])) {
        if (reference.get(author) !== heads.get(author)) {
          violations.push({
            what: "heads differ",
            detail: `${nameOf(author)}'s chain: seq ${reference.get(author) ?? 0} at ${first.station}, ${heads.get(author) ?? 0} at ${other.station}`,
          });
        }
      }
    }
  }
  return violations;
}
