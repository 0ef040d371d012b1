import { useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api";
import type { Answer } from "../../../src/api/call.js";

type Enrolment = Answer<"POST /api/second-factor">;

/**
 * Enrolling the signed-in operator's TOTP factor: a QR code and the secret as text for an
 * authenticator app, a first code to turn it on, then the recovery codes, shown once.
 *
 * @param props forced: the operator must enrol before anything else (an admin); onDone: enrolled
 */
export function Enrol({ forced, onDone }: { forced: boolean; onDone: () => void }) {
  const { t } = useTranslation();
  const codeId = useId();
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [code, setCode] = useState("");
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const fail = (failure: unknown) => {
    setBusy(false);
    setError((failure as Error).message);
  };
  const begin = () => {
    setBusy(true);
    setError(null);
    api.startEnrolment().then((started) => {
      setBusy(false);
      setEnrolment(started);
    }, fail);
  };
  const confirm = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    api.confirmEnrolment(code.trim()).then(
      (confirmed) => {
        setBusy(false);
        setRecoveryCodes(confirmed.recoveryCodes);
      },
      (failure: unknown) => {
        setCode("");
        fail(failure);
      },
    );
  };

  return (
    <section className="enrol">
      {forced && <p className="warning-text">{t("enrol.required")}</p>}
      {recoveryCodes !== null ? (
        <>
          <p>{t("enrol.on")}</p>
          <p>{t("enrol.recoveryCodes")}</p>
          <ol className="recovery-codes" aria-label={t("enrol.recoveryCodesLabel")}>
            {recoveryCodes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ol>
          <button type="button" className="primary" onClick={onDone}>
            {t("enrol.continue")}
          </button>
        </>
      ) : enrolment === null ? (
        <>
          <p>{t("enrol.explain")}</p>
          <button type="button" className="primary" disabled={busy} onClick={begin}>
            {t("enrol.begin")}
          </button>
        </>
      ) : (
        <form onSubmit={confirm} className="enrol-form">
          <p>{t("enrol.scan")}</p>
          {/* Drawn by the station as an SVG: the console bundles no QR code library. */}
          <img
            className="enrol-qr"
            alt={t("enrol.qr")}
            width={200}
            height={200}
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrolment.qrSvg)}`}
          />
          <p>
            {t("enrol.secret")} <code aria-label={t("enrol.secretLabel")}>{enrolment.secret}</code>
          </p>
          <label htmlFor={codeId}>{t("enrol.code")}</label>
          <input
            id={codeId}
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            required
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
          <button type="submit" className="primary" disabled={busy}>
            {t("enrol.confirm")}
          </button>
        </form>
      )}
      <div role="alert">{error !== null && <p className="error-text">{error}</p>}</div>
    </section>
  );
}
