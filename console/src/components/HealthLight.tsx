import { useTranslation } from "react-i18next";
import type { Health } from "../api-types";

/** A link's health: a light whose shape and colour differ, and always the word. */
export function HealthLight({ health }: { health: Health }) {
  const { t } = useTranslation();
  return (
    <span className={`health health-${health}`}>
      <span className="light" aria-hidden="true" />
      {t(`health.${health}`)}
    </span>
  );
}
