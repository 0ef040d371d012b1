import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { utcDay } from "./format";

const NowContext = createContext<number>(0);
const DayContext = createContext<string>("");

/**
 * One clock for the whole console: countdowns read the second, dates read the UTC day (which
 * changes once a day, so the thread does not re-render every second).
 */
export function ClockProvider({ children }: { children: ReactNode }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <NowContext value={now}>
      <DayContext value={utcDay(now)}>{children}</DayContext>
    </NowContext>
  );
}

/** @returns the time now, in ms, updated every second */
export function useNow(): number {
  return useContext(NowContext);
}

/** @returns today's UTC day, "2026-11-23" */
export function useUtcDay(): string {
  return useContext(DayContext);
}
