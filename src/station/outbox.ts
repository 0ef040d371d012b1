import { HotlineError } from "../record/mod.js";
import { catchUp } from "./catch-up.js";
import type { Station } from "./station.js";
import type { PeerTarget, PeerTransport } from "./transport.js";

/** Where the outbox reports what it does; pino fits. */
export interface OutboxLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface OutboxOptions {
  transport: PeerTransport;
  logger?: OutboxLogger | undefined;
  /** most entries per push (default 500: a backlog drains in few round trips; one new entry goes alone) */
  batch?: number | undefined;
  /** quick retries before backing off (default 3, 200 ms apart) */
  quickRetries?: number | undefined;
  quickDelayMs?: number | undefined;
  /** backoff: first delay and cap (default 1 s, 30 s), jittered ±50 % */
  baseDelayMs?: number | undefined;
  maxDelayMs?: number | undefined;
  /** how often heads are compared with each peer to catch up (default 10 s) */
  syncIntervalMs?: number | undefined;
}

interface OutboxSettings {
  transport: PeerTransport;
  logger: OutboxLogger;
  batch: number;
  quickRetries: number;
  quickDelayMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  syncIntervalMs: number;
}

/** What the outbox knows of one peer, for `status`. */
export interface CourierState {
  station: string;
  connected: boolean;
  lastContact: string | null;
  lastError: string | null;
  failures: number;
}

/** How often, at most, the time of last contact with a peer is written to the store. */
const CONTACT_SAVE_MS = 5_000;

const silent: OutboxLogger = { info: () => undefined, warn: () => undefined };

/**
 * The outbox: for every peer, whatever of this station's own chains the peer has not receipted is
 * pushed, in order, retried with quick retries then capped, jittered exponential backoff, and
 * drained at once when the peer is heard from again. Nothing is queued apart from the record
 * itself: what is pending is derived from the record and the peer's newest signed heads, so it
 * survives restarts by construction. Heads are compared on a timer to catch up.
 */
export class Outbox {
  readonly #station: Station;
  readonly #options: OutboxSettings;
  readonly #couriers = new Map<string, Courier>();
  #stopped = false;

