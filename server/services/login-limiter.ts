/**
 * Brute-force brake for sign-in: after `maxFailures` failed attempts within `windowMs` for one
 * email or one IP, further attempts are refused until the oldest failure ages out.
 * In memory, per process: behind several processes an attacker gets `maxFailures` per process
 * (a shared store can implement the same three methods later).
 */
export class LoginLimiter {
  readonly #failures = new Map<string, number[]>()
  readonly #max: number
  readonly #windowMs: number
  readonly #now: () => number
  #lastSweep: number

  constructor (opts: { maxFailures?: number; windowMs?: number; now?: () => number } = {}) {
    this.#max = opts.maxFailures ?? 5
    this.#windowMs = opts.windowMs ?? 15 * 60_000
    this.#now = opts.now ?? Date.now
    this.#lastSweep = this.#now()
  }

  /** Seconds to wait when any of `keys` is locked, else 0. */
  retryAfter (keys: string[]): number {
    const now = this.#now()
    let wait = 0
    for (const key of keys) {
      const recent = this.#recent(key, now)
      if (recent.length >= this.#max) wait = Math.max(wait, recent[recent.length - this.#max]! + this.#windowMs - now)
    }
    return wait > 0 ? Math.max(1, Math.ceil(wait / 1000)) : 0
  }

  fail (keys: string[]): void {
    const now = this.#now()
    if (now - this.#lastSweep > this.#windowMs) this.#sweep(now)
    for (const key of keys) this.#failures.set(key, [...this.#recent(key, now), now])
  }

  /** A successful sign-in forgets that email's failures (not the IP's). */
  clear (key: string): void {
    this.#failures.delete(key)
  }

  #recent (key: string, now: number): number[] {
    return (this.#failures.get(key) ?? []).filter(t => now - t < this.#windowMs).slice(-this.#max)
  }

  #sweep (now: number): void {
    this.#lastSweep = now
    for (const [key, times] of this.#failures) if (times.every(t => now - t >= this.#windowMs)) this.#failures.delete(key)
  }
}
