import { describe, expect, it } from "vitest";
import type { LeaseRow, LeaseStore } from "../../store/mod.js";
import { LeaseLoop, type RoleChanges } from "./lease-loop.js";
import { ManualClock } from "./manual-clock.js";

/**
 * The lease as the stores keep it (see SqliteStore's), on a clock the test moves: the database's.
 * Each process has a clock of its own, so that one that is not moved is a paused process.
 */
function leaseStore(db: ManualClock): LeaseStore & { renewals: number } {
  let row: { holder: string; epoch: number; acquiredAt: number; expiresAt: number } | null = null;
  const view = (): LeaseRow | null =>
    row === null
      ? null
      : {
          holder: row.holder,
          epoch: row.epoch,
          acquiredAt: new Date(row.acquiredAt).toISOString(),
          expiresAt: new Date(row.expiresAt).toISOString(),
        };
  const store = {
    renewals: 0,
    acquireLease: async (holder: string, ttlMs: number) => {
      if (row !== null && row.expiresAt > db.t) return null;
      row = { holder, epoch: (row?.epoch ?? 0) + 1, acquiredAt: db.t, expiresAt: db.t + ttlMs };
      return view();
    },
    renewLease: async (epoch: number, ttlMs: number) => {
      store.renewals++;
      if (row === null || row.epoch !== epoch) return null;
      row.expiresAt = db.t + ttlMs;
      return view();
    },
    releaseLease: async (epoch: number) => {
      if (row !== null && row.epoch === epoch) row.expiresAt = 0;
    },
    lease: async () => view(),
    fence: () => undefined,
  };
  return store;
}

/** A process of the pair: its loop, its clock, and the role changes it went through. */
function pairProcess(name: string, store: LeaseStore, clock: ManualClock) {
  const changes: string[] = [];
  let previous: LeaseRow | null | undefined;
  const roles: RoleChanges = {
    active: async (lease, before) => {
      previous = before;
      changes.push(`active ${lease.epoch}`);
    },
    standby: async (reason) => void changes.push(`standby: ${reason}`),
    stop: async () => void changes.push("stop"),
  };
  const loop = new LeaseLoop(roles, { store, holder: name, ttlMs: 5_000, clock });
  return { loop, changes, previous: () => previous };
}

describe("the lease loop of an active/standby pair", () => {
  it("takes the lease at start when no one holds it, and renews it every second", async () => {
    const clock = new ManualClock();
    const store = leaseStore(clock);
    const a = pairProcess("a", store, clock);
    await a.loop.start();
    expect(a.loop.role).toBe("active");
    expect(a.changes).toEqual(["active 1"]);
    await clock.advance(10_000);
    expect(store.renewals).toBe(10);
    expect((await store.lease())?.expiresAt).toBe(new Date(clock.t + 5_000).toISOString());
    await a.loop.stop();
  });

  it("a standby waits while the active renews, and takes over once a paused active let the lease lapse", async () => {
    const db = new ManualClock();
    const store = leaseStore(db);
    const clockA = new ManualClock({ start: db.t });
    const a = pairProcess("a", store, clockA);
    const b = pairProcess("b", store, db);
    await a.loop.start();
    await b.loop.start();
    expect(b.changes).toEqual(["standby: start"]);
    // Both run: the standby tries every second and never gets it.
    for (let i = 0; i < 10; i++) {
      await db.advance(500);
      clockA.t = db.t - 1; // A runs, just behind
      await clockA.advance(1);
    }
    expect(b.loop.role).toBe("standby");
    // A is paused (SIGSTOP): its clock stands still; the lease lapses 5 s after its last renewal.
    await db.advance(4_000);
    expect(b.loop.role).toBe("standby");
    await db.advance(2_000);
    expect(b.loop.role).toBe("active");
    expect(b.changes).toEqual(["standby: start", "active 2"]);
    expect(b.previous()?.holder).toBe("a");
    // A wakes: its next renewal is refused, and it steps down at once.
    clockA.t = db.t;
    await clockA.advance(1_000);
    expect(a.loop.role).toBe("standby");
    expect(a.changes).toEqual(["active 1", "standby: the lease was taken by another process"]);
    await Promise.all([a.loop.stop(), b.loop.stop()]);
  });

  it("steps down at once when a write was refused FENCED, without waiting for a renewal", async () => {
    const clock = new ManualClock();
    const store = leaseStore(clock);
    const a = pairProcess("a", store, clock);
    await a.loop.start();
    a.loop.fenced();
    await clock.advance(0);
    expect(a.loop.role).toBe("standby");
    expect(a.changes.at(-1)).toBe("standby: a write was refused: another process took the lease");
    await a.loop.stop();
  });

  it("a clean stop gives the lease back: the standby takes it at its next try", async () => {
    const clock = new ManualClock();
    const store = leaseStore(clock);
    const a = pairProcess("a", store, clock);
    const b = pairProcess("b", store, clock);
    await a.loop.start();
    await b.loop.start();
    await a.loop.stop();
    expect(a.changes).toEqual(["active 1", "stop"]);
    await clock.advance(1_000);
    expect(b.loop.role).toBe("active");
    expect(b.previous()?.expiresAt).toBe(new Date(0).toISOString());
    await b.loop.stop();
  });

  it("a process that takes the lease but cannot start gives it back and tries again later and later", async () => {
    const clock = new ManualClock();
    const store = leaseStore(clock);
    const attempts: number[] = [];
    const loop = new LeaseLoop(
      {
        active: async () => {
          attempts.push(clock.t);
          throw new Error("the key is stale");
        },
        standby: async () => undefined,
        stop: async () => undefined,
      },
      { store, holder: "a", clock },
    );
    const start = clock.t;
    await loop.start();
    await clock.advance(20_000);
    expect(attempts.map((t) => t - start)).toEqual([0, 1_000, 3_000, 7_000, 15_000]);
    expect(loop.role).toBe("standby");
    expect((await store.lease())?.expiresAt).toBe(new Date(0).toISOString());
    await loop.stop();
  });
});
