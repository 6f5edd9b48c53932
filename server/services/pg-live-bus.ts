import crypto from 'node:crypto'
import type { PollResults } from '../schemas/polls.ts'
import { LocalLiveBus } from './live.ts'
import type { LiveBus, ResultsEvent, ResultsListener, ThreadEvent, ThreadListener } from './live.ts'

/** What a node reads from the database when another node says that something changed. */
export interface LiveSource {
  /** A poll's current results (null: the poll is gone). */
  results (pollId: string): Promise<PollResults | null>
  /** A thread's current seq (0 while it does not exist). */
  threadSeq (channel: string): Promise<number>
  /** The thread's changes after `since` that readers see, in seq order, as events. */
  threadChanges (channel: string, since: number): Promise<ThreadEvent[]>
}

/** The part of a `pg.Client` the bus uses (a fake in tests). */
export interface ListenClient {
  connect (): Promise<unknown>
  query (text: string): Promise<unknown>
  end (): Promise<unknown>
  on (event: 'notification', listener: (m: { channel: string; payload?: string }) => void): unknown
  on (event: 'error', listener: (err: Error) => void): unknown
  on (event: 'end', listener: () => void): unknown
}

export interface PgLiveBusOptions {
  /** A new, unconnected client: the LISTEN connection, outside the pool. */
  client: () => ListenClient
  /** Sends one notification (`pg_notify` through the pool). */
  notify: (channel: string, payload: string) => Promise<void>
  /** The NOTIFY channel: one per database schema, so deployments in one database stay apart. */
  channel: string
  source: LiveSource
  minIntervalMs: number
  onError: (err: unknown, msg: string) => void
  /** First and longest wait before reconnecting the LISTEN connection. */
  reconnectMs?: { min: number; max: number }
}

/** NOTIFY payloads must stay under 8000 bytes; ids are packed below this. */
const MAX_PAYLOAD = 7000

type Note = { n: string; r: string; v: number; p: string[] } | { n: string; t: string; s: number }

interface Fetch {
  ids: Set<string>
  /** The newest results read, so that a change already read costs no second read. */
  read: PollResults | null
  running: boolean
  again: boolean
  last: number
  timer: NodeJS.Timeout | null
}
interface ThreadState { cursor: number | null; chain: Promise<void> }

/**
 * The live bus of a cluster on one PostgreSQL. Each node delivers its own events to its own
 * subscribers at once (as `LocalLiveBus` does) and sends a small NOTIFY (ids, version, seq: never
 * a comment's text); the other nodes, if anyone there listens, read what changed from the database.
 * - Poll results: a remote node refetches the counters at most once per `minIntervalMs` per poll,
 *   and `LocalLiveBus` coalesces to ≤4 emits a second, as on one node.
 * - Comment threads: every change, in seq order, per thread and node. A node keeps a cursor per
 *   thread it serves (the last seq delivered) and reads the changes after it from the `comments`
 *   table, so two nodes whose notifications cross never make it skip or reorder an event: a
 *   thread's seq is bumped under its row lock, so commit order is seq order.
 * - Its own notifications come back to a node: they carry its id and are dropped (exactly once).
 * - The LISTEN connection has its own error handler; when it drops (database restart) it
 *   reconnects with backoff, LISTENs again and catches up on every poll and thread it serves.
 */
export class PgLiveBus implements LiveBus {
  readonly #local: LocalLiveBus
  readonly #o: PgLiveBusOptions
  readonly #node = crypto.randomUUID()
  readonly #outgoing = new Map<string, { version: number; ids: Set<string> } | null>()
  readonly #fetches = new Map<string, Fetch>()
  readonly #threads = new Map<string, ThreadState>()
  readonly #sending = new Set<Promise<void>>()
  #client: ListenClient | null = null
  #listening = false
  #closed = false
  #retry: NodeJS.Timeout | null = null
  #backoff: number
  readonly #lastWarn = new Map<string, number>()
  /** Times the LISTEN connection was (re)established; for tests and logs. */
  connects = 0

  constructor (o: PgLiveBusOptions) {
    this.#o = o
    this.#local = new LocalLiveBus(o.minIntervalMs, err => o.onError(err, 'live listener failed'))
    this.#backoff = o.reconnectMs?.min ?? 250
  }

  /** Opens the LISTEN connection; resolves after the first attempt (a failure retries in the background). */
  start (): Promise<void> {
    return this.#connect()
  }

