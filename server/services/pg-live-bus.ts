import crypto from 'node:crypto'
import type { PollResults } from '../schemas/polls.ts'
import { LocalLiveBus } from './live.ts'
import type { LiveBus, ResultsEvent, ResultsListener, ThreadEvent, ThreadListener, ThreadSubscription } from './live.ts'

/** What a node reads from the database when another node says that something changed. */
export interface LiveSource {
  /** A poll's current results (null: the poll is gone). */
  results (pollId: string): Promise<PollResults | null>
  /** A thread's current seq (0 while it does not exist). */
  threadSeq (channel: string): Promise<number>
  /**
   * The thread's changes after `since` that readers see, in seq order, as events, and `seq`: the
   * thread's seq read before them (every change up to it is in `events` or invisible).
   */
  threadChanges (channel: string, since: number): Promise<{ events: ThreadEvent[]; seq: number }>
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
  /** First and longest wait before reconnecting the LISTEN connection (and retrying a failed read). */
  reconnectMs?: { min: number; max: number }
  /** How often the LISTEN connection is checked with `select 1`, and how long connecting or a check may take. */
  healthMs?: { every: number; timeout: number }
}

/** NOTIFY payloads must stay under 8000 bytes; ids are packed below this. */
const MAX_PAYLOAD = 7000

type Note = { n: string; r: string; v: number; p: string[] } | { n: string; t: string; s: number }

const isSeq = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0

/** A notification as this code sends it, or null: any database role may NOTIFY anything. */
export function parseNote (payload: string): Note | null {
  let o: unknown
  try { o = JSON.parse(payload) } catch { return null }
  if (typeof o !== 'object' || o === null) return null
  const n = o as Record<string, unknown>
  if (typeof n.n !== 'string') return null
  if (typeof n.r === 'string' && isSeq(n.v) && Array.isArray(n.p) && n.p.every(x => typeof x === 'string')) {
    return { n: n.n, r: n.r, v: n.v, p: n.p as string[] }
  }
  if (typeof n.t === 'string' && isSeq(n.s)) return { n: n.n, t: n.t, s: n.s }
  return null
}

