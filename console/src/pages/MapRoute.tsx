import { lazy, Suspense } from "react";
import { useTranslation } from "react-i18next";

// Leaflet, the base map and the map's own code load only when the map is first shown, so the
// other pages do not wait for them.
const MapPage = lazy(() => import("./MapPage").then((module) => ({ default: module.MapPage })));

/** The map page (`/map`), loaded on first use. */
export function MapRoute() {
  const { t } = useTranslation();
  return (
    <Suspense
      fallback={
        <main className="page">
          <p className="muted">{t("app.loading")}</p>
        </main>
      }
    >
      <MapPage />
    </Suspense>
  );
}
