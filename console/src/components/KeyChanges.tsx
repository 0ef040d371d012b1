import { useTranslation } from "react-i18next";
import { api } from "../api";
import type { LineSummary } from "../api-types";
import { utcTime } from "../format";
import { useSession } from "../session";
import { useSubmit } from "../submit";
import { Refusal } from "./Refusal";
import "./pending-members.css";

type Member = LineSummary["participants"][number];

/**
 * A notice for each participant whose key changed on the line, until an operator here says the
 * new safety code was read aloud with that station's operators: a changed key the operators did
 * not check by voice could be someone sitting in between.
 *
 * @param line the line, as `lines` shows it
 * @param onAcknowledged after an operator acknowledged a change (the summary changed)
 */
export function KeyChanges({ line, onAcknowledged }: { line: LineSummary; onAcknowledged: () => void }) {
  const { t } = useTranslation();
  const changed = line.participants.filter((p) => p.keyChange !== null);
  if (changed.length === 0) return null;
  return (
    <ul className="pending-members" aria-label={t("keyChange.list")}>
      {changed.map((member) => (
        <KeyChange key={member.id} line={line} member={member} onAcknowledged={onAcknowledged} />
      ))}
    </ul>
  );
}

function KeyChange({
  line,
  member,
  onAcknowledged,
}: {
  line: LineSummary;
  member: Member;
  onAcknowledged: () => void;
}) {
  const { t, i18n } = useTranslation();
  const { session } = useSession();
  const submit = useSubmit();
  // Observers read only; the API refuses them too.
  const mayAcknowledge = session.operator.role !== "observer";
  const at = member.keyChange === null ? "" : utcTime(member.keyChange.at, i18n.language);
  return (
    <li className="pending-member pending-mine key-change" role="alert" data-station={member.id}>
      <div className="pending-head">
        <span className="pending-word">{t("keyChange.word")}</span>
        <span className="pending-text">{t("keyChange.notice", { member: member.name, at })}</span>
      </div>
      <p className="pending-meaning">
        {t("keyChange.newCode")} <span className="mono safety-code">{member.safetyCode}</span>
        <span className="muted small"> · {t("keyChange.fingerprint")} </span>
        <span className="mono small">{member.fingerprint}</span>
      </p>
      <p className="muted small">{t("keyChange.meaning", { member: member.name })}</p>
      {mayAcknowledge && (
        <button
          type="button"
          className="primary small-action"
          disabled={submit.busy}
          onClick={() => submit.run(() => api.acknowledgeKeyChange(line.id, member.id), onAcknowledged)}
        >
          {t("keyChange.acknowledge")}
        </button>
      )}
      {submit.error !== null && <Refusal heading={t("keyChange.refused")} message={submit.error} />}
    </li>
  );
}
