import type { Kysely } from 'kysely'
import type { DB } from '../store/schema.ts'
import { addFailures, clearFailures, pruneFailures, recentFailures } from '../store/sign-in-failures-repo.ts'

/**
 * Brute-force brake for sign-in: after `maxFailures` failed attempts within `windowMs` for one
 * email or one IP, further attempts are refused until the oldest failure ages out. The failures
 * are in the database, so behind several nodes an attacker meets one limit, not one per node.
 */
export class LoginLimiter {
  readonly #db: Kysely<DB>
  readonly #max: number
  readonly #windowMs: number
  readonly #now: () => number
  #lastPrune: number

  constructor (db: Kysely<DB>, opts: { maxFailures?: number; windowMs?: number; now?: () => number } = {}) {
    this.#db = db
    this.#max = opts.maxFailures ?? 5
    this.#windowMs = opts.windowMs ?? 15 * 60_000
    this.#now = opts.now ?? Date.now
    this.#lastPrune = this.#now()
  }

  /** Seconds to wait when any of `keys` is locked, else 0. */
  async retryAfter (keys: string[]): Promise<number> {
    const now = this.#now()
    // Like sessions, old rows go on the next attempt (each attempt passes here).
    if (now - this.#lastPrune > this.#windowMs) {
      this.#lastPrune = now
      await pruneFailures(this.#db, now - this.#windowMs)
    }
    const failures = await recentFailures(this.#db, keys, now - this.#windowMs)
    let wait = 0
    for (const key of keys) {
      const times = failures.filter(f => f.key === key).map(f => f.at)
      if (times.length >= this.#max) wait = Math.max(wait, times[times.length - this.#max]! + this.#windowMs - now)
    }
    return wait > 0 ? Math.max(1, Math.ceil(wait / 1000)) : 0
  }

  async fail (keys: string[]): Promise<void> {
    await addFailures(this.#db, keys, this.#now())
  }

  /** A successful sign-in forgets that email's failures (not the IP's). */
  async clear (key: string): Promise<void> {
    await clearFailures(this.#db, key)
  }
}
