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
    const ac = new AbortController()
    this.#inFlight.add(ac)
    const timer = setTimeout(() => ac.abort(new Error(`timed out after ${this.#o.timeoutMs} ms`)), this.#o.timeoutMs)
    let error: string
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: ac.signal })
      await res.body?.cancel().catch(() => {})
      if (res.ok) {
        this.stats.delivered++
        return
      }
      error = `HTTP ${res.status}`
    } catch (err) {
      error = (err as Error).message
    } finally {
      clearTimeout(timer)
      this.#inFlight.delete(ac)
    }
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

  /** Drops pending retries and aborts deliveries in flight. */
  close (): void {
    this.#closed = true
    for (const t of this.#timers) clearTimeout(t)
    this.#timers.clear()
    for (const ac of this.#inFlight) ac.abort(new Error('server shutting down'))
  }
}

function safeOrigin (url: string): string {
  try { return new URL(url).origin } catch { return '(invalid url)' }
}
