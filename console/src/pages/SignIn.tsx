import { useEffect, useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../api";
import type { Session, StationIdentity } from "../api-types";
import { useNow } from "../clock";
import { LanguageSelect } from "../components/LanguageSelect";

/** The sign-in form; the language can be chosen here already (remembered in this browser). */
export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const { t } = useTranslation();
  const now = useNow();
  const operatorId = useId();
  const passwordId = useId();
  const codeId = useId();
  // The password was right and the operator's second factor is on: ask for a code too.
  const [needCode, setNeedCode] = useState(false);
  const [code, setCode] = useState("");
  const [operator, setOperator] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [retryAt, setRetryAt] = useState<number | null>(null);
  const wait = retryAt === null ? 0 : Math.ceil((retryAt - now) / 1000);
  // Which station this is, before any password is given: name and key fingerprint.
  const [station, setStation] = useState<StationIdentity | null>(null);
  // This host is the standby of a station run by two: nothing can be done here, the active can.
  const [standby, setStandby] = useState<ApiError | null>(null);
  useEffect(() => {
    api.station().then(setStation, (failure: unknown) => {
      if (failure instanceof ApiError && failure.code === "STANDBY") setStandby(failure);
    });
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy || wait > 0) return;
    setBusy(true);
    setError(null);
    setRetryAt(null);
    api.signIn(operator.trim(), password, needCode ? code.trim() : undefined).then(
      (session) => {
        setPassword("");
        setCode("");
        onSignedIn(session);
      },
      (failure: unknown) => {
        setBusy(false);
        if (failure instanceof ApiError && failure.code === "STANDBY") {
          setStandby(failure);
        } else if (failure instanceof ApiError && failure.code === "BAD_CREDENTIALS") {
          setError(t("signIn.badCredentials"));
          setPassword("");
          setNeedCode(false);
        } else if (failure instanceof ApiError && failure.code === "SECOND_FACTOR_NEEDED") {
          setNeedCode(true);
        } else if (failure instanceof ApiError && failure.code === "BAD_SECOND_FACTOR") {
          setError(t("signIn.badCode"));
          setCode("");
        } else if (failure instanceof ApiError && failure.code === "THROTTLED") {
          setRetryAt(Date.now() + (failure.retryAfterSeconds ?? 30) * 1000);
        } else setError(t("signIn.failed", { message: (failure as Error).message }));
      },
    );
  };

  return (
    <div className="signin-page">
      <div className="signin-lang">
        <LanguageSelect />
      </div>
      <main className="signin">
        <h1>
          hotline <span className="muted">{t("signIn.console")}</span>
        </h1>
        {station !== null && (
          <p className="signin-station">
            {t("signIn.station")} <strong>{station.name}</strong>
            <br />
            <span className="muted small">
              {t("signIn.fingerprint")} <code>{station.fingerprint}</code>
            </span>
          </p>
        )}
        {standby !== null && (
          <div role="alert" className="signin-standby">
            <strong>{t("signIn.standby")}</strong>
            <p>{standby.message}</p>
            {standby.activeApi !== undefined && (
              <p>
                <a href={`${window.location.protocol}//${standby.activeApi}/`}>{t("signIn.openActive")}</a>
              </p>
            )}
          </div>
        )}
        <form onSubmit={submit} className="signin-form" aria-describedby="signin-status">
          <label htmlFor={operatorId}>{t("signIn.operator")}</label>
          <input
            id={operatorId}
            name="operator"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            autoFocus
            value={operator}
            onChange={(e) => setOperator(e.target.value)}
          />
          <label htmlFor={passwordId}>{t("signIn.password")}</label>
          <input
            id={passwordId}
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          {needCode && (
            <>
              <label htmlFor={codeId}>{t("signIn.code")}</label>
              <input
                id={codeId}
                name="code"
                inputMode="numeric"
                autoComplete="one-time-code"
                required
                autoFocus
                aria-describedby={`${codeId}-hint`}
                value={code}
                onChange={(e) => setCode(e.target.value)}
              />
              <p id={`${codeId}-hint`} className="muted small">
                {t("signIn.codeHint")}
              </p>
            </>
          )}
          <button type="submit" className="primary" disabled={busy || wait > 0}>
            {busy ? t("signIn.signingIn") : t("signIn.submit")}
          </button>
          <div id="signin-status" role="alert" className="signin-status">
            {error !== null && <p className="error-text">{error}</p>}
            {wait > 0 && <p className="warning-text">{t("signIn.throttled", { count: wait })}</p>}
          </div>
        </form>
      </main>
    </div>
  );
}
