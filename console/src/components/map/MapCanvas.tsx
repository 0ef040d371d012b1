import * as L from "leaflet";
import "leaflet/dist/leaflet.css";
import { useEffect, useEffectEvent, useRef, type RefObject } from "react";
import { useTranslation } from "react-i18next";
import type { MapConflict, MapVolume, Position } from "../../api-types";
import { useLocale } from "../../i18n";
import { loadBaseMap } from "./base-map";
import { zonePolygons, type Drawn, type LatLonBounds } from "./map-data";
import { BORDER, LAND, conflictStyle, volumeStyle, zoneStyle } from "./map-style";
import { altitudeBand, conflictParties, timeWindow, type PartyNames } from "./map-text";

/** Where to point the map: a box, or the whole world (null). A new `seq` moves it again. */
export interface FitRequest {
  bounds: LatLonBounds | null;
  seq: number;
}

export interface MapCanvasProps {
  drawn: Drawn;
  /** the selected notification's id: its volumes are outlined in white */
  selected: string | null;
  selectedConflict: string | null;
  fit: FitRequest | null;
  parties: PartyNames;
  onSelectVolume: (notification: string) => void;
  onSelectConflict: (conflict: string) => void;
  /** what lies over the map's lower edge (the legend): a fit keeps shapes clear of it */
  overlay: RefObject<HTMLElement | null>;
}

// Panes keep the drawing order whatever is added when: the base map under everything, then the
// notified volumes, the conflicts' overlaps, and this station's zones on top as an outline and a
// light hatching, so a zone is never hidden by what crosses it. A zone answers the pointer on its
// edge only (map.css), so a click inside it still reaches the volume or conflict beneath. Leaflet
// gives each pane its own SVG; the tooltips' pane (650) stays above them all.
const PANES = { base: 250, volumes: 405, conflicts: 415, zones: 425 } as const;
const WORLD: L.LatLngExpression = [30, 20];

function latLngs(polygons: readonly Position[][][]): L.LatLngExpression[][][] {
  return polygons.map((polygon) => polygon.map((ring) => ring.map(([lon, lat]) => [lat, lon])));
}

/** e.g. "47.52° N  35.10° E" */
function coordinates({ lat, lng }: L.LatLng): string {
  const ns = `${Math.abs(lat).toFixed(2)}° ${lat < 0 ? "S" : "N"}`;
  const ew = `${Math.abs(lng).toFixed(2)}° ${lng < 0 ? "W" : "E"}`;
  return `${ns}  ${ew}`;
}

/** A tooltip's content built from text nodes: titles come from the other side, never as HTML. */
function tooltip(lines: readonly (string | null)[]): HTMLElement {
  const box = document.createElement("div");
  lines.forEach((line, i) => {
    if (line === null) return;
    const row = document.createElement(i === 0 ? "strong" : "div");
    row.textContent = line;
    box.append(row);
  });
  return box;
}

function add(group: L.LayerGroup, layer: L.Polygon, attributes: Record<string, string>): void {
  group.addLayer(layer);
  const element = layer.getElement();
  for (const [name, value] of Object.entries(attributes)) element?.setAttribute(name, value);
}

/**
 * The map itself: Leaflet with an offline base map (no tile server), the volumes, this station's
 * zones and plans, and conflicts' overlaps, each with a tooltip; a click on a volume or a
 * conflict tells the page. Each path carries `data-volume="<id>#<n>"`, `data-zone="<name>"` or
 * `data-conflict="<id>"`.
 */
