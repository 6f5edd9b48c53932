// Issue 7 §1, durability under load and crashes, over real HTTP against the real server process:
// - SQLite: votes, comments and consultation answers at full speed from several clients, the
//   server killed with SIGKILL after a random 200–800 ms, restarted on the same data directory;
// - PostgreSQL: the same load while the database itself restarts (pg_ctl restart -m fast); the
//   server keeps running, answers 503 + Retry-After meanwhile and reconnects by itself.
// Afterwards every write acknowledged with a 2xx is stored, nothing is stored twice, counters equal
// their rows, and retrying every unanswered write with its Idempotency-Key stores it at most once.
// 2 kill cycles and 1 database restart by default; 5 and 3 with PROVE_FULL=1 (`npm run prove`).
// The restart test runs where PostgreSQL does (under scripts/pg.mjs), on a cluster of its own.
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { restartPostgres, startPostgres } from '../../scripts/pg.mjs'
import { migrateToLatest, openDatabase } from '../../server/store/db.ts'
import { ADMIN_TOKEN, forEachDb, ORIGIN } from './helpers/harness.ts'
import type { Storage } from './helpers/harness.ts'
import { PAGE } from './helpers/api.ts'
import { startChildServer } from './helpers/child-server.ts'
import type { ChildServer } from './helpers/child-server.ts'

const FULL = process.env.PROVE_FULL === '1'
const KILL_CYCLES = FULL ? 5 : 1
const DB_RESTARTS = FULL ? 3 : 1
const CLIENTS = 8
/** A request with no answer after this long counts as a hang. */
const CLIENT_TIMEOUT_MS = 10_000
const OPTIONS = ['yes', 'no', 'maybe']

type Kind = 'vote' | 'comment' | 'answer'

interface Outcome {
  status: number
  retryAfter: string | null
  type: string | null
  text: string
}
type Result = Outcome | { failed: string }

interface Write {
  kind: Kind
  key: string
  token: string
  path: string
  body: string
  result?: Result
}

interface Ids { site: string; poll: string; thread: string; consultation: string }

const acked = (r: Result | undefined): r is Outcome => r !== undefined && 'status' in r && r.status >= 200 && r.status < 300

async function request (url: string, init: RequestInit): Promise<Result> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS) })
    return { status: res.status, retryAfter: res.headers.get('retry-after'), type: res.headers.get('content-type'), text: await res.text() }
  } catch (err) {
    return { failed: (err as Error).name === 'TimeoutError' ? 'timeout' : String((err as Error).cause ?? err) }
  }
}

function start (storage: Storage): Promise<ChildServer> {
  return startChildServer({
    ...storage.serverEnv,
    ADMIN_TOKEN,
    RATE_LIMIT_IP_PER_MIN: '100000000',
    RATE_LIMIT_PARTICIPANT_PER_MIN: '100000000',
    RATE_LIMIT_COMMENT_IP_PER_MIN: '100000000',
    LOG_REQUESTS: '0'
  })
}

async function adminPost (base: string, path: string, body: unknown): Promise<void> {
  const r = await request(`${base}/v1/admin${path}`, {
    method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body)
  })
  assert.ok('status' in r && r.status === 201, JSON.stringify(r))
}

async function setUp (base: string): Promise<Ids> {
  const tag = crypto.randomBytes(4).toString('hex')
  const ids = { site: `crash-${tag}`, poll: `crash-poll-${tag}`, thread: `${PAGE}-${tag}`, consultation: `crash-c-${tag}` }
  await adminPost(base, '/sites', {
    id: ids.site, name: 'Crash City', origins: [ORIGIN],
    comments: { moderation: 'post', rateLimitSeconds: 0, dailyCap: 0, threadsAutoCreate: true }
  })
  await adminPost(base, '/polls', { id: ids.poll, siteId: ids.site, question: 'Q?', type: 'single', options: ['Yes', 'No', 'Maybe'] })
  await adminPost(base, '/consultations', { id: ids.consultation, siteId: ids.site, type: 'yes-no', question: 'Q?' })
  return ids
}

