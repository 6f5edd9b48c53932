import { sql } from 'kysely'
import type { Kysely } from 'kysely'
import type { DB } from '../store/schema.ts'
import { AppError } from './errors.ts'

export type RateDecision = { ok: true } | { ok: false; retryAfterSec: number }

/** Small on purpose: in memory for one process (SQLite), a PostgreSQL table for a cluster. */
export interface RateLimiter {
  take (key: string): RateDecision | Promise<RateDecision>
}

interface Bucket { tokens: number; at: number }

const retryAfter = (tokens: number, perMs: number) => Math.max(1, Math.ceil((1 - tokens) / perMs / 1000))

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
    return { ok: false, retryAfterSec: retryAfter(b.tokens, this.#perMs) }
  }

  /** Forget buckets that have refilled: they behave exactly like absent ones. */
  #sweep (now: number): void {
    this.#lastSweep = now
    for (const [k, b] of this.#buckets) {
      if (b.tokens + (now - b.at) * this.#perMs >= this.#capacity) this.#buckets.delete(k)
    }
  }
}

interface Waiter { resolve (d: RateDecision): void; reject (err: unknown): void }
interface Want { cap: number; perMs: number; waiters: Waiter[] }

/**
 * The same token buckets in the `rate_buckets` table (UNLOGGED), shared by every node on one
 * PostgreSQL. Requests are grouped as votes are (group commit): while one statement runs, the next
 * requests queue, and then one UPSERT decides for all of them (several requests on one key take
 * several tokens of it). The UPSERT refills, takes and answers under the row lock, so concurrent
 * requests on several nodes never both spend the last token. The clock is the database's
 * (`clock_timestamp()`), so nodes with skewed clocks agree; tests may pass `now`. Every minute a
 * node deletes full buckets (any node may: it is idempotent).
 */
export class PgRateBuckets {
  readonly #db: Kysely<DB>
  readonly #now: (() => number) | undefined
  readonly #limits: { batchTimeoutMs: number; maxWaiting: number }
  #queue = new Map<string, Want>()
  #waiting = 0
  #running = false
  #lastSweep = Date.now()
  /** Statements and requests so far (batching shows as requests/statements). */
  readonly stats = { statements: 0, requests: 0 }

  /**
   * `batchTimeoutMs`: a statement (and the requests queued behind it) fails after this, well
   * before a widget's 10 s timeout, even on a half-open connection; `maxWaiting`: requests beyond
   * it fail at once rather than pile up while the database does not answer. Both answer 503.
   */
  constructor (db: Kysely<DB>, now?: () => number, limits: { batchTimeoutMs?: number; maxWaiting?: number } = {}) {
    this.#db = db
    this.#now = now
    this.#limits = { batchTimeoutMs: limits.batchTimeoutMs ?? 2_000, maxWaiting: limits.maxWaiting ?? 5_000 }
  }

