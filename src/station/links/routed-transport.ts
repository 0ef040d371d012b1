import { HotlineError, type DigestStatement, type HeadStatement, type Route } from "../../record/mod.js";
import { isoNow, peerRoutes, PRIMARY_ROUTE, type PartLogger, type Station } from "../core/mod.js";
import type { PairRequest, PairResponse, PeerTarget, PeerTransport } from "../delivery/mod.js";
import type { Health, RouteStatus } from "../views/mod.js";

export interface RoutedTransportOptions {
  /** failed tries in a row that make a route down (default 2, as a link) */
  downAfter?: number | undefined;
  /** good tests in a row a more preferred route needs before traffic goes back to it (default 3) */
  returnAfter?: number | undefined;
  /**
   * the routes that do not carry the traffic are tested once every this many link tests of their
   * station (default 3), so a pair of stations does not multiply its test traffic by its routes
   */
  probeEvery?: number | undefined;
  logger?: PartLogger | undefined;
}

/** How one route to a peer stands. */
export interface RouteState {
  name: string;
  url: string;
  priority: number;
  health: Health;
  /** round trip of the last good exchange over it */
  rttMs: number | null;
  /** whether it carries the traffic to the peer now */
  active: boolean;
  /** it answered that it is the standby of a station run by two hosts: up, but not the active */
  standby: boolean;
  failures: number;
  lastError: string | null;
}

/** The routes to one peer, and which carries its traffic. */
export interface PeerRouting {
  active: string | null;
  /** when traffic last moved to another route, or null if it never did */
  switchedAt: string | null;
  routes: RouteState[];
}

interface Known {
  health: Health;
  failures: number;
  /** good exchanges in a row */
  streak: number;
  rttMs: number | null;
  lastError: string | null;
  /** its ROUTE_DOWN is raised (and not yet cleared) */
  raised: boolean;
  /** its last answer was STANDBY: the host is up and waits to take over, traffic goes elsewhere */
  standby: boolean;
}

interface Peer {
  /** the route carrying the traffic (its name) */
  active: string | null;
  switchedAt: string | null;
  /** by route name */
  known: Map<string, Known>;
  /** the routes last read from the record, most preferred first */
  routes: Route[];
  /** link tests since the other routes were last probed */
  tests: number;
  /** the probe of the other routes under way (one at a time: a dead route does not pile them up) */
  probing: Promise<void> | null;
  /** lines shared with the peer, for the alarms */
  lines: Set<string>;
  /**
   * exchanges waiting on each route (by name), told when it is found failing: each with the number
   * of its attempt, so only those that started before the failing one are told
   */
  waiters: Map<string, Map<() => void, number>>;
}

const ROUTE_DOWN = "ROUTE_DOWN";

/**
 * A transport that reaches each peer by the best of its routes (the addresses it announced on the
 * line): the one carrying its traffic while it works; when an exchange over it fails for want of
 * an answer, the next route at once, in the same call (no waiting out the failed route's backoff);
 * back to a more preferred route only once it has answered `returnAfter` tests in a row (no
 * flapping). A refusal is an answer: the route works, and the refusal is the caller's to handle.
 *
 * Routes that do not carry the traffic are tested by sending the link test's own head statement
 * over them, once every `probeEvery` link tests. A route going down while another carries the
 * line raises `ROUTE_DOWN` (warning) on each line shared with the peer, cleared when it answers
 * again; only when every route fails does the link test fail, and the link monitor raise
 * `LINK_DOWN`. Nothing is queued here: the record decides what is pending, whatever route it goes by.
 *
 * A station run by an active and a standby host has a route to each; the standby answers every
 * exchange `STANDBY`. Such a route is up (its host answers) but carries nothing: the exchange goes
 * on to the next route at once, no ROUTE_DOWN is raised for it, traffic never moves to it while it
 * says so, and it is tried after every other route that is not down. When the standby takes over,
 * its next answer is an answer like any other, and traffic moves to it as to any route that
 * answers while the active one fails.
 */
