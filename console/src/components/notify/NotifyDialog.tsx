import { useEffect, useId, useRef, useState, type ChangeEvent, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api";
import { NOTIFY_TYPES, type NotifyType } from "../../api-types";
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
  const ids = {
    title: useId(),
    type: useId(),
    name: useId(),
    description: useId(),
    file: useId(),
    text: useId(),
    hint: useId(),
  };
  const dialog = useRef<HTMLDialogElement>(null);
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
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);

  useEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    element.showModal();
    first.current?.focus();
    return () => element.close();
  }, []);

  const take = (next: string) => {
    setText(next);
    const read = readNotificationFile(next);
    setFile(read);
    setRefusal(null);
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

  const edit = (field: Field, value: string) => {
    // Emptied again, a field is the file's to fill once more.
    setTyped((before) => ({ ...before, [field]: value !== "" }));
    if (field === "type") setType(NOTIFY_TYPES.find((x) => x === value) ?? "");
    else if (field === "title") setTitle(value);
    else setDescription(value);
  };

  const ready =
    (file.kind === "notification" || file.kind === "features") && type !== "" && title.trim() !== "";
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!ready || busy) return;
    setBusy(true);
    setRefusal(null);
    const body = notificationBody(file, { type, title: title.trim(), description: description.trim() });
    api.notify(line, body).then(
      (written) => {
        onNotified(written.seq);
        onClose();
      },
      (failure: unknown) => {
        setBusy(false);
        setRefusal((failure as Error).message);
      },
    );
  };

  return (
    <dialog
      ref={dialog}
      className="confirm-dialog form-dialog notify-dialog"
      aria-labelledby={ids.title}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <form onSubmit={submit}>
        <h2 id={ids.title}>{t("notify.dialogTitle")}</h2>
        <div className="dialog-body">
          <div className="form-grid">
            <label htmlFor={ids.type}>{t("notify.type")}</label>
            <select
              id={ids.type}
              ref={first}
              value={type}
              required
              onChange={(e) => edit("type", e.target.value)}
            >
              <option value="">{t("notify.chooseType")}</option>
              {NOTIFY_TYPES.map((x) => (
                <option key={x} value={x}>
                  {t(`notifyType.${x}`)}
                </option>
              ))}
            </select>
            <label htmlFor={ids.name}>{t("notify.titleField")}</label>
            <input
              id={ids.name}
              value={title}
              required
              maxLength={200}
              onChange={(e) => edit("title", e.target.value)}
            />
            <label htmlFor={ids.description}>{t("notify.description")}</label>
            <textarea
              id={ids.description}
              value={description}
              rows={2}
              maxLength={4000}
              dir="auto"
              onChange={(e) => edit("description", e.target.value)}
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
          {refusal !== null && (
            <div role="alert" className="notify-refusal">
              <p className="error-text">{t("notify.refused")}</p>
              <p className="notify-refusal-message">{refusal}</p>
            </div>
          )}
        </div>
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            {t("notify.close")}
          </button>
          <button type="submit" className="primary" disabled={!ready || busy}>
            {busy ? t("notify.sending") : t("notify.submit")}
          </button>
        </div>
      </form>
    </dialog>
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
