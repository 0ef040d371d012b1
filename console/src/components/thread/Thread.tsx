import { useEffect, useLayoutEffect, useMemo, useRef } from "react";
import { useTranslation } from "react-i18next";
import type { LogEntry } from "../../api-types";
import { useSession } from "../../session";
import { MessageEntry } from "./MessageEntry";
import { PresenceTestEntry } from "./PresenceTestEntry";
import { ReadoutEntry } from "./ReadoutEntry";
import { SystemEntry } from "./SystemEntry";

/** How close to the end (px) counts as "reading the latest": new entries then scroll into view. */
const FOLLOW_SLACK = 120;

/**
 * @param entry an entry of the log
 * @param me this station's id
 * @returns whether this station's operator still owes it an acknowledgement
 */
export function awaitsAckFrom(entry: LogEntry, me: string): boolean {
  return (
    (entry.kind === "text" || entry.kind === "test") && entry.author !== me && entry.ackStates[me] !== "acked"
  );
}

/**
 * The line's entries in causal order (as the server gives them), newest at the bottom. A
 * translation is not an entry of its own here: it is shown beneath its original.
 */
export function Thread({ entries }: { entries: LogEntry[] }) {
  const { t } = useTranslation();
  const { session } = useSession();
  const me = session.station.id;
  // Observers read; the server would refuse their acknowledgement.
  const canAck = session.operator.role !== "observer";
  const canTranslate = canAck;
  const scroller = useRef<HTMLOListElement>(null);
  const following = useRef(true);
  const byHash = useMemo(() => new Map(entries.map((e) => [e.hash, e])), [entries]);
  const shown = useMemo(() => entries.filter((e) => e.kind !== "translation"), [entries]);

  // New entries scroll into view while the operator reads the latest, and always when this
  // station wrote the newest message (the one just sent) — not for an acknowledgement made above.
  const lastSeen = useRef<string | undefined>(undefined);
  useLayoutEffect(() => {
    const last = entries.at(-1);
    if (
      last !== undefined &&
      last.hash !== lastSeen.current &&
      last.author === me &&
      last.kind === "text" &&
      lastSeen.current !== undefined
    )
      following.current = true;
    lastSeen.current = last?.hash;
    const element = scroller.current;
    if (element !== null && following.current) element.scrollTop = element.scrollHeight;
  }, [entries, me]);

  // A link to one entry (from an alarm, or an acknowledgement): show it once it is loaded.
  const jumped = useRef(false);
  useEffect(() => {
    if (jumped.current || !location.hash.startsWith("#e-")) return;
    const target = document.getElementById(location.hash.slice(1));
    if (target === null) return;
    jumped.current = true;
    following.current = false;
    target.scrollIntoView({ block: "center" });
    target.classList.add("jumped");
  }, [entries]);

  if (entries.length === 0) return <p className="muted thread-empty">{t("thread.empty")}</p>;
  return (
    <ol
      className="thread"
      ref={scroller}
      tabIndex={0}
      aria-label={t("thread.label")}
      onScroll={(event) => {
        const element = event.currentTarget;
        following.current = element.scrollHeight - element.scrollTop - element.clientHeight < FOLLOW_SLACK;
      }}
    >
      {shown.map((entry) => (
        <li key={entry.hash} id={`e-${entry.hash}`}>
          {entry.kind === "text" ? (
            <MessageEntry
              entry={entry}
              mine={entry.author === me}
              awaitsMe={awaitsAckFrom(entry, me)}
              canAck={canAck}
              canTranslate={canTranslate}
            />
          ) : entry.kind === "readout" ? (
            <ReadoutEntry
              entry={entry}
              request={byHash.get(typeof entry.body["call"] === "string" ? entry.body["call"] : "")}
              mine={entry.author === me}
              canTranslate={canTranslate}
            />
          ) : entry.kind === "test" ? (
            <PresenceTestEntry entry={entry} awaitsMe={awaitsAckFrom(entry, me)} canAck={canAck} />
          ) : (
            <SystemEntry entry={entry} byHash={byHash} />
          )}
        </li>
      ))}
    </ol>
  );
}
