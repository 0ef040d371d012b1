import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api";
import type { LineSummary } from "../api-types";
import { useSession } from "../session";
import { useSubmit } from "../submit";
import { ConfirmDialog } from "./ConfirmDialog";
import { Refusal } from "./Refusal";
import "../notify.css";
import "./pending-members.css";

type Member = LineSummary["participants"][number];

/**
 * The stations added to a line that are not on it yet, each with whose consent it still waits
 * for; nothing when there are none. An admin of a station asked sees "Approve…" there, and
 * "Approve all N…" above them when several await this station (one signed entry for all).
 *
 * @param line the line, as `lines` shows it
 * @param onApproved after this station consented (the line's participants changed)
 */
export function PendingMembers({ line, onApproved }: { line: LineSummary; onApproved: () => void }) {
  const { t } = useTranslation();
  const { session } = useSession();
  const pending = line.participants.filter((p) => p.pending);
  if (pending.length === 0) return null;
  const mine = pending.filter((p) => p.awaiting.includes(session.station.id));
  return (
    <>
      {session.operator.role === "admin" && mine.length > 1 && (
        <ApproveAll line={line} members={mine} onApproved={onApproved} />
      )}
      <ul className="pending-members" aria-label={t("consent.list")}>
        {pending.map((member) => (
          <PendingMember key={member.id} line={line} member={member} onApproved={onApproved} />
        ))}
      </ul>
    </>
  );
}

/**
 * Several stations await this station's consent (a batch invited together): one signed entry
 * consents to them all, after the same confirmation, each safety code shown.
 */
function ApproveAll({
  line,
  members,
  onApproved,
}: {
  line: LineSummary;
  members: Member[];
  onApproved: () => void;
}) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const submit = useSubmit();
  const approve = () =>
    submit.run(
      () =>
        api.approveMembers(
          line.id,
          members.map((m) => m.id),
        ),
      () => {
        setAsking(false);
        onApproved();
      },
    );
  return (
    <div className="pending-all">
      <button
        type="button"
        className="primary small-action"
        disabled={submit.busy}
        onClick={() => {
          submit.setError(null);
          setAsking(true);
        }}
      >
        {t("consent.approveAll", { count: members.length })}
      </button>
      {submit.error !== null && !asking && <Refusal heading={t("consent.refused")} message={submit.error} />}
      {asking && (
        <ConfirmDialog
          title={t("consent.approveAllTitle", { count: members.length })}
          confirmLabel={
            submit.busy ? t("consent.approving") : t("consent.approveAllConfirm", { count: members.length })
          }
          cancelLabel={t("consent.notYet")}
          onConfirm={approve}
          onCancel={() => setAsking(false)}
        >
          <p>{t("consent.approveAllText")}</p>
          <ul>
            {members.map((m) => (
              <li key={m.id}>
                {m.name}
                {m.safetyCode !== null && (
                  <>
                    {" "}
                    <span className="mono safety-code">{m.safetyCode}</span>
                  </>
                )}
              </li>
            ))}
          </ul>
          {submit.error !== null && <Refusal heading={t("consent.refused")} message={submit.error} />}
        </ConfirmDialog>
      )}
    </div>
  );
}

function PendingMember({
  line,
  member,
  onApproved,
}: {
  line: LineSummary;
  member: Member;
  onApproved: () => void;
}) {
  const { t } = useTranslation();
  const { session } = useSession();
  const me = session.station.id;
  const [asking, setAsking] = useState(false);
  const submit = useSubmit();
  // Consent is an admin's (the API refuses anyone else), and only a station asked gives it.
  const mayApprove = session.operator.role === "admin" && member.awaiting.includes(me);
  const nameOf = (id: string) => {
    const name = line.participants.find((p) => p.id === id)?.name ?? id.slice(0, 12);
    return id === me ? t("consent.thisStation", { name }) : name;
  };
  const stations = member.awaiting.map(nameOf).join(", ");
  const memberName = nameOf(member.id);

  const approve = () =>
    submit.run(
      () => api.approveMember(line.id, member.id),
      () => {
        setAsking(false);
        onApproved();
      },
    );

  return (
    <li className={`pending-member ${mayApprove ? "pending-mine" : ""}`} data-station={member.id}>
      <div className="pending-head">
        <span className="pending-word">{t("consent.pending")}</span>
        <span className="pending-text">
          {t("consent.waitingFor", { member: memberName, stations, count: member.awaiting.length })}
        </span>
        {mayApprove && (
          <button
            type="button"
            className="primary small-action"
            disabled={submit.busy}
            onClick={() => {
              submit.setError(null);
              setAsking(true);
            }}
          >
            {t("consent.approve")}
          </button>
        )}
      </div>
      <p className="pending-meaning muted small">{t("consent.meaning", { member: member.name })}</p>
      {submit.error !== null && !asking && <Refusal heading={t("consent.refused")} message={submit.error} />}
      {asking && (
        <ConfirmDialog
          title={t("consent.approveTitle", { member: member.name })}
          confirmLabel={
            submit.busy ? t("consent.approving") : t("consent.approveConfirm", { member: member.name })
          }
          cancelLabel={t("consent.notYet")}
          onConfirm={approve}
          onCancel={() => setAsking(false)}
        >
          <p>{t("consent.approveText", { member: member.name })}</p>
          {member.safetyCode !== null && (
            <p>
              {t("consent.safetyCode", { member: member.name })}{" "}
              <span className="mono safety-code">{member.safetyCode}</span>
            </p>
          )}
          {submit.error !== null && <Refusal heading={t("consent.refused")} message={submit.error} />}
        </ConfirmDialog>
      )}
    </li>
  );
}
