import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { NotificationView } from "../../api-types";
import { Clarifications } from "./Clarifications";

/**
 * A notification's questions and answers, folded under one line so that the list stays short:
 * open while a question waits for its answer, and opened again when a new one comes.
 *
 * @param notification the notification
 * @param onChanged after a question or answer was written
 */
export function QuestionsToggle({
  notification,
  onChanged,
}: {
  notification: NotificationView;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const count = notification.clarifications.length;
  const unanswered = notification.clarifications.filter((q) => q.answers.length === 0).length;
  const [open, setOpen] = useState(unanswered > 0);
  const [seen, setSeen] = useState(unanswered);
  if (unanswered !== seen) {
    setSeen(unanswered);
    if (unanswered > seen) setOpen(true);
  }
  return (
    <details className="notify-questions" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        {count === 0 ? t("notify.askQuestion") : t("notify.questions", { count })}
        {unanswered > 0 && (
          <>
            {" "}
            <span className="badge notify-unanswered">{t("notify.unanswered", { count: unanswered })}</span>
          </>
        )}
      </summary>
      <Clarifications notification={notification} onChanged={onChanged} />
    </details>
  );
}
