import { createHash } from "node:crypto";
import { ackCounts } from "./ack-counts.js";
import { announcedRoutesOn, pairStatus, readEntry, suspensionOf } from "../core/mod.js";
import type { LinkMonitor } from "./link-monitor.js";
import { routesOf, type RoutedTransport } from "./routed-transport.js";
import type { Outbox } from "../delivery/mod.js";
import type { Station } from "../core/mod.js";
import type { StationStatus } from "../views/mod.js";

/**
 * The station's state: its lines, and for each other participant whether it is reached and how
 * much of this station's chain it has not receipted.
 *
 * @param station the station
 * @param running the running outbox, link monitor and routed transport, or null when the station
 *   is not running
 * @returns the status
 */
export async function statusOf(
  station: Station,
  running: { outbox: Outbox; monitor: LinkMonitor; routes?: RoutedTransport | undefined } | null,
): Promise<StationStatus> {
  const outbox = running?.outbox ?? null;
  const me = station.id;
  // The full status is served by a pair's active process only (the standby answers its own).
  const lease = running !== null && station.config.pair !== undefined ? await station.store.lease() : null;
  return {
    ...(lease === null ? {} : pairStatus("active", lease)),
    station: { id: me, name: station.config.name, url: station.config.url, store: station.whoami().store },
    running: running !== null,
    zones: createHash("sha256")
      .update(JSON.stringify((await station.store.zones()).map((z) => [z.name, z.createdAt])))
      .digest("hex")
      .slice(0, 16),
    lines: await Promise.all(
      (await station.store.lines()).map(async (line) => {
        const mine = (await station.store.head(line.id, me))?.seq ?? 0;
        const unaccepted = await unacceptedRevocations(station, line.id);
        const announced = await announcedRoutesOn(station.store, line.id);
        return {
          id: line.id,
          name: line.name,
          entries: line.entries,
          suspended: await suspensionOf(station.store, line.id),
          ...(await ackCounts(station, line.id)),
          participants: await Promise.all(
            (await station.store.participants(line.id))
              .filter((p) => p.station !== me)
              .map(async (p) => {
                const contact = await station.store.contact(p.station);
                const state = outbox?.state(p.station) ?? null;
                const link = running?.monitor.state(line.id, p.station) ?? null;
                const rttMs = link?.rttMs === null || link === null ? null : Math.round(link.rttMs * 10) / 10;
                const routing = running?.routes?.routing(p.station) ?? null;
                const routes = await routesOf(station, line.id, p, running?.routes ?? null, announced);
                return {
                  id: p.station,
                  name: p.name,
                  url: routes.find((r) => r.active)?.url ?? p.url,
                  switchedAt: routing?.switchedAt ?? null,
                  routes,
                  connected: state?.connected ?? false,
                  lastContact: state?.lastContact ?? contact?.lastContact ?? null,
                  outbox:
                    outbox === null
                      ? Math.max(0, mine - (await station.store.coveredSeq(line.id, p.station, me)))
                      : await outbox.pending(line.id, p.station),
                  health: link?.health ?? "unknown",
                  lastTestAt: link?.lastTestAt ?? null,
                  rttMs,
                  relay: running?.monitor.relayOf(line.id, p.station) ?? null,
                  revokedKey: unaccepted.get(p.station) ?? null,
                };
              }),
          ),
        };
      }),
    ),
  };
}

/**
 * @param station this station
 * @param line a line id
 * @returns by participant, its newest key revocation this station's admin has not accepted (a
 *   `key.revoke.ack` of it in this station's chain), with the time it was believed stolen from
 */
async function unacceptedRevocations(
  station: Station,
  line: string,
): Promise<Map<string, { since: string; at: string }>> {
  const revocations = await station.store.entriesOfKind(line, "key.revoke");
  const out = new Map<string, { since: string; at: string }>();
  if (revocations.length === 0) return out;
  const accepted = new Set(
    (await station.store.entriesOfKind(line, "key.revoke.ack"))
      .filter((e) => e.author === station.id)
      .map((e) => String(readEntry(e).body.of)),
  );
  for (const e of revocations) {
    if (e.author === station.id) continue;
    if (accepted.has(e.hash)) out.delete(e.author);
    else out.set(e.author, { since: String(readEntry(e).body.since), at: e.time });
  }
  return out;
}
