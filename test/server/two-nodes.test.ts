// Issue 7 §2, two API nodes on one PostgreSQL: two real server processes (server/server.ts) on
// different ports share one database (a fresh schema both migrate at the same moment).
// - live fan-out: a vote on node A reaches an SSE reader on node B within 1 s; comments posted
//   on A (5,000 characters) and edits reach a thread reader on B, every change in seq order even
//   when both nodes write to the thread at once;
// - rate limits: a participant, an address, a commenter hammering A and B alternately is throttled
//   at the configured total, not twice it; one vote per participant when both nodes get it at once;
// - SIGKILL of node A under load: every write A acknowledged is stored once, and clients retrying
//   their unanswered writes against B with the same Idempotency-Key are counted once.
// The bus's own rules (exactly once per node, order, reconnection) are also tested here with an
// in-memory stand-in for PostgreSQL, which runs on every database.
// Short by default; PROVE_FULL=1 (`npm run prove`) runs more samples and a longer load.
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import { EventEmitter } from 'node:events'
import { after, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import type { PollResults } from '../../server/schemas/polls.ts'
import type { ThreadEvent } from '../../server/services/live.ts'
import { restartPostgres, startPostgres } from '../../scripts/pg.mjs'
import { PgLiveBus, resultNotes } from '../../server/services/pg-live-bus.ts'
import { migrateToLatest, openDatabase } from '../../server/store/db.ts'
import type { ListenClient, LiveSource } from '../../server/services/pg-live-bus.ts'
import { PgRateBuckets } from '../../server/services/rate-limit.ts'
import { ADMIN_TOKEN, forEachDb, ORIGIN } from './helpers/harness.ts'
import type { Storage } from './helpers/harness.ts'
import { createSite, PAGE } from './helpers/api.ts'
import { startChildServer } from './helpers/child-server.ts'
import type { ChildServer } from './helpers/child-server.ts'
import { openSse } from './helpers/sse.ts'
import type { SseClient } from './helpers/sse.ts'

const FULL = process.env.PROVE_FULL === '1'
const LIVE_SAMPLES = FULL ? 100 : 6
const LOAD_CLIENTS = 6
const LIMITS = { ip: 60, participant: 10, commentIp: 8 }

// ── the bus against an in-memory stand-in for PostgreSQL ─────────────────────────────────────

/** LISTEN/NOTIFY of one database: every connected client listening on a channel hears every NOTIFY. */
class FakeDatabase {
  clients = new Set<FakeClient>()
  down = false
  /** A half-open connection: queries (or connecting) never answer. */
  hangQueries = false
  hangConnect = false
  notified: string[] = []
  notify (channel: string, payload: string): Promise<void> {
    if (this.down) return Promise.reject(new Error('Connection terminated unexpectedly'))
    this.notified.push(payload)
    // Delivered after the sender's commit, asynchronously, as PostgreSQL does.
    for (const c of this.clients) if (c.channels.has(channel)) setImmediate(() => c.emit('notification', { channel, payload }))
    return Promise.resolve()
  }

  /** A database restart: every connection errors and ends. */
  restart (): void {
    for (const c of [...this.clients]) {
      this.clients.delete(c)
      c.emit('error', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))
      c.emit('end')
    }
  }
}

class FakeClient extends EventEmitter {
  channels = new Set<string>()
  constructor (readonly db: FakeDatabase) { super() }
  async connect () {
    if (this.db.hangConnect) await new Promise(() => {})
    if (this.db.down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
    this.db.clients.add(this)
  }

  async query (text: string) {
    if (text === 'select 1') {
      if (this.db.hangQueries) await new Promise(() => {})
      return
    }
    const m = /^LISTEN "(.+)"$/.exec(text)
    assert.ok(m, text)
    this.channels.add(m[1]!)
  }

  async end () { this.db.clients.delete(this) }
}

/** What the database holds: results per poll and the changes of one thread, by seq. */
class FakeSource implements LiveSource {
  results_ = new Map<string, PollResults>()
  changes: ThreadEvent[] = []
  /** Changes nobody sees (held comments) still bump the thread's seq. */
  hidden = 0
  reads = 0
  /** While set, thread reads fail (a database outage) or wait (a slow one). */
  failing = false
  /** While set, results reads fail. */
  failingResults = false
  gate: Promise<void> | null = null
  seq () { return Math.max(this.hidden, this.changes.reduce((m, e) => Math.max(m, e.seq), 0)) }
  async results (pollId: string) {
    this.reads++
    if (this.failingResults) throw new Error('Connection terminated unexpectedly')
    return this.results_.get(pollId) ?? null
  }
  async threadSeq () {
    await this.gate
    if (this.failing) throw new Error('Connection terminated unexpectedly')
    return this.seq()
  }

