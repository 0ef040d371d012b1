import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type RefObject } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api";
import type { MapConflict, MapView } from "../api-types";
import { ConflictList } from "../components/map/ConflictList";
import { Legend } from "../components/map/Legend";
import { MapCanvas, type FitRequest } from "../components/map/MapCanvas";
import { MapPatterns } from "../components/map/MapPatterns";
import {
  boundsOf,
  drawnAt,
  openAt,
  volumeSpan,
  zonePolygons,
  type LatLonBounds,
} from "../components/map/map-data";
import { partyNames } from "../components/map/map-text";
import { NotificationDetails } from "../components/map/NotificationDetails";
import { NotificationList } from "../components/map/NotificationList";
import { TimeControl } from "../components/map/TimeControl";
import { PageTitle } from "../components/PageTitle";
import { mapPath } from "../router";
import { useStation } from "../station";
import "../map.css";

/**
 * Fills the viewport below the header, whose height varies: its links wrap in some languages, and
 * the "connection lost" banner comes and goes.
 *
 * @returns a ref for the element whose height is kept at what the viewport leaves below its top
 */
function useFillViewport(): RefObject<HTMLElement | null> {
  const element = useRef<HTMLElement>(null);
  useLayoutEffect(() => {
    const fill = () => {
      const current = element.current;
      if (current === null) return;
      const top = current.getBoundingClientRect().top + window.scrollY;
      current.style.height = `${Math.max(320, window.innerHeight - top)}px`;
    };
    fill();
    const resized = new ResizeObserver(fill);
    const header = document.querySelector(".app-header");
    if (header !== null) resized.observe(header);
    resized.observe(document.body);
    window.addEventListener("resize", fill);
    return () => {
      resized.disconnect();
      window.removeEventListener("resize", fill);
    };
  }, []);
  return element;
}

function volumeBounds(view: MapView, notification: string | null): LatLonBounds | null {
  return boundsOf(
    view.volumes.features
      .filter((f) =>
        notification === null ? f.properties.state === "active" : f.properties.notification === notification,
      )
      .map((f) => f.geometry.coordinates),
  );
}

/**
 * Where the map first looks: the linked notification (`?n=`) or zone (`?zone=`), else every volume
 * in force, else the zones.
 */
function firstBounds(view: MapView, linked: string | null): LatLonBounds | null {
  if (linked !== null && view.notifications.some((n) => n.id === linked)) return volumeBounds(view, linked);
  const zone = view.zones.find((z) => z.name === new URLSearchParams(location.search).get("zone"));
  if (zone !== undefined) return boundsOf([zonePolygons(zone.geometry)]);
  return (
    volumeBounds(view, null) ??
    boundsOf(view.volumes.features.map((f) => f.geometry.coordinates)) ??
    boundsOf(view.zones.map((z) => zonePolygons(z.geometry)))
  );
}

/**
 * The map of every line's notifications, this station's private zones and plans, and the
 * conflicts between them, with a time slider, a conflict list and a notification's details with
 * its clarifications. One read of `GET /api/map`, read again whenever entries arrive on any line.
 */
