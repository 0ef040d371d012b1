import {
  HotlineError,
  changesMembership,
  digestFormOf,
  headsDigest,
  parseDigestStatement,
  statementFromDigest,
  type HeadStatement,
} from "../../record/mod.js";
import { FULL_EXCHANGE_EVERY } from "./heads-digest.js";
import { DEFAULT_LINK_RULES, afterTest, untestedLink, type LinkRules, type LinkState } from "./health.js";
import { isoNow, namesOn, type Clock, type Timer } from "../core/mod.js";
import type { PartLogger } from "../core/mod.js";
import type { Station } from "../core/mod.js";
import { targetOf, targetOn, type PeerTransport } from "../delivery/mod.js";
import type { RelayStatus } from "../views/mod.js";

export interface LinkMonitorOptions {
  transport: PeerTransport;
  logger?: PartLogger | undefined;
  rules?: Partial<LinkRules> | undefined;
  /**
   * longest a whole test may take — connecting, sending, the complete answer — (default 5 s; never
   * more than the test interval, never under 1 s)
   */
  timeoutMs?: number | undefined;
  /** the peer holds entries this station lacks on the line: catch up now */
  onBehind?: ((peer: string, line: string) => void) | undefined;
  /** the peer answered: what waits for it may go now */
  onReached?: ((peer: string) => void) | undefined;
}

/** Alarm codes a link raises; each change of health clears the ones before it. */
const LINK_ALARMS = ["LINK_DOWN", "LINK_DEGRADED", "LINK_UP"] as const;

/**
 * How long after a link appears (a participant joined, or this station did, or it started) and
 * after this station changed its key on the line a refusal that says the peer does not know yet
 * what this station knows is not counted as a failed test: the newcomer is still catching up on
 * who is on the line, or the key.rotate entry is on its way. Long enough for a join on a big line;
 * a peer that still refuses after it is counted failing, and goes down as any other.
 */
export const CATCHING_UP_GRACE_MS = 60_000;

/**
 * The peer's refusals that say it does not know yet who this station is on the line: its
 * certificate not pinned there, the line not yet stored there, or this station (or the peer) not
 * yet a participant there.
 */
const NOT_YET_KNOWN: ReadonlySet<string> = new Set([
  "UNKNOWN_PEER",
  "UNKNOWN_LINE",
  "PENDING_MEMBER",
  "NOT_PARTICIPANT",
]);

/** Raised while a participant whose routes are all down is reached through another. */
const LINK_RELAYED = "LINK_RELAYED";

/**
 * A relayed statement counts as the participant being reached only while it is this recent, in
 * test intervals: the relay hears from it every interval, so an older one means it is gone there too.
 */
const RELAY_FRESH_INTERVALS = 3;

/**
 * Relays asked in one round for an unreachable participant's statement: the one already carrying
 * it, then others drawn at random. Asking every participant made a line of N, when many links
 * failed at once (an overloaded host), send O(N²) requests a round and fail more links.
 */
export const RELAYS_PER_ROUND = 3;

/**
 * Automatic link tests: for every line and every other participant, every `testInterval` seconds
 * (a line setting), this station sends its signed heads and takes the peer's — measuring the round
 * trip, noticing when the peer holds more (→ catch up) — and keeps each link's health. Every change
 * of health is kept in the health history and raised as an alarm (LINK_DOWN critical,
 * LINK_DEGRADED warning; back up clears them and is noted as LINK_UP).
 *
 * Tests run on a fixed cadence whatever the last one took (one still in flight does not hold up
 * the next), each within a deadline the timeout after it was due, so a dead peer is `down` within
 * 2 × interval + timeout of its last answer with the default rules; a new interval applies at once.
 */
export class LinkMonitor {
  readonly #station: Station;
  readonly #transport: PeerTransport;
  readonly #logger: PartLogger;
  readonly #rules: LinkRules;
  readonly #timeoutMs: number;
  readonly #onBehind: (peer: string, line: string) => void;
  readonly #onReached: (peer: string) => void;
  readonly #links = new Map<string, Link>();
  /** per `line peer`: how a participant whose routes are all down is reached, while it is */
  readonly #relays = new Map<string, RelayStatus>();
  /** per line: when this station last changed its key on it (key.rotate, key.revoke), the clock's ms */
  readonly #keyChanged = new Map<string, number>();
  #stopped = false;
  /** rejects when the monitor stops, ending the tests in flight */
  readonly #stopping: Promise<never>;
  #stop: () => void = () => undefined;

