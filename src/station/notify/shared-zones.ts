import { HotlineError, type BodyOf, type VolumeGeometry } from "../../record/mod.js";
import { checkedBody, entriesOfKinds, namesOn, referencedEntry } from "../core/mod.js";
import type { OwnedVolume } from "./conflicts.js";
import { zoneShape } from "./geometry.js";
import type { Station } from "../core/mod.js";
import type { SharedZoneView } from "../views/mod.js";

/** The kinds of entries shared zones are made of. */
export const SHARED_ZONE_KINDS = ["zone.share", "zone.withdraw"] as const;

/**
 * Every zone shared on a line, oldest first, from the record alone: the same at every participant.
 * Only the sharing station's withdrawal counts; others' (odd but valid) are ignored.
 *
 * @param station the station
 * @param line a line id
 * @returns the shared zones
 */
export async function sharedZonesOf(station: Station, line: string): Promise<SharedZoneView[]> {
  const names = await namesOn(station, line);
  const out = new Map<string, SharedZoneView>();
  for (const e of await entriesOfKinds(station, line, SHARED_ZONE_KINDS)) {
    if (e.kind === "zone.share") {
      const b = e.body as BodyOf<"zone.share">;
      out.set(e.hash, {
        id: e.hash,
        line,
        station: e.author,
        stationName: names.get(e.author) ?? e.author.slice(0, 8),
        operator: b.operator,
        time: e.time,
        name: b.name,
        geometry: b.geometry,
        minAltitude: b.minAltitude,
        maxAltitude: b.maxAltitude,
        from: b.from,
        to: b.to,
        state: "active",
        withdrawnAt: null,
      });
      continue;
    }
    const z = out.get(String(e.body.of));
    if (z === undefined || z.station !== e.author || z.state === "withdrawn") continue;
    z.state = "withdrawn";
    z.withdrawnAt = e.time;
  }
  return [...out.values()];
}

/**
 * @param zones a line's shared zones
 * @returns those in force as volumes, owned by their `zone.share` hash, so every participant
 *   names their conflicts alike
 */
export function sharedZoneVolumes(zones: readonly SharedZoneView[]): OwnedVolume[] {
  return zones
    .filter((z) => z.state === "active")
    .map((z) => ({ owner: z.id, index: 0, line: z.line, critical: false, shape: zoneShape(z.geometry, z) }));
}

/**
 * Shares one of this station's protected zones on a line (`zone.share`), then drops the private
 * copy, which the shared one now stands for.
 *
 * @param station this station
 * @param zone the private zone's fields
 * @param options the line and the operator
 * @returns the entry's hash and seq
 * @throws HotlineError BAD_INPUT
 */
export async function writeSharedZone(
  station: Station,
  zone: {
    name: string;
    geometry: VolumeGeometry;
    minAltitude: number | null;
    maxAltitude: number | null;
    from: string | null;
    to: string | null;
  },
  options: { line: string; operator: string },
): Promise<{ hash: string; seq: number }> {
  const line = await station.resolveLine(options.line);
  const body = checkedBody(
    "zone.share",
    { ...zone, operator: options.operator },
    `share zone '${zone.name}' on ${line.name}`,
  );
  const sealed = await station.write(line.id, { kind: "zone.share", body });
  await station.store.removeZone(zone.name);
  return { hash: sealed.hash, seq: sealed.entry.seq };
}

/**
 * Withdraws a zone this station shared (`zone.withdraw`).
 *
 * @param station this station
 * @param options the shared zone (its id or a prefix), an optional reason, the operator
 * @returns the entry's hash and seq
 * @throws HotlineError UNKNOWN_ENTRY, BAD_INPUT (another station's, or withdrawn already)
 */
export async function withdrawSharedZone(
  station: Station,
  options: { of: string; reason?: string | undefined; operator: string },
): Promise<{ hash: string; seq: number }> {
  const action = `withdraw shared zone ${options.of}`;
  const shared = await referencedEntry(station, options.of, {
    kinds: ["zone.share"],
    what: "a shared zone",
    action,
  });
  if (shared.author !== station.id)
    throw new HotlineError(
      "BAD_INPUT",
      `Cannot ${action}: another station shared it; only it may withdraw it`,
    );
  if ((await sharedZonesOf(station, shared.line)).find((z) => z.id === shared.hash)?.state === "withdrawn")
    throw new HotlineError("BAD_INPUT", `Cannot ${action}: it is withdrawn already`);
  const body = checkedBody(
    "zone.withdraw",
    {
      of: shared.hash,
      ...(options.reason === undefined ? {} : { reason: options.reason }),
      operator: options.operator,
    },
    action,
  );
  const sealed = await station.write(shared.line, { kind: "zone.withdraw", body });
  return { hash: sealed.hash, seq: sealed.entry.seq };
}
