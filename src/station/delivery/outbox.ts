import { changesMembership } from "../../record/mod.js";
import { Courier, type CourierSettings, type LineDelivery } from "./courier.js";
import { PeerContact } from "./peer-contact.js";
import type { PartLogger } from "../core/mod.js";
import type { Station } from "../core/mod.js";
import type { PeerTransport } from "./transport.js";

export type { LineDelivery } from "./courier.js";

export interface OutboxOptions {
  transport: PeerTransport;
  logger?: PartLogger | undefined;
  /** most entries per push (default 500: a backlog drains in few round trips; one new entry goes alone) */
  batch?: number | undefined;
  /**
   * most bytes of entries per push (default 4 MiB, well under the peer server's 8 MiB body limit: a
   * batch of large entries is cut, never refused whole for ever); one entry always goes
   */
  batchBytes?: number | undefined;
  /**
   * pushes in flight to one peer on one line at once (default 4): each page starts after the last
   * one sent, not the last one receipted, so a backlog is not one round trip per page
   */
  window?: number | undefined;
  /** quick retries before backing off (default 3, 200 ms apart); also resends after a gap in a row */
  quickRetries?: number | undefined;
  quickDelayMs?: number | undefined;
  /** backoff: first delay and cap (default 1 s, 30 s), jittered ±50 % by the station's clock's randomness */
  baseDelayMs?: number | undefined;
  maxDelayMs?: number | undefined;
  /** how often heads are compared with each peer on each line to catch up (default 10 s) */
  syncIntervalMs?: number | undefined;
}

/** What the outbox knows of one peer, for `status`. */
export interface CourierState {
  station: string;
  /** whether the peer answered the last try (an answer that refuses counts: it was reached) */
  connected: boolean;
  lastContact: string | null;
  /** the transport failure while not reached, else the last refusal on any of its lines */
  lastError: string | null;
  /** failed tries in a row, on the line with the most */
  failures: number;
  /** delivery on each line the peer shares with this station */
  lines: LineDelivery[];
}

/**
 * The outbox: for every peer and every line it shares with this station, whatever of this
 * station's chain on the line the peer has not receipted is pushed, in order, retried with quick
 * retries then capped, jittered exponential backoff, and drained at once when the peer is heard
 * from again. Each (peer, line) is delivered on its own, so a refusal on one line never holds back
 * another. Nothing is queued apart from the record itself: what is pending is derived from the
 * record and the peer's newest signed heads, so it survives restarts by construction. Heads are
 * compared on a timer to catch up. Time (what is due when), timers and jitter are the station's clock.
 */
export class Outbox {
  readonly #station: Station;
  readonly #options: CourierSettings;
  /** by `${line} ${peer}` */
  readonly #couriers = new Map<string, Courier>();
  readonly #peers = new Map<string, PeerContact>();
  #stopped = false;
  #refreshing: Promise<void> = Promise.resolve();