  constructor(station: Station, options: OutboxOptions) {
    this.#station = station;
    this.#options = {
      transport: options.transport,
      logger: options.logger ?? silent,
      batch: options.batch ?? 500,
      quickRetries: options.quickRetries ?? 3,
      quickDelayMs: options.quickDelayMs ?? 200,
      baseDelayMs: options.baseDelayMs ?? 1_000,
      maxDelayMs: options.maxDelayMs ?? 30_000,
      syncIntervalMs: options.syncIntervalMs ?? 10_000,
    };
  }

  /** Starts a courier for every peer, and listens for new entries, peers and contact. */
  start(): void {
    this.#station.events.on("entries", this.#onEntries);
    this.#station.events.on("contact", this.#onContact);
    this.#station.events.on("statement", this.#onStatement);
    this.refresh();
  }

  /** Stops every courier; in-flight requests finish or fail on their own. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#station.events.off("entries", this.#onEntries);
    this.#station.events.off("contact", this.#onContact);
    this.#station.events.off("statement", this.#onStatement);
    await Promise.all([...this.#couriers.values()].map((c) => c.stop()));
  }

  /** Starts couriers for peers that joined since. */
  refresh(): void {
    if (this.#stopped) return;
    const me = this.#station.id;
    for (const line of this.#station.store.lines()) {
      for (const p of this.#station.store.participants(line.id)) {
        if (p.station === me || this.#couriers.has(p.station)) continue;
        const courier = new Courier(this.#station, p.station, this.#options);
        this.#couriers.set(p.station, courier);
        courier.start();
      }
    }
  }

  /**
   * @param peer a peer station
   * @returns what the outbox knows of it, or null if it is no peer
   */
  state(peer: string): CourierState | null {
    return this.#couriers.get(peer)?.state() ?? null;
  }

  /**
   * @param line a line id
   * @param peer a peer station
   * @returns how many of this station's entries on the line the peer has not receipted
   */
  pending(line: string, peer: string): number {
    const mine = this.#station.store.head(line, this.#station.id)?.seq ?? 0;
    return Math.max(
      0,
      mine -
        (this.#couriers.get(peer)?.acked(line) ??
          this.#station.store.coveredSeq(line, peer, this.#station.id)),
    );
  }

  /** Has the courier of a peer compare heads and catch up now (e.g. a link test saw it is ahead). */
  syncNow(peer: string): void {
    this.#couriers.get(peer)?.syncNow();
  }

  /** Wakes the courier of a peer, e.g. after it was heard from. */
  wake(peer: string, heard = false): void {
    this.#couriers.get(peer)?.wake(heard);
  }

  readonly #onEntries = (entries: readonly { entry: { kind: string; line: string | null } }[]): void => {
    if (entries.some((e) => e.entry.kind === "member.add" || e.entry.kind === "line.genesis")) this.refresh();
    for (const courier of this.#couriers.values()) courier.wake(false);
  };

  readonly #onContact = (peer: string): void => this.wake(peer, true);

  readonly #onStatement = (statement: {
    station: string;
    line: string;
    heads: Record<string, { seq: number }>;
  }): void =>
    this.#couriers.get(statement.station)?.learn(statement.line, statement.heads[this.#station.id]?.seq ?? 0);
}

/** Delivery to one peer: one loop, one kept-alive connection (the transport's). */
class Courier {
  readonly #station: Station;
  readonly #peer: string;
  readonly #options: OutboxSettings;
  /** the peer's newest signed word on how far it holds this station's chain, per line */
  readonly #acked = new Map<string, number>();
  #failures = 0;
  #connected = false;
  #lastError: string | null = null;
  #nextSync = 0;
  /** when the peer was last reached or heard from, and when that was last written to the store */
  #lastContact: string | null = null;
  #contactSaved = 0;
  #stopped = false;
  #wakeUp: (() => void) | null = null;
  #running: Promise<void> | null = null;

  constructor(station: Station, peer: string, options: OutboxSettings) {
    this.#station = station;
    this.#peer = peer;
    this.#options = options;
    for (const line of station.store.linesOf(peer)) {
      const latest = station.store.latestStatements(line).find((s) => s.station === peer);
      const heads = latest === undefined ? {} : (JSON.parse(latest.heads) as Record<string, { seq: number }>);
      this.#acked.set(line, heads[station.id]?.seq ?? 0);
    }
  }

  start(): void {
    this.#running = this.#run();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.wake(false);
    await this.#running;
  }

  /**
   * @param heard the peer was just heard from: if it was not reached before, stop backing off and
   *   compare heads at once (it may have been away a while); if it was, nothing more is needed
   */
  wake(heard: boolean): void {
    if (heard) {
      if (this.#failures > 0 || !this.#connected) {
        this.#failures = 0;
        this.#nextSync = 0;
      }
      this.#contact();
    }
    this.#wakeUp?.();
  }

  syncNow(): void {
    this.#nextSync = 0;
    this.#wakeUp?.();
  }

  learn(line: string, seq: number): void {
    this.#acked.set(line, seq);
  }

  acked(line: string): number {
    return this.#acked.get(line) ?? 0;
  }

  state(): CourierState {
    return {
      station: this.#peer,
      connected: this.#connected,
      lastContact: this.#lastContact ?? this.#station.store.contact(this.#peer)?.lastContact ?? null,
      lastError: this.#lastError,
      failures: this.#failures,
    };
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      const target = this.#target();
      if (target === null) {
        await this.#sleep(this.#options.syncIntervalMs);
        continue;
      }
      try {
        const lines = this.#station.store.linesOf(this.#peer);
        if (Date.now() >= this.#nextSync) {
          for (const line of lines) await catchUp(this.#station, this.#options.transport, target, line);
          this.#nextSync = Date.now() + this.#options.syncIntervalMs;
        }
        let sent = false;
        for (const line of lines) sent = (await this.#pushSome(target, line)) || sent;
        this.#succeeded();
        if (!sent) await this.#sleep(Math.max(0, this.#nextSync - Date.now()));
      } catch (error) {
        if (this.#stopped) break;
        await this.#failed(error);
      }
    }
  }

  async #pushSome(target: PeerTarget, line: string): Promise<boolean> {
    const me = this.#station.id;
    const page = this.#station.store.chainAfter(line, me, this.acked(line), this.#options.batch);
    if (page.length === 0) return false;
    try {
      const statement = await this.#options.transport.push(
        target,
        line,
        page.map((e) => e.bytes),
      );
      this.#station.acceptStatement(statement, this.#peer);
    } catch (error) {
      const statement = (error as { statement?: unknown }).statement;
      if (statement === undefined) throw error;
      // The peer stands elsewhere than thought (a gap: it was restored from an older backup, or
      // lost a batch): its heads say from where to send. Anything else is a real refusal.
      this.#station.acceptStatement(statement, this.#peer);
      const code = (error as { remoteCode?: string }).remoteCode;
      if (code !== "CHAIN_GAP" && code !== "BAD_PREV") throw error;
    }
    return true;
  }

  #target(): PeerTarget | null {
    const p = this.#station.store.peer(this.#peer);
    return p === null ? null : { station: p.station, url: p.url, cert: p.cert };
  }

  #succeeded(): void {
    if (!this.#connected || this.#failures > 0) {
      this.#options.logger.info({ peer: this.#peer }, "peer reached");
    }
    const reconnected = !this.#connected;
    this.#connected = true;
    this.#failures = 0;
    this.#lastError = null;
    this.#contact(reconnected);
  }

  /**
   * Notes contact with the peer: in memory each time, in the store (one durable write) when the
   * peer was just reached again or at most every few seconds — not on every delivery.
   */
  #contact(force = false): void {
    const now = Date.now();
    this.#lastContact = new Date(now).toISOString();
    if (force || now - this.#contactSaved >= CONTACT_SAVE_MS) {
      this.#contactSaved = now;
      this.#station.store.contactSucceeded(this.#peer, this.#lastContact);
    }
  }

  async #failed(error: unknown): Promise<void> {
    this.#failures++;
    this.#connected = false;
    this.#lastError = error instanceof HotlineError ? `${error.code}: ${error.message}` : String(error);
    this.#station.store.contactFailed(this.#peer, this.#lastError, new Date().toISOString());
    if (this.#failures === 1 || this.#failures % 10 === 0) {
      this.#options.logger.warn(
        { peer: this.#peer, failures: this.#failures, error: this.#lastError },
        "peer not reached",
      );
    }
    const { quickRetries, quickDelayMs, baseDelayMs, maxDelayMs } = this.#options;
    const delay =
      this.#failures <= quickRetries
        ? quickDelayMs
        : Math.min(maxDelayMs, baseDelayMs * 2 ** (this.#failures - quickRetries - 1)) *
          (0.5 + Math.random());
    this.#nextSync = 0; // compare heads first when the peer is back
    await this.#sleep(delay);
  }

  #sleep(ms: number): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const wake = () => done();
      this.#wakeUp = wake;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
  }
}
