import {
  HotlineError,
  NAME,
  TIME,
  VOLUME_GEOMETRY,
  describeZodError,
  normalizeTime,
  type NotifyType,
  type Volume,
  type VolumeGeometry,
} from "../../record/mod.js";
import type { ZoneRow } from "../../store/mod.js";
import type { OwnedVolume } from "./conflicts.js";
import { zoneShape } from "./geometry.js";
import { notify } from "./notify.js";
import { writeSharedZone } from "./shared-zones.js";
import type { Station } from "../core/mod.js";
import type { ZoneView } from "../views/mod.js";

/**
 * Adds a zone from GeoJSON: a Polygon or MultiPolygon, or a Feature or FeatureCollection of them
 * (their polygons together make the zone). Checked as a notification's area is.
 *
 * @param station this station
 * @param options the name, the GeoJSON, optional altitude band and time window, the operator
 * @returns the zone
 * @throws HotlineError BAD_INPUT (a bad field, a name taken)
 */
export async function addZone(
  station: Station,
  options: {
    name: string;
    /** default "protected" */
    kind?: "protected" | "plan" | undefined;
    geojson: unknown;
    minAltitude?: number | undefined;
    maxAltitude?: number | undefined;
    from?: string | undefined;
    to?: string | undefined;
    operator: string;
  },
): Promise<ZoneView> {
  const kind = options.kind ?? "protected";
  const action = `add ${kind === "plan" ? "plan" : "zone"} '${options.name}'`;
  const from = options.from === undefined ? undefined : normalizeTime(options.from);
  const to = options.to === undefined ? undefined : normalizeTime(options.to);
  const fail = (message: string) => new HotlineError("BAD_INPUT", `Cannot ${action}: ${message}`);
  const name = NAME.safeParse(options.name);
  if (!name.success) throw fail(`name: ${describeZodError(name.error)}`);
  const geometry = zoneGeometry(options.geojson);
  if (geometry === null)
    throw fail("the file must hold a GeoJSON Polygon or MultiPolygon (or Features of them)");
  const checked = VOLUME_GEOMETRY.safeParse(geometry);
  if (!checked.success) throw fail(`geometry.${describeZodError(checked.error)}`);
  for (const [field, t] of [
    ["from", from],
    ["to", to],
  ] as const) {
    if (t !== undefined && !TIME.safeParse(t).success)
      throw fail(`${field}: must be an RFC 3339 time, e.g. 2026-11-23T05:45:00Z`);
  }
  for (const [field, n] of [
    ["minAltitude", options.minAltitude],
    ["maxAltitude", options.maxAltitude],
  ] as const) {
    if (n !== undefined && !Number.isFinite(n)) throw fail(`${field}: must be a number of metres`);
  }
  if ((options.minAltitude ?? -Infinity) > (options.maxAltitude ?? Infinity))
    throw fail("maxAltitude: must not be below minAltitude");
  if ((from ?? "") > (to ?? "\uffff")) throw fail("to: must not be before from");
  const row: ZoneRow = {
    name: options.name,
    kind,
    geometry: JSON.stringify(geometry),
    minAltitude: options.minAltitude ?? null,
    maxAltitude: options.maxAltitude ?? null,
    from: from ?? null,
    to: to ?? null,
    createdBy: options.operator,
    createdAt: new Date(station.clock.now()).toISOString(),
  };
  if (!(await station.store.addZone(row))) throw fail("a zone has that name already (remove it first)");
  return toView(row);
}

/**
 * @param station this station
 * @returns its zones, by name
 */
export async function listZones(station: Station): Promise<ZoneView[]> {
  return (await station.store.zones()).map(toView);
}

/**
 * @param station this station
 * @param name the zone's name
 * @throws HotlineError NOT_FOUND
 */
export async function removeZone(station: Station, name: string): Promise<void> {
  if (!(await station.store.removeZone(name))) {
    throw new HotlineError(
      "NOT_FOUND",
      `Cannot remove zone '${name}': there is no such zone (see 'hotline zone list')`,
    );
  }
}

