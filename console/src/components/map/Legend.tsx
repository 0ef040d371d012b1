import type { PathOptions } from "leaflet";
import type { Ref } from "react";
import { useTranslation } from "react-i18next";
import { NOTIFY_TYPES } from "../../api-types";
import { conflictStyle, volumeStyle, zoneStyle } from "./map-style";

/** A small square drawn as the map draws that kind of shape. */
function Swatch({ style }: { style: PathOptions }) {
  return (
    <svg className="legend-swatch" width="22" height="16" viewBox="0 0 22 16" aria-hidden="true">
      <rect
        x="2"
        y="2"
        width="18"
        height="12"
        fill={style.fill === false ? "none" : (style.fillColor ?? style.color)}
        fillOpacity={style.fillOpacity ?? 0.2}
        stroke={style.color}
        strokeWidth={Math.min(style.weight ?? 2, 3)}
        strokeDasharray={style.dashArray === undefined ? undefined : String(style.dashArray)}
        strokeLinecap={style.lineCap}
      />
    </svg>
  );
}

/** What the colours and patterns mean: notification types, cancelled, zones and plans, conflicts. */
export function Legend({ showCancelled, ref }: { showCancelled: boolean; ref?: Ref<HTMLDetailsElement> }) {
  const { t } = useTranslation();
  return (
    <details className="map-legend" open ref={ref}>
      <summary>{t("map.legend")}</summary>
      <ul className="legend-types">
        {NOTIFY_TYPES.map((type) => (
          <li key={type}>
            <Swatch style={volumeStyle(type, { cancelled: false, selected: false })} />
            {t(`notifyType.${type}`)}
          </li>
        ))}
      </ul>
      <ul>
        {showCancelled && (
          <li>
            <Swatch style={volumeStyle("other", { cancelled: true, selected: false })} />
            {t("map.legendCancelled")}
          </li>
        )}
        <li className="legend-conflict">
          <Swatch style={conflictStyle(false)} />
          {t("map.legendConflict")}
        </li>
      </ul>
      <p className="legend-group">{t("map.legendPrivate")}</p>
      <ul className="legend-types">
        <li>
          <Swatch style={zoneStyle("protected")} />
          {t("map.legendZone")}
        </li>
        <li>
          <Swatch style={zoneStyle("plan")} />
          {t("map.legendPlan")}
        </li>
      </ul>
    </details>
  );
}
