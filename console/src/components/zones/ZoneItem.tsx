import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api";
import type { ZoneView } from "../../api-types";
import { Link } from "../../router";
import { useSession } from "../../session";
import { ConfirmDialog } from "../ConfirmDialog";
import { AltitudeBand } from "../notify/AltitudeBand";
import { TimeWindow } from "../notify/TimeWindow";
import { Time } from "../Time";
import { ShareZoneDialog, type Shared } from "./ShareZoneDialog";

/**
 * @param name a zone's name
 * @returns the map's address showing it
 */
export function zoneMapPath(name: string): string {
  return `/map?zone=${encodeURIComponent(name)}`;
}

/**
 * One of this station's zones or plans: its kind, band, window, who added it and when; "Show on
 * map", "Share on a line…" (a plan as a notification, a zone as a shared zone), "Remove" for
 * supervisors.
 *
 * @param zone the zone
 * @param onRemoved after it was removed
 * @param onShared after a plan was notified on a line (and so dropped)
 */
export function ZoneItem({
  zone,
  onRemoved,
  onShared,
}: {
  zone: ZoneView;
  onRemoved: (name: string) => void;
  onShared: (shared: Shared) => void;
}) {
  const { t } = useTranslation();
  const { session } = useSession();
  const role = session.operator.role;
  const [confirming, setConfirming] = useState(false);
  const [sharing, setSharing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const bounded =
    zone.minAltitude !== null && zone.maxAltitude !== null && zone.from !== null && zone.to !== null;

  const remove = () => {
    setBusy(true);
    setError(null);
    api.removeZone(zone.name).then(
      () => {
        setBusy(false);
        setConfirming(false);
        onRemoved(zone.name);
      },
      (failure: unknown) => {
        setBusy(false);
        setConfirming(false);
        setError(t("zones.removeFailed", { message: (failure as Error).message }));
      },
    );
  };

  return (
    <li className={`zone-item zone-${zone.kind}`} data-name={zone.name}>
      <div className="zone-head">
        <span className={`badge zone-kind zone-kind-${zone.kind}`}>{t(`zones.kind.${zone.kind}`)}</span>
        <strong className="zone-name">{zone.name}</strong>
        <span className="zone-actions">
          <Link to={zoneMapPath(zone.name)}>{t("zones.showOnMap")}</Link>
          {role !== "observer" && (
            <button
              type="button"
              className="small-action"
              disabled={zone.kind === "plan" && !bounded}
              title={zone.kind === "plan" && !bounded ? t("zones.shareNeedsBounds") : undefined}
              onClick={() => setSharing(true)}
            >
              {t("zones.share")}
            </button>
          )}
          {(role === "supervisor" || role === "admin") && (
            <button
              type="button"
              className="small-action"
              disabled={busy}
              onClick={() => setConfirming(true)}
            >
              {t("zones.remove")}
            </button>
          )}
        </span>
      </div>
      <p className="zone-facts">
        <AltitudeBand min={zone.minAltitude} max={zone.maxAltitude} />
        {" · "}
        <TimeWindow start={zone.from} end={zone.to} />
      </p>
      <p className="zone-added muted small">
        {t("zones.addedBy", { operator: zone.createdBy })} <Time iso={zone.createdAt} />
      </p>
      {zone.kind === "plan" && !bounded && role !== "observer" && (
        <p className="muted small">{t("zones.shareNeedsBounds")}</p>
      )}
      {error !== null && (
        <p role="alert" className="error-text small">
          {error}
        </p>
      )}
      {confirming && (
        <ConfirmDialog
          title={t("zones.removeTitle", { name: zone.name })}
          confirmLabel={t("zones.removeConfirm")}
          cancelLabel={t("zones.keep")}
          tone="danger"
          onConfirm={remove}
          onCancel={() => setConfirming(false)}
        >
          <p>{t(zone.kind === "plan" ? "zones.removePlanText" : "zones.removeText")}</p>
        </ConfirmDialog>
      )}
      {sharing && <ShareZoneDialog plan={zone} onShared={onShared} onClose={() => setSharing(false)} />}
    </li>
  );
}
