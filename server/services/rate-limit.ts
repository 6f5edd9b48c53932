import { AppError } from './errors.ts'

export type RateDecision = { ok: true } | { ok: false; retryAfterSec: number }

/** Small on purpose: a shared store (Redis, PostgreSQL) can implement it later for a cluster. */
export interface RateLimiter {
  take (key: string): RateDecision
}

interface Bucket { tokens: number; at: number }

/** In-memory token buckets: `perMinute` capacity, refilled continuously. */
export class TokenBucketLimiter implements RateLimiter {
  readonly #capacity: number
  readonly #perMs: number
  readonly #now: () => number
  readonly #buckets = new Map<string, Bucket>()
  #lastSweep: number

  constructor (perMinute: number, now: () => number = Date.now) {
    this.#capacity = Math.max(1, perMinute)
    this.#perMs = this.#capacity / 60_000
    this.#now = now
    this.#lastSweep = now()
  }

  take (key: string): RateDecision {
    const now = this.#now()
    if (now - this.#lastSweep > 60_000) this.#sweep(now)
    const b = this.#buckets.get(key) ?? { tokens: this.#capacity, at: now }
    b.tokens = Math.min(this.#capacity, b.tokens + (now - b.at) * this.#perMs)
    b.at = now
    this.#buckets.set(key, b)
    if (b.tokens >= 1) {
      b.tokens -= 1
      return { ok: true }
    }
    return { ok: false, retryAfterSec: Math.max(1, Math.ceil((1 - b.tokens) / this.#perMs / 1000)) }
  }

  /** Forget buckets that have refilled: they behave exactly like absent ones. */
  #sweep (now: number): void {
    this.#lastSweep = now
    for (const [k, b] of this.#buckets) {
      if (b.tokens + (now - b.at) * this.#perMs >= this.#capacity) this.#buckets.delete(k)
    }
  }
}

export function enforce (limiter: RateLimiter, key: string): void {
  const d = limiter.take(key)
  if (!d.ok) {
    throw new AppError(429, 'RATE_LIMITED', 'Too many requests, try again later',
      { retryAfter: d.retryAfterSec }, { 'retry-after': String(d.retryAfterSec) })
  }
}
