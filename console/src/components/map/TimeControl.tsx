import { useId } from "react";
import { useTranslation } from "react-i18next";
import { useNow } from "../../clock";
import { useLocale } from "../../i18n";
import { utcMinute } from "./map-text";

const STEP_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

export interface TimeControlProps {
  /** the earliest volume start and latest end, in ms (null: no volumes) */
  span: { min: number; max: number } | null;
  /** the chosen time, in ms */
  at: number;
  /** whether every time is shown (the slider then only says where it would be) */
  allTimes: boolean;
  onAt: (at: number) => void;
  onAllTimes: (all: boolean) => void;
}

/**
 * The map's time: a native range input (arrow keys move it 15 minutes, Page Up and Down further)
 * over the volumes' span and now, with a "now" mark, the chosen time in UTC, and "All times".
 * Moving the slider turns "All times" off, so what is drawn always matches what is read; while
 * "All times" is on, the slider's time is greyed.
 */
export function TimeControl({ span, at, allTimes, onAt, onAllTimes }: TimeControlProps) {
  const { t } = useTranslation();
  const locale = useLocale();
  const id = useId();
  const now = Math.floor(useNow() / 60_000) * 60_000;
  const min = Math.floor(Math.min(span?.min ?? now - DAY_MS, now) / STEP_MS) * STEP_MS;
  const max = Math.ceil(Math.max(span?.max ?? now + DAY_MS, now) / STEP_MS) * STEP_MS;
  const value = Math.min(Math.max(at, min), max);
  const fraction = (time: number) => (max === min ? 0 : (time - min) / (max - min));
  const chosen = utcMinute(value, locale);

  return (
    <div className={`map-time${allTimes ? " all-times" : ""}`}>
      <label htmlFor={id}>{t("map.time")}</label>
      <div className="map-slider">
        <input
          id={id}
          type="range"
          min={min}
          max={max}
          step={STEP_MS}
          value={value}
          aria-valuetext={chosen}
          onChange={(event) => {
            onAt(Number(event.target.value));
            onAllTimes(false);
          }}
        />
        <span
          className="map-now-mark"
          style={{ left: `calc(8px + (100% - 16px) * ${fraction(now)})` }}
          aria-hidden="true"
        >
          {t("map.nowMark")}
        </span>
        <span className="map-slider-ends muted small" aria-hidden="true">
          <span>{utcMinute(min, locale)}</span>
          <span>{utcMinute(max, locale)}</span>
        </span>
      </div>
      <output htmlFor={id} className="map-time-chosen" aria-live="polite">
        {chosen}
      </output>
      <button
        type="button"
        className="tool"
        onClick={() => {
          onAt(now);
          onAllTimes(false);
        }}
      >
        {t("map.now")}
      </button>
      <label className="map-check">
        <input type="checkbox" checked={allTimes} onChange={(event) => onAllTimes(event.target.checked)} />
        {t("map.allTimes")}
      </label>
    </div>
  );
}
