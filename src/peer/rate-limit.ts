/** How fast one client may send requests. */
export interface RateLimitOptions {
  /** requests a client may send at once after being quiet (the bucket's size) */
  burst: number;
  /** requests per second it may keep sending (the refill rate) */
  perSecond: number;
  /** the time in milliseconds, for tests (default: a monotonic clock) */
  now?: (() => number) | undefined;
}

/** Buckets kept before full ones are dropped: a client with many certificates grows nothing. */
const MAX_BUCKETS = 4_096;

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per client: each request takes a token, tokens come back at a steady rate up to
 * the burst. A bucket that is full again says nothing a new one would not, so it is forgotten when
 * buckets pile up.
 */
export class RateLimiter {
  readonly #burst: number;
  readonly #perMs: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();

  /** @param options burst, rate and clock */
  constructor(options: RateLimitOptions) {
    this.#burst = options.burst;
    this.#perMs = options.perSecond / 1000;
    this.#now = options.now ?? (() => performance.now());
  }

  /**
   * @param client who asks (a certificate's fingerprint)
   * @returns whether the request may go ahead (a token was taken)
   */
  take(client: string): boolean {
    const now = this.#now();
    const bucket = this.#buckets.get(client) ?? { tokens: this.#burst, at: now };
    bucket.tokens = Math.min(this.#burst, bucket.tokens + (now - bucket.at) * this.#perMs);
    bucket.at = now;
    if (!this.#buckets.has(client)) {
      if (this.#buckets.size >= MAX_BUCKETS) this.#forgetFull(now);
      this.#buckets.set(client, bucket);
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  #forgetFull(now: number): void {
    for (const [client, bucket] of this.#buckets) {
      if (bucket.tokens + (now - bucket.at) * this.#perMs >= this.#burst) this.#buckets.delete(client);
    }
    // Every bucket is in use: drop the oldest rather than grow (its client starts full again).
    if (this.#buckets.size >= MAX_BUCKETS) {
      const oldest = this.#buckets.keys().next().value;
      if (oldest !== undefined) this.#buckets.delete(oldest);
    }
  }
}