  async threadChanges (_channel: string, since: number) {
    this.reads++
    await this.gate
    if (this.failing) throw new Error('Connection terminated unexpectedly')
    return { seq: this.seq(), events: this.changes.filter(e => e.seq > since).sort((a, b) => a.seq - b.seq) }
  }
}

function gate (): { wait: Promise<void>; open: () => void } {
  let open!: () => void
  const wait = new Promise<void>(resolve => { open = resolve })
  return { wait, open }
}

const CH = 'site\nhttps://city.example/page'
const threadEvent = (seq: number): ThreadEvent => ({
  channel: CH, seq, kind: 'comment', authorParticipantId: null, authorKey: 'p:x',
  comment: { id: `c${seq}` } as ThreadEvent['comment'], authorComment: { id: `c${seq}` } as ThreadEvent['authorComment']
})
const results = (version: number): PollResults => ({ voters: version, options: [{ id: 'yes', votes: version, points: 0 }], version })

function fakeNode (db: FakeDatabase, source: FakeSource, errors: string[] = [], healthMs?: { every: number; timeout: number }) {
  return new PgLiveBus({
    healthMs,
    client: () => new FakeClient(db) as unknown as ListenClient,
    notify: (ch, p) => db.notify(ch, p),
    channel: 'civic_live_test',
    source,
    minIntervalMs: 20,
    onError: (_err, msg) => errors.push(msg),
    reconnectMs: { min: 10, max: 40 }
  })
}

/** Two started nodes on one fake database and change source: the usual set-up of the bus tests. */
async function startedPair () {
  const db = new FakeDatabase()
  const source = new FakeSource()
  const a = fakeNode(db, source)
  const b = fakeNode(db, source)
  await a.start()
  await b.start()
  return { db, source, a, b }
}

async function until (cond: () => boolean, what: string, ms = 2000) {
  for (const t0 = Date.now(); !cond(); await sleep(5)) assert.ok(Date.now() - t0 < ms, `timed out waiting for ${what}`)
}

test('cluster bus: a node delivers its own events once, others read results from the database', async () => {
  const { db, source, a, b } = await startedPair()
  const onA: number[] = []
  const onB: PollResults[] = []
  const idsOnB: string[] = []
  a.subscribe('p1', e => onA.push(e.results.version))
  b.subscribe('p1', e => { onB.push(e.results); idsOnB.push(...e.participantIds) })
  source.results_.set('p1', results(1))
  const voters = Array.from({ length: 400 }, () => crypto.randomUUID()) // more ids than one payload holds
  a.publish({ pollId: 'p1', results: results(1), participantIds: voters })
  await until(() => new Set(idsOnB).size === voters.length, 'results and every voter on node B')
  await sleep(100) // A's own notification came back to it by now
  assert.deepEqual(onA, [1], 'node A delivered its own event exactly once (its NOTIFY echo is dropped)')
  assert.equal(source.reads, 1, 'node B read the results once for all the payloads of one change')
  assert.ok(onB.every(r => r.version === 1))
  assert.deepEqual(new Set(idsOnB), new Set(voters), 'every voter id crossed, in payloads under 8000 bytes')
  assert.ok(db.notified.length >= 2 && db.notified.every(p => Buffer.byteLength(p) < 8000), `${db.notified.length} payloads`)
  assert.ok(resultNotes('n', 'p', 1, voters).every(p => Buffer.byteLength(p) <= 7000))
  await a.close()
  await b.close()
})

test('cluster bus: thread events arrive in seq order on every node, even when notifications cross', async () => {
  const db = new FakeDatabase()
  const source = new FakeSource()
  const a = fakeNode(db, source)
  const b = fakeNode(db, source)
  const c = fakeNode(db, source)
  for (const n of [a, b, c]) await n.start()
  const seen = new Map<string, number[]>([['a', []], ['b', []], ['c', []]])
  a.subscribeThread(CH, e => seen.get('a')!.push(e.seq))
  b.subscribeThread(CH, e => seen.get('b')!.push(e.seq))
  c.subscribeThread(CH, e => seen.get('c')!.push(e.seq))
  await sleep(20) // each node read the thread's seq (0) before the first change
  // Node A commits seq 1, node B seq 2, but B's notification goes out first.
  source.changes.push(threadEvent(1), threadEvent(2))
  b.publishThread(threadEvent(2))
  await sleep(30)
  a.publishThread(threadEvent(1))
  // A change nobody sees (held for moderation: seq 3), then a visible one (seq 4) from node A.
  source.hidden = 3
  source.changes.push(threadEvent(4))
  a.publishThread(threadEvent(4))
  await until(() => [...seen.values()].every(s => s.length >= 3), 'three events on every node')
  await sleep(50)
  for (const [node, seqs] of seen) assert.deepEqual(seqs, [1, 2, 4], `node ${node}: every change once, in seq order`)
  for (const n of [a, b, c]) await n.close()
})

test('cluster bus: after a database restart the LISTEN connection comes back and catches up', async () => {
  const db = new FakeDatabase()
  const source = new FakeSource()
  const errors: string[] = []
  const a = fakeNode(db, source)
  const b = fakeNode(db, source, errors)
  await a.start()
  await b.start()
  const onB: number[] = []
  const threadOnB: number[] = []
  b.subscribe('p1', e => onB.push(e.results.version))
  b.subscribeThread(CH, e => threadOnB.push(e.seq))
  await sleep(20)
  db.down = true
  db.restart()
  assert.equal(b.listening, false)
  // Changes while B cannot listen: A's NOTIFY fails too; the database has them.
  source.results_.set('p1', results(7))
  source.changes.push(threadEvent(1))
  a.publish({ pollId: 'p1', results: results(7), participantIds: [] })
  a.publishThread(threadEvent(1))
  await sleep(60) // a few failed reconnection attempts
  assert.equal(b.listening, false)
  db.down = false
  await until(() => b.listening && a.listening, 'both nodes listening again')
  await until(() => onB.includes(7) && threadOnB.includes(1), 'the missed changes on node B')
  assert.ok(errors.some(m => /LISTEN connection lost/.test(m)), 'the loss was logged')
  // And live again: a new change reaches B through NOTIFY.
  source.changes.push(threadEvent(2))
  a.publishThread(threadEvent(2))
  await until(() => threadOnB.includes(2), 'a change after the reconnection')
  assert.deepEqual(threadOnB, [1, 2])
  assert.ok(b.connects >= 2)
  await a.close()
  await b.close()
})

test('cluster bus: a new thread reader replaying after `ready` misses no change committed while the node starts serving it', async () => {
  const { db, source, a, b } = await startedPair()
  const slow = gate()
  source.gate = slow.wait
  const live: number[] = []
  const sub = b.subscribeThread(CH, e => live.push(e.seq))
  // The reader's replay (Last-Event-ID 0) as CommentService.subscribe runs it: after `ready`.
  const replay = (async () => {
    if (sub.ready) await sub.ready
    return source.changes.filter(e => e.seq > 0).map(e => e.seq) // its own query, not the bus's (slow) one
  })()
  // Seq 1 commits on node A while node B reads where to start; seq 2 after.
  source.changes.push(threadEvent(1))
  a.publishThread(threadEvent(1))
  await sleep(20)
  source.gate = null
  slow.open()
  const replayed = await replay
  source.changes.push(threadEvent(2))
  a.publishThread(threadEvent(2))
  await until(() => live.includes(2), 'seq 2 on node B')
  await sleep(30)
  const got = [...replayed, ...live]
  assert.deepEqual(got, [1, 2], `replayed ${replayed}, live ${live}: every change once`)
  assert.equal(b.subscribeThread(CH, () => {}).ready, null, 'a second reader of a served thread need not wait')
  await a.close()
  await b.close()
})

test('cluster bus: forged or malformed notifications neither crash a node nor move its cursor', async () => {
  const db = new FakeDatabase()
  const source = new FakeSource()
  const errors: string[] = []
  const a = fakeNode(db, source)
  const b = fakeNode(db, source, errors)
  await a.start()
  await b.start()
  const seen: number[] = []
  const polls: number[] = []
  await b.subscribeThread(CH, e => seen.push(e.seq)).ready
  b.subscribe('p1', e => polls.push(e.results.version))
  for (const payload of ['null', '"x"', '[]', '{"n":"z"}', '{"n":"z","t":1,"s":1}', '{"n":"z","r":"p1","v":1,"p":[1]}',
    '{"n":"z","r":"p1","v":"1","p":[]}', `{"n":"z","t":${JSON.stringify(CH)},"s":-1}`, `{"n":"z","t":${JSON.stringify(CH)},"s":1e300}`,
    `{"n":"z","t":${JSON.stringify(CH)},"s":1000000000000000}`]) await db.notify('civic_live_test', payload)
  await sleep(50)
  assert.ok(errors.some(m => /did not send/.test(m)), errors.join())
  // Real changes after the forged "seq 10^15" still arrive.
  source.changes.push(threadEvent(1))
  a.publishThread(threadEvent(1))
  await until(() => seen.includes(1), 'seq 1 after the forged notifications')
  source.changes.push(threadEvent(2))
  a.publishThread(threadEvent(2))
  await until(() => seen.includes(2), 'seq 2')
  assert.deepEqual(seen, [1, 2])
  assert.deepEqual(polls, [], 'no results event from a malformed results notification')
  await a.close()
  await b.close()
})

test('cluster bus: a failed thread read is retried; nothing is skipped or reordered meanwhile', async () => {
  const { db, source, a, b } = await startedPair()
  const seen: number[] = []
  await b.subscribeThread(CH, e => seen.push(e.seq)).ready
  source.failing = true
  // Seq 1 on node A (B cannot read it yet), then B's own seq 2.
  source.changes.push(threadEvent(1))
  a.publishThread(threadEvent(1))
  await sleep(20)
  source.changes.push(threadEvent(2))
  b.publishThread(threadEvent(2))
  await sleep(60)
  assert.deepEqual(seen, [], 'B\'s own event waits for seq 1')
  source.failing = false
  await until(() => seen.length >= 2, 'both after the retry')
  await sleep(30)
  assert.deepEqual(seen, [1, 2])
  await a.close()
  await b.close()
})

test('cluster bus: a failed results read is retried: readers on the other node get the change without another vote', async () => {
  const { source, a, b } = await startedPair()
  const onB: number[] = []
  const idsOnB: string[] = []
  b.subscribe('p1', e => { onB.push(e.results.version); idsOnB.push(...e.participantIds) })
  source.results_.set('p1', results(1))
  source.failingResults = true
  a.publish({ pollId: 'p1', results: results(1), participantIds: ['voter-1'] })
  await until(() => source.reads >= 3, 'node B trying again')
  assert.deepEqual(onB, [], 'nothing while the reads fail')
  source.failingResults = false
  await until(() => onB.length > 0, 'the results after a retry')
  await sleep(100)
  assert.deepEqual(onB, [1], 'delivered once')
  assert.deepEqual(idsOnB, ['voter-1'], 'with the voter, for their own "you voted" state')
  const reads = source.reads
  await sleep(150)
  assert.equal(source.reads, reads, 'no reads after the success')
  await a.close()
  await b.close()
})

test('cluster bus: an own event the database no longer shows (thread deleted) goes out after one read, not a read loop', async () => {
  const db = new FakeDatabase()
  const source = new FakeSource()
  const b = fakeNode(db, source)
  await b.start()
  const seen: number[] = []
  await b.subscribeThread(CH, e => seen.push(e.seq)).ready
  source.reads = 0
  b.publishThread(threadEvent(3)) // seqs 1 and 2 unknown here; the database answers seq 0
  await until(() => seen.includes(3), 'the own event')
  await sleep(30)
  assert.ok(source.reads <= 2, `${source.reads} reads`)
  await b.close()
})

test('cluster bus: a thread chain of a closed subscription never delivers into a newer one', async () => {
  const { db, source, a, b } = await startedPair()
  const first: number[] = []
  const off = b.subscribeThread(CH, e => first.push(e.seq))
  await off.ready
  const slow = gate()
  source.gate = slow.wait
  source.changes.push(threadEvent(1))
  a.publishThread(threadEvent(1)) // B's read of seq 1 waits
  await sleep(20)
  off() // the EventSource reconnects: a new subscription
  source.changes.push(threadEvent(2))
  const second: number[] = []
  const again = b.subscribeThread(CH, e => second.push(e.seq))
  source.gate = null
  slow.open()
  await again.ready
  source.changes.push(threadEvent(3))
  a.publishThread(threadEvent(3))
  await until(() => second.includes(3), 'seq 3 on the new subscription')
  await sleep(30)
  assert.deepEqual(second, [3], 'only changes after the new subscription\'s start (the rest is its replay)')
  assert.deepEqual(first, [])
  await a.close()
  await b.close()
})

test('cluster bus: a LISTEN connection that stops answering is replaced; a blackholed start does not hang', async () => {
  const db = new FakeDatabase()
  const source = new FakeSource()
  const errors: string[] = []
  const health = { every: 20, timeout: 30 }
  const a = fakeNode(db, source)
  const b = fakeNode(db, source, errors, health)
  await a.start()
  await b.start()
  const seen: number[] = []
  await b.subscribeThread(CH, e => seen.push(e.seq)).ready
  // Half-open: B's connection stays "connected" but hears nothing, and checks never answer.
  db.hangQueries = true
  for (const c of db.clients) c.channels.clear()
  source.changes.push(threadEvent(1))
  a.publishThread(threadEvent(1))
  await until(() => errors.some(m => /LISTEN connection lost/.test(m)), 'the silent connection noticed')
  db.hangQueries = false
  for (const c of db.clients) c.channels.add('civic_live_test')
  await until(() => b.connects >= 2 && b.listening, 'B listening again')
  await until(() => seen.includes(1), 'the change made while B was deaf')
  // Startup against a host that never answers resolves (not listening) within the timeout.
  db.hangConnect = true
  const c = fakeNode(db, source, [], { every: 1000, timeout: 50 })
  const t0 = Date.now()
  await c.start()
  assert.ok(Date.now() - t0 < 1000, `start took ${Date.now() - t0} ms`)
  assert.equal(c.listening, false)
  await c.close()
  db.hangConnect = false
  await a.close()
  await b.close()
})

test('cluster bus: a node forgets a poll and a thread once nobody there listens', async () => {
  const { db, source, a, b } = await startedPair()
  const offPoll = b.subscribe('p1', () => {})
  const offThread = b.subscribeThread(CH, () => {})
  await offThread.ready
  source.results_.set('p1', results(1))
  a.publish({ pollId: 'p1', results: results(1), participantIds: [] })
  await until(() => source.reads >= 1, 'B read the results')
  await sleep(30)
  assert.deepEqual(b.tracked, { polls: 1, threads: 1 })
  offPoll()
  offThread()
  assert.deepEqual(b.tracked, { polls: 0, threads: 0 })
  await a.close()
  await b.close()
})

// ── two real nodes ────────────────────────────────────────────────────────────────────────────

interface Answer { status: number; text: string; json: any; headers: Headers }
type Result = Answer | { failed: string }
const answered = (r: Result | undefined): r is Answer => r !== undefined && 'status' in r
const acked = (r: Result | undefined): r is Answer => answered(r) && r.status >= 200 && r.status < 300

const randomIp = () => `10.${crypto.randomInt(256)}.${crypto.randomInt(256)}.${crypto.randomInt(1, 255)}`

async function call (base: string, method: string, path: string, opts: { body?: unknown; token?: string; key?: string; ip?: string; admin?: boolean; timeoutMs?: number } = {}): Promise<Result> {
  const headers: Record<string, string> = { origin: ORIGIN, 'x-forwarded-for': opts.ip ?? randomIp() }
  if (opts.body !== undefined) headers['content-type'] = 'application/json'
  if (opts.token) headers.authorization = `Participant ${opts.token}`
  if (opts.admin) headers.authorization = `Bearer ${ADMIN_TOKEN}`
  if (opts.key) headers['idempotency-key'] = opts.key
  try {
    const res = await fetch(`${base}${path}`, {
      method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body), signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000)
    })
    const text = await res.text()
    let json: any = null
    try { json = JSON.parse(text) } catch {}
    return { status: res.status, text, json, headers: res.headers }
  } catch (err) {
    return { failed: String((err as Error).cause ?? err) }
  }
}

