import type { Volume } from "../../record/mod.js";
import { bboxOf, polygonsOf } from "./geometry.js";

const NOTIFY_TEXT_KINDS = [
  "notify",
  "notify.update",
  "notify.cancel",
  "clarify",
  "clarify.answer",
  "zone.share",
  "zone.withdraw",
] as const;

/**
 * @param kind an entry's kind
 * @returns whether {@link notifyText} describes it
 */
export function isNotifyTextKind(kind: string): kind is (typeof NOTIFY_TEXT_KINDS)[number] {
  return (NOTIFY_TEXT_KINDS as readonly string[]).includes(kind);
}

/**
 * One volume as a person reads it: where, how high, when.
 *
 * @param v a volume
 * @returns e.g. "polygon of 4 points within 2.5–6.4°E 49.5–51.5°N, 300–12,000 m MSL, 2026-11-27 06:00 → 2026-12-10 22:00 UTC"
 */
export function volumeText(v: Volume): string {
  const band = `${metres(v.altitude.minMeters)}–${metres(v.altitude.maxMeters)} m MSL`;
  return `${areaText(v.geometry)}, ${band}, ${utc(v.time.start)} → ${utc(v.time.end)} UTC`;
}

function areaText(g: Volume["geometry"]): string {
  if (!("type" in g)) return `circle of ${km(g.radiusMeters)} around ${lon(g.center[0])} ${lat(g.center[1])}`;
  const [w, s, e, n] = bboxOf(polygonsOf(g));
  const points = polygonsOf(g).reduce((sum, rings) => sum + (rings[0]?.length ?? 1) - 1, 0);
  return `${g.type === "Polygon" ? "polygon" : "multipolygon"} of ${points} points within ${lon(w)}–${lon(e)} ${lat(s)}–${lat(n)}`;
}

/**
 * A notification, an update, a cancel, a question or an answer as a transcript tells it.
 *
 * @param kind the entry's kind (one {@link isNotifyTextKind} accepts)
 * @param body its body
 * @returns a headline, and the lines beneath it (the volumes, the question's or answer's text)
 */
export function notifyText(
  kind: (typeof NOTIFY_TEXT_KINDS)[number],
  body: Record<string, unknown>,
): { headline: string; lines: string[] } {
  const of = String(body.of).slice(0, 12);
  const volumes = ((body.volumes ?? []) as Volume[]).map((v, i) => `volume ${i}: ${volumeText(v)}`);
  const description =
    typeof body.description === "string" && body.description !== "" ? [body.description] : [];
  switch (kind) {
    case "notify":
      return {
        headline: `NOTIFIED ${String(body.type)}: "${String(body.title)}"`,
        lines: [...description, ...volumes],
      };
    case "notify.update":
      return {
        headline: `replaced notification ${of}: ${String(body.type)} "${String(body.title)}"`,
        lines: [...description, ...volumes],
      };
    case "notify.cancel":
      return {
        headline: `WITHDREW notification ${of}${typeof body.reason === "string" && body.reason !== "" ? `: ${body.reason}` : ""}`,
        lines: [],
      };
    case "clarify":
      return { headline: `asked about notification ${of}`, lines: [String(body.question)] };
    case "clarify.answer":
      return { headline: `answered question ${of}`, lines: [String(body.text)] };
    case "zone.share": {
      const min = body.minAltitude as number | null;
      const max = body.maxAltitude as number | null;
      const band =
        min === null && max === null
          ? "every altitude"
          : `${min === null ? "from the ground" : `${metres(min)} m`}–${max === null ? "up" : `${metres(max)} m`} MSL`;
      const from = body.from as string | null;
      const to = body.to as string | null;
      const window =
        from === null && to === null
          ? "always"
          : `${from === null ? "until" : utc(from)} → ${to === null ? "onwards" : utc(to)} UTC`;
      return {
        headline: `SHARED protected zone "${String(body.name)}"`,
        lines: [`${areaText(body.geometry as Volume["geometry"])}, ${band}, ${window}`],
      };
    }
    case "zone.withdraw":
      return {
        headline: `withdrew shared zone ${of}${typeof body.reason === "string" && body.reason !== "" ? `: ${body.reason}` : ""}`,
        lines: [],
      };
  }
}

function lon(x: number): string {
  return `${Math.abs(round(x))}°${x < 0 ? "W" : "E"}`;
}

function lat(y: number): string {
  return `${Math.abs(round(y))}°${y < 0 ? "S" : "N"}`;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function km(m: number): string {
  return m >= 1000 ? `${round(m / 1000)} km` : `${m} m`;
}

function metres(m: number): string {
  return m.toLocaleString("en-US");
}

function utc(iso: string): string {
  return iso.slice(0, 16).replace("T", " ");
}
