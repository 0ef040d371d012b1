import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api";
import { NOTIFY_TYPES, type LineSummary, type NotifyType, type ZoneView } from "../../api-types";
import { AltitudeBand } from "../notify/AltitudeBand";
import { TimeWindow } from "../notify/TimeWindow";

/** Where a plan went: the line it was notified on, and the notification's entry. */
export interface Shared {
  plan: string;
  line: LineSummary;
  hash: string;
  seq: number;
}

/**
 * "Share on a line…": notifies a plan on a line as one volume (its area, band and window), with
 * a type, title and description; the station then drops the private plan.
 *
 * @param plan the plan, with a bounded band and window
 * @param onShared after the notification is written
 * @param onClose when the dialog is closed
 */
export function ShareZoneDialog({
  plan,
  onShared,
  onClose,
}: {
  plan: ZoneView;
  onShared: (shared: Shared) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const ids = { title: useId(), line: useId(), type: useId(), name: useId(), description: useId() };
  const dialog = useRef<HTMLDialogElement>(null);
  const first = useRef<HTMLSelectElement>(null);
  const [lines, setLines] = useState<LineSummary[] | null>(null);
  const [line, setLine] = useState("");
  const [type, setType] = useState<NotifyType | "">("");
  const [title, setTitle] = useState(plan.name);
  const [description, setDescription] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    element.showModal();
    first.current?.focus();
    return () => element.close();
  }, []);

  useEffect(() => {
    api.lines().then(
      (found) => {
        setLines(found);
        if (found.length === 1 && found[0] !== undefined) setLine(found[0].id);
      },
      (failure: unknown) => setError(t("zones.linesFailed", { message: (failure as Error).message })),
    );
  }, [t]);

  const chosen = lines?.find((l) => l.id === line);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy || chosen === undefined || type === "" || title.trim() === "") return;
    setBusy(true);
    setError(null);
    const trimmed = description.trim();
    api
      .shareZone(plan.name, {
        line: chosen.id,
        type,
        title: title.trim(),
        ...(trimmed === "" ? {} : { description: trimmed }),
      })
      .then(
        (written) => {
          onShared({ plan: plan.name, line: chosen, ...written });
          onClose();
        },
        (failure: unknown) => {
          setBusy(false);
          setError((failure as Error).message);
        },
      );
  };

  return (
    <dialog
      ref={dialog}
      className="confirm-dialog form-dialog"
      aria-labelledby={ids.title}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <form onSubmit={submit}>
        <h2 id={ids.title}>{t("zones.shareTitle", { name: plan.name })}</h2>
        <div className="dialog-body">
          <p>
            <AltitudeBand min={plan.minAltitude} max={plan.maxAltitude} />
            {" · "}
            <TimeWindow start={plan.from} end={plan.to} />
          </p>
          <p className="muted small">{t("zones.shareText")}</p>
          <div className="form-grid">
            <label htmlFor={ids.line}>{t("zones.line")}</label>
            <select id={ids.line} ref={first} value={line} required onChange={(e) => setLine(e.target.value)}>
              <option value="">{lines === null ? t("app.loading") : t("zones.chooseLine")}</option>
              {(lines ?? []).map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name}
                </option>
              ))}
            </select>
            <label htmlFor={ids.type}>{t("notify.type")}</label>
            <select
              id={ids.type}
              value={type}
              required
              onChange={(e) => setType(NOTIFY_TYPES.find((x) => x === e.target.value) ?? "")}
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
              onChange={(e) => setTitle(e.target.value)}
            />
            <label htmlFor={ids.description}>{t("notify.description")}</label>
            <textarea
              id={ids.description}
              value={description}
              rows={3}
              maxLength={4000}
              dir="auto"
              onChange={(e) => setDescription(e.target.value)}
            />
          </div>
          {error !== null && (
            <div role="alert" className="notify-refusal">
              <p className="error-text">{t("zones.shareFailed")}</p>
              <p className="notify-refusal-message">{error}</p>
            </div>
          )}
        </div>
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            {t("notify.close")}
          </button>
          <button
            type="submit"
            className="primary"
            disabled={busy || chosen === undefined || type === "" || title.trim() === ""}
          >
            {busy ? t("notify.sending") : t("zones.shareSubmit")}
          </button>
        </div>
      </form>
    </dialog>
  );
}