interface Fetch {
  ids: Set<string>
  /** The newest results read, so that a change already read costs no second read. */
  read: PollResults | null
  running: boolean
  again: boolean
  last: number
  timer: NodeJS.Timeout | null
  /** The wait before retrying a failed read; doubles up to reconnectMs.max, back to min after a success. */
  backoff: number
}
interface ThreadState {
  /** The last seq delivered or read from the database (null: not read yet). */
  cursor: number | null
  /** Another node (or a reconnection) said something changed: read from the cursor. */
  dirty: boolean
  /** This node's own events waiting for those before them. */
  held: Map<number, ThreadEvent>
  chain: Promise<void>
  /** The first read of the thread's seq, while it runs. */
  init: Promise<void> | null
  retry: NodeJS.Timeout | null
  backoff: number
}

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
    const off = this.#local.subscribe(pollId, listener)
    return () => {
      off()
      const f = this.#fetches.get(pollId)
      if (f && !f.running && !this.#local.listensTo(pollId)) {
        if (f.timer) clearTimeout(f.timer)
        this.#fetches.delete(pollId)
      }
    }
  }

  /** `version` null: unknown (after a reconnection), read again. */
  #remoteResults (pollId: string, version: number | null, ids: string[]): void {
    if (!this.#local.listensTo(pollId)) return
    let f = this.#fetches.get(pollId)
    if (!f) this.#fetches.set(pollId, f = { ids: new Set(), read: null, running: false, again: false, last: 0, timer: null, backoff: this.#minBackoff })
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
    let failed = false
    try {
      const results = await this.#o.source.results(pollId)
      if (results && (!f.read || results.version >= f.read.version)) f.read = results
      if (results && !this.#closed) this.#local.publish({ pollId, results, participantIds: ids })
      f.backoff = this.#minBackoff
    } catch (err) {
      failed = true
      for (const id of ids) f.ids.add(id) // sent with the retry
      this.#warn(err, 'live: could not read results another node changed')
    } finally {
      f.running = false
      if (!this.#local.listensTo(pollId)) {
        this.#fetches.delete(pollId)
      } else if (failed && !f.timer && !this.#closed) {
        // Read again after a wait (readers would otherwise see stale results until the next vote).
        f.timer = setTimeout(() => { f.timer = null; void this.#fetch(pollId, f) }, f.backoff)
        f.backoff = Math.min(this.#o.reconnectMs?.max ?? 5000, f.backoff * 2)
        f.again = false
      } else if (f.again) {
        f.again = false
        this.#schedule(pollId, f)
      }
    }
  }

  // ── comment threads ─────────────────────────────────────────────────────────────────────────

  publishThread (e: ThreadEvent): void {
    const state = this.#threads.get(e.channel)
    if (state) this.#enqueue(state, () => this.#localThread(e.channel, state, e))
    this.#track(this.#notify(JSON.stringify({ n: this.#node, t: e.channel, s: e.seq } satisfies Note)))
  }

  /**
   * `ready` (not null while this node starts serving the thread) resolves once the thread's seq is
   * read: every change after it is delivered, so a replay read after `ready` misses nothing.
   * It rejects when that read fails.
   */
  subscribeThread (channel: string, listener: ThreadListener): ThreadSubscription {
    const off = this.#local.subscribeThread(channel, listener)
    let state = this.#threads.get(channel)
    if (!state) {
      state = { cursor: null, dirty: false, held: new Map(), chain: Promise.resolve(), init: null, retry: null, backoff: this.#minBackoff }
      this.#threads.set(channel, state)
    }
    const s = state
    let ready: Promise<void> | null = null
    if (s.cursor === null) {
      if (!s.init) {
        s.init = this.#enqueue(s, () => this.#init(channel, s))
        s.init.catch(() => {}).finally(() => { s.init = null })
      }
      ready = s.init
    }
    return Object.assign(() => {
      off()
      if (this.#local.listensToThread(channel) || this.#threads.get(channel) !== s) return
      this.#threads.delete(channel)
      if (s.retry) clearTimeout(s.retry)
    }, { ready })
  }

  /** Where this node starts serving a thread: its seq now (events before are the reader's replay). */
  async #init (channel: string, s: ThreadState): Promise<void> {
    if (s.cursor !== null) return
    const seq = await this.#o.source.threadSeq(channel) // a failure rejects `ready` (and is logged by #enqueue)
    s.cursor ??= seq
    this.#drainHeld(channel, s)
    if (s.held.size > 0) s.dirty = true
    await this.#sync(channel, s)
  }

  /** This node's own change: delivered at once unless another node's change may come before it. */
  async #localThread (channel: string, s: ThreadState, e: ThreadEvent): Promise<void> {
    if (s.cursor !== null && e.seq <= s.cursor) return
    s.held.set(e.seq, e)
    if (s.cursor === null) return // delivered once the thread's seq is read
    this.#drainHeld(channel, s)
    if (s.held.size === 0) return
    s.dirty = true
    await this.#sync(channel, s)
  }

  #remoteThread (channel: string, seq: number): void {
    const s = this.#threads.get(channel)
    if (!s || (s.cursor !== null && seq <= s.cursor)) return
    s.dirty = true
    this.#enqueue(s, () => this.#sync(channel, s))
  }

  /**
   * Reads and delivers the thread's changes after the cursor while something may have changed. The
   * cursor moves only to seqs the database answered (a notification's seq may be forged); a failed
   * read is retried with backoff, and this node's own later events wait for it, never skipping one.
   */
  async #sync (channel: string, s: ThreadState): Promise<void> {
    while (s.cursor !== null && s.dirty && !this.#closed && this.#threads.get(channel) === s) {
      s.dirty = false
      const heldBefore = [...s.held.keys()]
      let read: { events: ThreadEvent[]; seq: number }
      try {
        read = await this.#o.source.threadChanges(channel, s.cursor)
      } catch (err) {
        s.dirty = true
        this.#warn(err, 'live: could not read thread changes another node made')
        this.#retryLater(channel, s)
        return
      }
      s.backoff = this.#minBackoff
      for (const e of read.events) this.#deliver(channel, s, e)
      if (read.seq > s.cursor) s.cursor = read.seq
      this.#drainHeld(channel, s)
      // Own events the read should have seen but did not (the thread was deleted meanwhile): they
      // go out rather than be read for forever. Those published during the read: read again.
      for (const seq of heldBefore.sort((x, y) => x - y)) {
        const e = s.held.get(seq)
        if (!e) continue
        s.held.delete(seq)
        this.#deliver(channel, s, e)
      }
      this.#drainHeld(channel, s)
      if (s.held.size > 0) s.dirty = true
    }
  }

  #retryLater (channel: string, s: ThreadState): void {
    if (s.retry || this.#closed) return
    s.retry = setTimeout(() => {
      s.retry = null
      if (this.#threads.get(channel) === s) this.#enqueue(s, () => this.#sync(channel, s))
    }, s.backoff)
    s.backoff = Math.min(this.#o.reconnectMs?.max ?? 5000, s.backoff * 2)
  }

  /** Own events next after the cursor go out; those at or before it were delivered or read. */
  #drainHeld (channel: string, s: ThreadState): void {
    if (s.cursor === null) return
    for (const seq of [...s.held.keys()]) if (seq <= s.cursor) s.held.delete(seq)
    for (let e = s.held.get(s.cursor + 1); e; e = s.held.get(s.cursor + 1)) {
      s.held.delete(e.seq)
      this.#deliver(channel, s, e)
    }
  }

  #deliver (channel: string, s: ThreadState, e: ThreadEvent): void {
    if (s.cursor !== null && e.seq <= s.cursor) return
    s.cursor = e.seq
    // A chain of a thread nobody here listens to anymore must not reach a newer subscription.
    if (this.#threads.get(channel) === s && !this.#closed) this.#local.publishThread(e)
  }

  /** One thread's steps run one after another, in the order they were asked for. */
  #enqueue (s: ThreadState, step: () => Promise<void>): Promise<void> {
    const run = s.chain.then(step)
    s.chain = run.catch(err => this.#warn(err, 'live: thread delivery failed'))
    return run
  }

  get #minBackoff (): number { return this.#o.reconnectMs?.min ?? 250 }

  /** Polls and threads this node keeps state for (for tests: none once nobody listens). */
  get tracked (): { polls: number; threads: number } { return { polls: this.#fetches.size, threads: this.#threads.size } }

  // ── the LISTEN connection ───────────────────────────────────────────────────────────────────

  /** Never throws: it runs inside the client's event emitter, where a throw would crash the process. */
  #onNotification (payload: string): void {
    try {
      const note = parseNote(payload)
      if (!note) {
        this.#warn(new Error(payload.slice(0, 200)), 'live: ignored a notification this code did not send')
        return
      }
      if (note.n === this.#node) return // our own: already delivered here
      if ('r' in note) this.#remoteResults(note.r, note.v, note.p)
      else this.#remoteThread(note.t, note.s)
    } catch (err) {
      this.#warn(err, 'live: could not handle a notification')
    }
  }

  async #connect (): Promise<void> {
    if (this.#closed) return
    const c = this.#o.client()
    this.#client = c
    c.on('error', err => this.#lost(c, err))
    c.on('end', () => this.#lost(c))
    c.on('notification', m => { if (m.channel === this.#o.channel && m.payload) this.#onNotification(m.payload) })
    try {
      // A blackholed host must not hold the start (or a reconnection) for minutes.
      await withTimeout(c.connect().then(() => c.query(`LISTEN "${this.#o.channel}"`)), this.#health.timeout, 'LISTEN connection timed out')
    } catch (err) {
      this.#lost(c, err)
      return
    }
    if (this.#client !== c) return
    this.#listening = true
    this.#backoff = this.#minBackoff
    this.connects++
    this.#watch(c)
    // Whatever was notified while nobody listened: results refetched, threads read from their cursor.
    for (const pollId of this.#local.polls()) this.#remoteResults(pollId, null, [])
    for (const [channel, s] of this.#threads) {
      s.dirty = true
      this.#enqueue(s, () => this.#sync(channel, s))
    }
  }

  get #health (): { every: number; timeout: number } { return this.#o.healthMs ?? { every: 30_000, timeout: 10_000 } }

  /** A connection that silently stopped answering (a half-open socket) hears nothing: check it, reconnect. */
  #watch (c: ListenClient): void {
    const timer = setInterval(() => {
      if (this.#client !== c) {
        clearInterval(timer)
        return
      }
      withTimeout(c.query('select 1'), this.#health.timeout, 'LISTEN connection did not answer')
        .catch(err => { clearInterval(timer); this.#lost(c, err) })
    }, this.#health.every)
    timer.unref()
  }

  #lost (c: ListenClient, err?: unknown): void {
    if (this.#client !== c) return
    this.#client = null
    this.#listening = false
    c.end().catch(() => {})
    if (this.#closed) return
    this.#warn(err ?? new Error('connection ended'), 'live: LISTEN connection lost; reconnecting')
    if (this.#retry) clearTimeout(this.#retry)
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
    for (const s of this.#threads.values()) if (s.retry) clearTimeout(s.retry)
    this.#fetches.clear()
    this.#threads.clear()
    this.#local.close()
    const c = this.#client
    this.#client = null
    this.#listening = false
    if (c) await c.end().catch(() => {})
  }
}

function withTimeout<T> (p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(Object.assign(new Error(message), { code: 'ETIMEDOUT' })), ms) })
  return Promise.race([p, late]).finally(() => clearTimeout(timer))
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
