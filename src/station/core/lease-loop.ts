import type { LeaseRow, LeaseStore } from "../../store/mod.js";
import { systemClock, type Clock, type Timer } from "./clock.js";
import { silentLogger, type PartLogger } from "./logger.js";
import type { ActiveProcess } from "../views/mod.js";

/** How long a pair's lease holds unless renewed, by default: a standby takes over within ~6 s. */
export const DEFAULT_LEASE_TTL_MS = 5_000;

/** The longest a process that could not start as the active waits before it tries again. */
const MAX_RETRY_MS = 30_000;

/** The role of one process of an active/standby pair. */
export type Role = "active" | "standby";

/** What the loop does when the role changes; each call finishes before the next starts. */
export interface RoleChanges {
  /**
   * This process took the lease: open the station fenced at `lease.epoch` and serve. A throw
   * gives the lease back and makes it standby again.
   *
   * @param lease the lease now held
   * @param previous the lease as it stood just before (another holder's, lapsed or released), or
   *   null when none was ever taken
   */
  active(lease: LeaseRow, previous: LeaseRow | null): Promise<void>;
  /**
   * This process is no longer (or not yet) the active one: stop writing, close the station, and
   * answer as the standby.
   *
   * @param reason why, for the log ("start", "the lease was taken by another", …)
   */
  standby(reason: string): Promise<void>;
  /** The process stops: close whatever runs, active or standby (the lease is given back after). */
  stop(): Promise<void>;
}

export interface LeaseLoopOptions {
  /** the store the pair shares */
  store: LeaseStore;
  /** who this process is (see {@link holderOf}) */
  holder: string;
  /** how long the lease holds unless renewed, ms (default {@link DEFAULT_LEASE_TTL_MS}) */
  ttlMs?: number | undefined;
  /** renewed every this many ms while active (default a fifth of the TTL) */
  renewEveryMs?: number | undefined;
  /** a standby tries to take the lease every this many ms (default 1000) */
  tryEveryMs?: number | undefined;
  clock?: Clock | undefined;
  logger?: PartLogger | undefined;
}

/**
 * The lease loop of one process of an active/standby pair: as the standby it tries to take the
 * store's lease every second; once it holds it, it is the active one and renews it; when a renewal
 * is refused (another took the lease: this process was paused past its expiry) or a write was
 * refused FENCED ({@link LeaseLoop.fenced}), it steps down at once and is the standby again. A
 * clean stop gives the lease back, so that the standby takes over without waiting it out.
 */
export class LeaseLoop {
  readonly #store: LeaseStore;
  readonly #holder: string;
  readonly #ttlMs: number;
  readonly #renewEveryMs: number;
  readonly #tryEveryMs: number;
  readonly #clock: Clock;
  readonly #logger: PartLogger;
  readonly #changes: RoleChanges;
  #role: Role | null = null;
  #lease: LeaseRow | null = null;
  #timer: Timer | null = null;
  #stopped = false;
  /** takeovers in a row that could not start: each waits twice as long, up to 30 s */
  #failures = 0;
  /** role changes, renewals and attempts, one at a time */
  #queue: Promise<unknown> = Promise.resolve();

  /**
   * @param changes what to do when the role changes
   * @param options the store, who this process is, timings
   */
  constructor(changes: RoleChanges, options: LeaseLoopOptions) {
    this.#changes = changes;
    this.#store = options.store;
    this.#holder = options.holder;
    this.#ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
    this.#renewEveryMs = options.renewEveryMs ?? Math.max(100, Math.floor(this.#ttlMs / 5));
    this.#tryEveryMs = options.tryEveryMs ?? 1_000;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
  }

  /** @returns "active" while it holds the lease, "standby" otherwise, null before start */
  get role(): Role | null {
    return this.#role;
  }

  /** @returns the lease it holds while active */
  get lease(): LeaseRow | null {
    return this.#role === "active" ? this.#lease : null;
  }

  /** Tries to take the lease at once: active if it can, else the standby. */
  async start(): Promise<void> {
    await this.#run(async () => {
      this.#role = "standby";
      if (!(await this.#tryToTake())) await this.#changes.standby("start");
    });
  }

