import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useReducer,
  useRef,
  type ReactNode,
} from "react";
import { beep, notify } from "./alerts";
import { api } from "./api";
import { textBody, type Alarm, type LogEntry, type Session, type Status } from "./api-types";
import { useStationEvents, type Connection } from "./events";
import i18next from "./i18n";

// What the console knows of its station, kept up to date by the event stream: status (with the
// round-trip history the charts draw), the logs of lines someone looked at, and the open alarms.

/** Round trips of one participant on one line: x in seconds since 1970, y in ms. */
export interface RttSeries {
  x: number[];
  y: number[];
}

/** How many round trips a chart keeps: with a test every 2-5 s, a few minutes. */
export const RTT_POINTS = 120;

export interface StationState {
  status: Status | null;
  /** by rttKey(line, participant) */
  rtt: Record<string, RttSeries>;
  logs: Record<string, LogEntry[]>;
  logErrors: Record<string, string>;
  alarms: Alarm[] | null;
  alarmsError: string | null;
}

type Action =
  | { type: "status"; status: Status; at: number }
  | { type: "log"; line: string; entries: LogEntry[] }
  | { type: "logError"; line: string; message: string }
  | { type: "alarms"; alarms: Alarm[] }
  | { type: "alarmsError"; message: string }
  | { type: "alarm"; alarm: Alarm };

/**
 * @param line a line id
 * @param participant a station id
 * @returns the key of that link's round-trip series
 */
export function rttKey(line: string, participant: string): string {
  return `${line}/${participant}`;
}

function withRtt(rtt: Record<string, RttSeries>, status: Status, at: number): Record<string, RttSeries> {
  let next = rtt;
  for (const line of status.lines) {
    for (const p of line.participants) {
      if (p.rttMs === null) continue;
      const key = rttKey(line.id, p.id);
      const series = next[key] ?? { x: [], y: [] };
      // A status comes every 2 s, a test every testInterval: one point per test, not per status.
      const x = p.lastTestAt === null ? at / 1000 : Date.parse(p.lastTestAt) / 1000;
      const lastX = series.x[series.x.length - 1];
      if (lastX !== undefined && x <= lastX) continue;
      if (next === rtt) next = { ...rtt };
      next[key] = { x: [...series.x, x].slice(-RTT_POINTS), y: [...series.y, p.rttMs].slice(-RTT_POINTS) };
    }
  }
  return next;
}

function reduce(state: StationState, action: Action): StationState {
  switch (action.type) {
    case "status":
      return { ...state, status: action.status, rtt: withRtt(state.rtt, action.status, action.at) };
    case "log": {
      const { [action.line]: _gone, ...logErrors } = state.logErrors;
      return { ...state, logs: { ...state.logs, [action.line]: action.entries }, logErrors };
    }
    case "logError":
      return { ...state, logErrors: { ...state.logErrors, [action.line]: action.message } };
    case "alarms":
      return { ...state, alarms: action.alarms, alarmsError: null };
    case "alarmsError":
      return { ...state, alarmsError: action.message };
    case "alarm": {
      const alarms = state.alarms ?? [];
      const known = alarms.some((a) => a.id === action.alarm.id);
      return {
        ...state,
        alarms: known
          ? alarms.map((a) => (a.id === action.alarm.id ? action.alarm : a))
          : [action.alarm, ...alarms],
      };
    }
  }
}

interface StationContextValue {
  state: StationState;
  connection: Connection;
  /** fetches a line's log now (again) */
  loadLog: (line: string) => void;
  /** while a line is shown: its log is fetched on every new entry; call the result to stop */
  watchLine: (line: string) => () => void;
  loadAlarms: () => void;
  /** an alarm row the server answered with (after an acknowledgement) */
  alarmChanged: (alarm: Alarm) => void;
}

const StationContext = createContext<StationContextValue | null>(null);

/** @returns the station's state and what may be asked of it */
export function useStation(): StationContextValue {
  const value = useContext(StationContext);
  if (value === null) throw new Error("Cannot use the station outside <StationProvider>");
  return value;
}

/**
 * Runs work at most once at a time per key: a call while it runs makes it run once more afterwards
 * (the latest work given), so a burst of events costs two fetches, not one each.
 */
function useCoalesced(): (key: string, work: () => Promise<void>) => void {
  const running = useRef(new Map<string, (() => Promise<void>) | null>());
  return useCallback((key: string, work: () => Promise<void>) => {
    const map = running.current;
    if (map.has(key)) {
      map.set(key, work);
      return;
    }
    map.set(key, null);
    const run = (current: () => Promise<void>): void => {
      void current().finally(() => {
        const again = map.get(key);
        if (again) {
          map.set(key, null);
          run(again);
        } else map.delete(key);
      });
    };
    run(work);
  }, []);
}

