import { useState } from "react";
import { useTranslation } from "react-i18next";
import { notificationPermission, setMuted, useMuted } from "../alerts";
import { api } from "../api";
import type { Alarm, Severity } from "../api-types";
import { Link, useRoute } from "../router";
import { useSession } from "../session";
import { useStation } from "../station";
import { LanguageSelect } from "./LanguageSelect";

const SEVERITY_ORDER: Severity[] = ["critical", "warning", "info"];

/**
 * @param alarms alarm rows
 * @returns the open ones (cause not cleared) and the highest severity among them
 */
export function openAlarms(alarms: Alarm[]): { open: Alarm[]; worst: Severity | null } {
  const open = alarms.filter((a) => a.clearedAt === null);
  const worst = SEVERITY_ORDER.find((s) => open.some((a) => a.severity === s)) ?? null;
  return { open, worst };
}

/** On every page: where am I, the alarm count, sound, language, who is signed in. */
export function Header() {
  const { t } = useTranslation();
  const { session, replaceSession, signOut } = useSession();
  const { state } = useStation();
  const route = useRoute();
  const muted = useMuted();
  const [permission, setPermission] = useState(notificationPermission);
  const [langError, setLangError] = useState<string | null>(null);
  const { open, worst } = openAlarms(state.alarms ?? []);

  const saveLang = (lang: string) => {
    api.saveLang(lang).then(
      (next) => {
        setLangError(null);
        replaceSession(next);
      },
      (error: unknown) => setLangError(t("header.langNotSaved", { message: (error as Error).message })),
    );
  };

  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-name">hotline</span>
        <span className="station-name" title={session.station.fingerprint}>
          {session.station.name}
        </span>
      </div>
      <nav aria-label={t("header.nav")}>
        <Link to="/" aria-current={route.page === "board" ? "page" : undefined}>
          {t("header.lines")}
        </Link>
        <Link to="/map" aria-current={route.page === "map" ? "page" : undefined}>
          {t("header.map")}
        </Link>
        <Link
          to="/alarms"
          aria-current={route.page === "alarms" ? "page" : undefined}
          className="alarm-link"
          aria-label={t("header.alarmsCount", { count: open.length })}
        >
          {t("header.alarms")}{" "}
          <span className={`count-badge ${worst === null ? "sev-none" : `sev-${worst}`}`}>
            {state.alarms === null ? "–" : open.length}
          </span>
        </Link>
        <Link to="/zones" aria-current={route.page === "zones" ? "page" : undefined}>
          {t("header.zones")}
        </Link>
        {session.operator.role === "admin" && (
          <Link to="/audit" aria-current={route.page === "audit" ? "page" : undefined}>
            {t("header.audit")}
          </Link>
        )}
      </nav>
      <div className="header-tools">
        {/* The label says the state; the tooltip says what a press does. */}
        <button
          type="button"
          className={muted ? "tool muted-on" : "tool"}
          onClick={() => setMuted(!muted)}
          title={muted ? t("header.unmuteHint") : t("header.muteHint")}
        >
          {muted ? t("header.soundOff") : t("header.soundOn")}
        </button>
        {permission === "default" && (
          <button
            type="button"
            className="tool"
            onClick={() => {
              void Notification.requestPermission().then(setPermission);
            }}
          >
            {t("header.enableNotifications")}
          </button>
        )}
        {permission === "denied" && <span className="muted small">{t("header.notificationsBlocked")}</span>}
        <LanguageSelect onChosen={saveLang} />
        {langError !== null && (
          <span role="alert" className="error-text small">
            {langError}
          </span>
        )}
        <Link
          to="/second-factor"
          className="operator"
          title={t("header.secondFactor")}
          aria-current={route.page === "secondFactor" ? "page" : undefined}
        >
          {session.operator.name}
          <span className="muted"> · {t(`role.${session.operator.role}`)}</span>
        </Link>
        <button type="button" className="tool" onClick={() => void signOut()}>
          {t("header.signOut")}
        </button>
      </div>
    </header>
  );
}