  get listening (): boolean { return this.#listening }

  // ── results ─────────────────────────────────────────────────────────────────────────────────

  publish (e: ResultsEvent): void {
    this.#local.publish(e)
    const queued = this.#outgoing.get(e.pollId)
    if (queued !== undefined) {
      // A notification for this poll is on its way: the next one carries the newest state.
      const next = queued ?? { version: 0, ids: new Set<string>() }
      next.version = Math.max(next.version, e.results.version)
      for (const id of e.participantIds) next.ids.add(id)
      this.#outgoing.set(e.pollId, next)
      return
    }
    this.#outgoing.set(e.pollId, null)
    this.#track(this.#sendResults(e.pollId, e.results.version, e.participantIds))
  }

  async #sendResults (pollId: string, version: number, ids: string[]): Promise<void> {
    for (;;) {
      for (const payload of resultNotes(this.#node, pollId, version, ids)) await this.#notify(payload)
      const next = this.#outgoing.get(pollId)
      if (!next) break
      this.#outgoing.set(pollId, null)
      version = next.version
      ids = [...next.ids]
    }
    this.#outgoing.delete(pollId)
  }

  subscribe (pollId: string, listener: ResultsListener): () => void {
    return this.#local.subscribe(pollId, listener)
  }

  /** `version` null: unknown (after a reconnection), read again. */
  #remoteResults (pollId: string, version: number | null, ids: string[]): void {
    if (!this.#local.listensTo(pollId)) return
    let f = this.#fetches.get(pollId)
    if (!f) this.#fetches.set(pollId, f = { ids: new Set(), read: null, running: false, again: false, last: 0, timer: null })
    if (version !== null && f.read && f.read.version >= version) {
      // Read already (the rest of a change's voters, in a second payload): only the voters are new.
      if (ids.length > 0) this.#local.publish({ pollId, results: f.read, participantIds: ids })
      return
    }
    for (const id of ids) f.ids.add(id)
    if (f.running) f.again = true
    else this.#schedule(pollId, f)
  }

  #schedule (pollId: string, f: Fetch): void {
    if (f.timer || this.#closed) return
    const wait = f.last + this.#o.minIntervalMs - Date.now()
    if (wait <= 0) void this.#fetch(pollId, f)
    else f.timer = setTimeout(() => { f.timer = null; void this.#fetch(pollId, f) }, wait)
  }

  async #fetch (pollId: string, f: Fetch): Promise<void> {
    f.running = true
    f.last = Date.now()
    const ids = [...f.ids]
    f.ids.clear()
    try {
      const results = await this.#o.source.results(pollId)
      if (results && (!f.read || results.version >= f.read.version)) f.read = results
      if (results && !this.#closed) this.#local.publish({ pollId, results, participantIds: ids })
    } catch (err) {
      for (const id of ids) f.ids.add(id) // sent with the next fetch (next notification or reconnect)
      this.#warn(err, 'live: could not read results another node changed')
    } finally {
      f.running = false
      if (f.again) {
        f.again = false
        this.#schedule(pollId, f)
      } else if (!this.#local.listensTo(pollId)) {
        this.#fetches.delete(pollId)
      }
    }
  }

  // ── comment threads ─────────────────────────────────────────────────────────────────────────

  publishThread (e: ThreadEvent): void {
    const state = this.#threads.get(e.channel)
    if (state) this.#enqueue(state, () => this.#localThread(e.channel, state, e))
    this.#track(this.#notify(JSON.stringify({ n: this.#node, t: e.channel, s: e.seq } satisfies Note)))
  }

  subscribeThread (channel: string, listener: ThreadListener): () => void {
    const off = this.#local.subscribeThread(channel, listener)
    let state = this.#threads.get(channel)
    if (!state) {
      this.#threads.set(channel, state = { cursor: null, chain: Promise.resolve() })
      const s = state
      this.#enqueue(s, () => this.#init(channel, s))
    }
    return () => {
      off()
      if (!this.#local.listensToThread(channel)) this.#threads.delete(channel)
    }
  }

  /** Where this node starts serving a thread: its seq now (events before are the reader's replay). */
  async #init (channel: string, state: ThreadState): Promise<void> {
    try {
      const seq = await this.#o.source.threadSeq(channel)
      state.cursor = Math.max(state.cursor ?? seq, seq)
    } catch (err) {
      this.#warn(err, 'live: could not read a thread seq') // cursor stays unknown: the next event starts it
    }
  }

  /** This node's own change: delivered at once unless another node's change may come before it. */
  async #localThread (channel: string, state: ThreadState, e: ThreadEvent): Promise<void> {
    if (state.cursor !== null && e.seq <= state.cursor) return
    if (state.cursor === null || e.seq === state.cursor + 1) {
      this.#deliver(state, e)
      return
    }
    await this.#catchUp(channel, state, e.seq, e)
  }

  #remoteThread (channel: string, seq: number): void {
    const state = this.#threads.get(channel)
    if (!state) return
    this.#enqueue(state, async () => {
      if (state.cursor !== null && seq <= state.cursor) return
      await this.#catchUp(channel, state, seq)
    })
  }

