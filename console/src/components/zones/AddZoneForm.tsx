import { useId, useState, type ChangeEvent, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api";
import type { ZoneView } from "../../api-types";
import { useSubmit } from "../../submit";
import { Refusal } from "../Refusal";
import { metres, utcIso } from "./zone-times";

/**
 * "Add a zone or plan": a name, protected zone or plan, its area as a loaded or pasted GeoJSON,
 * and an optional altitude band and UTC window. The station checks the area as it checks a
 * notification's, and its message is shown if it refuses.
 *
 * @param onAdded after the zone is added
 */
export function AddZoneForm({ onAdded }: { onAdded: (zone: ZoneView) => void }) {
  const { t } = useTranslation();
  const ids = {
    title: useId(),
    name: useId(),
    kind: useId(),
    file: useId(),
    geojson: useId(),
    hint: useId(),
    min: useId(),
    max: useId(),
    from: useId(),
    to: useId(),
    timeHint: useId(),
  };
  const [name, setName] = useState("");
  const [kind, setKind] = useState<ZoneView["kind"]>("protected");
  const [geojson, setGeojson] = useState("");
  const [min, setMin] = useState("");
  const [max, setMax] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const submission = useSubmit();
  const [fileKey, setFileKey] = useState(0);

  let parsed: unknown = undefined;
  let parseError: string | null = null;
  if (geojson.trim() !== "") {
    try {
      parsed = JSON.parse(geojson);
    } catch (failure) {
      parseError = (failure as Error).message;
    }
  }

  const load = (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = event.target.files?.[0];
    if (chosen === undefined) return;
    chosen.text().then(setGeojson, (failure: unknown) => submission.setError((failure as Error).message));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (parsed === undefined || name.trim() === "") return;
    const band = { minAltitude: metres(min), maxAltitude: metres(max) };
    const window = { from: utcIso(from), to: utcIso(to) };
    const zone = {
      name: name.trim(),
      kind,
      geojson: parsed,
      ...(band.minAltitude === undefined ? {} : { minAltitude: band.minAltitude }),
      ...(band.maxAltitude === undefined ? {} : { maxAltitude: band.maxAltitude }),
      ...(window.from === undefined ? {} : { from: window.from }),
      ...(window.to === undefined ? {} : { to: window.to }),
    };
    submission.run(
      () => api.addZone(zone),
      (added) => {
        setName("");
        setGeojson("");
        setMin("");
        setMax("");
        setFrom("");
        setTo("");
        setFileKey((k) => k + 1);
        onAdded(added);
      },
    );
  };

  return (
    <form className="panel zone-form" onSubmit={submit} aria-labelledby={ids.title}>
      <h2 id={ids.title}>{t("zones.add")}</h2>
      <div className="zone-fields">
        <div className="zone-field">
          <label htmlFor={ids.name}>{t("zones.name")}</label>
          <input
            id={ids.name}
            value={name}
            required
            maxLength={100}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <fieldset className="zone-field zone-kinds">
          <legend>{t("zones.kindLabel")}</legend>
          {(["protected", "plan"] as const).map((k) => (
            <span key={k} className="inline-check">
              <input
                id={`${ids.kind}-${k}`}
                type="radio"
                name={ids.kind}
                value={k}
                checked={kind === k}
                onChange={() => setKind(k)}
              />
              <label htmlFor={`${ids.kind}-${k}`}>
                {t(k === "plan" ? "zones.kindPlan" : "zones.kindProtected")}
              </label>
            </span>
          ))}
        </fieldset>
        <div className="zone-field">
          <label htmlFor={ids.file}>{t("zones.geojsonFile")}</label>
          <input
            key={fileKey}
            id={ids.file}
            type="file"
            accept=".json,.geojson,application/json,application/geo+json"
            onChange={load}
          />
        </div>
        <div className="zone-field">
          <label htmlFor={ids.geojson}>{t("zones.geojson")}</label>
          <textarea
            id={ids.geojson}
            className="mono zone-json"
            rows={6}
            spellCheck={false}
            required
            value={geojson}
            aria-describedby={ids.hint}
            onChange={(e) => setGeojson(e.target.value)}
          />
          <span id={ids.hint} className="small">
            {parseError === null ? (
              <span className="muted">{t("zones.geojsonHint")}</span>
            ) : (
              <span className="error-text">{t("zones.notJson", { message: parseError })}</span>
            )}
          </span>
        </div>
        <div className="zone-field-pair">
          <div className="zone-field">
            <label htmlFor={ids.min}>{t("zones.minAltitude")}</label>
            <input
              id={ids.min}
              type="number"
              step="any"
              value={min}
              placeholder={t("zones.optional")}
              aria-describedby={ids.timeHint}
              onChange={(e) => setMin(e.target.value)}
            />
          </div>
          <div className="zone-field">
            <label htmlFor={ids.max}>{t("zones.maxAltitude")}</label>
            <input
              id={ids.max}
              type="number"
              step="any"
              value={max}
              placeholder={t("zones.optional")}
              aria-describedby={ids.timeHint}
              onChange={(e) => setMax(e.target.value)}
            />
          </div>
          <div className="zone-field">
            <label htmlFor={ids.from}>{t("zones.from")}</label>
            <input
              id={ids.from}
              value={from}
              className="mono"
              placeholder={t("zones.optional")}
              aria-describedby={ids.timeHint}
              onChange={(e) => setFrom(e.target.value)}
            />
          </div>
          <div className="zone-field">
            <label htmlFor={ids.to}>{t("zones.to")}</label>
            <input
              id={ids.to}
              value={to}
              className="mono"
              placeholder={t("zones.optional")}
              aria-describedby={ids.timeHint}
              onChange={(e) => setTo(e.target.value)}
            />
          </div>
        </div>
        <p id={ids.timeHint} className="muted small">
          {t("zones.timeHint")}
        </p>
      </div>
      {submission.error !== null && <Refusal heading={t("zones.addFailed")} message={submission.error} />}
      <div className="dialog-actions">
        <button
          type="submit"
          className="primary"
          disabled={submission.busy || name.trim() === "" || parsed === undefined}
        >
          {submission.busy ? t("zones.adding") : t("zones.addSubmit")}
        </button>
      </div>
    </form>
  );
}
