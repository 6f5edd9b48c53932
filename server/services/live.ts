import type { CommentView } from '../schemas/comments.ts'
import type { PollResults } from '../schemas/polls.ts'

export interface ResultsEvent {
  pollId: string
  results: PollResults
  /** Participants whose vote is included (lets after-vote subscribers start seeing results). */
  participantIds: string[]
}

export type ResultsListener = (e: ResultsEvent) => void

/** A committed change to a comment thread. Never coalesced: every one is delivered, in order. */
export interface ThreadEvent {
  /** `threadChannel(siteId, key)`: a thread may be listened to before it exists. */
  channel: string
  /** The thread's sequence number after this change: the SSE event id. */
  seq: number
  /** `comment`: became visible to everyone; `update`: changed (edited, deleted, hidden, restored). */
  kind: 'comment' | 'update'
  /** The public view of the comment (as a reader who is not its author sees it). */
  comment: CommentView
  /** The same comment as its author sees it (`mine`, `heldReason`, `editableUntil`). */
  authorComment: CommentView
  /** Its author's participant and author key, so each subscriber can tell `mine`. */
  authorParticipantId: string | null
  authorKey: string
}

export type ThreadListener = (e: ThreadEvent) => void

/**
 * Unsubscribes. `ready`, when not null, resolves once every change committed from then on will be
 * delivered (a replay read after it misses nothing); null: delivery started at subscribe.
 */
export type ThreadSubscription = (() => void) & { ready: Promise<void> | null }

export const threadChannel = (siteId: string, key: string) => `${siteId}\n${key}`

/**
 * Fan-out of committed results and comment changes. `LocalLiveBus` serves one node (SQLite);
 * `PgLiveBus` (`pg-live-bus.ts`) wraps it to fan out across nodes with LISTEN/NOTIFY.
 */
export interface LiveBus {
  publish (e: ResultsEvent): void
  subscribe (pollId: string, listener: ResultsListener): () => void
  publishThread (e: ThreadEvent): void
  subscribeThread (channel: string, listener: ThreadListener): ThreadSubscription
  close (): void | Promise<void>
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
  readonly #threads = new Map<string, Set<ThreadListener>>()
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

  publishThread (e: ThreadEvent): void {
    const listeners = this.#threads.get(e.channel)
    if (!listeners) return
    for (const l of listeners) {
      try { l(e) } catch (err) { this.#onError(err) }
    }
  }

  subscribeThread (channel: string, listener: ThreadListener): ThreadSubscription {
    let set = this.#threads.get(channel)
    if (!set) this.#threads.set(channel, set = new Set())
    set.add(listener)
    return Object.assign(() => {
      set.delete(listener)
      if (set.size === 0 && this.#threads.get(channel) === set) this.#threads.delete(channel)
    }, { ready: null })
  }

  /** Polls and threads someone on this node listens to (a cluster bus fetches only for those). */
  listensTo (pollId: string): boolean { return this.#channels.has(pollId) }
  listensToThread (channel: string): boolean { return this.#threads.has(channel) }
  polls (): string[] { return [...this.#channels.keys()] }
  threads (): string[] { return [...this.#threads.keys()] }

  close (): void {
    for (const ch of this.#channels.values()) if (ch.timer) clearTimeout(ch.timer)
    this.#channels.clear()
    this.#threads.clear()
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