  /**
   * Reads and delivers the thread's changes after the cursor (up to `upTo` at least). Without a
   * database answer, this node's own event (`own`) still goes out.
   */
  async #catchUp (channel: string, state: ThreadState, upTo: number | null, own?: ThreadEvent): Promise<void> {
    const since = state.cursor ?? (upTo === null ? null : upTo - 1)
    if (since === null) return this.#init(channel, state)
    let events: ThreadEvent[]
    try {
      events = await this.#o.source.threadChanges(channel, since)
    } catch (err) {
      this.#warn(err, 'live: could not read thread changes another node made')
      if (own) this.#deliver(state, own)
      return
    }
    for (const e of events) this.#deliver(state, e)
    if (upTo !== null && (state.cursor === null || state.cursor < upTo)) state.cursor = upTo
  }

  #deliver (state: ThreadState, e: ThreadEvent): void {
    if (state.cursor !== null && e.seq <= state.cursor) return
    state.cursor = e.seq
    this.#local.publishThread(e)
  }

  /** One thread's deliveries run one after another, in the order they were asked for. */
  #enqueue (state: ThreadState, step: () => Promise<void>): void {
    state.chain = state.chain.then(step).catch(err => this.#o.onError(err, 'live: thread delivery failed'))
  }

  // ── the LISTEN connection ───────────────────────────────────────────────────────────────────

  #onNotification (payload: string): void {
    let note: Note
    try { note = JSON.parse(payload) as Note } catch { return }
    if (note.n === this.#node) return // our own: already delivered here
    if ('r' in note) this.#remoteResults(note.r, note.v, note.p)
    else this.#remoteThread(note.t, note.s)
  }

  async #connect (): Promise<void> {
    if (this.#closed) return
    const c = this.#o.client()
    this.#client = c
    c.on('error', err => this.#lost(c, err))
    c.on('end', () => this.#lost(c))
    c.on('notification', m => { if (m.channel === this.#o.channel && m.payload) this.#onNotification(m.payload) })
    try {
      await c.connect()
      await c.query(`LISTEN "${this.#o.channel}"`)
    } catch (err) {
      this.#lost(c, err)
      return
    }
    if (this.#client !== c) return
    this.#listening = true
    this.#backoff = this.#o.reconnectMs?.min ?? 250
    this.connects++
    // Whatever was notified while nobody listened: results refetched, threads read from their cursor.
    for (const pollId of this.#local.polls()) this.#remoteResults(pollId, null, [])
    for (const [channel, state] of this.#threads) this.#enqueue(state, () => this.#catchUp(channel, state, null))
  }

  #lost (c: ListenClient, err?: unknown): void {
    if (this.#client !== c) return
    this.#client = null
    this.#listening = false
    c.end().catch(() => {})
    if (this.#closed) return
    this.#warn(err ?? new Error('connection ended'), 'live: LISTEN connection lost; reconnecting')
    this.#retry = setTimeout(() => { this.#retry = null; void this.#connect() }, this.#backoff)
    this.#backoff = Math.min(this.#o.reconnectMs?.max ?? 5000, this.#backoff * 2)
  }

  async #notify (payload: string): Promise<void> {
    try {
      await this.#o.notify(this.#o.channel, payload)
    } catch (err) {
      // The other nodes catch up when their own LISTEN connection comes back, or at the next change.
      this.#warn(err, 'live: NOTIFY failed; other nodes see this change at the next one')
    }
  }

  #track (p: Promise<void>): void {
    this.#sending.add(p)
    void p.finally(() => this.#sending.delete(p))
  }

  /** An outage would log once per failing request: each message once per 10 s is enough. */
  #warn (err: unknown, msg: string): void {
    const now = Date.now()
    if (now - (this.#lastWarn.get(msg) ?? 0) < 10_000) return
    this.#lastWarn.set(msg, now)
    this.#o.onError(err, msg)
  }

  /** Sends what is still queued, then closes the LISTEN connection. */
  async close (): Promise<void> {
    await Promise.allSettled([...this.#sending])
    this.#closed = true
    if (this.#retry) clearTimeout(this.#retry)
    for (const f of this.#fetches.values()) if (f.timer) clearTimeout(f.timer)
    this.#fetches.clear()
    this.#threads.clear()
    this.#local.close()
    const c = this.#client
    this.#client = null
    this.#listening = false
    if (c) await c.end().catch(() => {})
  }
}

/** The notifications for one results change: the voters' ids split so that each payload fits. */
export function resultNotes (node: string, pollId: string, version: number, ids: string[]): string[] {
  const notes: string[] = []
  let batch: string[] = []
  const make = (p: string[]) => JSON.stringify({ n: node, r: pollId, v: version, p } satisfies Note)
  let size = Buffer.byteLength(make([]))
  for (const id of ids) {
    const add = Buffer.byteLength(JSON.stringify(id)) + 1
    if (batch.length > 0 && size + add > MAX_PAYLOAD) {
      notes.push(make(batch))
      batch = []
      size = Buffer.byteLength(make([]))
    }
    batch.push(id)
    size += add
  }
  notes.push(make(batch))
  return notes
}

/** The NOTIFY channel of a database schema (identifiers are at most 63 bytes). */
export function liveChannel (schema: string | undefined): string {
  return schema ? `civic_live_${crypto.createHash('sha256').update(schema).digest('hex').slice(0, 16)}` : 'civic_live'
}
