import { useId, useRef, useState, type ChangeEvent, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api";
import type { NotifyType } from "../../api-types";
import { useSubmit } from "../../submit";
import { FormDialog } from "../FormDialog";
import { Refusal } from "../Refusal";
import { NotificationFields } from "./NotificationFields";
import { notificationBody, readNotificationFile, type NotificationFile } from "./notification-file";

type Field = "type" | "title" | "description";

/**
 * The form to notify an activity on a line: type, title, description, and the volumes as a
 * loaded .json/.geojson file or pasted JSON. What the file carries (type, title, description)
 * fills the fields the operator has not typed in. A refusal shows the station's own message.
 *
 * @param line the line's id
 * @param onNotified after the notification is written, with its entry's seq
 * @param onClose when the dialog is closed
 */
export function NotifyDialog({
  line,
  onNotified,
  onClose,
}: {
  line: string;
  onNotified: (seq: number) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const ids = { file: useId(), text: useId(), hint: useId() };
  const first = useRef<HTMLSelectElement>(null);
  const [type, setType] = useState<NotifyType | "">("");
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [typed, setTyped] = useState<Record<Field, boolean>>({
    type: false,
    title: false,
    description: false,
  });
  const [text, setText] = useState("");
  const [file, setFile] = useState<NotificationFile>({ kind: "empty" });
  const [fileName, setFileName] = useState<string | null>(null);
  const submission = useSubmit();

  const take = (next: string) => {
    setText(next);
    const read = readNotificationFile(next);
    setFile(read);
    submission.setError(null);
    if (read.kind !== "notification" && read.kind !== "features") return;
    if (!typed.type && read.type !== undefined) setType(read.type);
    if (!typed.title && read.title !== undefined) setTitle(read.title);
    if (!typed.description && read.description !== undefined) setDescription(read.description);
  };

  const load = (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = event.target.files?.[0];
    if (chosen === undefined) return;
    setFileName(chosen.name);
    chosen
      .text()
      .then(take, (failure: unknown) => setFile({ kind: "notJson", message: (failure as Error).message }));
  };

  const edit = <T extends string>(field: Field, value: T, set: (value: T) => void) => {
    // Emptied again, a field is the file's to fill once more.
    setTyped((before) => ({ ...before, [field]: value !== "" }));
    set(value);
  };

  const ready =
    (file.kind === "notification" || file.kind === "features") && type !== "" && title.trim() !== "";
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!ready) return;
    const body = notificationBody(file, { type, title: title.trim(), description: description.trim() });
    submission.run(
      () => api.notify(line, body),
      (written) => {
        onNotified(written.seq);
        onClose();
      },
    );
  };

  return (
    <FormDialog
      title={t("notify.dialogTitle")}
      className="notify-dialog"
      initialFocus={first}
      closeLabel={t("notify.close")}
      submitLabel={submission.busy ? t("notify.sending") : t("notify.submit")}
      submitDisabled={!ready || submission.busy}
      onSubmit={submit}
      onClose={onClose}
    >
      <div className="form-grid">
        <NotificationFields
          type={type}
          title={title}
          description={description}
          descriptionRows={2}
          typeRef={first}
          onType={(value) => edit("type", value, setType)}
          onTitle={(value) => edit("title", value, setTitle)}
          onDescription={(value) => edit("description", value, setDescription)}
        />
        <label htmlFor={ids.file}>{t("notify.volumesFile")}</label>
        <span className="notify-file">
          <input
            id={ids.file}
            type="file"
            accept=".json,.geojson,application/json,application/geo+json"
            onChange={load}
          />
          {fileName !== null && <span className="muted small">{fileName}</span>}
        </span>
        <label htmlFor={ids.text}>{t("notify.volumesText")}</label>
        <textarea
          id={ids.text}
          className="mono notify-json"
          value={text}
          rows={8}
          spellCheck={false}
          aria-describedby={ids.hint}
          onChange={(e) => take(e.target.value)}
        />
      </div>
      <p id={ids.hint} className="muted small notify-hint">
        {t("notify.volumesHint")}
      </p>
      <FileSummary file={file} />
      {submission.error !== null && <Refusal heading={t("notify.refused")} message={submission.error} />}
    </FormDialog>
  );
}

/** What the loaded or pasted text was read as, so a wrong file is seen before it is sent. */
function FileSummary({ file }: { file: NotificationFile }) {
  const { t } = useTranslation();
  switch (file.kind) {
    case "empty":
      return null;
    case "notJson":
      return <p className="error-text small">{t("notify.notJson", { message: file.message })}</p>;
    case "notObject":
      return <p className="error-text small">{t("notify.notObject")}</p>;
    case "notification":
      return <p className="ok-text small">{t("notify.readNotification", { count: file.volumes })}</p>;
    case "features":
      return <p className="ok-text small">{t("notify.readFeatures", { count: file.volumes })}</p>;
  }
}
