import { ZONE, ZONE_HATCH } from "./map-style";

/**
 * The SVG pattern that hatches protected zones. Any SVG in the page may use it by id
 * (`fill="url(#…)"`): Leaflet's paths and the legend's swatches alike. Drawn once, out of sight
 * (not `display: none`, which would switch the pattern off too).
 */
export function MapPatterns() {
  return (
    <svg className="map-patterns" width="0" height="0" aria-hidden="true" focusable="false">
      <defs>
        <pattern
          id={ZONE_HATCH}
          width="8"
          height="8"
          patternUnits="userSpaceOnUse"
          patternTransform="rotate(45)"
        >
          <rect width="8" height="8" fill={ZONE} fillOpacity="0.06" />
          <line x1="0" y1="0" x2="0" y2="8" stroke={ZONE} strokeWidth="2" strokeOpacity="0.55" />
        </pattern>
      </defs>
    </svg>
  );
}
