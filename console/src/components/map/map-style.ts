import type { PathOptions } from "leaflet";
import type { NotifyType } from "../../api-types";

// How each kind of shape looks, in one place, for the map and its legend alike. The base map is
// quiet (dark sea, slightly lighter land) so that what was notified stands out; launches and
// nuclear exercises are the loudest of the notification colours, and only conflicts are red.
// Shape is never told by colour alone: zones are hatched, plans dotted, cancelled dashed,
// conflicts solid red with a thick edge, and every shape has a tooltip; notifications and conflicts
// are listed in the side panel too.

/** One colour per notification type, readable on the dark sea and land. */
export const TYPE_COLOURS: Record<NotifyType, string> = {
  exercise: "#5aa9ff",
  "nuclear-exercise": "#ff4fe0",
  "missile-launch": "#ff8c1a",
  "air-activity": "#3fd0c0",
  "maritime-activity": "#a993ff",
  other: "#c3ccd6",
};

export const SEA = "#08131d";
export const LAND = "#222e3b";
export const BORDER = "#4a5a6d";
export const CANCELLED = "#8b949e";
export const ZONE = "#f3e9cf";
export const CONFLICT = "#ff3b3b";
/** The edge of the conflict chosen in the list (the chosen notification's is white). */
export const SELECTED_CONFLICT = "#ffd33d";
/** Id of the SVG pattern MapPatterns defines: it fills protected zones. */
export const ZONE_HATCH = "map-zone-hatch";

const LOUD: ReadonlySet<NotifyType> = new Set(["nuclear-exercise", "missile-launch"]);

/**
 * @param type a notification type
 * @param options whether it is cancelled, and whether it is the one selected
 * @returns how its volumes are drawn
 */
export function volumeStyle(
  type: NotifyType,
  options: { cancelled: boolean; selected: boolean },
): PathOptions {
  if (options.cancelled) {
    return {
      color: CANCELLED,
      weight: options.selected ? 3 : 1.5,
      dashArray: "6 5",
      fillColor: CANCELLED,
      fillOpacity: 0.06,
    };
  }
  const loud = LOUD.has(type);
  return {
    color: options.selected ? "#ffffff" : TYPE_COLOURS[type],
    weight: options.selected ? 3.5 : loud ? 3 : 2,
    fillColor: TYPE_COLOURS[type],
    fillOpacity: loud ? 0.32 : 0.2,
  };
}

/**
 * @param kind a zone's kind
 * @returns how this station's protected zones (hatched) and plans (dotted) are drawn
 */
export function zoneStyle(kind: "protected" | "plan"): PathOptions {
  return kind === "protected"
    ? { color: ZONE, weight: 2, fillColor: `url(#${ZONE_HATCH})`, fillOpacity: 1 }
    : { color: ZONE, weight: 2.5, dashArray: "1 6", lineCap: "round", fillColor: ZONE, fillOpacity: 0.05 };
}

/**
 * @param selected whether the conflict is the one chosen in the list
 * @returns how a conflict's overlap is drawn: above everything, unmistakable
 */
export function conflictStyle(selected: boolean): PathOptions {
  return {
    color: selected ? SELECTED_CONFLICT : CONFLICT,
    weight: selected ? 4 : 3,
    fillColor: CONFLICT,
    fillOpacity: 0.5,
  };
}
