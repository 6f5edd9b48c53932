import type { PollResults } from '../schemas/polls.ts'

export interface ResultsEvent {
  pollId: string
  results: PollResults
  /** Participants whose vote is included (lets after-vote subscribers start seeing results). */
  participantIds: string[]
}

export type ResultsListener = (e: ResultsEvent) => void

/**
 * Fan-out of committed results. This in-process bus serves one node; a PostgreSQL
 * LISTEN/NOTIFY bus can implement the same interface to fan out across nodes.
 */
export interface LiveBus {
  publish (e: ResultsEvent): void
  subscribe (pollId: string, listener: ResultsListener): () => void
  close (): void
}

interface PollChannel {
  listeners: Set<ResultsListener>
  lastEmit: number
  pending: ResultsEvent | null
  timer: NodeJS.Timeout | null
}

/** Coalesces to at most one emit per poll per `minIntervalMs` (4/s by default), always ending on the newest. */
export class LocalLiveBus implements LiveBus {
  readonly #channels = new Map<string, PollChannel>()
  readonly #minIntervalMs: number
  readonly #onError: (err: unknown) => void

  constructor (minIntervalMs = 250, onError: (err: unknown) => void = () => {}) {
    this.#minIntervalMs = minIntervalMs
    this.#onError = onError
  }

  publish (e: ResultsEvent): void {
    const ch = this.#channels.get(e.pollId)
    if (!ch) return // nobody listens on this node
    ch.pending = merge(ch.pending, e)
    if (ch.timer) return
    const wait = ch.lastEmit + this.#minIntervalMs - Date.now()
    if (wait <= 0) this.#emit(ch)
    else ch.timer = setTimeout(() => this.#emit(ch), wait)
  }

  subscribe (pollId: string, listener: ResultsListener): () => void {
    let ch = this.#channels.get(pollId)
    if (!ch) {
      ch = { listeners: new Set(), lastEmit: 0, pending: null, timer: null }
      this.#channels.set(pollId, ch)
    }
    ch.listeners.add(listener)
    return () => {
      ch.listeners.delete(listener)
      if (ch.listeners.size === 0) {
        if (ch.timer) clearTimeout(ch.timer)
        this.#channels.delete(pollId)
      }
    }
  }

  close (): void {
    for (const ch of this.#channels.values()) if (ch.timer) clearTimeout(ch.timer)
    this.#channels.clear()
  }

  #emit (ch: PollChannel): void {
    ch.timer = null
    const e = ch.pending
    ch.pending = null
    if (!e) return
    ch.lastEmit = Date.now()
    for (const l of ch.listeners) {
      try { l(e) } catch (err) { this.#onError(err) }
    }
  }
}

function merge (a: ResultsEvent | null, b: ResultsEvent): ResultsEvent {
  if (!a) return b
  const newest = b.results.version >= a.results.version ? b : a
  return { pollId: b.pollId, results: newest.results, participantIds: [...a.participantIds, ...b.participantIds] }
}
