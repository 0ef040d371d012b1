import type { SessionRow } from "../../store/mod.js";
import type { Station } from "./station.js";

/**
 * Keeps a signed-in operator's console session (sessions expired by then are dropped).
 *
 * @param station the station
 * @param session the session, its secret id only as a hash
 */
export function keepSession(station: Station, session: SessionRow): Promise<void> {
  return station.store.addSession(session);
}

/**
 * @param station the station
 * @param idHash the hash of the session's secret id
 * @param now the time now (ISO)
 * @returns the session, if it exists and has not expired
 */
export function liveSession(station: Station, idHash: string, now: string): Promise<SessionRow | null> {
  return station.store.session(idHash, now);
}

/**
 * Ends a session (signing out).
 *
 * @param station the station
 * @param idHash the hash of the session's secret id
 */
export function endSession(station: Station, idHash: string): Promise<void> {
  return station.store.deleteSession(idHash);
}
