/**
 * Rate limits with an injected clock (deterministic tests): a keyed token bucket, and the failed-login
 * throttle. Both hold a bounded number of keys, so an attacker cannot grow memory by varying addresses.
 */

export type Clock = () => number;

/** One token bucket: `burst` at once, refilled at `perSecond` (a connection's message rate). */
export class TokenBucket {
  tokens: number;
  updated: number;
  readonly #burst: number;
  readonly #perSecond: number;
  readonly #now: Clock;

  constructor(options: { burst: number; perSecond: number; now?: Clock }) {
    this.#burst = options.burst;
    this.#perSecond = options.perSecond;
    this.#now = options.now ?? Date.now;
    this.tokens = options.burst;
    this.updated = this.#now();
  }

  /** The tokens the bucket would hold at `now` (without taking any). */
  available(now: number): number {
    return Math.min(this.#burst, this.tokens + ((now - this.updated) / 1000) * this.#perSecond);
  }

  /** Takes one token; false when the bucket is empty (over the rate). */
  take(): boolean {
    const now = this.#now();
    if (now !== this.updated) {
      this.tokens = this.available(now);
      this.updated = now;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** A token bucket per key (addresses): bounded in keys, so varying keys cannot grow memory. */
export class RateLimiter {
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #options: { burst: number; perSecond: number; now: Clock };
  readonly #maxKeys: number;

  constructor(options: { burst: number; perSecond: number; maxKeys?: number; now?: Clock }) {
    this.#options = { burst: options.burst, perSecond: options.perSecond, now: options.now ?? Date.now };
    this.#maxKeys = options.maxKeys ?? 10_000;
  }

  /** Takes one token for `key`; false when the key is over its rate. */
  take(key: string): boolean {
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      if (this.#buckets.size >= this.#maxKeys) this.#evict(this.#options.now());
      bucket = new TokenBucket(this.#options);
      this.#buckets.set(key, bucket);
    }
    return bucket.take();
  }

  get size(): number {
    return this.#buckets.size;
  }

  #evict(now: number): void {
    // Drop buckets that are full again (idle keys); if none, the oldest.
    for (const [key, bucket] of this.#buckets) {
      if (bucket.available(now) >= this.#options.burst) this.#buckets.delete(key);
    }
    if (this.#buckets.size >= this.#maxKeys) {
      const oldest = this.#buckets.keys().next().value;
      if (oldest !== undefined) this.#buckets.delete(oldest);
    }
  }
}

/**
 * Failed logins per address: after `freeFailures` failures within `windowMs`, each further attempt must wait
 * a delay that doubles per failure (1 s, 2 s, 4 s... up to `maxDelayMs`). A success clears the address.
 */
export class LoginThrottle {
  readonly #entries = new Map<string, { failures: number; first: number; blockedUntil: number }>();
  readonly #freeFailures: number;
  readonly #windowMs: number;
  readonly #maxDelayMs: number;
  readonly #maxKeys: number;
  readonly #now: Clock;

  constructor(
    options: {
      freeFailures?: number;
      windowMs?: number;
      maxDelayMs?: number;
      maxKeys?: number;
      now?: Clock;
    } = {},
  ) {
    this.#freeFailures = options.freeFailures ?? 5;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#maxDelayMs = options.maxDelayMs ?? 30_000;
    this.#maxKeys = options.maxKeys ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** Milliseconds `address` must still wait before its next attempt (0 = may try now). */
  waitFor(address: string): number {
    const entry = this.#entries.get(address);
    if (entry === undefined) return 0;
    const now = this.#now();
    if (now - entry.first > this.#windowMs && now >= entry.blockedUntil) {
      this.#entries.delete(address);
      return 0;
    }
    return Math.max(0, entry.blockedUntil - now);
  }

  failed(address: string): void {
    const now = this.#now();
    let entry = this.#entries.get(address);
    if (entry === undefined || (now - entry.first > this.#windowMs && now >= entry.blockedUntil)) {
      if (this.#entries.size >= this.#maxKeys) {
        const oldest = this.#entries.keys().next().value;
        if (oldest !== undefined) this.#entries.delete(oldest);
      }
      entry = { failures: 0, first: now, blockedUntil: 0 };
      this.#entries.set(address, entry);
    }
    entry.failures++;
    if (entry.failures >= this.#freeFailures) {
      const delay = Math.min(this.#maxDelayMs, 1000 * 2 ** (entry.failures - this.#freeFailures));
      entry.blockedUntil = now + delay;
    }
  }

  succeeded(address: string): void {
    this.#entries.delete(address);
  }
}