function makeWrite (kind: Kind, token: string, ids: Ids): Write {
  const key = `crash-${crypto.randomUUID()}`
  const pick = OPTIONS[crypto.randomInt(OPTIONS.length)]!
  if (kind === 'vote') return { kind, key, token, path: `/v1/polls/${ids.poll}/votes`, body: JSON.stringify({ choices: [pick] }) }
  if (kind === 'comment') return { kind, key, token, path: '/v1/comments', body: JSON.stringify({ thread: ids.thread, name: 'Resident', body: `Comment ${key}` }) }
  return { kind, key, token, path: `/v1/consultations/${ids.consultation}/responses`, body: JSON.stringify({ answer: pick === 'maybe' ? 'yes' : pick, page: PAGE }) }
}

const send = (base: string, w: Write) => request(`${base}${w.path}`, {
  method: 'POST',
  headers: { origin: ORIGIN, authorization: `Participant ${w.token}`, 'content-type': 'application/json', 'idempotency-key': w.key },
  body: w.body
})

/**
 * CLIENTS loops, each: a fresh participant token, then one write (vote, comment, answer in turn),
 * as fast as the server answers. Every write is recorded before it is sent; `others` collects the
 * answers to the token requests. `stop()` ends the loops and waits for the requests in flight.
 */
function drive (base: () => string, ids: Ids, writes: Write[], others: Result[]) {
  let stopped = false
  let acknowledged!: () => void
  const firstAck = new Promise<void>(resolve => { acknowledged = resolve })
  const kinds: Kind[] = ['vote', 'comment', 'answer']
  const loops = Array.from({ length: CLIENTS }, async (_, c) => {
    for (let i = c; !stopped; i++) {
      const minted = await request(`${base()}/v1/participants`, { method: 'POST', headers: { origin: ORIGIN } })
      others.push(minted)
      if (!('status' in minted) || minted.status !== 201) {
        await sleep(5) // the server is away: do not spin
        continue
      }
      const w = makeWrite(kinds[i % kinds.length]!, JSON.parse(minted.text).token, ids)
      writes.push(w)
      w.result = await send(base(), w)
      if (acked(w.result)) acknowledged()
    }
  })
  return { firstAck, stop: async () => { stopped = true; await Promise.all(loops) } }
}

interface Stored { votes: Map<string, number>; comments: Map<string, { ids: string[] }>; answers: Map<string, number> }

async function stored (storage: Storage, ids: Ids): Promise<Stored & { tally: { voters: number; options: Record<string, number> }; voteChoices: Record<string, number>; threadCount: number; publishedRows: number }> {
  const db = await storage.open()
  try {
    const k = db.kysely
    const votes = await k.selectFrom('votes').select(['idempotency_key', 'choices']).where('poll_id', '=', ids.poll).execute()
    const comments = await k.selectFrom('comments').select(['id', 'idempotency_key', 'status']).where('site_id', '=', ids.site).execute()
    const answers = await k.selectFrom('consultation_responses').select('idempotency_key').where('consultation_id', '=', ids.consultation).execute()
    const tallyRow = await k.selectFrom('poll_tallies').select(['voters', 'tallies']).where('poll_id', '=', ids.poll).executeTakeFirst()
    const thread = await k.selectFrom('comment_threads').select('comment_count').where('site_id', '=', ids.site).executeTakeFirst()
    const count = <T> (rows: T[], key: (r: T) => string) => {
      const m = new Map<string, number>()
      for (const r of rows) m.set(key(r), (m.get(key(r)) ?? 0) + 1)
      return m
    }
    const byKey = new Map<string, { ids: string[] }>()
    for (const c of comments) {
      const e = byKey.get(c.idempotency_key ?? '') ?? { ids: [] }
      e.ids.push(c.id)
      byKey.set(c.idempotency_key ?? '', e)
    }
    const voteChoices: Record<string, number> = {}
    for (const v of votes) for (const o of JSON.parse(v.choices) as string[]) voteChoices[o] = (voteChoices[o] ?? 0) + 1
    const tallies = tallyRow ? JSON.parse(tallyRow.tallies) as Record<string, [number, number]> : {}
    return {
      votes: count(votes, v => v.idempotency_key),
      comments: byKey,
      answers: count(answers, a => a.idempotency_key),
      tally: { voters: Number(tallyRow?.voters ?? 0), options: Object.fromEntries(Object.entries(tallies).filter(([, [n]]) => n > 0).map(([o, [n]]) => [o, n])) },
      voteChoices,
      threadCount: Number(thread?.comment_count ?? 0),
      publishedRows: comments.filter(c => c.status === 'published').length
    }
  } finally {
    await db.close()
  }
}

