import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api";
import type { MarkView, PointView, ReadoutView, Verdict } from "../../api-types";
import { Time } from "../Time";

interface PointProps {
  readout: ReadoutView;
  point: PointView;
  /** the stations whose latest readouts this one was compared with, by name */
  others: string[];
  /** this station may mark it: another side's readout, and a supervisor or admin signed in */
  canMark: boolean;
  me: string;
  /** after a mark is recorded */
  onMarked: () => void;
}

/**
 * One point (sentence) of a readout: whether the other side mentions it, what each side marked,
 * and, on another side's readout, Agree and Dispute.
 */
export function ReadoutPoint({ readout, point, others, canMark, me, onMarked }: PointProps) {
  const { t } = useTranslation();
  const textId = useId();
  const verdicts = Object.values(point.verdicts);
  const tone = verdicts.includes("disputed")
    ? "point-disputed"
    : verdicts.length > 0
      ? "point-agreed"
      : point.mentionedByOthers === false
        ? "point-only"
        : "";
  return (
    <li className={`point ${tone}`} data-point={point.index}>
      <div className="point-main">
        <span className="point-index" aria-hidden="true">
          [{point.index}]
        </span>
        <p className="point-text" id={textId} lang={readout.lang} dir="auto">
          {point.text}
        </p>
      </div>
      {point.mentionedByOthers !== null && (
        <p className={point.mentionedByOthers ? "mention mention-both" : "mention mention-only"}>
          {point.mentionedByOthers
            ? others.length === 1
              ? `= ${t("readouts.alsoIn", { station: others[0] })}`
              : `= ${t("readouts.alsoInOthers")}`
            : `+ ${t("readouts.onlyHere", { station: readout.stationName })}`}
        </p>
      )}
      <Marks marks={point.marks} />
      {canMark && (
        <MarkActions
          readout={readout.hash}
          point={point.index}
          current={point.verdicts[me]}
          describedBy={textId}
          onMarked={onMarked}
        />
      )}
    </li>
  );
}

/** Each side's standing mark; the ones a later mark of the same side replaced, on request. */
function Marks({ marks }: { marks: MarkView[] }) {
  const { t } = useTranslation();
  if (marks.length === 0) return null;
  const standing = marks.filter((mark, i) => !marks.slice(i + 1).some((m) => m.station === mark.station));
  const replaced = marks.filter((m) => !standing.includes(m));
  return (
    <>
      <ul className="marks">
        {standing.map((mark) => (
          <MarkLine key={mark.hash} mark={mark} superseded={false} />
        ))}
      </ul>
      {replaced.length > 0 && (
        <details className="earlier-marks">
          <summary>{t("readouts.earlierMarks", { count: replaced.length })}</summary>
          <ul className="marks">
            {replaced.map((mark) => (
              <MarkLine key={mark.hash} mark={mark} superseded />
            ))}
          </ul>
        </details>
      )}
    </>
  );
}

function MarkLine({ mark, superseded }: { mark: MarkView; superseded: boolean }) {
  const { t } = useTranslation();
  return (
    <li className={`mark mark-${mark.verdict} ${superseded ? "mark-superseded" : ""}`}>
      <span className="mark-verdict">
        {mark.verdict === "agreed" ? "✓" : "✗"} {t(`readouts.verdict.${mark.verdict}`)}
      </span>{" "}
      — {mark.stationName} <span className="muted">({mark.operator})</span> <Time iso={mark.time} />
      {mark.comment !== null && (
        <q className="mark-comment" dir="auto">
          {mark.comment}
        </q>
      )}
    </li>
  );
}

function MarkActions({
  readout,
  point,
  current,
  describedBy,
  onMarked,
}: {
  readout: string;
  point: number;
  current: Verdict | undefined;
  describedBy: string;
  onMarked: () => void;
}) {
  const { t } = useTranslation();
  const commentId = useId();
  const [disputing, setDisputing] = useState(false);
  const [comment, setComment] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const disputeButton = useRef<HTMLButtonElement>(null);

  // Opening the form focuses its comment; closing it (cancelled or recorded) gives the focus back
  // to Dispute, so a keyboard user stays at the point.
  const opened = useRef(false);
  useEffect(() => {
    if (disputing) textarea.current?.focus();
    else if (opened.current) disputeButton.current?.focus();
    opened.current = disputing;
  }, [disputing]);

  const mark = (verdict: Verdict, note?: string) => {
    setBusy(true);
    setError(null);
    api.markReadout(readout, { point, verdict, ...(note === undefined ? {} : { comment: note }) }).then(
      () => {
        setBusy(false);
        setDisputing(false);
        setComment("");
        onMarked();
      },
      (failure: unknown) => {
        setBusy(false);
        setError(t("readouts.markFailed", { message: (failure as Error).message }));
      },
    );
  };
  const stopDisputing = () => setDisputing(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (comment.trim() === "" || busy) return;
    mark("disputed", comment.trim());
  };

  return (
    <div className="mark-actions">
      {!disputing && (
        <div className="mark-buttons">
          <button
            type="button"
            className="small-action agree"
            onClick={() => mark("agreed")}
            disabled={busy || current === "agreed"}
            aria-describedby={describedBy}
          >
            <span aria-hidden="true">✓</span> {t("readouts.agree")}
          </button>
          <button
            type="button"
            ref={disputeButton}
            className="small-action dispute"
            onClick={() => setDisputing(true)}
            disabled={busy}
            aria-describedby={describedBy}
          >
            <span aria-hidden="true">✗</span> {t("readouts.dispute")}
          </button>
        </div>
      )}
      {disputing && (
        <form
          className="dispute-form"
          onSubmit={submit}
          onKeyDown={(event) => {
            if (event.key === "Escape") stopDisputing();
          }}
        >
          <label htmlFor={commentId}>{t("readouts.disputeComment")}</label>
          <textarea
            id={commentId}
            ref={textarea}
            rows={2}
            required
            maxLength={2000}
            dir="auto"
            value={comment}
            onChange={(e) => setComment(e.target.value)}
          />
          <div className="dispute-buttons">
            <button type="button" className="small-action" onClick={stopDisputing}>
              {t("readouts.cancel")}
            </button>
            <button type="submit" className="small-action danger" disabled={busy || comment.trim() === ""}>
              {busy ? t("readouts.marking") : t("readouts.recordDispute")}
            </button>
          </div>
        </form>
      )}
      {error !== null && (
        <p role="alert" className="error-text small">
          {error}
        </p>
      )}
    </div>
  );
}