export class RoutedTransport implements PeerTransport {
  readonly #inner: PeerTransport;
  readonly #station: Station;
  readonly #downAfter: number;
  readonly #returnAfter: number;
  readonly #probeEvery: number;
  readonly #logger: PartLogger;
  readonly #peers = new Map<string, Peer>();
  /**
   * Each peer's routes on each line as the record says (key: line and station), read once and
   * forgotten when a route announcement or a membership change arrives: not a query per exchange.
   */
  readonly #announced = new Map<string, Route[]>();
  /** moves on at each forgetting, so a read under way then is not kept */
  #generation = 0;
  /** attempts started so far: each attempt's number orders it among the others */
  #attempts = 0;
  /** the route history's writes, one after another in the order of the changes */
  #kept: Promise<void> = Promise.resolve();
  /** link tests by digest, over the routes as `heads`; absent when the inner transport has none */
  readonly headsByDigest?: (
    target: PeerTarget,
    digest: DigestStatement,
    options?: { timeoutMs?: number },
  ) => Promise<unknown>;

  /**
   * @param station the station whose peers these are
   * @param inner the transport that talks to one address (the mutual-TLS client)
   * @param options when a route is down, when traffic goes back, how often idle routes are tested
   */
  constructor(station: Station, inner: PeerTransport, options: RoutedTransportOptions = {}) {
    this.#station = station;
    this.#inner = inner;
    this.#downAfter = options.downAfter ?? 2;
    this.#returnAfter = options.returnAfter ?? 3;
    this.#probeEvery = options.probeEvery ?? 3;
    this.#logger = options.logger ?? station.logger.child({ part: "routes" });
    const byDigest = inner.headsByDigest?.bind(inner);
    if (byDigest !== undefined) {
      this.headsByDigest = (target, digest, options) =>
        this.#test(target, digest.line, (t) => byDigest(t, digest, options), options);
    }
    station.events.on("entries", (entries) => {
      if (entries.some((e) => e.entry.kind === "route.announce" || e.entry.kind.startsWith("member."))) {
        this.#announced.clear();
        this.#generation++;
      }
    });
  }

  pair(target: PeerTarget, request: PairRequest): Promise<PairResponse> {
    // Pairing goes to the address in the invite: the inviter's only route this station knows yet.
    return this.#inner.pair(target, request);
  }

  push(target: PeerTarget, line: string, entries: readonly Buffer[]): Promise<unknown> {
    return this.#over(target, line, (t) => this.#inner.push(t, line, entries));
  }

  entries(
    target: PeerTarget,
    line: string,
    author: string,
    after: number,
    limit: number,
  ): Promise<unknown[]> {
    return this.#over(target, line, (t) => this.#inner.entries(t, line, author, after, limit));
  }

  statementOf(
    target: PeerTarget,
    line: string,
    station: string,
    options?: { timeoutMs?: number },
  ): Promise<unknown> {
    return this.#over(target, line, (t) => this.#inner.statementOf(t, line, station, options));
  }

  heads(target: PeerTarget, statement: HeadStatement, options?: { timeoutMs?: number }): Promise<unknown> {
    return this.#test(target, statement.line, (t) => this.#inner.heads(t, statement, options), options);
  }

