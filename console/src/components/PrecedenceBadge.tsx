import { useTranslation } from "react-i18next";
import type { Precedence } from "../api-types";

/** FLASH red, IMMEDIATE orange, PRIORITY blue, ROUTINE grey; the name is written on it too. */
export function PrecedenceBadge({ precedence }: { precedence: Precedence }) {
  const { t } = useTranslation();
  return (
    <span className={`prec prec-${precedence}`} title={t(`precedenceHint.${precedence}`)}>
      {precedence}
    </span>
  );
}
