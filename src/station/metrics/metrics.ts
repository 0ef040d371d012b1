import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { ReceiveTiming, Station } from "../core/mod.js";
import type { Outbox } from "../delivery/mod.js";
import { quantile, type LinkMonitor, type LinkState } from "../links/mod.js";

/** What the metrics read besides the station: the outbox (what waits) and the link tests. */
export interface StationMetricsOptions {
  outbox: Outbox;
  monitor: LinkMonitor;
  /**
   * also show prom-client's process and Node metrics (CPU, memory, event-loop lag, GC), kept once
   * per process whatever stations it runs (default true)
   */
  processMetrics?: boolean | undefined;
}

/** A link's health as the `hotline_link_state` gauge says it. */
export const LINK_STATE_VALUES = { unknown: -1, down: 0, degraded: 1, up: 2 } as const;

/** How many characters of a line's or a peer's id label a series (as the CLI shortens them). */
const SHORT_ID = 12;

/** Buckets for the receive timings: from a single entry (well under a millisecond) to a large backlog. */
const RECEIVE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * A station's Prometheus metrics, in a registry of its own (several stations may share a process:
 * tests, the demo). Nearly everything is read from the store, the outbox and the link tests when
 * scraped (about 2 ms for a line with one peer), so sending and receiving pay nothing for it but a
 * few clock readings per batch received, and one per signature checked (about 2 µs a batch).
 *
 * Label values come only from what this station holds: its lines, and the participants pinned on
 * them (their name here and a short id). A peer cannot add a series by what it sends: entries it
 * pushes for a line this station is not on are refused before they count, and alarm codes and
 * severities are this station's own.
 */
export class StationMetrics {
  readonly #station: Station;
  /** this station's own metrics */
  readonly #own: Registry;
  readonly #processMetrics: boolean;
  /** what a scrape renders, made at the first (see {@link registry}) */
  #registry: Registry | null = null;
  readonly #outbox: Outbox;
  readonly #monitor: LinkMonitor;

  readonly #written: Counter<"line" | "line_id">;
  readonly #received: Counter<"line" | "line_id">;
  readonly #outboxPending: Gauge<PeerLabel>;
  readonly #linkState: Gauge<PeerLabel>;
  readonly #linkRtt: Gauge<PeerLabel>;
  readonly #linkRttHour: Gauge<PeerLabel | "quantile">;
  readonly #linkFailures: Gauge<PeerLabel>;
  readonly #alarms: Gauge<"code" | "severity">;
  readonly #verify: Histogram;
  readonly #apply: Histogram;