const rowsFor = (s: Stored, w: Write) => w.kind === 'vote' ? s.votes.get(w.key) ?? 0 : w.kind === 'comment' ? s.comments.get(w.key)?.ids.length ?? 0 : s.answers.get(w.key) ?? 0

/** Counters equal their rows, and no row exists that no request asked for. */
function assertCounters (s: Awaited<ReturnType<typeof stored>>, all: Write[], where: string) {
  assert.equal(s.tally.voters, [...s.votes.values()].reduce((a, b) => a + b, 0), `${where}: poll tally voters = vote rows`)
  assert.deepEqual(s.tally.options, s.voteChoices, `${where}: poll tally per option = vote rows per option`)
  assert.equal(s.threadCount, s.publishedRows, `${where}: thread comment_count = published comment rows`)
  const keys = new Set(all.map(w => w.key))
  for (const m of [s.votes, s.comments, s.answers]) {
    for (const k of m.keys()) assert.ok(keys.has(k), `${where}: a stored row with key ${k} that no request sent`)
  }
}

interface Figures { attempted: number; acknowledged: number; present: number; duplicates: number; unanswered: number; storedUnanswered: number }

/**
 * After a crash or outage: every acknowledged write is there (a comment with the id it was given),
 * nothing twice; then every write that got no 2xx is sent again with the same key, which must be
 * answered 2xx, and afterwards every write is stored exactly once.
 */
async function verify (base: string, storage: Storage, ids: Ids, all: Write[], round: Write[], fig: Figures) {
  const before = await stored(storage, ids)
  assertCounters(before, all, 'after the restart')
  // Figures count this round's writes; the checks cover every round's (earlier ones must stay).
  fig.attempted += round.length
  fig.acknowledged += round.filter(w => acked(w.result)).length
  const ack = all.filter(w => acked(w.result))
  for (const w of round.filter(x => acked(x.result))) {
    const n = rowsFor(before, w)
    if (n >= 1) fig.present++
    if (n > 1) fig.duplicates += n - 1
  }
  for (const w of ack) {
    const n = rowsFor(before, w)
    if (w.kind === 'comment' && n >= 1) {
      assert.deepEqual(before.comments.get(w.key)!.ids, [JSON.parse((w.result as Outcome).text).comment.id], `comment ${w.key} kept the id it was acknowledged with`)
    }
  }
  const lost = ack.filter(w => rowsFor(before, w) === 0)
  assert.deepEqual(lost.map(w => `${w.kind} ${w.key}`), [], 'acknowledged writes missing after the restart')
  const twice = all.filter(w => rowsFor(before, w) > 1)
  assert.deepEqual(twice.map(w => `${w.kind} ${w.key}`), [], 'writes stored more than once')

  const pending = round.filter(w => !acked(w.result))
  fig.unanswered += pending.length
  fig.storedUnanswered += pending.filter(w => rowsFor(before, w) === 1).length
  const retried = await Promise.all(pending.map(async w => ({ w, r: await send(base, w) })))
  for (const { w, r } of retried) {
    assert.ok(acked(r), `retry of ${w.kind} ${w.key} after the restart: ${JSON.stringify(r)}`)
    w.result = r
  }
  const after = await stored(storage, ids)
  assertCounters(after, all, 'after the retries')
  const notOnce = all.filter(w => rowsFor(after, w) !== 1)
  assert.deepEqual(notOnce.map(w => `${w.kind} ${w.key}: ${rowsFor(after, w)} rows`), [], 'after the retries every write is stored exactly once')
}