  constructor(station: Station, options: OutboxOptions) {
    this.#station = station;
    this.#options = {
      transport: options.transport,
      logger: options.logger ?? station.logger.child({ part: "outbox" }),
      batch: options.batch ?? 500,
      batchBytes: options.batchBytes ?? 4 * 1024 * 1024,
      window: Math.max(1, options.window ?? 4),
      quickRetries: options.quickRetries ?? 3,
      quickDelayMs: options.quickDelayMs ?? 200,
      baseDelayMs: options.baseDelayMs ?? 1_000,
      maxDelayMs: options.maxDelayMs ?? 30_000,
      syncIntervalMs: options.syncIntervalMs ?? 10_000,
    };
  }

  /** Starts a courier for every (peer, line), and listens for new entries, peers and contact. */
  async start(): Promise<void> {
    this.#station.events.on("entries", this.#onEntries);
    this.#station.events.on("contact", this.#onContact);
    this.#station.events.on("behind", this.#onBehind);
    this.#station.events.on("statement", this.#onStatement);
    await this.refresh();
  }

  /** Stops every courier; in-flight requests finish or fail on their own. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#station.events.off("entries", this.#onEntries);
    this.#station.events.off("contact", this.#onContact);
    this.#station.events.off("behind", this.#onBehind);
    this.#station.events.off("statement", this.#onStatement);
    await Promise.all([...this.#couriers.values()].map((c) => c.stop()));
  }

  /** Starts couriers for peers and lines that appeared since (one refresh at a time; a failure is logged). */
  refresh(): Promise<void> {
    this.#refreshing = this.#refreshing
      .then(() => this.#refresh())
      .catch((error: unknown) =>
        this.#options.logger.warn(
          { event: "outbox.refresh-failed", error: String(error) },
          "outbox refresh failed",
        ),
      );
    return this.#refreshing;
  }

  async #refresh(): Promise<void> {
    if (this.#stopped) return;
    const me = this.#station.id;
    const loads: Promise<void>[] = [];
    for (const line of await this.#station.store.lines()) {
      for (const p of await this.#station.store.participants(line.id)) {
        const key = `${line.id} ${p.station}`;
        if (p.station === me || this.#couriers.has(key)) continue;
        let contact = this.#peers.get(p.station);
        if (contact === undefined) {
          contact = new PeerContact(this.#station, p.station, this.#options.logger);
          this.#peers.set(p.station, contact);
          loads.push(contact.load());
        }
        const courier = new Courier(this.#station, p.station, line.id, contact, this.#options);
        this.#couriers.set(key, courier);
        courier.start();
      }
    }
    await Promise.all(loads);
  }

  /**
   * @param peer a peer station
   * @returns what the outbox knows of it, or null if it is no peer
   */
  state(peer: string): CourierState | null {
    const contact = this.#peers.get(peer);
    if (contact === undefined) return null;
    const lines = this.#couriersOf(peer).map((c) => c.state());
    const refusal = lines.find((l) => l.refused && l.lastError !== null);
    return {
      station: peer,
      connected: contact.connected,
      lastContact: contact.lastContact,
      lastError: contact.lastError ?? refusal?.lastError ?? null,
      failures: Math.max(0, ...lines.map((l) => l.failures)),
      lines,
    };
  }

  /**
   * @param line a line id
   * @param peer a peer station
   * @returns how many of this station's entries on the line the peer has not receipted
   */
  async pending(line: string, peer: string): Promise<number> {
    const mine = (await this.#station.store.head(line, this.#station.id))?.seq ?? 0;
    return Math.max(
      0,
      mine -
        (this.#couriers.get(`${line} ${peer}`)?.acked ??
          (await this.#station.store.coveredSeq(line, peer, this.#station.id))),
    );
  }

  /**
   * Has the couriers of a peer compare heads and catch up now (e.g. a link test saw it is ahead).
   *
   * @param peer a peer station
   * @param line only on this line (default: every line shared with the peer)
   */
  syncNow(peer: string, line?: string): void {
    for (const c of this.#couriersOf(peer)) if (line === undefined || c.line === line) c.syncNow();
  }

  /**
   * Wakes the couriers of a peer.
   *
   * @param peer a peer station
   * @param heard the peer was just heard from: backoffs after transport failures end (not those
   *   after refusals), and the time of contact is noted
   */
  wake(peer: string, heard = false): void {
    if (heard) this.#peers.get(peer)?.heard();
    for (const c of this.#couriersOf(peer)) {
      if (heard) c.heard();
      else c.wake();
    }
  }

  #couriersOf(peer: string): Courier[] {
    return [...this.#couriers.values()].filter((c) => c.peer === peer);
  }

  readonly #onEntries = (entries: readonly { entry: { kind: string; line: string | null } }[]): void => {
    // A member added, or consented to (it then becomes a participant), or a line taken up.
    if (entries.some((e) => changesMembership(e.entry.kind))) void this.refresh();
    const lines = new Set(entries.map((e) => e.entry.line));
    for (const courier of this.#couriers.values()) {
      if (lines.has(courier.line) || lines.has(null)) courier.wake();
    }
  };

  readonly #onContact = (peer: string): void => this.wake(peer, true);

  readonly #onBehind = (peer: string, line: string): void => this.syncNow(peer, line);

  readonly #onStatement = (statement: {
    station: string;
    line: string;
    heads: Record<string, { seq: number }>;
  }): void => {
    const courier = this.#couriers.get(`${statement.line} ${statement.station}`);
    courier?.learn(statement.heads[this.#station.id]?.seq ?? 0);
    courier?.peerMoved(statement.heads);
  };
}
