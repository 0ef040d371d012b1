import { useEffect, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api";
import type { Answer } from "../../../src/api/call.js";
import { PageTitle } from "../components/PageTitle";

type AuditRows = Answer<"GET /api/audit">;

/** The audit log (admins): every operator action and sign-in attempt, newest first, by operator. */
export function Audit() {
  const { t } = useTranslation();
  const filterId = useId();
  const [operator, setOperator] = useState("");
  const [rows, setRows] = useState<AuditRows | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    // Typing filters after a pause, not at every key.
    const timer = setTimeout(() => {
      api.audit(operator.trim()).then(
        (found) => {
          setRows(found);
          setError(null);
        },
        (failure: unknown) => setError((failure as Error).message),
      );
    }, 250);
    return () => clearTimeout(timer);
  }, [operator]);

  return (
    <main className="page">
      <PageTitle title={t("audit.title")} />
      <p className="muted">{t("audit.explain")}</p>
      <label htmlFor={filterId}>{t("audit.operator")}</label>{" "}
      <input id={filterId} value={operator} onChange={(e) => setOperator(e.target.value)} />
      {error !== null && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      {rows !== null && (
        <table className="audit-table">
          <thead>
            <tr>
              <th>{t("audit.at")}</th>
              <th>{t("audit.operator")}</th>
              <th>{t("audit.action")}</th>
              <th>{t("audit.object")}</th>
              <th>{t("audit.outcome")}</th>
              <th>{t("audit.from")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.n} className={row.outcome === "refused" ? "audit-refused" : undefined}>
                <td className="audit-at">
                  <time dateTime={row.at}>{row.at.replace("T", " ").slice(0, 19)}</time>
                </td>
                <td>{row.operator ?? "–"}</td>
                <td>
                  <code>{row.action}</code>
                  {row.secondFactor !== null && <span className="muted"> ({row.secondFactor})</span>}
                </td>
                {/* Ids are long: shown cut, whole on hover (and in `hotline audit`). */}
                <td className="audit-object" title={row.object ?? undefined}>
                  {row.object ?? ""}
                </td>
                <td>
                  {row.outcome === "allowed"
                    ? t("audit.allowed")
                    : t("audit.refused", { code: row.code ?? "" })}
                </td>
                <td>
                  {row.origin} <span className="muted">({row.via})</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
