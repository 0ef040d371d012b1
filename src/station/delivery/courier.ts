import { HotlineError, WAITS_FOR_ANOTHER_CHAIN, type ErrorCode } from "../../record/mod.js";
import { catchUp } from "./catch-up.js";
import type { PeerContact } from "./peer-contact.js";
import type { PartLogger } from "../core/mod.js";
import type { Station } from "../core/mod.js";
import { targetOn, type PeerTarget, type PeerTransport } from "./transport.js";

/** The outbox's settings, defaults applied. */
export interface CourierSettings {
  transport: PeerTransport;
  logger: PartLogger;
  batch: number;
  batchBytes: number;
  /** pushes in flight at once */
  window: number;
  quickRetries: number;
  quickDelayMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  syncIntervalMs: number;
}

/** How delivery on one (peer, line) stands, for `status`. */
export interface LineDelivery {
  line: string;
  /** failed tries in a row (transport failures and refusals alike) */
  failures: number;
  /** the last failure, until a delivery succeeds */
  lastError: string | null;
  /** whether the last failure was a refusal (the peer answered no), not a transport failure */
  refused: boolean;
  /** when the next try is due, while backing off */
  retryAt: string | null;
}

/**
 * Refusals that say the peer stands elsewhere than thought: a gap in this chain, or an entry that
 * waits for one of another chain the peer has yet to pull (it is told to, and pulls it from here).
 * Resent at once a few times, then backed off like any refusal.
 */
const GAP_CODES: ReadonlySet<string> = new Set(["CHAIN_GAP", "BAD_PREV", ...WAITS_FOR_ANOTHER_CHAIN]);

/**
 * Delivery of this station's chain on one line to one peer: its own loop, its own failure count
 * and backoff, so that a refusal on one line never holds back another. The kept-alive connection
 * to the peer is the transport's, shared by the peer's lines.
 *
 * Failures back off (quick retries, then capped, jittered exponential delays). A transport failure
 * ends as soon as the peer is heard from again; a refusal (the peer said no) waits out its backoff
 * whatever happens, since hearing from the peer changes nothing about its answer. A peer that keeps
 * answering "gap" (or takes a push without moving its heads) is resent to from its heads a few
 * times in a row, then backed off like a refusal.
 */
export class Courier {
  readonly #station: Station;
  readonly #peer: string;
  readonly #line: string;
  readonly #contact: PeerContact;
  readonly #options: CourierSettings;
  /** the peer's newest signed word on how far it holds this station's chain on the line */
  /** null until read at start (see #ackedAtStart) */
  #acked: number | null = null;
  #failures = 0;
  #refused = false;
  /** while a push waits at the peer for another chain: the sum of the seqs the peer was known to hold */
  #waitingAt: number | null = null;
  #lastError: string | null = null;
  /** the code of the failure last logged, so a failure repeated is logged once */
  #logged: string | null = null;
  /** resends after a gap (or a push that moved nothing) in a row */
  #gaps = 0;
  #retryAt = 0;
  #nextSync = 0;
  #stopped = false;
  #wakeUp: (() => void) | null = null;
  /** woken while not asleep (mid-delivery): the next sleep is skipped, so nothing waits a round */
  #woken = false;
  #running: Promise<void> | null = null;

  constructor(station: Station, peer: string, line: string, contact: PeerContact, options: CourierSettings) {
    this.#station = station;
    this.#peer = peer;
    this.#line = line;
    this.#contact = contact;
    this.#options = options;
  }

  /** @returns how far the peer's latest statement kept here says it holds this station's chain */
  async #ackedAtStart(): Promise<number> {
    const latest = (await this.#station.store.latestStatements(this.#line)).find(
      (s) => s.station === this.#peer,
    );
    const heads = latest === undefined ? {} : (JSON.parse(latest.heads) as Record<string, { seq?: number }>);
    return heads[this.#station.id]?.seq ?? 0;
  }

  get peer(): string {
    return this.#peer;
  }

  get line(): string {
    return this.#line;
  }

  get acked(): number | null {
    return this.#acked;
  }

  start(): void {
    this.#running = this.#run();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.wake();
    await this.#running;
  }

