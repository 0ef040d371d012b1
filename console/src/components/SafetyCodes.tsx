import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api";
import type { LineSummary, Whoami } from "../api-types";
import "./pending-members.css";

/**
 * What the operators of two stations read aloud to each other by phone: same digits, the line is
 * theirs; different digits, someone sits in between.
 */
export function SafetyCodes({ line, id }: { line: LineSummary | undefined; id: string }) {
  const { t } = useTranslation();
  const [whoami, setWhoami] = useState<Whoami | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.whoami().then(setWhoami, (failure: unknown) => setError((failure as Error).message));
  }, []);

  return (
    <section className="panel" id={id} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t("safety.title")}</h2>
      <p className="muted">{t("safety.hint")}</p>
      {error !== null && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      <table className="safety">
        <thead>
          <tr>
            <th scope="col">{t("safety.station")}</th>
            <th scope="col">{t("safety.code")}</th>
            <th scope="col">{t("safety.fingerprint")}</th>
          </tr>
        </thead>
        <tbody>
          {whoami !== null && (
            <tr>
              <th scope="row">
                {whoami.name} <span className="muted">({t("safety.thisStation")})</span>
              </th>
              <td className="muted">—</td>
              <td className="mono">{whoami.fingerprint}</td>
            </tr>
          )}
          {line?.participants
            .filter((p) => p.safetyCode !== null)
            .map((p) => (
              <tr key={p.id} className={p.pending ? "pending-row" : undefined}>
                <th scope="row">
                  {p.name}
                  {p.pending && <span className="pending-note">{t("safety.pending")}</span>}
                </th>
                <td className="mono safety-code">{p.safetyCode}</td>
                <td className="mono" title={p.id}>
                  {p.fingerprint}
                </td>
              </tr>
            ))}
        </tbody>
      </table>
    </section>
  );
}