  /**
   * A link test's exchange over the routes, and, every `probeEvery` tests of the peer, the same
   * exchange over its other routes in the background.
   *
   * @param exchange the exchange with the peer at one of its addresses
   */
  async #test(
    target: PeerTarget,
    line: string,
    exchange: (target: PeerTarget) => Promise<unknown>,
    options: { timeoutMs?: number } | undefined,
  ): Promise<unknown> {
    // With other routes to try, the first gets half the test's time: a blackholed route is found
    // failing (and what waits on it moved on) while the test can still pass by another.
    const answer = await this.#over(
      target,
      line,
      exchange,
      options?.timeoutMs === undefined ? undefined : options.timeoutMs / 2,
    );
    const peer = this.#peers.get(target.station);
    if (peer !== undefined && ++peer.tests >= this.#probeEvery && peer.probing === null) {
      peer.tests = 0;
      // The other routes, tested with the same exchange, in the background of this link test.
      peer.probing = this.#probe(target, peer, exchange).finally(() => {
        peer.probing = null;
      });
    }
    return answer;
  }

  /**
   * Keeps in the route history that each route's health is unknown from now on (nobody tests it
   * while this station is stopped), so a route's uptime leaves the stop out; waits for the history.
   */
  async stop(): Promise<void> {
    await this.probed();
    for (const [station, peer] of this.#peers) {
      for (const route of peer.routes) {
        const known = peer.known.get(route.name);
        if (known === undefined || known.health === "unknown") continue;
        this.#keep(
          station,
          route,
          "health",
          known.health,
          "unknown",
          "This station stopped: the route is not tested until it runs again",
        );
        known.health = "unknown";
      }
    }
    await this.#kept;
  }

  /** @returns when the route history holds every change so far */
  async kept(): Promise<void> {
    await this.#kept;
  }

  /** @returns when the tests of idle routes under way have ended (for tests and a clean stop) */
  async probed(): Promise<void> {
    const probes = [...this.#peers.values()].map((peer) => peer.probing ?? Promise.resolve());
    await Promise.all(probes);
  }

  /**
   * @param station a peer
   * @returns its routes and which carries its traffic, or null if nothing was sent to it yet
   */
  routing(station: string): PeerRouting | null {
    const peer = this.#peers.get(station);
    if (peer === undefined) return null;
    return {
      active: peer.active,
      switchedAt: peer.switchedAt,
      routes: peer.routes.map((r) => {
        const known = peer.known.get(r.name);
        return {
          ...r,
          health: known?.health ?? "unknown",
          rttMs: known?.rttMs ?? null,
          active: r.name === peer.active,
          standby: known?.standby ?? false,
          failures: known?.failures ?? 0,
          lastError: known?.lastError ?? null,
        };
      }),
    };
  }

  /**
   * One exchange with a peer, over the route carrying its traffic, else the next ones in turn. An
   * attempt is given up (and the next route tried) when it fails, when an exchange that started
   * before it finds its route failing meanwhile (a link test over a blackholed route fails within its own timeout, and
   * takes the pushes waiting on that route along to the next one), or, with more routes to try,
   * after `attemptMs`.
   */
  async #over<T>(
    target: PeerTarget,
    line: string,
    exchange: (target: PeerTarget) => Promise<T>,
    attemptMs?: number,
  ): Promise<T> {
    const peer = await this.#peer(target, line);
    const order = this.#order(peer);
    let failure: Error | null = null;
    let standby = false;
    for (const [i, route] of order.entries()) {
      const start = performance.now();
      const giveUp = this.#giveUp(peer, route, i < order.length - 1 ? attemptMs : undefined);
      try {
        const answer = await Promise.race([exchange({ ...target, url: route.url }), giveUp.promise]);
        await this.#answered(target.station, peer, route, performance.now() - start);
        return answer;
      } catch (error) {
        if (isStandby(error)) {
          // Its host is up but not the active one: on to the next route, nothing counted against it.
          await this.#standby(target.station, peer, route, performance.now() - start);
          standby = true;
          continue;
        }
        if (!unanswered(error)) {
          // The peer answered, if only to say no: the route works.
          await this.#answered(target.station, peer, route, performance.now() - start);
          throw error;
        }
        failure = error instanceof Error ? error : new Error(String(error));
        // Given up because another exchange found the route failing: that one counted it.
        if (!giveUp.fired) await this.#failed(target.station, peer, route, error, giveUp.attempt);
      } finally {
        giveUp.cancel();
      }
    }
    // A standby's answer is no way to the station: with no active host answering, it is unreached.
    throw (
      failure ??
      new HotlineError(
        "PEER_UNREACHABLE",
        standby
          ? `Cannot reach ${target.station}: every host that answered is a standby, none is active`
          : `Cannot reach ${target.station}: it has no route`,
      )
    );
  }

  /**
   * @returns a promise that rejects (PEER_UNREACHABLE) when the route is found failing by an
   *   exchange that started before this one, or after `ms`; `fired` says whether it did; `attempt`
   *   is this attempt's number; `cancel` forgets it
   */
  #giveUp(peer: Peer, route: Route, ms: number | undefined) {
    const clock = this.#station.clock;
    const attempt = ++this.#attempts;
    let timer: ReturnType<typeof clock.setTimeout> | undefined;
    let waiter: (() => void) | null = null;
    const state = { fired: false };
    const promise = new Promise<never>((_, reject) => {
      const fire = (why: string) => {
        state.fired = why === "failing";
        reject(
          new HotlineError(
            "PEER_UNREACHABLE",
            `Cannot reach ${route.url}: ${why === "failing" ? "the route failed meanwhile" : `no answer within ${ms} ms`}`,
          ),
        );
      };
      waiter = () => fire("failing");
      let waiters = peer.waiters.get(route.name);
      if (waiters === undefined) peer.waiters.set(route.name, (waiters = new Map<() => void, number>()));
      waiters.set(waiter, attempt);
      if (ms !== undefined) timer = clock.setTimeout(() => fire("timeout"), ms);
    });
    promise.catch(() => undefined); // a give-up nobody raced against is no unhandled rejection
    return {
      promise,
      attempt,
      get fired() {
        return state.fired;
      },
      cancel: () => {
        clock.clearTimer(timer);
        if (waiter !== null) peer.waiters.get(route.name)?.delete(waiter);
      },
    };
  }

  /**
   * The order to try routes in: the active one, the others not down by preference, the standby
   * ones, then the rest.
   */
  #order(peer: Peer): Route[] {
    const up = (r: Route) => peer.known.get(r.name)?.health !== "down";
    const standby = (r: Route) => peer.known.get(r.name)?.standby === true;
    const active = peer.routes.filter((r) => r.name === peer.active && up(r) && !standby(r));
    const others = peer.routes.filter((r) => r.name !== peer.active && up(r) && !standby(r));
    const waiting = peer.routes.filter((r) => up(r) && standby(r));
    const down = peer.routes.filter((r) => !up(r));
    return [...active, ...others, ...waiting, ...down];
  }

  async #peer(target: PeerTarget, line: string): Promise<Peer> {
    let peer = this.#peers.get(target.station);
    if (peer === undefined) {
      peer = {
        active: null,
        switchedAt: null,
        known: new Map(),
        routes: [],
        tests: 0,
        probing: null,
        lines: new Set(),
        waiters: new Map(),
      };
      this.#peers.set(target.station, peer);
    }
    peer.lines.add(line);
    // The routes as the record says now (the peer may have announced new ones); the address it
    // paired with stays one of them until it says otherwise.
    const key = `${line} ${target.station}`;
    let announced = this.#announced.get(key);
    if (announced === undefined) {
      const generation = this.#generation;
      announced = await peerRoutes(this.#station.store, line, target.station);
      if (generation === this.#generation) this.#announced.set(key, announced);
    }
    peer.routes = announced.length > 0 ? announced : [{ name: PRIMARY_ROUTE, url: target.url, priority: 0 }];
    if (peer.active === null || !peer.routes.some((r) => r.name === peer.active)) {
      const first = peer.routes[0];
      if (peer.active !== null && first !== undefined) {
        this.#switch(
          target.station,
          peer,
          first,
          `${peer.active} is no longer among the routes ${target.station.slice(0, 8)} announced`,
        );
      } else peer.active = first?.name ?? null;
    }
    return peer;
  }

  async #probe(
    target: PeerTarget,
    peer: Peer,
    exchange: (target: PeerTarget) => Promise<unknown>,
  ): Promise<void> {
    for (const route of peer.routes) {
      if (route.name === peer.active) continue;
      const attempt = ++this.#attempts;
      const start = performance.now();
      try {
        await exchange({ ...target, url: route.url });
        await this.#answered(target.station, peer, route, performance.now() - start);
      } catch (error) {
        if (isStandby(error)) await this.#standby(target.station, peer, route, performance.now() - start);
        else if (unanswered(error)) await this.#failed(target.station, peer, route, error, attempt);
        else await this.#answered(target.station, peer, route, performance.now() - start);
      }
    }
  }

  /**
   * The route's host answered that it is the standby: up, not carrying. Traffic that went by it
   * (its host was the active one until it stepped down) moves to the next route that answers.
   */
  async #standby(station: string, peer: Peer, route: Route, rttMs: number): Promise<void> {
    const known = this.#known(peer, route);
    const was = known.health;
    if (!known.standby) {
      this.#logger.info(
        { event: "route.standby", peer: station, route: route.name },
        "route answers as a standby",
      );
      this.#keep(station, route, "health", was, "up", "its host answered that it is the standby");
    } else if (was !== "up") this.#keep(station, route, "health", was, "up", "the standby answered");
    known.standby = true;
    known.failures = 0;
    known.streak = 0;
    known.rttMs = rttMs;
    known.lastError = null;
    known.health = "up";
    if (known.raised) await this.#clear(station, peer, route);
  }

  async #answered(station: string, peer: Peer, route: Route, rttMs: number): Promise<void> {
    const known = this.#known(peer, route);
    const was = known.health;
    if (known.standby) {
      known.standby = false;
      this.#logger.info(
        { event: "route.active", peer: station, route: route.name },
        "a standby route answers as the active",
      );
    }
    known.failures = 0;
    known.streak++;
    known.rttMs = rttMs;
    known.lastError = null;
    known.health = "up";
    if (was !== "up") this.#keep(station, route, "health", was, "up", `answered in ${Math.round(rttMs)} ms`);
    if (was === "down") await this.#clear(station, peer, route);
    // A route that went down while no other answered (every try failing at once, as on a machine
    // too loaded to answer in time) gets its ROUTE_DOWN now that this one carries the line.
    if (was !== "up") {
      for (const other of peer.routes) {
        const state = peer.known.get(other.name);
        if (other.name !== route.name && state?.health === "down" && !state.raised)
          await this.#raise(station, peer, other);
      }
    }
    const active = peer.routes.find((r) => r.name === peer.active);
    const preferred = active === undefined || route.priority < active.priority;
    // The last try over the route carrying the traffic failed (or it is down).
    const activeFailing = active === undefined || (peer.known.get(active.name)?.failures ?? 0) > 0;
    // Traffic moves to a route that answered when the active one fails (at once), or back to a
    // more preferred one once it has answered enough tests in a row.
    if (route.name === peer.active) return;
    if (activeFailing) {
      const why =
        active === undefined
          ? "no route carried it"
          : `${active.name} failed: ${peer.known.get(active.name)?.lastError ?? "down"}`;
      this.#switch(station, peer, route, why);
    } else if (preferred && known.streak >= this.#returnAfter) {
      this.#switch(
        station,
        peer,
        route,
        `${route.name} answered ${known.streak} times in a row: back to the preferred route`,
      );
    }
  }

  /** @param attempt the number of the attempt that failed */
  async #failed(station: string, peer: Peer, route: Route, error: unknown, attempt: number): Promise<void> {
    // Whatever else has waited on this route longer goes on to the next one now. One that started
    // after this attempt is left to its own answer or timeout: a failure found once is not a
    // second failed link test (which would make a link down after one lost answer).
    for (const [waiter, started] of [...(peer.waiters.get(route.name) ?? [])]) {
      if (started < attempt) waiter();
    }
    const known = this.#known(peer, route);
    known.failures++;
    known.streak = 0;
    known.lastError = error instanceof Error ? error.message : String(error);
    const was = known.health;
    if (known.health !== "down" && known.failures >= this.#downAfter) {
      known.health = "down";
      this.#keep(
        station,
        route,
        "health",
        was,
        "down",
        `${known.failures} tries in a row failed: ${known.lastError}`,
      );
      this.#logger.warn(
        { event: "route.down", peer: station, route: route.name, error: known.lastError },
        "route down",
      );
      // Another route still carries the line (it answered last): a warning. Every route down is
      // the link monitor's LINK_DOWN.
      if (peer.routes.some((r) => peer.known.get(r.name)?.health === "up")) {
        await this.#raise(station, peer, route);
      }
    } else if (known.health === "unknown" || known.health === "up") {
      known.health = "degraded";
      this.#keep(station, route, "health", was, "degraded", `a try failed: ${known.lastError}`);
    }
  }

  #switch(station: string, peer: Peer, route: Route, why: string): void {
    const from = peer.active;
    peer.active = route.name;
    peer.switchedAt = isoNow(this.#station.clock);
    this.#logger.info(
      { event: "route.switched", peer: station, from, to: route.name, why },
      "traffic moved to another route",
    );
    this.#keep(station, route, "switch", from, route.name, why);
  }

  /**
   * Keeps a change in the route history, after the ones before it, without holding up the exchange
   * that found it (a disk write does not delay a failover).
   */
  #keep(
    station: string,
    route: Route,
    kind: "health" | "switch",
    from: string | null,
    to: string,
    detail: string,
  ): void {
    const change = {
      peer: station,
      route: route.name,
      kind,
      from,
      to,
      at: isoNow(this.#station.clock),
      detail,
    };
    this.#kept = this.#kept.then(() =>
      this.#station.store.addRouteChange(change).catch(() => {
        // the store is closing: the station is stopping
      }),
    );
  }

  #known(peer: Peer, route: Route): Known {
    let known = peer.known.get(route.name);
    if (known === undefined) {
      known = {
        health: "unknown",
        failures: 0,
        streak: 0,
        rttMs: null,
        lastError: null,
        raised: false,
        standby: false,
      };
      peer.known.set(route.name, known);
    }
    return known;
  }

  async #raise(station: string, peer: Peer, route: Route): Promise<void> {
    this.#known(peer, route).raised = true;
    for (const line of peer.lines) {
      try {
        const name =
          (await this.#station.store.participants(line)).find((p) => p.station === station)?.name ??
          station.slice(0, 8);
        await this.#station.raiseAlarm({
          code: ROUTE_DOWN,
          severity: "warning",
          line,
          peer: station,
          entry: null,
          cause: causeOf(line, station, route),
          detail: `Route ${route.name} (${route.url}) to ${name} is down; another route carries the line`,
        });
      } catch {
        // the store is closing: the station is stopping
      }
    }
  }

  async #clear(station: string, peer: Peer, route: Route): Promise<void> {
    this.#known(peer, route).raised = false;
    const at = isoNow(this.#station.clock);
    for (const line of peer.lines) {
      try {
        await this.#station.store.clearAlarms(
          { line, peer: station, codes: [ROUTE_DOWN], cause: causeOf(line, station, route) },
          at,
        );
      } catch {
        // the store is closing: the station is stopping
      }
    }
  }
}

