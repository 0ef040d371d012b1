/**
 * The faults of a chaos run: drawn from the run's seeded random source (so a seed replays the same
 * faults, on the same stations, for the same times), applied to a station's proxies or process,
 * healed, and what each must raise at the station's peers.
 *
 * @module
 */
import type { Direction } from "../src/faults/mod.js";
import { ROUTE_NAMES, type ChaosStation, type RouteName } from "./_stations.js";

/** Every kind of fault, in the order the table lists them. */
export const FAULT_KINDS = [
  "route-cut",
  "route-one-way",
  "route-blackhole",
  "latency",
  "loss",
  "kill-9",
  "sigstop",
  "clock-skew",
  "disk-full",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** The alarm a fault must raise at every peer of its station (about that station), if any. */
export type ExpectedAlarm = "ROUTE_DOWN" | "LINK_DOWN" | null;

/** One fault, as drawn. */
export interface Fault {
  kind: FaultKind;
  /** the station it hits (index in the run) */
  station: number;
  /** the route, for a proxy's fault */
  route: RouteName | null;
  /** how long it lasts before it is healed, ms (a detection still awaited may extend it) */
  durationMs: number;
  /** the fault's own figures: the direction cut, latency, loss, skew */
  detail: string;
  expects: ExpectedAlarm;
  /** the alarm the station itself must hold once healed (an incident it could not write at once) */
  leaves?: "DISK_FULL";
  apply(station: ChaosStation): Promise<void> | void;
  heal(station: ChaosStation): Promise<void> | void;
}

/** How long faults last and how far they go. */
export interface FaultBounds {
  /** shortest and longest fault, ms */
  minMs: number;
  maxMs: number;
  /** the largest clock skew, ms either way (within the 5-minute tolerance of the record) */
  maxSkewMs: number;
  /** the kinds to draw from (default all) */
  kinds?: readonly FaultKind[];
}

/**
 * Draws the next fault.
 *
 * @param random the run's fault stream
 * @param stations how many stations there are
 * @param bounds durations and skew
 * @returns the fault, not yet applied
 */
export function drawFault(random: () => number, stations: number, bounds: FaultBounds): Fault {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const kind = pick(bounds.kinds ?? FAULT_KINDS);
  const station = Math.floor(random() * stations);
  const durationMs = Math.round(bounds.minMs + random() * (bounds.maxMs - bounds.minMs));
  const route = pick(ROUTE_NAMES);
  const base = { kind, station, durationMs };
  switch (kind) {
    case "route-cut":
      return {
        ...base,
        route,
        detail: `${route} refused and reset`,
        expects: "ROUTE_DOWN",
        apply: (s) => s.proxies[route].cut(),
        heal: (s) => void s.proxies[route].heal(),
      };
    case "route-one-way": {
      const direction: Direction = pick(["up", "down"] as const);
      return {
        ...base,
        route,
        detail: `${route} ${direction === "up" ? "requests" : "answers"} swallowed`,
        expects: "ROUTE_DOWN",
        apply: (s) => void s.proxies[route].set({ blackhole: direction }),
        heal: (s) => void s.proxies[route].heal(),
      };
    }
    case "route-blackhole":
      return {
        ...base,
        route,
        detail: `${route} blackholed both ways`,
        expects: "ROUTE_DOWN",
        apply: (s) => void s.proxies[route].set({ blackhole: "both" }),
        heal: (s) => void s.proxies[route].heal(),
      };
    case "latency": {
      const latencyMs = 20 + Math.floor(random() * 230);
      const jitterMs = Math.floor(random() * 150);
      return {
        ...base,
        route,
        detail: `${route} +${latencyMs} ms ±${jitterMs} ms each way`,
        expects: null,
        apply: (s) => void s.proxies[route].set({ latencyMs, jitterMs }),
        heal: (s) => void s.proxies[route].heal(),
      };
    }
    case "loss": {
      const lossRate = Math.round((0.05 + random() * 0.25) * 100) / 100;
      return {
        ...base,
        route,
        detail: `${route} ${Math.round(lossRate * 100)} % loss`,
        expects: null,
        apply: (s) => void s.proxies[route].set({ lossRate, retransmitMs: 200 }),
        heal: (s) => void s.proxies[route].heal(),
      };
    }
    case "kill-9":
      return {
        ...base,
        route: null,
        detail: "killed, restarted after",
        expects: "LINK_DOWN",
        apply: (s) => s.kill(),
        heal: (s) => s.start(),
      };
    case "sigstop":
      return {
        ...base,
        route: null,
        detail: "SIGSTOP, SIGCONT after",
        expects: "LINK_DOWN",
        apply: (s) => s.freeze(),
        heal: (s) => s.thaw(),
      };
    case "clock-skew": {
      const skewMs = Math.round((random() * 2 - 1) * bounds.maxSkewMs);
      return {
        ...base,
        route: null,
        detail: `clock ${skewMs >= 0 ? "+" : ""}${(skewMs / 1000).toFixed(1)} s`,
        expects: null,
        apply: (s) => s.skew(skewMs),
        heal: (s) => s.skew(0),
      };
    }
    case "disk-full":
      return {
        ...base,
        route: null,
        detail: "every SQLite write fails with SQLITE_FULL",
        // Its peers' link tests are refused (DISK_FULL): the line cannot carry anything to it.
        expects: "LINK_DOWN",
        leaves: "DISK_FULL",
        apply: (s) => s.diskFull(true),
        heal: (s) => s.diskFull(false),
      };
  }
}
