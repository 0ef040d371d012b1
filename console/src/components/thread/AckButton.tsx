import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../../api";
import { useStation } from "../../station";

/** "Read and understood": writes a signed ack entry naming this one. */
export function AckButton({ line, entry }: { line: string; entry: string }) {
  const { t } = useTranslation();
  const { loadLog } = useStation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const acknowledge = () => {
    setBusy(true);
    setError(null);
    api.ack(entry).then(
      () => loadLog(line),
      (failure: unknown) => {
        setBusy(false);
        if (failure instanceof ApiError && failure.code === "ALREADY_ACKED") loadLog(line);
        else setError((failure as Error).message);
      },
    );
  };
  return (
    <div className="ack-action">
      <button type="button" className="primary ack-button" onClick={acknowledge} disabled={busy}>
        {busy ? t("thread.acknowledging") : t("thread.acknowledge")}
      </button>
      {error !== null && (
        <span role="alert" className="error-text">
          {t("thread.ackFailed", { message: error })}
        </span>
      )}
    </div>
  );
}
