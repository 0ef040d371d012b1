/**
 * The lease that makes one process of a station the active one, when two share one store (an
 * active and a standby on two hosts): one holder at a time, each new holder with the next epoch.
 */
export interface LeaseRow {
  /** who holds it: the process's own id (host, process, addresses), shown to operators and peers */
  holder: string;
  /** one more with every new holder; a write is fenced by it (see {@link LeaseStore.fence}) */
  epoch: number;
  /** when this holder took it */
  acquiredAt: string;
  /** when it lapses unless renewed, by the database's clock */
  expiresAt: string;
}

/**
 * The lease, kept in the store itself so that the store is what decides who may write. Times are
 * the database's own clock, so two hosts whose clocks differ still agree on when a lease lapsed.
 * The lease's own calls are not fenced.
 */
export interface LeaseStore {
  /**
   * Takes the lease when no one holds it, it lapsed, or it was released: the next epoch.
   *
   * @param holder who takes it
   * @param ttlMs how long it holds unless renewed
   * @returns the lease now held, or null while another holds it unlapsed
   */
  acquireLease(holder: string, ttlMs: number): Promise<LeaseRow | null>;
  /**
   * Extends the lease held at an epoch. It is still this holder's while no one took it, even
   * past its expiry (nothing could have been written by another meanwhile).
   *
   * @param epoch the epoch it was taken at
   * @param ttlMs how long from now
   * @returns the lease now, or null when another took it since (the caller must stop writing)
   */
  renewLease(epoch: number, ttlMs: number): Promise<LeaseRow | null>;
  /** Lets the lease lapse now (a clean stop), so a standby takes over without waiting it out. */
  releaseLease(epoch: number): Promise<void>;
  /** @returns the lease as it stands, or null when no process ever took it */
  lease(): Promise<LeaseRow | null>;
  /**
   * Fences every later write: each write and each transaction checks, inside itself and before
   * writing anything, that the lease's epoch is still this one, and throws HotlineError FENCED
   * (nothing written) when another took the lease since. A process that was paused (SIGSTOP, a
   * long pause, a partition from the database) and wakes after a standby took over can then write
   * nothing. null: no fencing (one process alone on its store, the default).
   *
   * @param epoch the epoch of the lease this process holds, or null
   */
  fence(epoch: number | null): void;
}

/** The lease's one row as both engines keep it (`expires_at`: milliseconds since 1970). */
export interface LeaseRecord {
  holder: string;
  epoch: number;
  acquired_at: string;
  expires_at: number;
}

/**
 * @param record the lease's row as read, if any
 * @returns the lease as the store answers it
 */
export function leaseRowOf(record: LeaseRecord | undefined): LeaseRow | null {
  return record === undefined
    ? null
    : {
        holder: record.holder,
        epoch: record.epoch,
        acquiredAt: record.acquired_at,
        expiresAt: new Date(record.expires_at).toISOString(),
      };
}
