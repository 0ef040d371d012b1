import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api";
import type { RecordCheck } from "../api-types";
import { formatNumber } from "../format";
import { useLocale } from "../i18n";
import { Time } from "./Time";

/** The record's check: every entry's signature, and whether the peers hold the same heads. */
export function RecordPanel({ line, id }: { line: string; id: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [check, setCheck] = useState<RecordCheck | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(true);

  const load = useCallback(() => {
    api.record(line).then(
      (result) => {
        setCheck(result);
        setError(null);
        setBusy(false);
      },
      (failure: unknown) => {
        setError((failure as Error).message);
        setBusy(false);
      },
    );
  }, [line]);
  useEffect(load, [load]);
  const again = () => {
    setBusy(true);
    load();
  };

  return (
    <section className="panel" id={id} aria-labelledby={`${id}-title`} aria-busy={busy}>
      <h2 id={`${id}-title`}>{t("record.title")}</h2>
      {error !== null && (
        <p role="alert" className="error-text">
          {t("record.failed", { message: error })}
        </p>
      )}
      {check !== null && (
        <>
          <p className={check.valid ? "ok-text record-summary" : "error-text record-summary"}>
            {t("record.entries", { count: check.entries, n: formatNumber(check.entries, locale) })},{" "}
            {check.valid ? t("record.valid") : t("record.invalid")}
            {check.peers.map((peer) => (
              <span key={peer.id} className={peer.match ? "" : "error-text"}>
                {", "}
                {peer.match
                  ? t("record.match", { peer: peer.name })
                  : t("record.differ", { peer: peer.name })}{" "}
                {!peer.match && (
                  <>{t("record.gap", { peer: peer.name, missing: peer.missing, extra: peer.extra })} </>
                )}
                {peer.asOf === null ? (
                  t("record.notCompared")
                ) : (
                  <>
                    {t("record.asOf")} <Time iso={peer.asOf} />
                  </>
                )}
              </span>
            ))}
          </p>
          {check.problems.length > 0 && (
            <ul className="problems">
              {check.problems.map((problem, i) => (
                <li key={i} className="error-text">
                  <code>{problem.code}</code> {problem.detail}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      <button type="button" onClick={again} disabled={busy}>
        {busy ? t("record.checking") : t("record.again")}
      </button>
      <p className="downloads">
        {t("record.download")}{" "}
        {(["bundle", "html", "md"] as const).map((format, i) => (
          <span key={format}>
            {i > 0 && " · "}
            <a
              href={`/api/lines/${encodeURIComponent(line)}/export?format=${format}`}
              download={`${line.slice(0, 12)}.${format === "bundle" ? "hotline.json" : format}`}
            >
              {t(`record.${format}`)}
            </a>
          </span>
        ))}
      </p>
    </section>
  );
}
