import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api";
import type { Answer } from "../../../src/api/call.js";
import { PageTitle } from "../components/PageTitle";
import { Enrol } from "./Enrol";

/** The signed-in operator's second factor: whether it is on, and enrolment when it is not. */
export function SecondFactor() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<Answer<"GET /api/second-factor"> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    api.secondFactor().then(setStatus, (failure: unknown) => setError((failure as Error).message));
  }, [version]);

  return (
    <main className="page">
      <PageTitle title={t("enrol.title")} />
      {error !== null && <p className="error-text">{error}</p>}
      {status !== null &&
        (status.on ? (
          <p>{t("enrol.status", { count: status.recoveryCodesLeft })}</p>
        ) : (
          <Enrol forced={false} onDone={() => setVersion((n) => n + 1)} />
        ))}
    </main>
  );
}