export function StationProvider({ session, children }: { session: Session; children: ReactNode }) {
  const [state, dispatch] = useReducer(reduce, {
    status: null,
    rtt: {},
    logs: {},
    logErrors: {},
    alarms: null,
    alarmsError: null,
  });
  const coalesced = useCoalesced();
  const watched = useRef(new Map<string, number>());
  const announced = useRef(new Set<string>());
  const unackedBefore = useRef(new Map<string, number>());
  const lineNames = useRef(new Map<string, string>());
  const me = session.station.id;

  // Whether the next fetch of a line's log should sound for FLASH it has not seen: yes when
  // something arrived, no for a first look (which only learns what is already there).
  const announceNext = useRef(new Set<string>());
  const fetchLog = useCallback(
    (line: string, announce: boolean) => {
      if (announce) announceNext.current.add(line);
      coalesced(`log:${line}`, async () => {
        const sound = announceNext.current.delete(line);
        try {
          const entries = await api.log(line);
          dispatch({ type: "log", line, entries });
          for (const entry of entries) {
            if (entry.kind !== "text" || entry.author === me || announced.current.has(entry.hash)) continue;
            const body = textBody(entry);
            if (body.precedence !== "FLASH") continue;
            announced.current.add(entry.hash);
            if (!sound || entry.ackStates[me] === "acked") continue;
            beep("flash");
            notify(
              i18next.t("cue.flash", { line: lineNames.current.get(line) ?? line }),
              `${entry.authorName} (${body.operator}): ${body.text.slice(0, 200)}`,
              entry.hash,
            );
          }
        } catch (error) {
          dispatch({ type: "logError", line, message: (error as Error).message });
        }
      });
    },
    [coalesced, me],
  );

  // Every status (from the stream or fetched): more to acknowledge on a line means something
  // arrived there, so its log is fetched to see whether that was FLASH. The first status only
  // learns which FLASH messages are already there.
  const receiveStatus = useCallback(
    (status: Status) => {
      dispatch({ type: "status", status, at: Date.now() });
      for (const line of status.lines) {
        lineNames.current.set(line.id, line.name);
        const before = unackedBefore.current.get(line.id);
        if (before === undefined ? line.unacked > 0 : line.unacked > before) {
          fetchLog(line.id, before !== undefined);
        }
        unackedBefore.current.set(line.id, line.unacked);
      }
    },
    [fetchLog],
  );

  const loadStatus = useCallback(
    () =>
      coalesced("status", async () => {
        try {
          receiveStatus(await api.status());
        } catch {
          // the event stream brings the next one
        }
      }),
    [coalesced, receiveStatus],
  );

  const loadAlarms = useCallback(
    () =>
      coalesced("alarms", async () => {
        try {
          dispatch({ type: "alarms", alarms: await api.alarms() });
        } catch (error) {
          dispatch({ type: "alarmsError", message: (error as Error).message });
        }
      }),
    [coalesced],
  );

  const connection = useStationEvents({
    status: receiveStatus,
    entries(line) {
      if (watched.current.has(line)) fetchLog(line, true);
      loadStatus();
    },
    alarm(alarm) {
      dispatch({ type: "alarm", alarm });
      loadAlarms();
      const key = `alarm:${alarm.id}:${alarm.escalation}`;
      const urgent = alarm.code === "LINK_DOWN" || alarm.severity === "critical";
      if (!urgent || alarm.clearedAt !== null || alarm.ackedAt !== null || announced.current.has(key)) return;
      announced.current.add(key);
      beep(alarm.code === "LINK_DOWN" ? "down" : "alarm");
      const line = alarm.line === null ? "" : (lineNames.current.get(alarm.line) ?? alarm.line);
      notify(i18next.t("cue.alarm", { code: alarm.code, line }), alarm.detail, key);
    },
    reconnected() {
      loadStatus();
      loadAlarms();
      for (const line of watched.current.keys()) fetchLog(line, true);
    },
    closed() {
      // A 401 here signs the console out (api.ts); anything else: the stream is retried.
      loadStatus();
    },
  });

  useEffect(() => {
    loadStatus();
    loadAlarms();
  }, [loadStatus, loadAlarms]);

  const value = useMemo<StationContextValue>(
    () => ({
      state,
      connection,
      loadLog: (line) => fetchLog(line, false),
      watchLine: (line) => {
        const map = watched.current;
        map.set(line, (map.get(line) ?? 0) + 1);
        fetchLog(line, false);
        return () => {
          const n = (map.get(line) ?? 1) - 1;
          if (n <= 0) map.delete(line);
          else map.set(line, n);
        };
      },
      loadAlarms,
      alarmChanged: (alarm) => dispatch({ type: "alarm", alarm }),
    }),
    [state, connection, fetchLog, loadAlarms],
  );
  return <StationContext value={value}>{children}</StationContext>;
}
