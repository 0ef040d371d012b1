import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api";
import type { ZoneView } from "../api-types";
import { PageTitle } from "../components/PageTitle";
import { AddZoneForm } from "../components/zones/AddZoneForm";
import type { Shared } from "../components/zones/ShareZoneDialog";
import { ZoneItem } from "../components/zones/ZoneItem";
import "../notify.css";
import { Link, linePath } from "../router";
import { useSession } from "../session";
import { useStation } from "../station";

type Done = { kind: "added" | "removed"; name: string } | { kind: "shared"; shared: Shared };

/**
 * This station's protected zones and plans: private, never sent on a line, compared with the
 * lines' notifications here only. Supervisors add and remove them; a plan is shared on a line
 * as a notification.
 */
export function Zones() {
  const { t } = useTranslation();
  const { session } = useSession();
  const [zones, setZones] = useState<ZoneView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<Done | null>(null);
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((n) => n + 1), []);
  const role = session.operator.role;
  // Changes when zones change elsewhere (another console, the command line).
  const elsewhere = useStation().state.status?.zones ?? "";

  useEffect(() => {
    api.zones().then(
      (found) => {
        setZones(found);
        setError(null);
      },
      (failure: unknown) => setError((failure as Error).message),
    );
  }, [version, elsewhere]);

  const protectedZones = (zones ?? []).filter((z) => z.kind === "protected");
  const plans = (zones ?? []).filter((z) => z.kind === "plan");
  const item = (zone: ZoneView) => (
    <ZoneItem
      key={zone.name}
      zone={zone}
      onRemoved={(name) => {
        setDone({ kind: "removed", name });
        reload();
      }}
      onShared={(shared) => {
        setDone({ kind: "shared", shared });
        reload();
      }}
    />
  );

  return (
    <main className="page zones-page">
      <PageTitle title={t("zones.title")} />
      <p className="zones-private" role="note">
        <strong>{t("zones.privateBadge")}</strong> {t("zones.private")}
      </p>
      {done !== null && (
        <p role="status" className="ok-text">
          {done.kind === "shared" ? (
            <>
              {t(done.shared.kind === "plan" ? "zones.shared" : "zones.sharedZone", {
                name: done.shared.plan,
                line: done.shared.line.name,
                seq: done.shared.seq,
              })}{" "}
              <Link to={`${linePath(done.shared.line.id)}#notifications`}>{t("zones.openLine")}</Link>
            </>
          ) : (
            t(done.kind === "added" ? "zones.added" : "zones.removed", { name: done.name })
          )}
        </p>
      )}
      {error !== null && (
        <p role="alert" className="error-text">
          {t("zones.failed", { message: error })}
        </p>
      )}
      <div className="zones-columns">
        <div className="zones-lists">
          <section className="panel zone-section" aria-labelledby="zones-protected">
            <h2 id="zones-protected">{t("zones.protectedTitle")}</h2>
            {zones === null ? (
              error === null && <p className="muted">{t("app.loading")}</p>
            ) : protectedZones.length === 0 ? (
              <p className="muted">{t("zones.noneProtected")}</p>
            ) : (
              <ul className="zone-list">{protectedZones.map(item)}</ul>
            )}
          </section>
          <section className="panel zone-section" aria-labelledby="zones-plans">
            <h2 id="zones-plans">{t("zones.plansTitle")}</h2>
            {zones === null ? (
              error === null && <p className="muted">{t("app.loading")}</p>
            ) : plans.length === 0 ? (
              <p className="muted">{t("zones.nonePlans")}</p>
            ) : (
              <ul className="zone-list">{plans.map(item)}</ul>
            )}
          </section>
        </div>
        {role === "supervisor" || role === "admin" ? (
          <AddZoneForm
            onAdded={(zone) => {
              setDone({ kind: "added", name: zone.name });
              reload();
            }}
          />
        ) : (
          <p className="panel muted">{t("zones.supervisorOnly")}</p>
        )}
      </div>
    </main>
  );
}