async function must (r: Promise<Result>, status = 201): Promise<any> {
  const a = await r
  assert.ok(answered(a) && a.status === status, `expected ${status}: ${JSON.stringify(a)}`)
  return a.json
}

const mint = async (base: string, ip?: string): Promise<string> => (await must(call(base, 'POST', '/v1/participants', { ip }))).token

function startNode (storage: Storage): Promise<ChildServer> {
  return startChildServer({
    ...storage.serverEnv,
    ADMIN_TOKEN,
    TRUST_PROXY: 'true',
    RATE_LIMIT_IP_PER_MIN: String(LIMITS.ip),
    RATE_LIMIT_PARTICIPANT_PER_MIN: String(LIMITS.participant),
    RATE_LIMIT_COMMENT_IP_PER_MIN: String(LIMITS.commentIp),
    LOG_REQUESTS: '0'
  })
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!

forEachDb('two nodes', env => {
  if (env.kind === 'sqlite') {
    test('SQLite is one node: the in-memory bus and limiters, never the shared table', async () => {
      const t = await env.startApp({ rateLimit: { ipPerMin: 2, participantPerMin: 2 } })
      try {
        assert.equal(t.app.services.live.constructor.name, 'LocalLiveBus')
        assert.equal(t.app.services.ipLimiter.constructor.name, 'TokenBucketLimiter')
        await createSite(t.app)
        const codes: number[] = []
        for (let i = 0; i < 3; i++) codes.push((await t.app.inject({ method: 'POST', url: '/v1/participants', headers: { origin: ORIGIN }, remoteAddress: '192.0.2.9' })).statusCode)
        assert.deepEqual(codes, [201, 201, 429])
        const rows = await t.db.kysely.selectFrom('rate_buckets').select('key').execute()
        assert.deepEqual(rows, [], 'one process keeps its buckets in memory')
      } finally {
        await t.close()
      }
    })
    return
  }

  let storage: Storage
  let a: ChildServer
  let b: ChildServer
  let ids: { site: string; poll: string; pollOnce: string; consultation: string }
  const streams: SseClient[] = []
  after(() => {
    for (const s of streams) s.close()
    for (const n of [a, b]) if (n && n.proc.exitCode === null && n.proc.signalCode === null) n.proc.kill('SIGKILL')
  })

  test('migrations on a fresh schema from two nodes at once: each runs once; both nodes start and are healthy', async () => {
    storage = await env.storage()
    // Two processes migrating the same fresh schema at the same moment (as two nodes starting
    // together do): the schema creation and every migration happen once, and neither fails.
    const [d1, d2] = await Promise.all([storage.open(), storage.open()])
    try {
      const rows = await d1.kysely.selectFrom('kysely_migration' as any).select('name' as any).execute() as Array<{ name: string }>
      const names = rows.map(r => r.name)
      assert.equal(new Set(names).size, names.length, 'no migration recorded twice')
      assert.ok(names.includes('010_rate_buckets'), names.join())
    } finally {
      await d1.close()
      await d2.close()
    }
    // The site exists before the nodes start: each node caches the origin allow-list (30 s).
    const tag = crypto.randomBytes(4).toString('hex')
    ids = { site: `two-${tag}`, poll: `two-poll-${tag}`, pollOnce: `two-once-${tag}`, consultation: `two-c-${tag}` }
    const setup = await env.startApp({}, storage)
    try {
      const post = async (url: string, payload: unknown) => assert.equal((await setup.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, payload: payload as object })).statusCode, 201)
      await post('/v1/admin/sites', { id: ids.site, name: 'Two Nodes', origins: [ORIGIN], comments: { moderation: 'post', rateLimitSeconds: 0, dailyCap: 0, threadsAutoCreate: true } })
      await post('/v1/admin/polls', { id: ids.poll, siteId: ids.site, question: 'Q?', type: 'single', options: ['Yes', 'No'], allowChange: true })
      await post('/v1/admin/polls', { id: ids.pollOnce, siteId: ids.site, question: 'Once?', type: 'single', options: ['Yes', 'No'] })
      await post('/v1/admin/consultations', { id: ids.consultation, siteId: ids.site, type: 'yes-no', question: 'Q?' })
    } finally {
      await setup.close()
    }
    ;[a, b] = await Promise.all([startNode(storage), startNode(storage)])
    assert.notEqual(a.url, b.url)
    for (const n of [a, b]) assert.deepEqual(await must(call(n.url, 'GET', '/health'), 200), { status: 'ok', db: 'postgres' })
  })

  test('live fan-out: votes and comments on node A reach SSE readers on node B within 1 s, in order', async t => {
    const results = await openSse(`${b.url}/v1/polls/${ids.poll}/live`, { origin: ORIGIN, 'x-forwarded-for': randomIp() })
    streams.push(results)
    assert.equal(results.status, 200)
    await results.waitFor(() => true) // the current results: the stream is subscribed
    const voteLatency: number[] = []
    const voteAnswer: number[] = [] // the vote's own round trip on node A, part of the latency
    for (let i = 0; i < LIVE_SAMPLES; i++) {
      const token = await mint(a.url)
      // Measured from the moment the vote is sent: the write, the NOTIFY, node B's read and its coalescing (≤4/s).
      const t0 = performance.now()
      const voted = await must(call(a.url, 'POST', `/v1/polls/${ids.poll}/votes`, { token, key: `live-${i}`, body: { choices: [i % 2 ? 'yes' : 'no'] } }), 200)
      voteAnswer.push(performance.now() - t0)
      const version = voted.results.version
      await results.waitFor(e => e.data.version >= version, 1000)
      voteLatency.push(performance.now() - t0)
      // Past the 250 ms coalescing window (LIVE_MIN_INTERVAL_MS): what is measured is the fan-out, not the 4/s cap.
      await sleep(300)
    }

    // Comments: a 5,000-character body (far beyond a NOTIFY payload) and an edit, posted on A.
    const thread = `${PAGE}/two-nodes-${crypto.randomBytes(3).toString('hex')}`
    const qs = new URLSearchParams({ thread, site: ids.site })
    const onB = await openSse(`${b.url}/v1/comments/live?${qs}`, { origin: ORIGIN, 'x-forwarded-for': randomIp() })
    const onA = await openSse(`${a.url}/v1/comments/live?${qs}`, { origin: ORIGIN, 'x-forwarded-for': randomIp() })
    streams.push(onA, onB)
    await sleep(200) // each node has read where the thread stands
    const author = await mint(a.url)
    const body = 'Long comment. '.repeat(358).slice(0, 5000)
    let t0 = performance.now()
    const posted = await must(call(a.url, 'POST', '/v1/comments', { token: author, key: 'long-1', body: { thread, site: ids.site, name: 'Resident', body } }))
    const arrived = await onB.waitFor(e => e.event === 'comment' && e.data.id === posted.comment.id, 1000)
    const commentLatency = performance.now() - t0
    assert.equal(arrived.data.body, body, 'the whole body, read from the database on node B')
    assert.equal(arrived.data.body.length, 5000)
    t0 = performance.now()
    await must(call(a.url, 'PATCH', `/v1/comments/${posted.comment.id}`, { token: author, body: { body: 'Edited on node A' } }), 200)
    const edited = await onB.waitFor(e => e.event === 'update' && e.data.body === 'Edited on node A', 1000)
    const editLatency = performance.now() - t0
    assert.equal(edited.data.id, posted.comment.id)

    // Both nodes write to the thread at once: every reader gets every change once, in seq order.
    const burst = 20
    const posts = await Promise.all(Array.from({ length: burst }, async (_, i) => {
      const node = i % 2 ? a : b
      const token = await mint(node.url)
      return (await must(call(node.url, 'POST', '/v1/comments', { token, body: { thread, site: ids.site, name: 'Resident', body: `burst ${i}` } }))).comment.id as string
    }))
    for (const s of [onA, onB]) {
      for (const id of posts) await s.waitFor(e => e.event === 'comment' && e.data.id === id, 3000)
      const seqs = s.events.filter(e => e.event === 'comment' || e.event === 'update').map(e => Number(e.id))
      assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), 'seq order')
      assert.equal(new Set(seqs).size, seqs.length, 'no event twice')
      assert.deepEqual(seqs, Array.from({ length: burst + 2 }, (_, i) => i + 1), 'every change, none missing')
    }

    const max = Math.max(...voteLatency, commentLatency, editLatency)
    assert.ok(max < 1000, `latency ${max} ms`)
    const ms = (x: number) => Math.round(x)
    t.diagnostic(`vote A→B latency ms: p50 ${ms(pct(voteLatency, 0.5))}, p95 ${ms(pct(voteLatency, 0.95))}, max ${ms(Math.max(...voteLatency))} (the vote's answer on A alone: p50 ${ms(pct(voteAnswer, 0.5))}); comment ${ms(commentLatency)}, edit ${ms(editLatency)}`)
    t.diagnostic(`PROVE ${JSON.stringify({
      suite: 'two nodes: live fan-out (postgres)',
      tried: `${LIVE_SAMPLES} votes on node A with an SSE reader on node B; a 5,000-character comment and its edit on A; ${burst} comments posted on A and B at once`,
      held: `${LIVE_SAMPLES}/${LIVE_SAMPLES} votes on B within 1 s of being sent (p50 ${ms(pct(voteLatency, 0.5))} ms, max ${ms(Math.max(...voteLatency))} ms, of which the vote's own answer p50 ${ms(pct(voteAnswer, 0.5))} ms); comment on B after ${ms(commentLatency)} ms (body whole), edit after ${ms(editLatency)} ms; ${burst + 2}/${burst + 2} thread events on each node, once each, in seq order`
    })}`)
  })

  test('rate limits and one vote per participant hold across both nodes', async t => {
    const nodes = [a, b]
    const started = performance.now()
    // One participant, alternating nodes: the configured total, not twice it.
    const token = await mint(a.url)
    let votes = 0
    for (let i = 0; i < LIMITS.participant * 2; i++) {
      const r = await call(nodes[i % 2]!.url, 'POST', `/v1/polls/${ids.poll}/votes`, { token, body: { choices: [i % 2 ? 'yes' : 'no'] } })
      assert.ok(answered(r) && (r.status === 200 || r.status === 429), JSON.stringify(r))
      if (r.status === 200) votes++
      else assert.match(r.headers.get('retry-after') ?? '', /^\d+$/)
    }
    // One address, alternating nodes (participant tokens, which spend the per-IP budget).
    const ip = randomIp()
    let mints = 0
    for (let i = 0; i < LIMITS.ip * 2; i++) {
      const r = await call(nodes[i % 2]!.url, 'POST', '/v1/participants', { ip })
      assert.ok(answered(r) && (r.status === 201 || r.status === 429), JSON.stringify(r))
      if (r.status === 201) mints++
    }
    // One address commenting with fresh tokens (minted elsewhere), alternating nodes.
    const commenter = randomIp()
    const thread = `${PAGE}/limits-${crypto.randomBytes(3).toString('hex')}`
    let comments = 0
    for (let i = 0; i < LIMITS.commentIp * 2; i++) {
      const r = await call(nodes[i % 2]!.url, 'POST', '/v1/comments', { ip: commenter, token: await mint(a.url), body: { thread, site: ids.site, name: 'Resident', body: `comment ${i}` } })
      assert.ok(answered(r) && (r.status === 201 || r.status === 429), JSON.stringify(r))
      if (r.status === 201) comments++
    }
    // Buckets refill continuously: allow what refilled while the test ran (a slow machine).
    const refill = (perMin: number) => Math.floor((performance.now() - started) / 60_000 * perMin)
    const refilled = { votes: refill(LIMITS.participant), mints: refill(LIMITS.ip), comments: refill(LIMITS.commentIp) }
    for (const [what, got, limit] of [['participant votes', votes, LIMITS.participant], ['mints per IP', mints, LIMITS.ip], ['comments per IP', comments, LIMITS.commentIp]] as const) {
      assert.ok(got >= limit && got <= limit + refill(limit), `${what}: ${got} accepted, limit ${limit} (+${refill(limit)} refilled)`)
    }

    // One vote per participant: each sends a vote to A and to B at the same moment.
    const voters = FULL ? 100 : 10
    const outcomes = await Promise.all(Array.from({ length: voters }, async (_, i) => {
      const tk = await mint(i % 2 ? a.url : b.url)
      const [ra, rb] = await Promise.all([
        call(a.url, 'POST', `/v1/polls/${ids.pollOnce}/votes`, { token: tk, key: `once-a-${i}`, body: { choices: ['yes'] } }),
        call(b.url, 'POST', `/v1/polls/${ids.pollOnce}/votes`, { token: tk, key: `once-b-${i}`, body: { choices: ['no'] } })
      ])
      return [ra, rb].map(r => answered(r) ? r.status : 0).sort().join('+')
    }))
    assert.deepEqual(new Set(outcomes), new Set(['200+409']), `each participant: one 200, one 409 ALREADY_VOTED (${outcomes.join(', ')})`)
    const db = await storage.open()
    try {
      const rows = await db.kysely.selectFrom('votes').select(eb => eb.fn.countAll<string>().as('n')).where('poll_id', '=', ids.pollOnce).executeTakeFirstOrThrow()
      assert.equal(Number(rows.n), voters)
      const tally = await db.kysely.selectFrom('poll_tallies').select('voters').where('poll_id', '=', ids.pollOnce).executeTakeFirstOrThrow()
      assert.equal(Number(tally.voters), voters)
      // Buckets are pruned once full again: the hammered address's is still refilling, and in two
      // minutes every bucket is full.
      const buckets = () => db.kysely.selectFrom('rate_buckets').select('key').execute().then(r => r.map(x => x.key))
      assert.ok((await buckets()).includes(`ip:${ip}`))
      await new PgRateBuckets(db.kysely, () => Date.now()).prune()
      assert.ok((await buckets()).includes(`ip:${ip}`), 'a bucket still refilling is kept')
      assert.ok(await new PgRateBuckets(db.kysely, () => Date.now() + 120_000).prune() > 0)
      assert.deepEqual(await buckets(), [], 'full buckets are deleted')
    } finally {
      await db.close()
    }
    t.diagnostic(`PROVE ${JSON.stringify({
      suite: 'two nodes: rate limits (postgres)',
      tried: `one participant voting ${LIMITS.participant * 2}×, one IP minting ${LIMITS.ip * 2}× and commenting ${LIMITS.commentIp * 2}×, alternating nodes A and B; ${voters} participants voting on A and B at the same moment`,
      held: `${votes} votes (limit ${LIMITS.participant} + ≤${refilled.votes} refilled), ${mints} tokens (limit ${LIMITS.ip} + ≤${refilled.mints} refilled), ${comments} comments (limit ${LIMITS.commentIp} + ≤${refilled.comments} refilled) accepted: the configured total, not 2×; ${voters}/${voters} participants counted once (one 200 and one 409 each)`
    })}`)
  })

  test('shared buckets: concurrent requests on one key through two nodes\' batches grant exactly the capacity', async () => {
    const db = await storage.open()
    try {
      let now = 1_000_000
      const nodeA = new PgRateBuckets(db.kysely, () => now)
      const nodeB = new PgRateBuckets(db.kysely, () => now)
      const key = `test:${crypto.randomUUID()}`
      const perMs = 10 / 60_000 // 10 a minute
      const burst = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? nodeA : nodeB).take(key, 10, perMs)))
      assert.equal(burst.filter(d => d.ok).length, 10, 'the capacity, no more, however the requests were batched')
      assert.ok(nodeA.stats.statements < nodeA.stats.requests, `requests are batched (${nodeA.stats.requests} in ${nodeA.stats.statements} statements)`)
      assert.deepEqual(burst.find(d => !d.ok), { ok: false, retryAfterSec: 6 }, 'one token every 6 s')
      now += 6_000
      const after6s = await Promise.all([nodeA.take(key, 10, perMs), nodeB.take(key, 10, perMs)])
      assert.deepEqual(after6s.map(d => d.ok).sort(), [false, true], 'one token refilled, taken once')
    } finally {
      await db.close()
    }
  })

  test('SIGKILL of node A under load: acknowledged writes stored once, retries on node B counted once', async t => {
    type Kind = 'vote' | 'comment' | 'answer'
    interface Write { kind: Kind; key: string; token: string; path: string; body: unknown; first?: Result; retry?: Result }
    const thread = `${PAGE}/kill-${crypto.randomBytes(3).toString('hex')}`
    const make = (kind: Kind, token: string): Write => {
      const key = `kill-${crypto.randomUUID()}`
      if (kind === 'vote') return { kind, key, token, path: `/v1/polls/${ids.poll}/votes`, body: { choices: [crypto.randomInt(2) ? 'yes' : 'no'] } }
      if (kind === 'comment') return { kind, key, token, path: '/v1/comments', body: { thread, site: ids.site, name: 'Resident', body: `Comment ${key}` } }
      return { kind, key, token, path: `/v1/consultations/${ids.consultation}/responses`, body: { answer: crypto.randomInt(2) ? 'yes' : 'no', page: PAGE } }
    }
    const send = (base: string, w: Write) => call(base, 'POST', w.path, { token: w.token, key: w.key, body: w.body, timeoutMs: 5000 })
    const writes: Write[] = []
    let stopped = false
    let firstAck!: () => void
    const acknowledged = new Promise<void>(resolve => { firstAck = resolve })
    const kinds: Kind[] = ['vote', 'comment', 'answer']
    // Clients write to node A (tokens from B, which stays up) until A dies; B gets the retries.
    const loops = Array.from({ length: LOAD_CLIENTS }, async (_, c) => {
      for (let i = c; !stopped; i++) {
        const w = make(kinds[i % 3]!, await mint(b.url))
        writes.push(w)
        w.first = await send(a.url, w)
        if (acked(w.first)) firstAck()
        else if (!answered(w.first)) break // node A is gone
      }
    })
    await acknowledged
    const killAfter = (FULL ? 1500 : 300) + crypto.randomInt(500)
    await sleep(killAfter)
    a.proc.kill('SIGKILL')
    assert.equal((await a.exited).signal, 'SIGKILL')
    stopped = true
    await Promise.all(loops)

    const bad = writes.filter(w => answered(w.first) && !acked(w.first))
    assert.deepEqual(bad.map(w => `${(w.first as Answer).status} ${(w.first as Answer).text.slice(0, 200)}`), [], 'node A answered only 2xx while up')
    const unanswered = writes.filter(w => !answered(w.first))
    const db = await storage.open()
    let storedUnanswered = 0
    let replays: Write[] = []
    try {
      const k = db.kysely
      const keys = writes.map(w => w.key)
      const count = async (table: 'votes' | 'comments' | 'consultation_responses') => {
        const m = new Map<string, number>()
        for (const r of await k.selectFrom(table).select('idempotency_key').where('idempotency_key', 'in', keys).execute()) m.set(r.idempotency_key!, (m.get(r.idempotency_key!) ?? 0) + 1)
        return m
      }
      const storedNow = async () => ({ vote: await count('votes'), comment: await count('comments'), answer: await count('consultation_responses') })
      // Before any retry: what node A had committed of the writes it never answered.
      const before = await storedNow()
      storedUnanswered = unanswered.filter(w => before[w.kind].get(w.key) === 1).length
      const lost = writes.filter(w => acked(w.first) && before[w.kind].get(w.key) !== 1)
      assert.deepEqual(lost.map(w => `${w.kind} ${w.key}`), [], 'every write node A acknowledged is stored once before any retry')
      // Every unanswered write retried on node B with its key; and a sample of acknowledged ones too
      // (a client that never saw its answer): the same answer, nothing counted twice.
      replays = writes.filter(w => acked(w.first)).slice(0, 30)
      for (const w of [...unanswered, ...replays]) {
        w.retry = await send(b.url, w)
        assert.ok(acked(w.retry), `retry of ${w.kind} ${w.key} on node B: ${JSON.stringify(w.retry)}`)
      }
      for (const w of replays) {
        if (w.kind === 'comment') assert.equal((w.retry as Answer).json.comment.id, (w.first as Answer).json.comment.id, 'the replay names the same comment')
        if (w.kind === 'vote') assert.deepEqual((w.retry as Answer).json.vote, (w.first as Answer).json.vote, 'the replay is the same vote')
      }

      const stored = await storedNow()
      const notOnce = writes.filter(w => stored[w.kind].get(w.key) !== 1)
      assert.deepEqual(notOnce.map(w => `${w.kind} ${w.key}: ${stored[w.kind].get(w.key) ?? 0}`), [], 'every write stored exactly once')
      const votes = await k.selectFrom('votes').select('choices').where('poll_id', '=', ids.poll).execute()
      const tally = await k.selectFrom('poll_tallies').select('voters').where('poll_id', '=', ids.poll).executeTakeFirstOrThrow()
      assert.equal(Number(tally.voters), votes.length, 'the poll tally equals its vote rows')
      const th = await k.selectFrom('comment_threads').select('comment_count').where('site_id', '=', ids.site).where('key', '=', thread).executeTakeFirstOrThrow()
      assert.equal(Number(th.comment_count), stored.comment.size, 'the thread count equals its comments')
    } finally {
      await db.close()
    }
    const ackedCount = writes.filter(w => acked(w.first)).length
    assert.ok(ackedCount > 0)
    assert.deepEqual(await must(call(b.url, 'GET', '/health'), 200), { status: 'ok', db: 'postgres' }, 'node B serves on')
    t.diagnostic(`PROVE ${JSON.stringify({
      suite: 'two nodes: SIGKILL of node A (postgres)',
      tried: `${LOAD_CLIENTS} clients writing votes, comments and answers to node A; SIGKILL after ${killAfter} ms of load; ${writes.length} writes, ${ackedCount} acknowledged by A`,
      held: `${ackedCount}/${ackedCount} acknowledged stored once; ${unanswered.length} unanswered retried on node B with their key (${storedUnanswered} had been committed by A): each stored once; ${replays.length} acknowledged ones replayed on B: same answer, counted once`
    })}`)
  })

  test('a real PostgreSQL restart: the LISTEN connection comes back by itself and live fan-out resumes', async () => {
    // A cluster of its own: restarting the shared one would cut off the other test files.
    const pgc = await startPostgres({ log: () => {} })
    const own: Storage = {
      kind: 'postgres',
      serverEnv: { DATABASE_URL: pgc.url, DATABASE_SCHEMA: 'two' },
      async open () {
        const db = openDatabase({ databaseUrl: pgc.url, schema: 'two', poolSize: 3 })
        await migrateToLatest(db, 'two')
        return db
      },
      async destroy () { pgc.stop() }
    }
    const nodeA = await env.startApp({ liveMinIntervalMs: 20 }, own)
    const nodeB = await env.startApp({ liveMinIntervalMs: 20 }, own)
    let reader: SseClient | undefined
    try {
      const site = `restart-${crypto.randomBytes(3).toString('hex')}`
      const admin = { authorization: `Bearer ${ADMIN_TOKEN}` }
      assert.equal((await nodeA.app.inject({ method: 'POST', url: '/v1/admin/sites', headers: admin, payload: { id: site, name: 'R', origins: [ORIGIN] } })).statusCode, 201)
      assert.equal((await nodeA.app.inject({ method: 'POST', url: '/v1/admin/polls', headers: admin, payload: { id: `${site}-p`, siteId: site, question: 'Q?', type: 'single', options: ['Yes', 'No'] } })).statusCode, 201)
      const base = await nodeB.app.listen({ port: 0, host: '127.0.0.1' })
      reader = await openSse(`${base}/v1/polls/${site}-p/live`, { origin: ORIGIN })
      await reader.waitFor(() => true)
      const bus = nodeB.app.services.live as PgLiveBus
      assert.ok(bus.listening)
      const connects = bus.connects
      await restartPostgres(pgc.dataDir)
      await until(() => bus.listening && bus.connects > connects, 'node B listening again', 15_000)
      // Node A's pool finds the database again (the first tries may still meet the restart).
      let res
      for (let i = 0; i < 50; i++) {
        const token = JSON.parse((await nodeA.app.inject({ method: 'POST', url: '/v1/participants', headers: { origin: ORIGIN } })).body).token
        res = token && await nodeA.app.inject({ method: 'POST', url: `/v1/polls/${site}-p/votes`, headers: { origin: ORIGIN, authorization: `Participant ${token}`, 'content-type': 'application/json' }, payload: { choices: ['yes'] } })
        if (res?.statusCode === 200) break
        await sleep(100)
      }
      assert.equal(res?.statusCode, 200, res?.body)
      const version = JSON.parse(res!.body).results.version
      await reader.waitFor(e => e.data.version >= version, 1000)
    } finally {
      reader?.close()
      await nodeA.close()
      await nodeB.close()
      await own.destroy()
    }
  })

  test('node B shuts down cleanly', async () => {
    for (const s of streams) s.close()
    if (a.proc.exitCode === null && a.proc.signalCode === null) a.proc.kill('SIGKILL')
    b.proc.kill('SIGTERM')
    const exit = await b.exited
    assert.equal(exit.code, 0, b.logs.slice(-20).join('\n'))
    assert.ok(!b.logs.some(l => /"level":50/.test(l) && !/live: (LISTEN connection lost|NOTIFY failed)/.test(l)), `errors in node B's log:\n${b.logs.filter(l => /"level":50/.test(l)).join('\n')}`)
  })
})