  constructor(station: Station, options: StationMetricsOptions) {
    this.#station = station;
    this.#outbox = options.outbox;
    this.#monitor = options.monitor;
    const own = new Registry();
    this.#own = own;
    this.#processMetrics = options.processMetrics !== false;
    const registers = [own];
    const peer: PeerLabel[] = ["line", "line_id", "peer", "peer_id"];
    this.#written = new Counter({
      name: "hotline_entries_written_total",
      help: "Entries this station wrote on a line (its own chain)",
      labelNames: ["line", "line_id"],
      registers,
    });
    this.#received = new Counter({
      name: "hotline_entries_received_total",
      help: "Entries of other stations this station holds on a line (received from peers)",
      labelNames: ["line", "line_id"],
      registers,
    });
    this.#outboxPending = new Gauge({
      name: "hotline_outbox_pending_entries",
      help: "Entries of this station on a line that a peer has not receipted yet (the outbox depth)",
      labelNames: peer,
      registers,
    });
    this.#linkState = new Gauge({
      name: "hotline_link_state",
      help: "Health of the link to a peer on a line: 2 up, 1 degraded, 0 down, -1 not tested yet",
      labelNames: peer,
      registers,
    });
    this.#linkRtt = new Gauge({
      name: "hotline_link_rtt_seconds",
      help: "Round trip of the last good link test to a peer on a line",
      labelNames: peer,
      registers,
    });
    this.#linkRttHour = new Gauge({
      name: "hotline_link_rtt_hour_seconds",
      help: "Round trips of the good link tests of the last hour to a peer on a line, by quantile",
      labelNames: [...peer, "quantile"],
      registers,
    });
    this.#linkFailures = new Gauge({
      name: "hotline_link_failures",
      help: "Link tests to a peer on a line failed in a row",
      labelNames: peer,
      registers,
    });
    this.#alarms = new Gauge({
      name: "hotline_alarms_open",
      help: "Alarms not cleared, by code and severity",
      labelNames: ["code", "severity"],
      registers,
    });
    this.#verify = new Histogram({
      name: "hotline_receive_verify_seconds",
      help: "Checking the signatures of a batch of entries received",
      buckets: RECEIVE_BUCKETS,
      registers,
    });
    this.#apply = new Histogram({
      name: "hotline_receive_apply_seconds",
      help: "Applying a batch of entries received, signatures aside: reading, the record's rules, storing",
      buckets: RECEIVE_BUCKETS,
      registers,
    });
  }

  /**
   * The registry `/metrics` answers from: this station's metrics, and the process's if asked. Made
   * at the first scrape, not at start: the process metrics' event-loop monitor wakes the process
   * every 10 ms for good once started, which a station nobody scrapes should not pay for.
   *
   * @returns the registry
   */
  get registry(): Registry {
    this.#registry ??= this.#processMetrics ? Registry.merge([this.#own, processRegistry()]) : this.#own;
    return this.#registry;
  }

  /** Starts timing what the station receives. */
  start(): void {
    this.#station.events.on("received", this.#onReceived);
  }

  stop(): void {
    this.#station.events.off("received", this.#onReceived);
  }

  /** @returns the content type of {@link scrape}'s text (Prometheus' text format) */
  get contentType(): string {
    return this.#own.contentType; // the same text format whatever the registry holds
  }

  /**
   * Reads what the metrics show from the store, the outbox and the link tests, then renders them all.
   *
   * @returns the metrics in Prometheus' text format
   */
  async scrape(): Promise<string> {
    const snapshot = await this.#read();
    // Set in one synchronous step, so that a scrape never sees a gauge reset and not yet set.
    for (const metric of [
      this.#written,
      this.#received,
      this.#outboxPending,
      this.#linkState,
      this.#linkRtt,
      this.#linkRttHour,
      this.#linkFailures,
      this.#alarms,
    ]) {
      metric.reset();
    }
    for (const line of snapshot.lines) {
      const labels = { line: line.name, line_id: line.id.slice(0, SHORT_ID) };
      this.#written.inc(labels, line.written);
      this.#received.inc(labels, line.received);
    }
    for (const link of snapshot.links) {
      const labels = link.labels;
      this.#outboxPending.set(labels, link.pending);
      const state = link.state;
      this.#linkState.set(labels, LINK_STATE_VALUES[state?.health ?? "unknown"]);
      if (state === null) continue;
      this.#linkFailures.set(labels, state.failures);
      if (state.rttMs !== null) this.#linkRtt.set(labels, state.rttMs / 1000);
      const rtts = state.rtts.map((s) => s.ms);
      for (const q of [0.5, 0.95]) {
        const value = quantile(rtts, q);
        if (value !== null) this.#linkRttHour.set({ ...labels, quantile: String(q) }, value / 1000);
      }
    }
    for (const [key, count] of snapshot.alarms) {
      const [code = "", severity = ""] = key.split(" ");
      this.#alarms.set({ code, severity }, count);
    }
    return this.registry.metrics();
  }

  async #read(): Promise<Snapshot> {
    const station = this.#station;
    const me = station.id;
    const lines: Snapshot["lines"] = [];
    const links: Snapshot["links"] = [];
    for (const line of await station.store.lines()) {
      const written = (await station.store.head(line.id, me))?.seq ?? 0;
      lines.push({ id: line.id, name: line.name, written, received: Math.max(0, line.entries - written) });
      for (const p of await station.store.participants(line.id)) {
        if (p.station === me) continue;
        links.push({
          labels: {
            line: line.name,
            line_id: line.id.slice(0, SHORT_ID),
            peer: p.name,
            peer_id: p.station.slice(0, SHORT_ID),
          },
          pending: await this.#outbox.pending(line.id, p.station),
          state: this.#monitor.state(line.id, p.station),
        });
      }
    }
    const alarms = new Map<string, number>();
    for (const alarm of await station.store.alarms()) {
      if (alarm.clearedAt !== null) continue;
      const key = `${alarm.code} ${alarm.severity}`;
      alarms.set(key, (alarms.get(key) ?? 0) + 1);
    }
    return { lines, links, alarms };
  }

  readonly #onReceived = (timing: ReceiveTiming): void => {
    this.#verify.observe(timing.verifyMs / 1000);
    this.#apply.observe(timing.applyMs / 1000);
  };
}

let sharedProcessRegistry: Registry | null = null;

/**
 * @returns the registry of prom-client's process and Node metrics, made once per process (at its
 *   first scrape): they describe the process, whatever stations it runs, and each collection keeps
 *   an event-loop monitor running for good (a timer every 10 ms)
 */
function processRegistry(): Registry {
  if (sharedProcessRegistry === null) {
    sharedProcessRegistry = new Registry();
    collectDefaultMetrics({ register: sharedProcessRegistry });
  }
  return sharedProcessRegistry;
}

type PeerLabel = "line" | "line_id" | "peer" | "peer_id";

interface Snapshot {
  lines: { id: string; name: string; written: number; received: number }[];
  links: { labels: Record<PeerLabel, string>; pending: number; state: LinkState | null }[];
  /** open alarms by `${code} ${severity}` */
  alarms: Map<string, number>;
}
