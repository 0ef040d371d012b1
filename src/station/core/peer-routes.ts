import { readStoredEntry, type Route } from "../../record/mod.js";
import type { EntryStore } from "../../store/mod.js";

/** The name of the route that is a station's address from pairing (its station.json `url`). */
export const PRIMARY_ROUTE = "primary";

/** What reading routes from the record needs of the store. */
type RouteReads = Pick<EntryStore, "entriesOfKind" | "participants">;

/**
 * @param store the station's store
 * @param line a line
 * @param peer a participant of it
 * @param url the address it paired with, when the caller holds its row already (a status names
 *   every participant: reading all of them again for each was O(N²) a status)
 * @param onLine what every participant announced on the line ({@link announcedRoutesOn}), when the
 *   caller asks for each participant's (read once: not all announcements again for each)
 * @returns the peer's routes on the line, most preferred first: what it last announced there, or
 *   the address it paired with; empty if it is not a participant
 */
export async function peerRoutes(
  store: RouteReads,
  line: string,
  peer: string,
  url?: string,
  onLine?: ReadonlyMap<string, Route[]>,
): Promise<Route[]> {
  const announced =
    onLine === undefined ? await announcedRoutes(store, line, peer) : (onLine.get(peer) ?? null);
  if (announced !== null) return sortRoutes(announced);
  const paired = url ?? (await store.participants(line)).find((row) => row.station === peer)?.url;
  return paired === undefined ? [] : [primaryOf(paired)];
}

/**
 * @param store the station's store
 * @param line a line
 * @param author a participant of it
 * @returns what the author last announced on the line (its highest seq), or null if it never did
 */
export async function announcedRoutes(
  store: RouteReads,
  line: string,
  author: string,
): Promise<Route[] | null> {
  return (await announcedRoutesOn(store, line, author)).get(author) ?? null;
}

/**
 * @param store the station's store
 * @param line a line
 * @param only one author to read (the others' announcements are not parsed), or every author
 * @returns per participant that announced routes on the line, what it last announced (its highest
 *   seq; one read of the line's announcements, for a caller that names every participant)
 */
export async function announcedRoutesOn(
  store: RouteReads,
  line: string,
  only?: string,
): Promise<Map<string, Route[]>> {
  const newest = new Map<string, { seq: number; routes: Route[] }>();
  for (const stored of await store.entriesOfKind(line, "route.announce")) {
    if (only !== undefined && stored.author !== only) continue;
    const had = newest.get(stored.author);
    if (had !== undefined && stored.seq < had.seq) continue;
    newest.set(stored.author, {
      seq: stored.seq,
      routes: readStoredEntry(stored, "route.announce").body.routes,
    });
  }
  return new Map([...newest].map(([author, { routes }]) => [author, routes]));
}

/** @returns the route a participant has before it announces any: the address it paired with */
export function primaryOf(url: string): Route {
  return { name: PRIMARY_ROUTE, url, priority: 0 };
}

/** @returns routes most preferred first: by priority, then name */
export function sortRoutes(routes: readonly Route[]): Route[] {
  return [...routes].sort((a, b) => a.priority - b.priority || a.name.localeCompare(b.name));
}

/** @returns whether two lists name the same routes, in any order */
export function sameRoutes(a: readonly Route[], b: readonly Route[]): boolean {
  const key = (routes: readonly Route[]) =>
    JSON.stringify(sortRoutes(routes).map((r) => [r.name, r.url, r.priority]));
  return key(a) === key(b);
}
