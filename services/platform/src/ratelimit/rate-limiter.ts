/**
 * A token-bucket rate limiter keyed by caller, with bounded memory.
 * @module
 */
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';

/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Tokens added per second to each bucket (the sustained rate). */
  readonly ratePerSecond: number;
  /** Capacity of each bucket: how many tokens a caller idle long enough may spend at once. */
  readonly burst: number;
  /** Default: the system clock. */
  readonly clock?: Pick<Clock, 'nowMs'>;
  /** Most buckets kept (default 10 000); beyond it, full buckets and then the least recently used are dropped. */
  readonly maxKeys?: number;
}

/** The result of {@link RateLimiter.take}. */
export type TakeResult = { readonly ok: true; readonly remaining: number } | { readonly ok: false; readonly retryAfterMs: number };

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/**
 * Token buckets, one per key, created full on first use. Memory is bounded: a bucket that has
 * refilled to full is the same as no bucket, so such buckets are dropped first when there are
 * more than `maxKeys`; if every bucket is in use, the least recently used one is dropped (its key
 * starts again with a full bucket).
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter({ ratePerSecond: 50, burst: 100, clock });
 * const r = limiter.take(caller.spiffeId, batch.length);
 * if (!r.ok) throw new ApiError('resource_exhausted', 'slow down', { retryAfterMs: r.retryAfterMs });
 * ```
 */
export class RateLimiter {
  readonly ratePerSecond: number;
  readonly burst: number;
  readonly #clock: Pick<Clock, 'nowMs'>;
  readonly #maxKeys: number;
  /** In least-recently-used-first order. */
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: RateLimiterOptions) {
    if (!(options.ratePerSecond > 0) || !Number.isFinite(options.ratePerSecond)) throw new RangeError('ratePerSecond must be a positive number');
    if (!(options.burst >= 1) || !Number.isFinite(options.burst)) throw new RangeError('burst must be at least 1');
    const maxKeys = options.maxKeys ?? 10_000;
    if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new RangeError('maxKeys must be a positive integer');
    this.ratePerSecond = options.ratePerSecond;
    this.burst = options.burst;
    this.#clock = options.clock ?? systemClock;
    this.#maxKeys = maxKeys;
  }

  /** How many keys have a bucket. */
  get size(): number {
    return this.#buckets.size;
  }

  /**
   * Takes `n` tokens from the bucket of `key`: ok with what remains, or not ok (nothing taken)
   * with how long until `n` tokens are there. Throws `RangeError` when `n` exceeds the burst
   * (such a request could never pass).
   */
  take(key: string, n: number = 1): TakeResult {
    if (!(n > 0) || !Number.isFinite(n)) throw new RangeError(`take: n must be a positive number, got ${n}`);
    if (n > this.burst) throw new RangeError(`take: ${n} tokens exceed the burst of ${this.burst}`);
    const now = this.#clock.nowMs();
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: this.burst, updatedMs: now };
      this.#buckets.set(key, bucket);
      this.#evict(now);
    } else {
      this.#buckets.delete(key);
      this.#buckets.set(key, bucket);
      this.#refill(bucket, now);
    }
    if (bucket.tokens >= n) {
      bucket.tokens -= n;
      return { ok: true, remaining: bucket.tokens };
    }
    return { ok: false, retryAfterMs: Math.ceil(((n - bucket.tokens) * 1000) / this.ratePerSecond) };
  }

  #refill(bucket: Bucket, now: number): void {
    const elapsed = Math.max(0, now - bucket.updatedMs);
    bucket.tokens = Math.min(this.burst, bucket.tokens + (elapsed * this.ratePerSecond) / 1000);
    bucket.updatedMs = now;
  }

  /** Keeps at most `maxKeys` buckets: drops the oldest full ones, then the least recently used. */
  #evict(now: number): void {
    if (this.#buckets.size <= this.#maxKeys) return;
    for (const [key, bucket] of this.#buckets) {
      if (this.#buckets.size <= this.#maxKeys) return;
      const full = bucket.tokens + (Math.max(0, now - bucket.updatedMs) * this.ratePerSecond) / 1000 >= this.burst;
      if (!full) break;
      this.#buckets.delete(key);
    }
    while (this.#buckets.size > this.#maxKeys) {
      const oldest = this.#buckets.keys().next();
      if (oldest.done) return;
      this.#buckets.delete(oldest.value);
    }
  }
}
