import { useEffect, useEffectEvent, useState } from "react";
import type { Alarm, Status } from "./api-types";

/** "lost" from the first error until the stream works again; "connecting" only at first. */
export type Connection = "connecting" | "open" | "lost";

export interface StationEventHandlers {
  /** the station's status: at connect, and on changes */
  status(status: Status): void;
  /** something new on a line */
  entries(line: string): void;
  /** an alarm was raised or changed */
  alarm(alarm: Alarm): void;
  /** the stream works again after it was lost: whatever it missed must be fetched */
  reconnected(): void;
  /** the server closed the stream for good (signed out, or restarted): worth asking why */
  closed(): void;
}

// The station sends its status when it changes and a `ping` every 2 s. Silence longer than this
// means a half-open connection (a proxy, a laptop that slept) that EventSource alone would wait
// on for ever: the stream is opened again, and only an error on that new stream shows the banner.
const SILENCE_MS = 10_000;
const RETRY_MS = 3_000;

function parse<T>(event: Event): T | undefined {
  try {
    return JSON.parse((event as MessageEvent<string>).data) as T;
  } catch {
    return undefined;
  }
}

/**
 * Follows the station's Server-Sent Events for as long as the component is shown.
 *
 * @param handlers what to do with each event
 * @returns the state of the connection, for the "connection lost" banner
 */
export function useStationEvents(handlers: StationEventHandlers): Connection {
  const [connection, setConnection] = useState<Connection>("connecting");
  const onStatus = useEffectEvent((status: Status) => handlers.status(status));
  const onEntries = useEffectEvent((line: string) => handlers.entries(line));
  const onAlarm = useEffectEvent((alarm: Alarm) => handlers.alarm(alarm));
  const onReconnected = useEffectEvent(() => handlers.reconnected());
  const onClosed = useEffectEvent(() => handlers.closed());

  useEffect(() => {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let lastHeard = Date.now();
    let lost = false;

    const markLost = () => {
      lost = true;
      setConnection("lost");
    };
    const open = () => {
      clearTimeout(retry);
      source?.close();
      lastHeard = Date.now();
      const current = new EventSource("/api/events");
      source = current;
      const heard = () => {
        lastHeard = Date.now();
        setConnection("open");
        if (lost) {
          lost = false;
          onReconnected();
        }
      };
      current.addEventListener("open", heard);
      current.addEventListener("error", () => {
        markLost();
        if (current.readyState === EventSource.CLOSED) {
          // EventSource gives up on an HTTP error (401, 502): try again ourselves.
          clearTimeout(retry);
          retry = setTimeout(open, RETRY_MS);
          onClosed();
        }
      });
      current.addEventListener("status", (event) => {
        heard();
        const status = parse<Status>(event);
        if (status !== undefined) onStatus(status);
      });
      current.addEventListener("entries", (event) => {
        heard();
        const data = parse<{ line: string }>(event);
        if (data !== undefined) onEntries(data.line);
      });
      current.addEventListener("ping", heard);
      current.addEventListener("alarm", (event) => {
        heard();
        const alarm = parse<Alarm>(event);
        if (alarm !== undefined) onAlarm(alarm);
      });
    };
    const watchdog = setInterval(() => {
      if (Date.now() - lastHeard > SILENCE_MS && source?.readyState === EventSource.OPEN) open();
    }, 5_000);

    open();
    return () => {
      clearInterval(watchdog);
      clearTimeout(retry);
      source?.close();
    };
  }, []);

  return connection;
}