  /**
   * A write was refused FENCED: another process holds the lease. Steps down now, without waiting
   * for the next renewal.
   */
  fenced(): void {
    void this.#run(async () => {
      if (this.#role === "active")
        await this.#stepDown("a write was refused: another process took the lease");
    });
  }

  /** Stops: closes the station when active and gives the lease back. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#clock.clearTimer(this.#timer);
    await this.#run(async () => {
      const lease = this.#role === "active" ? this.#lease : null;
      await this.#changes.stop();
      this.#role = "standby";
      if (lease !== null) {
        await this.#store
          .releaseLease(lease.epoch)
          .catch((error: unknown) =>
            this.#logger.warn(
              { event: "role.release-failed", err: error },
              "could not give the lease back: the standby takes over once it lapses",
            ),
          );
      }
    });
  }

  #run(step: () => Promise<void>): Promise<void> {
    const next = this.#queue.then(step);
    this.#queue = next.catch((error: unknown) =>
      this.#logger.warn({ event: "role.error", err: error }, "the lease loop failed a step; it tries again"),
    );
    return next;
  }

  #schedule(ms: number, step: () => Promise<void>): void {
    this.#clock.clearTimer(this.#timer);
    if (this.#stopped) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = null;
      void this.#run(step).catch(() => this.#schedule(ms, step));
    }, ms);
  }

  async #becomeStandby(reason: string): Promise<void> {
    this.#role = "standby";
    this.#lease = null;
    await this.#changes.standby(reason);
  }

  /** @returns whether it took the lease (and is active, or tried and gave it back) */
  async #tryToTake(): Promise<boolean> {
    if (this.#stopped || this.#role !== "standby") return false;
    const previous = await this.#store.lease();
    const lease = await this.#store.acquireLease(this.#holder, this.#ttlMs);
    if (lease === null) {
      this.#schedule(this.#tryEveryMs, () => this.#attempt());
      return false;
    }
    this.#role = "active";
    this.#lease = lease;
    // Renewals run while the station opens; a refusal meanwhile steps down once it is open.
    this.#schedule(this.#renewEveryMs, () => this.#renew());
    try {
      await this.#changes.active(lease, previous);
      this.#failures = 0;
    } catch (error) {
      this.#failures++;
      this.#logger.warn(
        { event: "role.active-failed", err: error },
        "took the lease but could not start as the active; giving it back",
      );
      this.#clock.clearTimer(this.#timer);
      await this.#store.releaseLease(lease.epoch).catch(() => undefined);
      try {
        await this.#becomeStandby("could not start as the active");
      } finally {
        // What failed (a stale key, a port taken) rarely mends itself within a second.
        const wait = Math.min(this.#tryEveryMs * 2 ** (this.#failures - 1), MAX_RETRY_MS);
        this.#schedule(wait, () => this.#attempt());
      }
    }
    return true;
  }

  async #attempt(): Promise<void> {
    await this.#tryToTake();
  }

  async #renew(): Promise<void> {
    const held = this.#lease;
    if (this.#stopped || this.#role !== "active" || held === null) return;
    let renewed: LeaseRow | null;
    try {
      renewed = await this.#store.renewLease(held.epoch, this.#ttlMs);
    } catch (error) {
      // The store did not answer: keep trying; fencing keeps the chain whole if another takes over.
      this.#logger.warn({ event: "role.renew-failed", err: error }, "could not renew the lease");
      this.#schedule(this.#renewEveryMs, () => this.#renew());
      return;
    }
    if (renewed === null) {
      await this.#stepDown("the lease was taken by another process");
      return;
    }
    this.#lease = renewed;
    this.#schedule(this.#renewEveryMs, () => this.#renew());
  }

  async #stepDown(reason: string): Promise<void> {
    this.#clock.clearTimer(this.#timer);
    const held = this.#lease;
    this.#logger.warn(
      { event: "role.stepped_down", epoch: held?.epoch ?? null, reason },
      `stepped down from active: ${reason}`,
    );
    try {
      await this.#becomeStandby(reason);
    } finally {
      // Even if it cannot serve as the standby (its port taken), it keeps trying to be the active.
      this.#schedule(this.#tryEveryMs, () => this.#attempt());
    }
  }
}

/** Who holds a pair's lease, as the lease's holder names it (a JSON string). */
export interface LeaseHolder {
  /** the station's name */
  station: string;
  /** the route(s) this process serves */
  routes: string[];
  host: string;
  pid: number;
  /** the peer URL of its first route */
  url: string;
  /** its operator API's address */
  api: string;
}

/**
 * @param holder a lease's holder
 * @returns who it is, or null when it is not one written by {@link LeaseHolder}
 */
export function readHolder(holder: string): LeaseHolder | null {
  try {
    const value = JSON.parse(holder) as Partial<LeaseHolder>;
    return typeof value === "object" && value !== null && typeof value.host === "string"
      ? (value as LeaseHolder)
      : null;
  } catch {
    return null;
  }
}

/**
 * @param holder a lease's holder
 * @returns it in a few words, e.g. "Washington on host-b (pid 4242, https://…)"
 */
export function describeHolder(holder: string): string {
  const who = readHolder(holder);
  return who === null ? holder : `${who.station} on ${who.host} (pid ${who.pid}, ${who.url})`;
}

/**
 * @param role this process's role
 * @param lease the lease as it stands
 * @returns what `hotline status` adds for one of a pair
 */
export function pairStatus(
  role: Role,
  lease: LeaseRow,
): { role: Role; activeSince: string; active: ActiveProcess } {
  return {
    role,
    activeSince: lease.acquiredAt,
    active: {
      who: describeHolder(lease.holder),
      holder: lease.holder,
      epoch: lease.epoch,
      expiresAt: lease.expiresAt,
    },
  };
}