export function MapPage() {
  const { t } = useTranslation();
  const { state } = useStation();
  const [view, setView] = useState<MapView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);
  const [selected, setSelected] = useState<string | null>(() =>
    new URLSearchParams(location.search).get("n"),
  );
  const [selectedConflict, setSelectedConflict] = useState<string | null>(null);
  const [allTimes, setAllTimes] = useState(true);
  const [at, setAt] = useState(() => Date.now());
  const [showCancelled, setShowCancelled] = useState(false);
  const [fit, setFit] = useState<FitRequest | null>(null);
  const [missing, setMissing] = useState<string | null>(null);
  const fits = useRef(0);
  const page = useFillViewport();
  const legend = useRef<HTMLDetailsElement>(null);
  const firstLoad = useRef(true);

  // Every line's entry count, and the zones' digest: they change when entries arrive, or when
  // this station's zones or plans change (in another tab, or from the command line).
  const version = `${state.status?.zones ?? ""}/${state.status?.lines.map((l) => `${l.id}:${l.entries}`).join(",") ?? ""}`;

  useEffect(() => {
    let current = true;
    api.map().then(
      (found) => {
        if (!current) return;
        setView(found);
        setError(null);
        if (!firstLoad.current) return;
        firstLoad.current = false;
        const linked = new URLSearchParams(location.search).get("n");
        const wanted = linked === null ? undefined : found.notifications.find((n) => n.id === linked);
        if (linked !== null && wanted === undefined) setMissing(linked);
        if (wanted?.state === "cancelled") setShowCancelled(true);
        setFit({ bounds: firstBounds(found, wanted === undefined ? null : linked), seq: ++fits.current });
      },
      (failure: unknown) => {
        if (current) setError((failure as Error).message);
      },
    );
    return () => {
      current = false;
    };
  }, [version, reloads]);

  const refresh = useCallback(() => setReloads((n) => n + 1), []);
  const moment = allTimes ? null : at;
  const drawn = useMemo(
    () =>
      view === null
        ? { volumes: [], zones: [], conflicts: [] }
        : drawnAt(view, { at: moment, showCancelled }),
    [view, moment, showCancelled],
  );
  const conflictsNow = useMemo(
    () => new Set((view?.conflicts ?? []).filter((c) => openAt(c.from, c.to, moment)).map((c) => c.id)),
    [view, moment],
  );
  const parties = useMemo(() => partyNames(view?.notifications ?? [], t, view?.sharedZones ?? []), [view, t]);
  const span = useMemo(() => (view === null ? null : volumeSpan(view)), [view]);
  const listed = useMemo(() => {
    const shown = new Set(drawn.volumes.map((f) => f.properties.notification));
    return (view?.notifications ?? []).filter((n) => shown.has(n.id));
  }, [view, drawn]);
  const notification = view?.notifications.find((n) => n.id === selected) ?? null;
  const lineName =
    view?.lines.find((l) => l.id === notification?.line)?.name ?? notification?.line.slice(0, 12) ?? "";

  const open = (id: string, options: { fit: boolean }) => {
    setSelected(id);
    setMissing(null);
    history.replaceState(null, "", mapPath(id));
    const found = view?.notifications.find((n) => n.id === id);
    if (found?.state === "cancelled") setShowCancelled(true);
    if (options.fit && view !== null) setFit({ bounds: volumeBounds(view, id), seq: ++fits.current });
  };
  const close = () => {
    setSelected(null);
    history.replaceState(null, "", mapPath());
  };
  const showConflict = (c: MapConflict) => {
    setSelectedConflict(c.id);
    if (!conflictsNow.has(c.id)) setAt(Date.parse(c.from));
    if (c.overlap !== null) setFit({ bounds: boundsOf([c.overlap.coordinates]), seq: ++fits.current });
  };

  return (
    <main className="page map-page" ref={page}>
      <PageTitle title={t("map.title")}>
        <TimeControl span={span} at={at} allTimes={allTimes} onAt={setAt} onAllTimes={setAllTimes} />
        <label className="map-check">
          <input
            type="checkbox"
            checked={showCancelled}
            onChange={(event) => setShowCancelled(event.target.checked)}
          />
          {t("map.showCancelled")}
        </label>
      </PageTitle>
      {error !== null && (
        <p role="alert" className="error-text">
          {t("map.failed", { message: error })}
        </p>
      )}
      {missing !== null && (
        <p role="status" className="warning-text">
          {t("map.notFound", { id: missing.slice(0, 12) })}
        </p>
      )}
      <div className="map-body">
        <div className="map-area" aria-busy={view === null}>
          <MapCanvas
            drawn={drawn}
            selected={selected}
            selectedConflict={selectedConflict}
            fit={fit}
            parties={parties}
            overlay={legend}
            onSelectVolume={(id) => open(id, { fit: false })}
            onSelectConflict={(id) => {
              setSelectedConflict(id);
              requestAnimationFrame(() =>
                document.querySelector(`[data-conflict-item="${id}"]`)?.scrollIntoView({ block: "nearest" }),
              );
            }}
          />
          <Legend showCancelled={showCancelled} ref={legend} />
          {view === null && error === null && <p className="map-loading">{t("app.loading")}</p>}
          {view !== null && view.volumes.features.length === 0 && (
            <p className="map-empty">{t("map.empty")}</p>
          )}
        </div>
        <aside className="map-side" aria-label={t("map.side")}>
          {notification !== null && (
            <NotificationDetails
              key={notification.id}
              notification={notification}
              lineName={lineName}
              onClose={close}
              onShow={() => open(notification.id, { fit: true })}
              onChanged={refresh}
            />
          )}
          <ConflictList
            conflicts={view?.conflicts ?? []}
            drawn={conflictsNow}
            selected={selectedConflict}
            parties={parties}
            notifications={view?.notifications ?? []}
            onSelect={showConflict}
            onOpen={(id) => open(id, { fit: true })}
          />
          <NotificationList
            notifications={listed}
            selected={selected}
            onOpen={(id) => open(id, { fit: true })}
          />
        </aside>
      </div>
      <MapPatterns />
    </main>
  );
}
