import { useTranslation } from "react-i18next";
import type { LogEntry } from "../../api-types";
import { useSession } from "../../session";
import { useStationName } from "../../station-name";
import { Countdown } from "../Countdown";
import { Time } from "../Time";

/**
 * Per other participant: delivery (for this station's own entries: the signed receipt) and the
 * acknowledgement (by whom and when, pending, or overdue), with the live countdown to the deadline.
 */
export function AckStatus({ entry }: { entry: LogEntry }) {
  const { t } = useTranslation();
  const { session } = useSession();
  const stationName = useStationName();
  const mine = entry.author === session.station.id;
  const others = [...new Set([...Object.keys(entry.ackStates), ...Object.keys(entry.receipts)])].filter(
    (id) => id !== entry.author,
  );
  if (others.length === 0) return null;
  const open = Object.values(entry.ackStates).some((s) => s !== "acked");

  return (
    <div className="ack-status">
      <ul>
        {others.map((id) => {
          const state = entry.ackStates[id];
          const ack = entry.acks[id];
          const receipt = entry.receipts[id];
          return (
            <li key={id}>
              <span className="participant">
                {id === session.station.id ? t("thread.here") : stationName(id)}
              </span>
              {mine && (
                <span className={receipt === undefined ? "delivery sent" : "delivery received"}>
                  {receipt === undefined ? (
                    t("thread.sent")
                  ) : (
                    <>
                      {t("thread.received")} <Time iso={receipt} />
                    </>
                  )}
                </span>
              )}
              {state === "acked" && (
                <span className="ack acked">
                  ✓ {t("thread.ackedBy", { by: ack?.by ?? "?" })}{" "}
                  {ack !== undefined && <Time iso={ack.time} />}
                </span>
              )}
              {state === "pending" && <span className="ack pending">{t("thread.pending")}</span>}
              {state === "overdue" && <span className="ack overdue">{t("thread.overdue")}</span>}
            </li>
          );
        })}
      </ul>
      {open && entry.deadline !== null && <Countdown deadline={entry.deadline} />}
    </div>
  );
}