  constructor(station: Station, options: LinkMonitorOptions) {
    this.#station = station;
    this.#transport = options.transport;
    this.#logger = options.logger ?? station.logger.child({ part: "links" });
    this.#rules = { ...DEFAULT_LINK_RULES, ...options.rules };
    this.#timeoutMs = options.timeoutMs ?? 5_000;
    this.#onBehind = options.onBehind ?? (() => undefined);
    this.#onReached = options.onReached ?? (() => undefined);
    this.#stopping = new Promise<never>((_, reject) => {
      this.#stop = () =>
        reject(new HotlineError("PEER_UNREACHABLE", "Cannot test the link: this station is stopping"));
    });
    this.#stopping.catch(() => undefined); // nobody may be racing it
  }

  /** Starts testing every link, and links that appear later (a new participant, a new line). */
  async start(): Promise<void> {
    this.#station.events.on("entries", this.#onEntries);
    await this.refresh();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stop();
    this.#station.events.off("entries", this.#onEntries);
    await Promise.all([...this.#links.values()].map((link) => link.stop()));
    await this.#keepStop();
  }

  /**
   * Keeps in the health history that each tested link's health is unknown from now on (nobody
   * tests it while this station is stopped), so uptime leaves the stop out. No alarm: the
   * operator stopped it. A crash keeps nothing; the health report reads the next start for it.
   */
  async #keepStop(): Promise<void> {
    const at = isoNow(this.#station.clock);
    for (const [key, link] of this.#links) {
      if (link.state.health === "unknown") continue;
      const [line = "", peer = ""] = key.split(" ");
      try {
        await this.#station.store.addHealthChange({
          line,
          peer,
          from: link.state.health,
          to: "unknown",
          at,
          lastOkAt: link.state.lastOkAt,
          detail: "This station stopped: the link is not tested until it runs again",
        });
      } catch {
        // the store is closed already: nothing more to keep
      }
    }
  }

  /** Starts tests of links that appeared since. */
  async refresh(): Promise<void> {
    if (this.#stopped) return;
    const me = this.#station.id;
    for (const line of await this.#station.store.lines()) {
      for (const p of await this.#station.store.participants(line.id)) {
        const key = `${line.id} ${p.station}`;
        if (p.station === me || this.#links.has(key)) continue;
        const link = new Link(this, line.id, p.station);
        this.#links.set(key, link);
        link.start();
      }
    }
  }

  /**
   * @param line a line id
   * @param peer a participant
   * @returns the link's state, or null if it is not tested (not running, or no such link)
   */
  state(line: string, peer: string): LinkState | null {
    return this.#links.get(`${line} ${peer}`)?.state ?? null;
  }

  /**
   * @param line a line id
   * @param peer a participant
   * @returns the participant it is reached through while its own routes are down, or null
   */
  relayOf(line: string, peer: string): RelayStatus | null {
    return this.#relays.get(`${line} ${peer}`) ?? null;
  }

  /**
   * Every route to a participant is down: asks the other participants of the line that this
   * station reaches for the newest statement they heard from it, signed by it. Accepted as if it
   * had sent it (the receipt of what it holds of this station's chain, so the outbox knows), and,
   * while one is recent, the participant counts as reached through that relay — its entries come
   * by catch-up from the relay, which holds the whole record. A relay can withhold a statement,
   * never forge or alter one. @internal
   */
  async relay(line: string, peer: string, intervalMs: number): Promise<void> {
    const station = this.#station;
    const key = `${line} ${peer}`;
    const current = this.#relays.get(key);
    const timeoutMs = Math.max(1_000, Math.min(this.#timeoutMs, intervalMs));
    const reached = (await station.store.participants(line)).filter((p) => {
      if (p.station === station.id || p.station === peer) return false;
      const health = this.#links.get(`${line} ${p.station}`)?.state.health;
      return health === "up" || health === "degraded";
    });
    // The relay already carrying it first, so it does not hop between relays for nothing; then
    // others at random, a few a round (each round may find another).
    const ranked = reached
      .map((p) => ({ p, rank: p.station === current?.via ? -1 : station.clock.random() }))
      .sort((a, b) => a.rank - b.rank)
      .slice(0, RELAYS_PER_ROUND)
      .map(({ p }) => p);
    for (const relay of ranked) {
      let heard: HeadStatement;
      try {
        const value = await withDeadline(
          this.#transport.statementOf(targetOf(relay, station.clock.now()), line, peer, { timeoutMs }),
          timeoutMs,
          station.clock,
          this.#stopping,
        );
        if (value === null || value === undefined) continue;
        heard = await station.acceptStatement(value, peer);
      } catch {
        continue; // this relay cannot help now (unreachable, or what it holds is stale): the next
      }
      if (Date.parse(heard.time) < station.clock.now() - RELAY_FRESH_INTERVALS * intervalMs) continue;
      this.#relays.set(key, {
        via: relay.station,
        viaName: relay.name,
        since: current?.via === relay.station ? current.since : isoNow(station.clock),
        lastHeard: heard.time,
      });
      if (current?.via !== relay.station) await this.#relayStarted(line, peer, relay.name, current);
      // What it holds that this station lacks is at the relay: pull it from there now.
      if (await station.isBehind(heard)) this.#onBehind(relay.station, line);
      return;
    }
    await this.endRelay(line, peer);
  }

  async #relayStarted(
    line: string,
    peer: string,
    via: string,
    before: RelayStatus | undefined,
  ): Promise<void> {
    const station = this.#station;
    const at = isoNow(station.clock);
    const { name, lineName } = await this.#names(line, peer);
    const detail = `${name} is reached only through ${via} on ${lineName}: every route to it is down; its entries and receipts are relayed, signed by ${name} itself`;
    this.#logger.warn({ event: "link.relayed", line, peer, via, before: before?.via ?? null }, detail);
    await station.store.clearAlarms({ line, peer, codes: [LINK_RELAYED] }, at);
    await station.raiseAlarm({ code: LINK_RELAYED, severity: "warning", line, peer, entry: null, detail });
  }

  /**
   * The participant is reached directly again, or through nobody: no longer relayed. @internal
   */
  async endRelay(line: string, peer: string): Promise<void> {
    const key = `${line} ${peer}`;
    const relay = this.#relays.get(key);
    if (relay === undefined) return;
    this.#relays.delete(key);
    const at = isoNow(this.#station.clock);
    const { name } = await this.#names(line, peer);
    this.#logger.info(
      { event: "link.relay.ended", line, peer, via: relay.via },
      `${name} is no longer reached through ${relay.viaName}`,
    );
    await this.#station.store.clearAlarms({ line, peer, codes: [LINK_RELAYED] }, at);
  }

  readonly #onEntries = (
    entries: readonly { entry: { kind: string; line: string | null; author?: string } }[],
  ): void => {
    for (const e of entries) {
      const { kind, line, author } = e.entry;
      if ((kind === "key.rotate" || kind === "key.revoke") && author === this.#station.id && line !== null)
        this.#keyChanged.set(line, this.#station.clock.now());
    }
    // A new test interval applies at once, not after the sleep under the old one (5 s by default).
    for (const e of entries) {
      if (e.entry.kind !== "line.settings") continue;
      for (const link of this.#links.values()) if (link.line === e.entry.line) link.reschedule();
    }
    // A member added, or consented to (it then becomes a participant), or a line taken up.
    if (entries.some((e) => changesMembership(e.entry.kind))) {
      this.refresh().catch(() => undefined); // the store is closing: the station is stopping
    }
  };

  /**
   * One link test. Its deadline is the timeout after the test was due on the cadence, and covers all
   * of it up to the peer's complete answer — reading the peer's address and signing this station's
   * heads included — so a slow or late station cannot stretch a test beyond its slot (it keeps at
   * least half its timeout, however late it started). @internal
   *
   * @param lateMs how long after it was due the test starts
   */
  async test(
    line: string,
    peer: string,
    intervalMs: number,
    lateMs = 0,
    since: number | null = null,
    full = true,
  ): Promise<LinkTestOutcome> {
    const timeoutMs = Math.max(1_000, Math.min(this.#timeoutMs, intervalMs));
    try {
      const exchanged = await withDeadline(
        this.#exchange(line, peer, timeoutMs, full),
        Math.max(Math.round(timeoutMs / 2), timeoutMs - lateMs),
        this.#station.clock,
        this.#stopping,
      );
      if (exchanged === null) return { ok: false, error: "UNKNOWN_PEER: no address known on this line" };
      // Equal digests: the statement holds this station's own heads, just read (no lookup each).
      const theirs = await this.#station.acceptStatement(exchanged.answer, peer, { held: exchanged.held });
      this.#station.noteExchange(line, peer);
      this.#onReached(peer);
      // Equal digests: it holds exactly this station's heads, nothing more.
      if (exchanged.held === undefined && (await this.#station.isBehind(theirs))) this.#onBehind(peer, line);
      const differed =
        exchanged.held === undefined && headsDigest(theirs.heads) !== headsDigest(exchanged.mine);
      return { ok: true, rttMs: exchanged.rttMs, differed };
    } catch (error) {
      const said = error instanceof HotlineError ? `${error.code}: ${error.message}` : String(error);
      if (this.#catchingUp(line, error, since)) {
        // It answered: what waits to be delivered to it (the key.rotate, the entries it lacks) goes now.
        this.#onReached(peer);
        return { ok: "catching-up", error: said };
      }
      return { ok: false, error: said };
    }
  }

  /**
   * @param since when the link appeared (the clock's ms), null once a test of it succeeded
   * @returns whether the peer's refusal says only that it has not caught up yet with this station:
   *   it does not know this station on the line yet, within {@link CATCHING_UP_GRACE_MS} of the link
   *   appearing and before any test of it succeeded; or it cannot check this station's statement
   *   (BAD_SIGNATURE) within as long of this station changing its key on the line
   */
  #catchingUp(line: string, error: unknown, since: number | null): boolean {
    const code = (error as { remoteCode?: unknown }).remoteCode;
    if (!(error instanceof HotlineError) || typeof code !== "string") return false;
    const now = this.#station.clock.now();
    if (NOT_YET_KNOWN.has(code)) return since !== null && now - since < CATCHING_UP_GRACE_MS;
    const keyChanged = this.#keyChanged.get(line);
    return code === "BAD_SIGNATURE" && keyChanged !== undefined && now - keyChanged < CATCHING_UP_GRACE_MS;
  }

  /**
   * Exchanges heads with the peer: in digest form unless `full` (or the transport has no digest
   * form); the full statements when the digests differ, or when the peer does not know the digest
   * form (an older station refuses it with SCHEMA).
   *
   * @returns the peer's full statement (put back together from its digest form when the digests
   *   are equal, with `held`: this station's heads it holds too), and the first round trip; null:
   *   no such peer
   */
  async #exchange(
    line: string,
    peer: string,
    timeoutMs: number,
    full: boolean,
  ): Promise<{
    answer: unknown;
    rttMs: number;
    mine: HeadStatement["heads"];
    held?: HeadStatement["heads"];
  } | null> {
    const target = await targetOn(this.#station, line, peer);
    if (target === null) return null;
    const statement = await this.#station.headStatement(line);
    const start = process.hrtime.bigint();
    const rtt = () => Number(process.hrtime.bigint() - start) / 1e6;
    const byDigest = this.#transport.headsByDigest?.bind(this.#transport);
    if (!full && byDigest !== undefined) {
      const mine = digestFormOf(statement);
      let answered: unknown;
      try {
        answered = await byDigest(target, mine, { timeoutMs });
      } catch (error) {
        if ((error as { remoteCode?: unknown }).remoteCode !== "SCHEMA") throw error;
        answered = undefined; // a peer that knows only full statements
      }
      if (answered !== undefined) {
        const theirs = parseDigestStatement(answered);
        const rttMs = rtt();
        if (theirs.digest === mine.digest) {
          const answer = statementFromDigest(theirs, statement.heads);
          return { answer, rttMs, mine: statement.heads, held: statement.heads };
        }
        // They differ: the full statements, each side learning what the other holds.
        const answer = await this.#transport.heads(target, statement, { timeoutMs });
        return { answer, rttMs, mine: statement.heads };
      }
    }
    const answer = await this.#transport.heads(target, statement, { timeoutMs });
    return { answer, rttMs: rtt(), mine: statement.heads };
  }

  /** Keeps a change of health: history, alarms, log. @internal */
  async changed(line: string, peer: string, before: LinkState, after: LinkState): Promise<void> {
    const station = this.#station;
    const at = isoNow(station.clock);
    const { name, lineName } = await this.#names(line, peer);
    const detail =
      after.health === "down"
        ? `${name} has not answered ${after.failures} link tests in a row on ${lineName}: ${after.lastError ?? ""}`
        : after.health === "degraded"
          ? after.failures > 0
            ? `A link test to ${name} on ${lineName} failed: ${after.lastError ?? ""}`
            : `${name} answers slowly on ${lineName}: ${Math.round(after.rttMs ?? 0)} ms`
          : `${name} answers again on ${lineName} (${Math.round(after.rttMs ?? 0)} ms)`;
    await station.store.addHealthChange({
      line,
      peer,
      from: before.health,
      to: after.health,
      at,
      lastOkAt: before.lastOkAt,
      detail,
    });
    const fields = { event: `link.${after.health}`, line, peer, from: before.health, to: after.health };
    if (after.health === "up") this.#logger.info(fields, detail);
    else this.#logger.warn(fields, detail);
    if (before.health === "unknown" && after.health === "up") return; // a first good test: nothing to say
    await station.store.clearAlarms({ line, peer, codes: LINK_ALARMS }, at);
    const alarm = {
      line,
      peer,
      entry: null,
      detail,
    };
    if (after.health === "down")
      await station.raiseAlarm({ ...alarm, code: "LINK_DOWN", severity: "critical" });
    else if (after.health === "degraded") {
      await station.raiseAlarm({ ...alarm, code: "LINK_DEGRADED", severity: "warning" });
    } else {
      await station.raiseAlarm({ ...alarm, code: "LINK_UP", severity: "info" });
      await station.store.clearAlarms({ line, peer, codes: ["LINK_UP"] }, at);
    }
  }

  get rules(): LinkRules {
    return this.#rules;
  }

  get station(): Station {
    return this.#station;
  }

  /** @returns the names of a peer and a line, as alarms and the log say them */
  async #names(line: string, peer: string): Promise<{ name: string; lineName: string }> {
    const station = this.#station;
    return {
      name: (await namesOn(station, line)).get(peer) ?? peer.slice(0, 8),
      lineName: (await station.store.line(line))?.name ?? line.slice(0, 12),
    };
  }
}

/**
 * The test's own deadline over the whole exchange, whatever the transport does with its timeout:
 * a link is up only if the peer answered in full in time.
 *
 * @param exchange the request under way
 * @param timeoutMs the deadline
 * @param clock the station's clock, whose timer it is
 * @param stopping settles when the monitor stops: the test ends then too
 * @returns its answer, or throws PEER_UNREACHABLE at the deadline
 */
function withDeadline<T>(
  exchange: Promise<T>,
  timeoutMs: number,
  clock: Clock,
  stopping: Promise<never>,
): Promise<T> {
  let timer: Timer | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = clock.setTimeout(
      () =>
        reject(
          new HotlineError(
            "PEER_UNREACHABLE",
            `Cannot test the link: no complete answer within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
  });
  return Promise.race([exchange, deadline, stopping]).finally(() => clock.clearTimer(timer));
}

/** A test's outcome; "catching-up": the peer answered, refusing only for want of what is on its way (not counted). */
type LinkTestOutcome =
  | { ok: true; rttMs: number; differed: boolean }
  | { ok: false; error: string }
  | { ok: "catching-up"; error: string };

/**
 * The tests of one link, on a fixed cadence: a test starts every interval after the one before
 * started, whether or not that one has ended (a test in flight, or the keeping of a change of
 * health, never holds up the next), so two failed tests — and `down` — come at most two intervals
 * plus the timeout after the last good answer. A change of the line's test interval applies at once.
 * The phase is drawn: the first test goes at once, the next a random part of the interval later
 * (and the same after a change of interval), so that links started together do not test together.
 */
class Link {
  readonly #monitor: LinkMonitor;
  readonly #line: string;
  readonly #peer: string;
  state: LinkState = untestedLink();
  #stopped = false;
  #timer: Timer | null = null;
  #wake: (() => void) | null = null;
  #running: Promise<void> | null = null;
  /** when the last test was due on the cadence (the clock's ms), null before the first */
  #lastDue: number | null = null;
  /** the interval the cadence was last drawn for: a new one draws the next gap again */
  #intervalMs: number | null = null;
  /** the gap to the next test when it is not a whole interval: drawn after the first test and after a change of interval */
  #gapMs: number | null = null;
  /** tests started, and the number of the latest whose outcome counted */
  #started = 0;
  #counted = 0;
  readonly #inFlight = new Set<Promise<void>>();
  /** the changes of health being kept (history, alarms), one after another in order */
  #keeping: Promise<void> = Promise.resolve();
  /** when the link appeared (the clock's ms), until a test of it succeeds */
  #since: number | null = null;
  /** a round of asking relays is queued or under way */
  #relaying = false;
  /** it was reached through a relay after the last round */
  #relayed = false;
  /**
   * the last test found the two stations' heads different: the link carries traffic, so the next
   * test sends full statements at once rather than a digest that would differ too (a round trip
   * more); once a test finds them equal, digests again
   */
  #differed = false;

  constructor(monitor: LinkMonitor, line: string, peer: string) {
    this.#monitor = monitor;
    this.#line = line;
    this.#peer = peer;
  }

  get line(): string {
    return this.#line;
  }

  start(): void {
    this.#since = this.#monitor.station.clock.now();
    this.#running = this.#run();
  }

  /** The line's test interval changed: the next test is due by the new one. */
  reschedule(): void {
    this.#monitor.station.clock.clearTimer(this.#timer);
    this.#wake?.();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.reschedule();
    await this.#running;
    await Promise.all(this.#inFlight);
    await this.#keeping;
  }

  async #run(): Promise<void> {
    const clock = this.#monitor.station.clock;
    while (!this.#stopped) {
      const intervalMs = (await this.#monitor.station.settings(this.#line)).testInterval * 1000;
      if (this.#stopped) break;
      if (intervalMs !== this.#intervalMs) {
        // Links that start together — a station's start, a line being built, a new interval set
        // for the whole line — would test together for ever, a burst of N − 1 tests at every
        // station each interval (and, line-wide, N (N − 1) at once: at 57, answers waited past the
        // timeout with the machine idle in between). The gap to the next test is drawn within
        // the interval, never longer, so a dead peer is still down within two intervals and the
        // timeout.
        if (this.#lastDue !== null) this.#gapMs = this.#drawGap(intervalMs);
        this.#intervalMs = intervalMs;
      }
      const now = clock.now();
      let due = this.#lastDue === null ? now : this.#lastDue + (this.#gapMs ?? intervalMs);
      // The clock was set back (or is a test's, held still): the cadence starts again from now.
      if (due - now > intervalMs) due = this.#lastDue = now;
      if (due > now) {
        await this.#sleep(due - now);
        continue; // the interval is read again: a change while asleep applies now
      }
      // On the cadence; a stall of the process longer than an interval is not made up in a burst.
      this.#lastDue = now - due >= intervalMs ? now : due;
      this.#gapMs = this.#started === 0 ? this.#drawGap(intervalMs) : null;
      this.#launch(intervalMs, now - this.#lastDue);
    }
  }

  /** Starts one test; its outcome counts when it ends, unless a later test's counted already. */
  #launch(intervalMs: number, lateMs: number): void {
    const n = ++this.#started;
    // The full statements on the first test of the link, every so many after it, and while the
    // heads differ (the link carries traffic: a digest would differ too).
    const full = (n - 1) % FULL_EXCHANGE_EVERY === 0 || this.#differed;
    const test = this.#monitor
      .test(this.#line, this.#peer, intervalMs, lateMs, this.#since, full)
      .then((outcome) => {
        if (this.#stopped || n < this.#counted) return;
        this.#counted = n;
        // Not counted either way: the link keeps its health until the peer has caught up.
        if (outcome.ok === "catching-up") return;
        if (outcome.ok) this.#since = null;
        if (outcome.ok) this.#differed = outcome.differed;
        const before = this.state;
        const at = isoNow(this.#monitor.station.clock);
        const after = afterTest(before, { at, ...outcome }, this.#monitor.rules);
        this.state = after;
        // Every route down: ask the others for its statement (relay), one round at a time.
        const relay = after.health === "down" && !this.#relaying;
        if (relay) this.#relaying = true;
        if (after.health === before.health && !relay && !this.#relayed) return;
        this.#keeping = this.#keeping.then(async () => {
          try {
            if (after.health !== before.health)
              await this.#monitor.changed(this.#line, this.#peer, before, after);
            if (relay) await this.#monitor.relay(this.#line, this.#peer, intervalMs);
            else if (after.health !== "down") await this.#monitor.endRelay(this.#line, this.#peer);
            this.#relayed = this.#monitor.relayOf(this.#line, this.#peer) !== null;
          } catch {
            // the store is closing: the station is stopping
          } finally {
            if (relay) this.#relaying = false;
          }
        });
      });
    this.#inFlight.add(test);
    void test.finally(() => this.#inFlight.delete(test));
  }

  /** @returns a gap within the interval, (0, interval], drawn from the station's randomness */
  #drawGap(intervalMs: number): number {
    return Math.max(1, Math.round(intervalMs * (1 - this.#monitor.station.clock.random())));
  }

  #sleep(ms: number): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    return new Promise((resolve) => {
      this.#wake = resolve;
      this.#timer = this.#monitor.station.clock.setTimeout(resolve, ms);
    });
  }
}
