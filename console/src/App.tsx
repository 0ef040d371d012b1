import { useCallback, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api, setSessionToken } from "./api";
import type { Session } from "./api-types";
import { ClockProvider } from "./clock";
import { ConnectionBanner } from "./components/ConnectionBanner";
import { Header } from "./components/Header";
import i18next, { isConsoleLang, switchLang } from "./i18n";
import { Alarms } from "./pages/Alarms";
import { Audit } from "./pages/Audit";
import { Enrol } from "./pages/Enrol";
import { SecondFactor } from "./pages/SecondFactor";
import { Board } from "./pages/Board";
import { CallReadouts } from "./pages/CallReadouts";
import { LineView } from "./pages/LineView";
import { MapRoute } from "./pages/MapRoute";
import { NotFound } from "./pages/NotFound";
import { SignIn } from "./pages/SignIn";
import { Zones } from "./pages/Zones";
import { useRoute } from "./router";
import { SessionContext, type SessionContextValue } from "./session";
import { StationProvider } from "./station";

/** The console: sign-in until there is a session, then the pages, kept live by the event stream. */
export function App() {
  const { t } = useTranslation();
  // undefined: still asking the station whether this browser is signed in
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [unreachable, setUnreachable] = useState<string | null>(null);

  const begin = useCallback((next: Session) => {
    setSessionToken(next.csrf, () => setSession(null));
    if (isConsoleLang(next.operator.lang)) void switchLang(next.operator.lang);
    setSession(next);
  }, []);

  // At sign-in, an operator with no saved language keeps the one chosen on the sign-in page.
  const signedIn = useCallback(
    (next: Session) => {
      begin(next);
      if (next.operator.lang === null) {
        api.saveLang(i18next.language).then(
          (saved) => setSession(saved),
          () => {}, // the choice still holds in this browser
        );
      }
    },
    [begin],
  );

  const ask = useCallback(() => {
    api.session().then(
      (found) => {
        setUnreachable(null);
        begin(found);
      },
      (error: unknown) => {
        // A standby host: the sign-in page says so and links to the active one.
        if (error instanceof ApiError && (error.status === 401 || error.code === "STANDBY")) setSession(null);
        else setUnreachable((error as Error).message);
      },
    );
  }, [begin]);

  useEffect(ask, [ask]);

  const context = useMemo<SessionContextValue | null>(
    () =>
      session
        ? {
            session,
            replaceSession: begin,
            signOut: async () => {
              try {
                await api.signOut();
              } finally {
                setSession(null);
              }
            },
          }
        : null,
    [session, begin],
  );

  if (session === undefined) {
    return (
      <main className="splash">
        {unreachable === null ? (
          <p>{t("app.loading")}</p>
        ) : (
          <div role="alert" className="error-box">
            <p>{t("app.unreachable")}</p>
            <p className="muted">{unreachable}</p>
            <button type="button" onClick={ask}>
              {t("app.retry")}
            </button>
          </div>
        )}
      </main>
    );
  }
  if (session === null || context === null) {
    return (
      <ClockProvider>
        <SignIn onSignedIn={signedIn} />
      </ClockProvider>
    );
  }
  // An admin signed in without the second factor it must have: enrolment, and nothing else.
  if (session.secondFactor.required && !session.secondFactor.on) {
    return (
      <main className="signin-page">
        <div className="signin">
          <h1>
            hotline <span className="muted">{t("enrol.title")}</span>
          </h1>
          <Enrol forced onDone={ask} />
          <button type="button" className="tool" onClick={() => void context.signOut()}>
            {t("header.signOut")}
          </button>
        </div>
      </main>
    );
  }
  return (
    <SessionContext value={context}>
      <ClockProvider>
        <StationProvider session={session}>
          <Header />
          <ConnectionBanner />
          <Page />
        </StationProvider>
      </ClockProvider>
    </SessionContext>
  );
}

function Page() {
  const route = useRoute();
  switch (route.page) {
    case "board":
      return <Board />;
    case "line":
      return <LineView key={route.id} id={route.id} />;
    case "call":
      return <CallReadouts key={route.call} line={route.line} call={route.call} />;
    case "alarms":
      return <Alarms />;
    case "zones":
      return <Zones />;
    case "map":
      return <MapRoute />;
    case "audit":
      return <Audit />;
    case "secondFactor":
      return <SecondFactor />;
    case "notFound":
      return <NotFound path={route.path} />;
  }
}
