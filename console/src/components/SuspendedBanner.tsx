import { useTranslation } from "react-i18next";
import type { Suspension } from "../api-types";
import { useStationName } from "../station-name";
import { Time } from "./Time";

/** Said out loud on the line: suspended since when, by whom, why. */
export function SuspendedBanner({ suspension }: { suspension: Suspension }) {
  const { t } = useTranslation();
  const stationName = useStationName();
  return (
    <div className="suspended-banner" role="note">
      <strong>{t("line.suspended")}</strong>{" "}
      {t("line.suspendedBy", { by: suspension.by, station: stationName(suspension.station) })}{" "}
      <span>
        {t("line.since")} <Time iso={suspension.since} />
      </span>
      <p className="reason">{suspension.reason}</p>
    </div>
  );
}