/**
 * A participant's routes as `status` and `health` show them: each as the routed transport found it
 * (untested until traffic or a test went by it); with no transport (the station is not running),
 * as announced, the first carrying the traffic.
 *
 * @param station the station
 * @param line a line
 * @param peer a participant of it, and the address it paired with (its row's `url`)
 * @param routed the running station's routed transport, or null
 * @param onLine what every participant announced on the line, read once by a caller naming each
 * @returns its routes, most preferred first
 */
export async function routesOf(
  station: Station,
  line: string,
  peer: { station: string; url: string },
  routed: RoutedTransport | null,
  onLine?: ReadonlyMap<string, Route[]>,
): Promise<RouteStatus[]> {
  const routing = routed?.routing(peer.station) ?? null;
  return (await peerRoutes(station.store, line, peer.station, peer.url, onLine)).map((r, i) => {
    const known = routing?.routes.find((k) => k.name === r.name);
    return {
      ...r,
      health: known?.health ?? "unknown",
      rttMs: known === undefined || known.rttMs === null ? null : Math.round(known.rttMs * 10) / 10,
      active: routing === null ? i === 0 : routing.active === r.name,
      standby: known?.standby ?? false,
    };
  });
}

/**
 * @returns whether the peer answered that this host of it is not the active one: the standby, or
 *   an active that was paused, lost its lease meanwhile and is stepping down (FENCED, for about a
 *   second before it answers STANDBY)
 */
function isStandby(error: unknown): boolean {
  const code = (error as { remoteCode?: unknown } | null)?.remoteCode;
  return code === "STANDBY" || code === "FENCED";
}

/** @returns whether an exchange failed for want of an answer (not a refusal, which is one) */
function unanswered(error: unknown): boolean {
  return error instanceof HotlineError && error.code === "PEER_UNREACHABLE";
}

function causeOf(line: string, station: string, route: Route): string {
  return JSON.stringify([line, station, route.name]);
}
