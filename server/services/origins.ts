import { AppError } from './errors.ts'

/** `scheme://host[:port]` in canonical form, or null when not an http(s) origin. */
export function normalizeOrigin (value: string): string | null {
  try {
    const u = new URL(value)
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null
    if (u.pathname !== '/' || u.search || u.hash || u.username || u.password) return null
    return u.origin
  } catch {
    return null
  }
}

/**
 * Per-site origin allow-lists. The union of all lists answers CORS preflights; a write must come
 * from its poll's site list or from the server's own origin. The union is cached and refreshed
 * when sites change here, and at least every `ttlMs` so other nodes' changes arrive too.
 */
export class OriginPolicy {
  #known = new Set<string>()
  #loadedAt = 0
  #refreshing: Promise<void> | null = null
  readonly #load: () => Promise<string[]>
  readonly #ttlMs: number

  constructor (load: () => Promise<string[]>, ttlMs = 30_000) {
    this.#load = load
    this.#ttlMs = ttlMs
  }

  refresh (): Promise<void> {
    this.#refreshing ??= this.#load().then(list => {
      this.#known = new Set(list)
      this.#loadedAt = Date.now()
    }).finally(() => { this.#refreshing = null })
    return this.#refreshing
  }

  /** Synchronous for the CORS hook; a stale cache triggers a background refresh. */
  isKnown (origin: string | undefined): boolean {
    if (Date.now() - this.#loadedAt > this.#ttlMs) this.refresh().catch(() => {})
    return origin !== undefined && this.#known.has(origin)
  }

  /**
   * A read may come without Origin (same-origin GETs, servers, curl). A browser on a site that is
   * not allow-listed gets a 403 it can read (CORS header on the refusal only), so the widget tells
   * the city's editor why instead of showing a form whose votes could never count.
   */
  assertRead (origin: string | undefined, allowed: readonly string[], selfOrigin: string): void {
    if (origin === undefined || origin === selfOrigin || allowed.includes(origin)) return
    throw new AppError(403, 'ORIGIN_NOT_ALLOWED', `Origin ${origin} is not allowed to embed this content`, undefined,
      { 'access-control-allow-origin': origin, vary: 'Origin' })
  }

  /** `allowed` = the poll's site list, or 'any-site' for writes not tied to a site. */
  assertWrite (origin: string | undefined, allowed: readonly string[] | 'any-site', selfOrigin: string): void {
    if (origin !== undefined && origin === selfOrigin) return
    const ok = origin !== undefined && (allowed === 'any-site' ? this.isKnown(origin) : allowed.includes(origin))
    if (!ok) throw new AppError(403, 'ORIGIN_NOT_ALLOWED', origin ? `Origin ${origin} may not write here` : 'An Origin header is required')
  }
}
