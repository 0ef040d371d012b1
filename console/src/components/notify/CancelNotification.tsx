import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api";
import type { NotificationView } from "../../api-types";
import { ConfirmDialog } from "../ConfirmDialog";

/**
 * "Cancel notification": withdraws one of this station's notifications by a signed entry, after
 * the operator confirms and may give a reason (which the other side reads).
 *
 * @param notification the notification, this station's own and in force
 * @param onCancelled after the cancellation is written
 */
export function CancelNotification({
  notification,
  onCancelled,
}: {
  notification: NotificationView;
  onCancelled: () => void;
}) {
  const { t } = useTranslation();
  const reasonId = useId();
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const cancel = () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    api.cancelNotification(notification.id, reason.trim()).then(
      () => {
        setBusy(false);
        setAsking(false);
        onCancelled();
      },
      (failure: unknown) => {
        setBusy(false);
        setAsking(false);
        setError(t("notify.cancelFailed", { message: (failure as Error).message }));
      },
    );
  };

  return (
    <>
      <button type="button" className="small-action" onClick={() => setAsking(true)} disabled={busy}>
        {t("notify.cancel")}
      </button>
      {error !== null && (
        <span role="alert" className="error-text small">
          {error}
        </span>
      )}
      {asking && (
        <ConfirmDialog
          title={t("notify.cancelTitle", { title: notification.title })}
          confirmLabel={busy ? t("notify.cancelling") : t("notify.cancelConfirm")}
          cancelLabel={t("notify.keep")}
          tone="danger"
          onConfirm={cancel}
          onCancel={() => setAsking(false)}
        >
          <p>{t("notify.cancelText")}</p>
          <label htmlFor={reasonId}>{t("notify.reason")}</label>
          <textarea
            id={reasonId}
            className="notify-reason"
            rows={3}
            maxLength={1000}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </ConfirmDialog>
      )}
    </>
  );
}
