import { useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../../api";
import type { ClarificationView, NotificationView } from "../../api-types";
import { useSession } from "../../session";
import { useSubmit } from "../../submit";
import { Time } from "../Time";
import "./clarifications.css";

/** A textarea and a button that sends its text, shows the server's refusal, and clears on success. */
function TextForm({
  label,
  submit,
  onSubmit,
}: {
  label: string;
  submit: string;
  onSubmit: (text: string) => Promise<unknown>;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [text, setText] = useState("");
  const { busy, error, run } = useSubmit((failure) =>
    failure instanceof ApiError
      ? t("clarify.failedCode", { code: failure.code, message: failure.message })
      : t("clarify.failed", { message: (failure as Error).message }),
  );

  const send = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim() === "") return;
    run(
      () => onSubmit(text.trim()),
      () => setText(""),
    );
  };

  return (
    <form className="clarify-form" onSubmit={send}>
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        rows={2}
        maxLength={4000}
        value={text}
        onChange={(event) => setText(event.target.value)}
        aria-invalid={error !== null}
        aria-describedby={error === null ? undefined : `${id}-error`}
      />
      <div className="clarify-form-row">
        <button type="submit" className="primary" disabled={busy || text.trim() === ""}>
          {busy ? t("clarify.sending") : submit}
        </button>
      </div>
      {error !== null && (
        <p id={`${id}-error`} role="alert" className="error-text">
          {error}
        </p>
      )}
    </form>
  );
}

function Question({
  question,
  canAnswer,
  onChanged,
}: {
  question: ClarificationView;
  canAnswer: boolean;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  return (
    <li className="clarification" data-question={question.hash}>
      <p className="clarify-text" dir="auto">
        <span className="clarify-mark">{t("clarify.q")}</span> {question.question}
      </p>
      <p className="muted small">
        {t("clarify.by", { station: question.stationName, operator: question.operator })} ·{" "}
        <Time iso={question.time} date="always" />
      </p>
      {question.answers.length === 0 ? (
        <p className="muted small">{t("clarify.unanswered")}</p>
      ) : (
        <ul className="clarify-answers">
          {question.answers.map((a) => (
            <li key={a.hash}>
              <p className="clarify-text" dir="auto">
                <span className="clarify-mark">{t("clarify.a")}</span> {a.text}
              </p>
              <p className="muted small">
                {t("clarify.by", { station: a.stationName, operator: a.operator })} ·{" "}
                <Time iso={a.time} date="always" />
              </p>
            </li>
          ))}
        </ul>
      )}
      {canAnswer && (
        <TextForm
          label={t("clarify.answerLabel")}
          submit={t("clarify.answer")}
          onSubmit={async (text) => {
            await api.answerClarification(question.hash, text);
            onChanged();
          }}
        />
      )}
    </li>
  );
}

/**
 * A notification's questions (`clarify`) and their answers, oldest first, with a form to ask
 * one and, on a notification this station made, a form to answer each question from the other
 * side. Self-contained: it writes through the API and then calls `onChanged` to have the owner
 * fetch the notification again.
 *
 * @param notification the notification
 * @param onChanged called after a question or answer was written
 */
export function Clarifications({
  notification,
  onChanged,
}: {
  notification: NotificationView;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const { session } = useSession();
  const id = useId();
  const me = session.station.id;
  const canWrite = session.operator.role !== "observer";
  const ours = notification.station === me;

  return (
    <section className="clarifications" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>
        {t("clarify.title")}
        {notification.clarifications.length > 0 && ` (${notification.clarifications.length})`}
      </h3>
      {notification.clarifications.length === 0 ? (
        <p className="muted small">{t("clarify.none")}</p>
      ) : (
        <ol className="clarify-list">
          {notification.clarifications.map((q) => (
            <Question
              key={q.hash}
              question={q}
              canAnswer={canWrite && ours && q.station !== me}
              onChanged={onChanged}
            />
          ))}
        </ol>
      )}
      {canWrite ? (
        <TextForm
          label={t("clarify.askLabel")}
          submit={t("clarify.ask")}
          onSubmit={async (question) => {
            await api.askClarification(notification.id, question);
            onChanged();
          }}
        />
      ) : (
        <p className="muted small">{t("clarify.observer")}</p>
      )}
    </section>
  );
}