/**
 * Shares a zone on a line. A plan is notified there as one volume (the plan's area, band and
 * window) and needs a type and title; a protected zone is shared as a `zone.share` entry, so
 * every participant computes its conflicts. Either way the private copy is then dropped: the
 * record now holds it.
 *
 * @param station this station
 * @param options the zone's name, the line, and for a plan the notification's type, title and
 *   description
 * @returns the entry's hash and seq
 * @throws HotlineError NOT_FOUND (no such zone), BAD_INPUT (a plan without a type, title, or a
 *   bounded altitude band and window, or anything `notify` refuses)
 */
export async function shareZone(
  station: Station,
  options: {
    name: string;
    line: string;
    type?: NotifyType | undefined;
    title?: string | undefined;
    description?: string | undefined;
    operator: string;
  },
): Promise<{ hash: string; seq: number }> {
  const row = (await station.store.zones()).find((z) => z.name === options.name);
  if (row === undefined)
    throw new HotlineError(
      "NOT_FOUND",
      `Cannot share zone '${options.name}': there is no such zone or plan (see 'hotline zone list')`,
    );
  if (row.kind === "protected") {
    return await writeSharedZone(
      station,
      {
        name: row.name,
        geometry: JSON.parse(row.geometry) as Volume["geometry"],
        minAltitude: row.minAltitude,
        maxAltitude: row.maxAltitude,
        from: row.from,
        to: row.to,
      },
      { line: options.line, operator: options.operator },
    );
  }
  const action = `share plan '${options.name}'`;
  if (options.type === undefined || options.title === undefined)
    throw new HotlineError(
      "BAD_INPUT",
      `Cannot ${action}: a plan is shared as a notification: give its type and title`,
    );
  if (row.minAltitude === null || row.maxAltitude === null || row.from === null || row.to === null)
    throw new HotlineError(
      "BAD_INPUT",
      `Cannot ${action}: a notification needs a bounded altitude band and time window; add the plan again with them`,
    );
  const volume: Volume = {
    geometry: JSON.parse(row.geometry) as Volume["geometry"],
    altitude: { minMeters: row.minAltitude, maxMeters: row.maxAltitude, ref: "MSL" },
    time: { start: row.from, end: row.to },
  };
  const written = await notify(station, {
    line: options.line,
    type: options.type,
    title: options.title,
    description: options.description,
    volumes: [volume],
    operator: options.operator,
  });
  await station.store.removeZone(row.name);
  return written;
}

/**
 * @param station this station
 * @returns its zones as volumes, owned by "zone:NAME" (a plan: "plan:NAME"); unbounded bands and windows are ±Infinity
 */
export async function zoneVolumes(station: Station): Promise<OwnedVolume[]> {
  return (await station.store.zones()).map((z) => ({
    owner: `${z.kind === "plan" ? "plan" : "zone"}:${z.name}`,
    index: 0,
    line: null,
    critical: false,
    shape: zoneShape(JSON.parse(z.geometry) as VolumeGeometry, z),
  }));
}

function toView(row: ZoneRow): ZoneView {
  return { ...row, geometry: JSON.parse(row.geometry) as ZoneView["geometry"] };
}

/** @returns a Polygon or MultiPolygon from GeoJSON, or null */
function zoneGeometry(value: unknown): object | null {
  const v = value as { type?: unknown; geometry?: unknown; features?: unknown; coordinates?: unknown };
  if (typeof v !== "object" || v === null) return null;
  if (v.type === "Polygon" || v.type === "MultiPolygon") return { type: v.type, coordinates: v.coordinates };
  if (v.type === "Feature") return zoneGeometry(v.geometry);
  if (v.type === "FeatureCollection" && Array.isArray(v.features)) {
    const parts = v.features.map((f) => zoneGeometry(f) as { type: string; coordinates: unknown } | null);
    if (parts.length === 0 || parts.some((p) => p === null)) return null;
    const coordinates = parts.flatMap((p) =>
      p?.type === "Polygon" ? [p.coordinates] : (p?.coordinates as unknown[]),
    );
    return parts.length === 1 ? (parts[0] ?? null) : { type: "MultiPolygon", coordinates };
  }
  return null;
}
