import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api";
import type { LineSummary, NotifyType, ZoneView } from "../../api-types";
import { useSubmit } from "../../submit";
import { FormDialog } from "../FormDialog";
import { AltitudeBand } from "../notify/AltitudeBand";
import { NotificationFields } from "../notify/NotificationFields";
import { TimeWindow } from "../notify/TimeWindow";
import { Refusal } from "../Refusal";

/** Where a zone or plan went: the line it was shared on, and the entry. */
export interface Shared {
  plan: string;
  kind: ZoneView["kind"];
  line: LineSummary;
  hash: string;
  seq: number;
}

/**
 * "Share on a line…": notifies a plan on a line as one volume (its area, band and window), with
 * a type, title and description; or shares a protected zone there, so that every participant
 * computes its conflicts. The station then drops its private copy.
 *
 * @param plan the plan (with a bounded band and window) or protected zone
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
  const lineId = useId();
  const first = useRef<HTMLSelectElement>(null);
  const [lines, setLines] = useState<LineSummary[] | null>(null);
  const [line, setLine] = useState("");
  const [type, setType] = useState<NotifyType | "">("");
  const [title, setTitle] = useState(plan.name);
  const [description, setDescription] = useState("");
  const submission = useSubmit();
  const { setError } = submission;

  useEffect(() => {
    api.lines().then(
      (found) => {
        setLines(found);
        if (found.length === 1 && found[0] !== undefined) setLine(found[0].id);
      },
      (failure: unknown) => setError(t("zones.linesFailed", { message: (failure as Error).message })),
    );
  }, [t, setError]);

  const chosen = lines?.find((l) => l.id === line);
  const isPlan = plan.kind === "plan";
  const ready = chosen !== undefined && (!isPlan || (type !== "" && title.trim() !== ""));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!ready) return;
    const trimmed = description.trim();
    submission.run(
      () =>
        api.shareZone(
          plan.name,
          isPlan && type !== ""
            ? {
                line: chosen.id,
                type,
                title: title.trim(),
                ...(trimmed === "" ? {} : { description: trimmed }),
              }
            : { line: chosen.id },
        ),
      (written) => {
        onShared({ plan: plan.name, kind: plan.kind, line: chosen, ...written });
        onClose();
      },
    );
  };

  return (
    <FormDialog
      title={t(isPlan ? "zones.shareTitle" : "zones.shareZoneTitle", { name: plan.name })}
      initialFocus={first}
      closeLabel={t("notify.close")}
      submitLabel={
        submission.busy ? t("notify.sending") : t(isPlan ? "zones.shareSubmit" : "zones.shareZoneSubmit")
      }
      submitDisabled={submission.busy || !ready}
      onSubmit={submit}
      onClose={onClose}
    >
      <p>
        <AltitudeBand min={plan.minAltitude} max={plan.maxAltitude} />
        {" · "}
        <TimeWindow start={plan.from} end={plan.to} />
      </p>
      <p className="muted small">{t(isPlan ? "zones.shareText" : "zones.shareZoneText")}</p>
      <div className="form-grid">
        <label htmlFor={lineId}>{t("zones.line")}</label>
        <select id={lineId} ref={first} value={line} required onChange={(e) => setLine(e.target.value)}>
          <option value="">{lines === null ? t("app.loading") : t("zones.chooseLine")}</option>
          {(lines ?? []).map((l) => (
            <option key={l.id} value={l.id}>
              {l.name}
            </option>
          ))}
        </select>
        {isPlan && (
          <NotificationFields
            type={type}
            title={title}
            description={description}
            descriptionRows={3}
            onType={setType}
            onTitle={setTitle}
            onDescription={setDescription}
          />
        )}
      </div>
      {submission.error !== null && <Refusal heading={t("zones.shareFailed")} message={submission.error} />}
    </FormDialog>
  );
}