  take (key: string, cap: number, perMs: number): Promise<RateDecision> {
    if (this.#waiting >= this.#limits.maxWaiting) return Promise.reject(unavailable('too many requests wait for the rate limiter'))
    return new Promise((resolve, reject) => {
      this.#waiting++
      const want = this.#queue.get(key)
      if (want) want.waiters.push({ resolve, reject })
      else this.#queue.set(key, { cap, perMs, waiters: [{ resolve, reject }] })
      if (!this.#running) void this.#drain()
    })
  }

  async #drain (): Promise<void> {
    this.#running = true
    try {
      while (this.#queue.size > 0) {
        const batch = this.#queue
        this.#queue = new Map()
        for (const w of batch.values()) this.#waiting -= w.waiters.length
        const done = this.#decide(batch)
        let timer: NodeJS.Timeout | undefined
        const late = new Promise<'late'>(resolve => { timer = setTimeout(resolve, this.#limits.batchTimeoutMs, 'late') })
        const outcome = await Promise.race([done, late])
        clearTimeout(timer)
        if (outcome === 'late') {
          // The database does not answer in time: this batch and everything queued behind it fail
          // now (the statement may still finish; its answers then go nowhere).
          const err = unavailable('the rate limiter\'s database did not answer in time')
          for (const w of [...batch.values(), ...this.#queue.values()]) for (const x of w.waiters) x.reject(err)
          this.#queue = new Map()
          this.#waiting = 0
        }
      }
    } finally {
      this.#running = false
    }
    if (Date.now() - this.#lastSweep > 60_000) {
      this.#lastSweep = Date.now()
      this.prune().catch(() => {})
    }
  }

  async #decide (batch: Map<string, Want>): Promise<void> {
    const keys = [...batch.keys()]
    const wants = [...batch.values()]
    this.stats.statements++
    this.stats.requests += wants.reduce((n, w) => n + w.waiters.length, 0)
    try {
      // The inserted row asks for `granted` = min(requests, capacity) tokens; an existing bucket
      // grants min(that, what it holds after refilling): the same number whenever requests ≤ capacity.
      const { rows } = await sql<{ key: string; tokens: number; granted: number }>`
        with req as (
          select r.key, r.cap, r.per_ms, least(r.n, floor(r.cap)) as want, ${this.#clock()} as now
          from unnest(${keys}::text[], ${wants.map(w => w.cap)}::float8[], ${wants.map(w => w.perMs)}::float8[], ${wants.map(w => w.waiters.length)}::int[])
            as r(key, cap, per_ms, n)
        )
        insert into rate_buckets as b (key, tokens, at, full_at, granted, cap, per_ms)
        select key, cap - want, now, now + want / per_ms, want, cap, per_ms from req
        order by key -- one lock order on every node: two batches never deadlock
        on conflict (key) do update set
          tokens = ${LEVEL} - ${GRANT},
          granted = ${GRANT},
          full_at = greatest(b.at, excluded.at) + (excluded.cap - (${LEVEL} - ${GRANT})) / excluded.per_ms,
          at = greatest(b.at, excluded.at),
          cap = excluded.cap,
          per_ms = excluded.per_ms
        returning key, tokens, granted`.execute(this.#db)
      for (const r of rows) {
        const want = batch.get(r.key)!
        const granted = Number(r.granted)
        want.waiters.forEach((w, i) => w.resolve(i < granted ? { ok: true } : { ok: false, retryAfterSec: retryAfter(Number(r.tokens), want.perMs) }))
        batch.delete(r.key)
      }
      if (batch.size > 0) throw new Error('rate_buckets: no answer for some keys')
    } catch (err) {
      for (const w of batch.values()) for (const x of w.waiters) x.reject(err)
    }
  }

  /** Deletes full buckets; returns how many. */
  async prune (): Promise<number> {
    const r = await sql`delete from rate_buckets where full_at <= ${this.#clock()}`.execute(this.#db)
    return Number(r.numAffectedRows ?? 0)
  }

  #clock () {
    return this.#now ? sql`${this.#now()}::float8` : sql`(extract(epoch from clock_timestamp()) * 1000)`
  }
}

/** Answered 503 + Retry-After by the error handler, as a database outage is. */
function unavailable (why: string): AppError {
  return Object.assign(new AppError(503, 'SERVICE_UNAVAILABLE', 'The service is briefly unavailable; try again in a moment', undefined, { 'retry-after': '1' }), { cause: why })
}

/** The refilled level of an existing bucket, and what it grants of the requested tokens. */
const LEVEL = sql`least(excluded.cap, b.tokens + greatest(0::float8, excluded.at - b.at) * excluded.per_ms)`
const GRANT = sql`least(excluded.granted::float8, floor(${LEVEL}))`

/** One limiter (`name`: `ip`, `pp`, `cip`) over the shared buckets. */
export class PgTokenBucketLimiter implements RateLimiter {
  readonly #buckets: PgRateBuckets
  readonly #prefix: string
  readonly #capacity: number
  readonly #perMs: number

  constructor (buckets: PgRateBuckets, name: string, perMinute: number) {
    this.#buckets = buckets
    this.#prefix = `${name}:`
    this.#capacity = Math.max(1, perMinute)
    this.#perMs = this.#capacity / 60_000
  }

  take (key: string): Promise<RateDecision> {
    return this.#buckets.take(this.#prefix + key, this.#capacity, this.#perMs)
  }
}

export async function enforce (limiter: RateLimiter, key: string): Promise<void> {
  const d = await limiter.take(key)
  if (!d.ok) {
    throw new AppError(429, 'RATE_LIMITED', 'Too many requests, try again later',
      { retryAfter: d.retryAfterSec }, { 'retry-after': String(d.retryAfterSec) })
  }
}