  /** Looks again at once: new entries, or the peer heard from (see {@link heard}). */
  wake(): void {
    if (this.#wakeUp === null) this.#woken = true;
    else this.#wakeUp();
  }

  /**
   * The peer was heard from: a transport failure's backoff ends, a refusal's does not. A courier
   * not backing off is not woken: it is pushing, or asleep with nothing to push (new entries and
   * a peer found behind wake it), and a wake would only read its chain to find nothing — on every
   * link test, both ends (9 % of an idle line's CPU, session 11's profile).
   */
  heard(): void {
    if (this.#failures === 0 || this.#refused) return;
    this.#failures = 0;
    this.#retryAt = 0;
    this.#nextSync = 0; // it may have been away a while: compare heads first
    this.wake();
  }

  /**
   * A statement of the peer's arrived. If a push waits there for another chain and the peer now
   * holds more than when it was refused, the backoff ends: it may take the push now. Hearing from
   * the peer alone does not end it — each refusal makes the peer compare heads with this station,
   * and a retry on that would answer it with the same push, refused again, at once, for as long as
   * the peer cannot get what it lacks.
   *
   * @param heads the heads the statement names
   */
  peerMoved(heads: Readonly<Record<string, { seq: number }>>): void {
    if (this.#waitingAt === null || totalOf(heads) <= this.#waitingAt) return;
    this.#waitingAt = null;
    this.#failures = 0;
    this.#refused = false;
    this.#retryAt = 0;
    this.#nextSync = 0;
    this.wake();
  }

  syncNow(): void {
    this.#nextSync = 0;
    this.wake();
  }

  learn(seq: number): void {
    this.#acked = seq;
  }

  state(): LineDelivery {
    return {
      line: this.#line,
      failures: this.#failures,
      lastError: this.#lastError,
      refused: this.#refused,
      retryAt: this.#failures > 0 ? new Date(this.#retryAt).toISOString() : null,
    };
  }

  async #run(): Promise<void> {
    const clock = this.#station.clock;
    this.#acked ??= await this.#ackedAtStart();
    while (!this.#stopped) {
      // A retry is never further off than the longest delay: a clock set back does not stall delivery.
      this.#retryAt = Math.min(this.#retryAt, clock.now() + 1.5 * this.#options.maxDelayMs);
      if (clock.now() < this.#retryAt) {
        await this.#sleep(this.#retryAt - clock.now());
        continue;
      }
      const target = await this.#target();
      if (target === null) {
        await this.#sleep(this.#options.syncIntervalMs);
        continue;
      }
      try {
        const due = clock.now() >= this.#nextSync;
        // A comparison asked for (a start, a retry, the peer ahead: #nextSync set to 0) always
        // happens; a periodic one is skipped when a link test compared heads with the peer lately
        // and it held nothing this station lacks: it would say the same again.
        const synced = due && (this.#nextSync === 0 || !(await this.#comparedLately()));
        const refused = synced ? await this.#compare(target) : null;
        if (due) this.#nextSync = clock.now() + this.#options.syncIntervalMs;
        const sent = await this.#pushSome(target);
        if (refused !== null) {
          // The push went all the same; nothing to push, the refusal stands (and is backed off).
          if (!sent) throw refused;
          this.#nextSync = 0; // compare again after it: the peer may take the statement now
        }
        if (synced || sent) this.#succeeded();
        if (!sent) {
          await this.#sleep(Math.min(this.#nextSync - clock.now(), this.#options.syncIntervalMs));
        }
      } catch (error) {
        if (this.#stopped) break;
        this.#failed(error);
      }
    }
  }

  /**
   * Compares heads with the peer and catches up. A refusal of the comparison does not keep the
   * push from happening: the peer may refuse this station's statement for want of what the push
   * carries — after a key change the statement is signed by the new key, which the peer can check
   * only once it holds the key.rotate (or key.revoke) entry that the push brings.
   *
   * @returns the refusal, to stand if nothing is pushed; null if the comparison went through
   * @throws what is not a refusal (the peer not reached, a full disk, a store out of reach)
   */
  async #compare(target: PeerTarget): Promise<Error | null> {
    try {
      await catchUp(this.#station, this.#options.transport, target, this.#line);
      return null;
    } catch (error) {
      if (isTransportFailure(error) || isDiskFull(error)) throw error;
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  /**
   * Pushes what the peer lacks of this station's chain, pipelined: up to `window` pushes in flight,
   * each page starting after the last one sent. Receipts are read in the order sent. The record
   * still decides what is pending: on a refusal, a failure or a receipt that does not cover its
   * push, no more pages go, what is in flight is let finish unread, and the next round starts
   * from the peer's heads (the last receipt's, or the refusal's).
   *
   * @returns whether anything was sent
   */
  async #pushSome(target: PeerTarget): Promise<boolean> {
    const before = this.#acked ?? 0;
    let sentTo = before;
    const inFlight: { last: number; answer: Promise<unknown> }[] = [];
    let stop = false;
    let failure: { error: unknown } | null = null;
    let gap: Error | null = null;
    let sent = 0;
    /** whether the last page sent was all there was: the next waits for its receipt */
    let drained = false;
    for (;;) {
      // Only a backlog is pipelined: a page that took all there was goes alone, and what is
      // written meanwhile waits for its receipt to go in one push, not as many small ones (on a
      // busy machine each push and receipt costs a signature, a verify and a flush).
      while (!stop && !this.#stopped && !drained && inFlight.length < this.#options.window) {
        // From the last sent, or further if a receipt said the peer holds more already.
        const page = await this.#pageAfter(Math.max(sentTo, this.#acked ?? 0));
        if (page.length === 0) break;
        drained = page.full !== true;
        sentTo = (page.at(-1) as { seq: number }).seq;
        sent += page.length;
        const answer = this.#options.transport.push(
          target,
          this.#line,
          page.map((e) => e.bytes),
        );
        answer.catch(() => undefined); // read in its turn, or let go after a failure
        inFlight.push({ last: sentTo, answer });
      }
      const oldest = inFlight.shift();
      if (oldest === undefined) break;
      if (stop) continue; // after a failure: what is still in flight is not read
      try {
        await this.#learnFrom(await oldest.answer);
        if (inFlight.length === 0) drained = false; // the last receipt read: what came meanwhile may go
        // Taken without covering the push: something else stands there; resend from its heads.
        if ((this.#acked ?? 0) < oldest.last) stop = true;
      } catch (error) {
        stop = true;
        const statement = (error as { statement?: unknown }).statement;
        const code = (error as { remoteCode?: string }).remoteCode;
        // The peer stands elsewhere than thought (a gap: it was restored from an older backup, or
        // lost a batch): its heads say from where to send. Anything else is a real refusal.
        if (statement === undefined || code === undefined || !GAP_CODES.has(code)) {
          failure = { error };
          continue;
        }
        try {
          await this.#learnFrom(statement);
          gap = error as Error;
        } catch (unread) {
          failure = { error: unread };
        }
      }
    }
    if (failure !== null) throw failure.error;
    if (sent === 0) return false;
    if ((this.#acked ?? 0) > before) {
      this.#gaps = 0;
      return true;
    }
    // Nothing moved: resending at once is right a few times (the heads just learnt say from
    // where), and is a loop of full batches if the peer keeps saying so.
    this.#gaps++;
    if (this.#gaps > this.#options.quickRetries) {
      throw (
        gap ??
        new HotlineError(
          "CHAIN_GAP",
          `Cannot deliver on line ${this.#line}: the peer took ${sent} entries but its heads did not move`,
        )
      );
    }
    return true;
  }

  /** @returns the next page of this station's chain after a seq, at most `batch` entries and `batchBytes` (one at least) */
  async #pageAfter(after: number): Promise<{ seq: number; bytes: Buffer }[] & { full?: boolean }> {
    const page: { seq: number; bytes: Buffer }[] & { full?: boolean } = await this.#station.store.chainAfter(
      this.#line,
      this.#station.id,
      after,
      this.#options.batch,
    );
    let bytes = 0;
    const fits = page.findIndex((e) => (bytes += e.bytes.length) > this.#options.batchBytes);
    if (fits > 0) page.length = fits;
    // Full: cut by count or bytes, so more may follow at once.
    page.full = fits > 0 || page.length === this.#options.batch;
    return page;
  }

  async #learnFrom(statement: unknown): Promise<void> {
    const theirs = await this.#station.acceptStatement(statement, this.#peer, { receipt: true });
    if (theirs.line === this.#line) this.#acked = theirs.heads[this.#station.id]?.seq ?? 0;
  }

  /**
   * @returns whether heads were exchanged with the peer both ways within the comparison interval,
   *   and its statement then held nothing this station lacks
   */
  async #comparedLately(): Promise<boolean> {
    const station = this.#station;
    const at = station.lastExchange(this.#line, this.#peer);
    if (at === null || station.clock.now() - at > this.#options.syncIntervalMs) return false;
    const theirs = station.heardFrom(this.#line, this.#peer);
    return theirs !== null && !(await station.isBehind(theirs));
  }

  /** The target on this line: the peer's participant row here, never one of another line. */
  #target(): Promise<PeerTarget | null> {
    return targetOn(this.#station, this.#line, this.#peer);
  }

  #succeeded(): void {
    this.#contact.reached();
    if (this.#failures > 0 && this.#refused) {
      this.#options.logger.info(
        { event: "delivery.resumed", peer: this.#peer, line: this.#line },
        "delivering again",
      );
    }
    this.#failures = 0;
    this.#refused = false;
    this.#waitingAt = null;
    this.#lastError = null;
    this.#logged = null;
    this.#retryAt = 0;
  }

  #failed(error: unknown): void {
    this.#failures++;
    this.#lastError = error instanceof HotlineError ? `${error.code}: ${error.message}` : String(error);
    // A full disk or a database out of reach, here or at the peer, passes like an outage: delivery
    // goes on as soon as the peer is heard from again, not after a refusal's backoff (seen in the
    // chaos run: 15 s late).
    this.#refused = !isTransportFailure(error) && !isDiskFull(error);
    const code = (error as { remoteCode?: string }).remoteCode ?? (error as { code?: string }).code ?? "";
    // A push that waits at the peer for entries of another chain (UNKNOWN_SEEN, …): the peer pulls
    // them from this station at once and then tells it its heads (catch-up.ts); a statement of the
    // peer holding more than it did ends the backoff (see peerMoved). Backed off as a plain
    // refusal, a sender waited up to 45 s for what the peer pulled in a second.
    this.#waitingAt = WAITS_FOR_ANOTHER_CHAIN.has(code as ErrorCode)
      ? totalOf(this.#station.heardFrom(this.#line, this.#peer)?.heads)
      : null;
    if (this.#refused) {
      this.#contact.reached();
      if (code !== this.#logged) {
        this.#logged = code;
        this.#options.logger.warn(
          { event: "delivery.refused", peer: this.#peer, line: this.#line, error: this.#lastError },
          "delivery refused: backing off on this line",
        );
      }
    } else {
      this.#logged = null;
      if (isTransportFailure(error)) this.#contact.unreached(this.#lastError);
    }
    const { quickRetries, quickDelayMs, baseDelayMs, maxDelayMs } = this.#options;
    const clock = this.#station.clock;
    const delay =
      this.#failures <= quickRetries
        ? quickDelayMs
        : Math.min(maxDelayMs, baseDelayMs * 2 ** (this.#failures - quickRetries - 1)) *
          (0.5 + clock.random());
    this.#retryAt = clock.now() + Math.round(delay); // whole ms: the time `status` shows is the time it is tried
    this.#nextSync = 0; // compare heads first when trying again
  }

  #sleep(ms: number): Promise<void> {
    if (this.#stopped || this.#woken) {
      this.#woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const clock = this.#station.clock;
      const done = () => {
        clock.clearTimer(timer);
        this.#wakeUp = null;
        resolve();
      };
      const timer = clock.setTimeout(done, ms);
      this.#wakeUp = done;
    });
  }
}

/**
 * @param error what a delivery threw
 * @returns whether the peer was not reached (as opposed to reached and saying no)
 */
function isTransportFailure(error: unknown): boolean {
  return !(error instanceof HotlineError) || error.code === "PEER_UNREACHABLE";
}

/** Codes that say nothing was stored for want of room or of the database, not that the peer said no. */
const OUTAGE_CODES: ReadonlySet<string> = new Set(["DISK_FULL", "STORE_UNAVAILABLE"]);

/**
 * @returns whether the failure was a full disk or a database out of reach, this station's or the
 *   peer's (`DISK_FULL`, `STORE_UNAVAILABLE`)
 */
function isDiskFull(error: unknown): boolean {
  if (!(error instanceof HotlineError)) return false;
  return (
    OUTAGE_CODES.has(error.code) || OUTAGE_CODES.has((error as { remoteCode?: string }).remoteCode ?? "")
  );
}

/** @returns the sum of the seqs of the heads named (0: none known) */
function totalOf(heads: Readonly<Record<string, { seq: number }>> | undefined): number {
  let total = 0;
  for (const head of Object.values(heads ?? {})) total += head.seq;
  return total;
}
