import type { FastifyBaseLogger } from 'fastify'

/**
 * The incoming-webhook message shape Slack, Mattermost and Rocket.Chat all accept:
 * `text` plus legacy `attachments` with `fields: [{ title, value, short }]`.
 */
export interface StaffMessage {
  text: string
  attachments: Array<{
    fallback: string
    color: string
    title: string
    text: string
    fields: Array<{ title: string; value: string; short: boolean }>
  }>
}

/**
 * Resident text inside a staff message: Slack reads `& < >` as markup (`<!channel>`, `<url|label>`),
 * Mattermost and Rocket.Chat ping on `@channel`/`@here`/`@all`; both are defused.
 */
export function escapeChat (text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/@(channel|here|all|everyone)\b/gi, '@\u200b$1')
}

export interface WebhookOptions {
  /** Attempts in all (the first one included). */
  tries: number
  /** Delay before the second attempt; doubled for each further one. */
  baseDelayMs: number
  timeoutMs: number
  log: FastifyBaseLogger
}

/**
 * Fire-and-forget delivery with exponential backoff. `send` returns at once: a resident's request
 * never waits for a staff chat server. Failures are logged; nothing is persisted (a restart drops
 * retries in flight).
 */
export class Webhooks {
  readonly #o: WebhookOptions
  readonly #timers = new Set<NodeJS.Timeout>()
  readonly #inFlight = new Set<AbortController>()
  #closed = false
  readonly stats = { delivered: 0, failed: 0, attempts: 0 }

  constructor (opts: WebhookOptions) {
    this.#o = opts
  }

  send (url: string, message: StaffMessage): void {
    if (this.#closed) return
    void this.#attempt(url, JSON.stringify(message), 1)
  }

  async #attempt (url: string, body: string, n: number): Promise<void> {
    this.stats.attempts++
    const result = await this.#deliver(url, body, this.#o.timeoutMs)
    if (result.ok) {
      this.stats.delivered++
      return
    }
    const error = result.error
    // The URL's path is often the secret (Slack, Mattermost): log only where it points.
    const target = safeOrigin(url)
    if (n >= this.#o.tries || this.#closed) {
      this.stats.failed++
      this.#o.log.error({ target, attempts: n, error }, 'webhook delivery failed')
      return
    }
    const delay = this.#o.baseDelayMs * 2 ** (n - 1)
    this.#o.log.warn({ target, attempt: n, error, retryInMs: delay }, 'webhook attempt failed; retrying')
    const t = setTimeout(() => {
      this.#timers.delete(t)
      void this.#attempt(url, body, n + 1)
    }, delay)
    t.unref()
    this.#timers.add(t)
  }

  /**
   * One delivery, awaited, without retries: the console's "send test". Bounded by `timeoutMs`
   * (at most the configured per-attempt timeout); http(s) URLs only.
   */
  async test (url: string, message: StaffMessage, timeoutMs = this.#o.timeoutMs): Promise<DeliveryResult> {
    let u: URL
    try { u = new URL(url) } catch { return { ok: false, error: 'not a URL', reason: 'network' } }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return { ok: false, error: 'only http(s) URLs are allowed', reason: 'network' }
    if (this.#closed) return { ok: false, error: 'server shutting down', reason: 'network' }
    return this.#deliver(u.href, JSON.stringify(message), Math.min(timeoutMs, this.#o.timeoutMs))
  }

  async #deliver (url: string, body: string, timeoutMs: number): Promise<DeliveryResult> {
    const ac = new AbortController()
    this.#inFlight.add(ac)
    const timer = setTimeout(() => ac.abort(new TimeoutError(timeoutMs)), timeoutMs)
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: ac.signal })
      await res.body?.cancel().catch(() => {})
      return res.ok ? { ok: true, status: res.status } : { ok: false, status: res.status, error: `HTTP ${res.status}`, reason: 'http' }
    } catch (err) {
      return describeFailure(err)
    } finally {
      clearTimeout(timer)
      this.#inFlight.delete(ac)
    }
  }

  /** Drops pending retries and aborts deliveries in flight. */
  close (): void {
    this.#closed = true
    for (const t of this.#timers) clearTimeout(t)
    this.#timers.clear()
    for (const ac of this.#inFlight) ac.abort(new Error('server shutting down'))
  }
}

export interface DeliveryResult {
  ok: boolean
  status?: number
  /** In words, for staff and logs: "connection refused", "HTTP 404", "timed out after 5000 ms". */
  error?: string
  reason?: 'http' | 'refused' | 'timeout' | 'not-found' | 'tls' | 'network'
}

class TimeoutError extends Error {
  constructor (ms: number) { super(`timed out after ${ms} ms`) }
}

/** fetch says only "fetch failed"; the cause (a system error code) is what staff can act on. */
function describeFailure (err: unknown): DeliveryResult {
  if (err instanceof TimeoutError) return { ok: false, error: err.message, reason: 'timeout' }
  const cause = (err as { cause?: { code?: string; message?: string } }).cause
  const code = cause?.code ?? ''
  if (code === 'ECONNREFUSED') return { ok: false, error: 'connection refused', reason: 'refused' }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { ok: false, error: 'host not found', reason: 'not-found' }
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return { ok: false, error: 'connection timed out', reason: 'timeout' }
  if (/CERT|SSL|TLS/.test(code)) return { ok: false, error: `TLS: ${cause?.message ?? code}`, reason: 'tls' }
  if (err instanceof Error && err.name === 'AbortError') return { ok: false, error: err.message, reason: 'network' }
  return { ok: false, error: cause?.message ?? (err as Error).message ?? String(err), reason: 'network' }
}

function safeOrigin (url: string): string {
  try { return new URL(url).origin } catch { return '(invalid url)' }
}