/**
 * A cluster of its own for the restart test: restarting the shared one would cut off the other
 * test files that `node --test` runs beside this one.
 */
async function ownPostgres (): Promise<Storage & { dataDir: string }> {
  const pg = await startPostgres({ log: () => {} })
  const schema = 'crash'
  return {
    kind: 'postgres',
    dataDir: pg.dataDir,
    serverEnv: { DATABASE_URL: pg.url, DATABASE_SCHEMA: schema },
    async open () {
      const db = openDatabase({ databaseUrl: pg.url, schema, poolSize: 2 })
      await migrateToLatest(db, schema)
      return db
    },
    async destroy () { pg.stop() }
  }
}

const figures = (): Figures => ({ attempted: 0, acknowledged: 0, present: 0, duplicates: 0, unanswered: 0, storedUnanswered: 0 })

/** Every answer the server gave before the crash was a 2xx: no write failed while it was up. */
function assertNoErrorAnswers (results: Array<Result | undefined>, where: string) {
  const bad = results.filter((r): r is Outcome => r !== undefined && 'status' in r && (r.status < 200 || r.status >= 300))
  assert.deepEqual(bad.map(r => `${r.status} ${r.text.slice(0, 200)}`), [], `${where}: non-2xx answers`)
}

forEachDb('crash durability', env => {
  if (env.kind === 'sqlite') {
    test(`SIGKILL under load, ${KILL_CYCLES} times: every acknowledged write survives, none counts twice`, async t => {
      const storage = await env.storage()
      let child = await start(storage)
      const fig = figures()
      const kills: number[] = []
      const byKind: Record<Kind, number> = { vote: 0, comment: 0, answer: 0 }
      try {
        const ids = await setUp(child.url)
        const all: Write[] = []
        for (let cycle = 1; cycle <= KILL_CYCLES; cycle++) {
          const writes: Write[] = []
          const mints: Result[] = []
          const url = child.url
          const load = drive(() => url, ids, writes, mints)
          // Counted from the first acknowledged write, so that a slow machine still kills mid-load.
          await load.firstAck
          const ms = 200 + crypto.randomInt(601)
          kills.push(ms)
          await sleep(ms)
          child.proc.kill('SIGKILL')
          assert.equal((await child.exited).signal, 'SIGKILL')
          await load.stop()
          all.push(...writes)
          for (const w of writes) if (acked(w.result)) byKind[w.kind]++
          assertNoErrorAnswers([...writes.map(w => w.result), ...mints], `cycle ${cycle}`)
          child = await start(storage)
          await verify(child.url, storage, ids, all, writes, fig)
        }
      } finally {
        child.proc.kill('SIGKILL')
        await child.exited
      }
      assert.equal(fig.present, fig.acknowledged)
      assert.equal(fig.duplicates, 0)
      t.diagnostic(`kills after ${kills.join(', ')} ms of load; ${JSON.stringify(fig)}; acknowledged by kind ${JSON.stringify(byKind)}`)
      t.diagnostic(`PROVE ${JSON.stringify({
        suite: 'durability: SIGKILL under load (sqlite)',
        tried: `${KILL_CYCLES} kills after 200–800 ms of ${CLIENTS} clients; ${fig.attempted} votes, comments and answers sent, ${fig.acknowledged} acknowledged`,
        held: `${fig.present}/${fig.acknowledged} acknowledged present after restart, ${fig.duplicates} duplicates; ${fig.unanswered} unanswered retried with their key: ${fig.storedUnanswered} had been stored, each stored once`
      })}`)
    })
  }

  if (env.kind === 'postgres') {
    test(`PostgreSQL restarted under load, ${DB_RESTARTS} times: 503 + Retry-After meanwhile, reconnects, loses nothing`, async t => {
      const storage = await ownPostgres()
      t.after(() => storage.destroy())
      const child = await start(storage)
      const fig = figures()
      let answered503 = 0
      let answered = 0
      const outages: number[] = []
      try {
        const ids = await setUp(child.url)
        const all: Write[] = []
        for (let round = 1; round <= DB_RESTARTS; round++) {
          const writes: Write[] = []
          const mints: Result[] = []
          const load = drive(() => child.url, ids, writes, mints)
          await load.firstAck
          await sleep(200 + crypto.randomInt(601))
          const t0 = performance.now()
          await restartPostgres(storage.dataDir)
          outages.push(Math.round(performance.now() - t0))
          await sleep(1000) // the load goes on against the restarted database
          await load.stop()
          all.push(...writes)

          assert.equal(child.proc.exitCode, null, `the server survived the restart:\n${child.logs.slice(-30).join('\n')}`)
          const results = [...writes.map(w => w.result), ...mints]
          // No hang and no broken connection: the server itself never went away.
          const failed = results.filter(r => r === undefined || !('status' in r))
          assert.deepEqual(failed, [], `round ${round}: requests with no answer`)
          for (const r of results as Outcome[]) {
            answered++
            if (r.status >= 200 && r.status < 300) continue
            assert.equal(r.status, 503, `round ${round}: only 503 while the database is away, got ${r.status} ${r.text.slice(0, 300)}`)
            answered503++
            assert.match(r.retryAfter ?? '', /^\d+$/, 'a 503 says when to retry')
            assert.match(r.type ?? '', /application\/json/)
            const body = JSON.parse(r.text)
            assert.deepEqual(Object.keys(body), ['error'])
            assert.equal(typeof body.error.code, 'string')
            assert.equal(typeof body.error.message, 'string')
            assert.doesNotMatch(r.text, /\bat .+:\d+:\d+|ECONNREFUSED|57P0|terminat/i, 'no internals in the answer')
          }
          // Reconnected by itself: fresh writes right away are all acknowledged.
          const fresh = await Promise.all(Array.from({ length: 12 }, async (_, i) => {
            const m = await request(`${child.url}/v1/participants`, { method: 'POST', headers: { origin: ORIGIN } })
            assert.ok('status' in m && m.status === 201, JSON.stringify(m))
            const w = makeWrite((['vote', 'comment', 'answer'] as const)[i % 3], JSON.parse(m.text).token, ids)
            w.result = await send(child.url, w)
            assert.ok(acked(w.result), `a write after the restart: ${JSON.stringify(w.result)}`)
            return w
          }))
          all.push(...fresh)
          writes.push(...fresh)
          await verify(child.url, storage, ids, all, writes, fig)
        }
      } finally {
        child.proc.kill('SIGKILL')
        await child.exited
      }
      assert.ok(answered503 > 0, 'some requests met the outage (otherwise this proved nothing)')
      assert.equal(fig.present, fig.acknowledged)
      assert.equal(fig.duplicates, 0)
      t.diagnostic(`restarts took ${outages.join(', ')} ms; ${answered} answers, ${answered503} × 503; ${JSON.stringify(fig)}`)
      t.diagnostic(`PROVE ${JSON.stringify({
        suite: 'durability: pg_ctl restart under load (postgres)',
        tried: `${DB_RESTARTS} database restarts (${outages.join(', ')} ms) under ${CLIENTS} clients; ${answered} requests, ${fig.attempted} writes, ${fig.acknowledged} acknowledged`,
        held: `${answered503} × 503 + Retry-After, 0 × 500, 0 hangs; server reconnected by itself; ${fig.present}/${fig.acknowledged} acknowledged present, ${fig.duplicates} duplicates; ${fig.unanswered} refused retried with their key: ${fig.storedUnanswered} had been stored, each stored once`
      })}`)
    })
  }
})