export function MapCanvas({
  drawn,
  selected,
  selectedConflict,
  fit,
  parties,
  onSelectVolume,
  onSelectConflict,
  overlay,
}: MapCanvasProps) {
  const { t } = useTranslation();
  const locale = useLocale();
  const container = useRef<HTMLDivElement>(null);
  const pointer = useRef<HTMLSpanElement>(null);
  const map = useRef<L.Map | null>(null);
  const groups = useRef<Record<"volumes" | "zones" | "conflicts", L.LayerGroup> | null>(null);
  const selectVolume = useEffectEvent(onSelectVolume);
  const selectConflict = useEffectEvent(onSelectConflict);

  useEffect(() => {
    const element = container.current;
    if (element === null) return;
    const leaflet = L.map(element, {
      center: WORLD,
      zoom: 2,
      minZoom: 1.5,
      maxZoom: 13,
      zoomSnap: 0.25,
      zoomDelta: 0.5,
      maxBounds: [
        [-88, -540],
        [88, 540],
      ],
      attributionControl: false,
    });
    // Plain text, no links out: the map makes no request beyond the station.
    L.control.attribution({ prefix: false }).addAttribution("Natural Earth / world-atlas").addTo(leaflet);
    for (const [name, z] of Object.entries(PANES)) leaflet.createPane(`map-${name}`).style.zIndex = String(z);
    let gone = false;
    loadBaseMap().then(
      (base) => {
        if (gone) return;
        const quiet = { pane: "map-base", interactive: false } as const;
        L.geoJSON(base.land, {
          ...quiet,
          style: {
            className: "map-countries map-land",
            color: BORDER,
            weight: 1,
            fillColor: LAND,
            fillOpacity: 1,
          },
        }).addTo(leaflet);
        L.geoJSON(base.borders, {
          ...quiet,
          style: { className: "map-countries map-borders", color: BORDER, weight: 0.8, fill: false },
        }).addTo(leaflet);
      },
      () => {}, // without outlines the shapes still draw, on the plain sea
    );
    groups.current = {
      volumes: L.layerGroup().addTo(leaflet),
      zones: L.layerGroup().addTo(leaflet),
      conflicts: L.layerGroup().addTo(leaflet),
    };
    // Where the pointer is, to read out over the line; written straight to the DOM, not to state,
    // so moving the mouse re-renders nothing.
    leaflet.on("mousemove", (event: L.LeafletMouseEvent) => {
      if (pointer.current !== null) pointer.current.textContent = coordinates(event.latlng.wrap());
    });
    leaflet.on("mouseout", () => {
      if (pointer.current !== null) pointer.current.textContent = "";
    });
    map.current = leaflet;
    const resized = new ResizeObserver(() => leaflet.invalidateSize());
    resized.observe(element);
    return () => {
      gone = true;
      resized.disconnect();
      leaflet.remove();
      map.current = null;
      groups.current = null;
    };
  }, []);

  useEffect(() => {
    const g = groups.current;
    if (g === null) return;
    g.volumes.clearLayers();
    for (const f of drawn.volumes) {
      const p = f.properties;
      const cancelled = p.state === "cancelled";
      const layer = L.polygon(latLngs(f.geometry.coordinates), {
        pane: "map-volumes",
        className: `map-volume type-${p.type}${cancelled ? " cancelled" : ""}`,
        ...volumeStyle(p.type, { cancelled, selected: p.notification === selected }),
      });
      layer.bindTooltip(volumeTooltip(f), { sticky: true, className: "map-tooltip" });
      layer.on("click", () => selectVolume(p.notification));
      add(g.volumes, layer, { "data-volume": `${p.notification}#${p.volume}`, "data-state": p.state });
    }
    if (selected !== null) {
      for (const layer of g.volumes.getLayers()) {
        if (
          layer instanceof L.Path &&
          layer.getElement()?.getAttribute("data-volume")?.startsWith(`${selected}#`)
        )
          layer.bringToFront();
      }
    }

    function volumeTooltip(f: MapVolume): HTMLElement {
      const p = f.properties;
      return tooltip([
        p.title,
        `${t(`notifyType.${p.type}`)} · ${p.stationName}`,
        p.state === "cancelled" ? t("map.cancelled") : null,
        altitudeBand(p.minMeters, p.maxMeters, { t, locale }),
        timeWindow(p.start, p.end, locale),
      ]);
    }
  }, [drawn.volumes, selected, t, locale]);

  useEffect(() => {
    const g = groups.current;
    if (g === null) return;
    g.zones.clearLayers();
    for (const z of drawn.zones) {
      const layer = L.polygon(latLngs(zonePolygons(z.geometry)), {
        pane: "map-zones",
        className: `map-zone ${z.kind}`,
        ...zoneStyle(z.kind),
      });
      layer.bindTooltip(zoneTooltip(z), { sticky: true, className: "map-tooltip" });
      add(g.zones, layer, { "data-zone": z.name, "data-kind": z.kind });
    }

    function zoneTooltip(z: Drawn["zones"][number]): HTMLElement {
      return tooltip([
        t(z.kind === "plan" ? "map.planNamed" : "map.zoneNamed", { name: z.name }),
        z.sharedBy === undefined ? t("map.private") : t("map.sharedBy", { station: z.sharedBy }),
        altitudeBand(z.minAltitude, z.maxAltitude, { t, locale }),
        z.from === null && z.to === null ? t("map.always") : timeWindow(z.from, z.to, locale),
      ]);
    }
  }, [drawn.zones, t, locale]);

  useEffect(() => {
    const g = groups.current;
    if (g === null) return;
    g.conflicts.clearLayers();
    for (const c of drawn.conflicts) {
      if (c.overlap === null) continue;
      const layer = L.polygon(latLngs(c.overlap.coordinates), {
        pane: "map-conflicts",
        className: `map-conflict ${c.severity}`,
        ...conflictStyle(c.id === selectedConflict),
      });
      layer.bindTooltip(conflictTooltip(c), { sticky: true, className: "map-tooltip" });
      layer.on("click", () => selectConflict(c.id));
      add(g.conflicts, layer, { "data-conflict": c.id });
    }

    function conflictTooltip(c: MapConflict): HTMLElement {
      const [a, b] = conflictParties(c, parties);
      return tooltip([
        t("map.conflictSeverity", { severity: t(`severity.${c.severity}`) }),
        a,
        b,
        altitudeBand(c.minAltitude, c.maxAltitude, { t, locale }),
        timeWindow(c.from, c.to, locale),
      ]);
    }
  }, [drawn.conflicts, selectedConflict, parties, t, locale]);

  useEffect(() => {
    const leaflet = map.current;
    if (leaflet === null || fit === null) return;
    if (fit.bounds === null) leaflet.setView(WORLD, 2);
    else {
      const below = overlay.current?.offsetHeight ?? 0;
      leaflet.fitBounds(fit.bounds, {
        paddingTopLeft: [48, 48],
        paddingBottomRight: [48, 24 + below],
        maxZoom: 8,
      });
    }
  }, [fit, overlay]);

  return (
    <>
      <div ref={container} className="map-canvas" role="region" aria-label={t("map.canvas")} />
      <span ref={pointer} className="map-pointer" aria-hidden="true" />
    </>
  );
}
