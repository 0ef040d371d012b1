import { useTranslation } from "react-i18next";
import { useStation } from "../station";

/** Red across the top while the event stream is down: everything shown may be stale. */
export function ConnectionBanner() {
  const { t } = useTranslation();
  const { connection } = useStation();
  if (connection !== "lost") return null;
  return (
    <div role="alert" className="banner banner-lost">
      {t("connection.lost")}
    </div>
  );
}
