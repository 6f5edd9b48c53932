// Comment thread read latency: the first page of a 10,000-comment thread.
//
//   tsx bench/comments.ts [--db sqlite|postgres] [--comments 10000] [--requests 200]
//
// Builds the app in this process over a fresh database (SQLite in a temp dir; PostgreSQL from
// scripts/pg.mjs), seeds one thread (70% top-level comments, 30% replies, a third of them on the
// 30 newest comments so the first page carries full reply sets, votes on some), listens on a local
// port and times sequential HTTP requests (fetch, keep-alive): the first page as an anonymous
// reader, as a participant (adds "my votes"), sorted by top, and a deep page through a cursor.
// Prints p50/p99 per case and ends with a JSON summary line. Target: p99 ≤ 20 ms on SQLite for the
// first page. Numbers, not pass/fail: exit 1 only when the bench cannot run.
import crypto from 'node:crypto'
import os from 'node:os'
import { sql } from 'kysely'
import { buildApp } from '../server/app.ts'
import { loadConfig } from '../server/config.ts'
import type { Database } from '../server/store/db.ts'
import { cleanup, cleanups, openBenchDb } from './bench-db.ts'
import type { CommentRow } from '../server/store/comments-repo.ts'

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt
}
const dbKind = arg('db', 'sqlite') as 'sqlite' | 'postgres'
const total = Number(arg('comments', '10000'))
const requests = Number(arg('requests', '200'))
const TARGET_P99_MS = 20
const SITE = 'bench'
const ORIGIN = 'http://bench.local'
const KEY = 'https://bench.example/news/big-debate'

if (!['sqlite', 'postgres'].includes(dbKind) || !(total >= 100) || !(requests > 0)) {
  console.error('usage: tsx bench/comments.ts [--db sqlite|postgres] [--comments 10000] [--requests 200]')
  process.exit(2)
}


/** One thread of `total` comments with consistent counters, written in a few big transactions. */
async function seed (db: Database): Promise<{ voter: string }> {
  const at = new Date().toISOString()
  await db.kysely.insertInto('sites').values({
    id: SITE, name: 'Bench City', origins: JSON.stringify([ORIGIN]), identity: null,
    comment_settings: JSON.stringify({ rateLimitSeconds: 0, dailyCap: 0 }), created_at: at, updated_at: at
  }).execute()
  const threadId = 'bench-thread'
  const roots = Math.round(total * 0.7)
  const replies = total - roots
  const t0 = Date.now() - (total + 10) * 60_000
  const rows: CommentRow[] = []
  const base = (i: number, created: number): CommentRow => ({
    id: `c${String(i).padStart(6, '0')}${crypto.randomBytes(3).toString('hex')}`,
    thread_id: threadId, site_id: SITE, parent_id: null, root_id: '', depth: 0, reply_to_id: null, reply_to_name: null,
    participant_id: null, author_key: `p:author-${i % 997}`, author_name: `Resident ${i % 997}`, verified: 0,
    body: `Comment number ${i}. `.repeat(1 + (i % 12)), status: 'published', held_reason: null, reject_reason: null,
    up: 0, down: 0, score: 0, published_replies: 0, open_reports: 0, seq: i + 1, published_seq: i + 1,
    idempotency_key: null, created_at: new Date(created).toISOString(), edited_at: null, updated_at: at
  })
  for (let i = 0; i < roots; i++) {
    const r = base(i, t0 + i * 60_000)
    r.root_id = r.id
    r.up = i % 7 === 0 ? (i % 50) : 0
    r.down = i % 11 === 0 ? (i % 5) : 0
    r.score = r.up - r.down
    rows.push(r)
  }
  // A third of the replies go to the 30 newest roots (the first page), the rest anywhere.
  const lastDepth1 = new Map<string, CommentRow>()
  for (let j = 0; j < replies; j++) {
    const i = roots + j
    const root = j % 3 === 0 ? rows[roots - 1 - (j % 30)]! : rows[Math.floor((j * 7919) % roots)]!
    const r = base(i, Date.parse(root.created_at) + 1000 + j)
    r.root_id = root.id
    const d1 = lastDepth1.get(root.id)
    if (d1 && j % 2 === 1) {
      r.depth = 2
      r.parent_id = d1.id
      d1.published_replies++
    } else {
      r.depth = 1
      r.parent_id = root.id
      lastDepth1.set(root.id, r)
    }
    root.published_replies++
    rows.push(r)
  }
  await db.kysely.transaction().execute(async trx => {
    await trx.insertInto('comment_threads').values({
      id: threadId, site_id: SITE, key: KEY, closes_at: null, closed_at: null, moderation: null,
      comment_count: total, seq: total, created_at: at, updated_at: at
    }).execute()
    for (let i = 0; i < rows.length; i += 500) await trx.insertInto('comments').values(rows.slice(i, i + 500)).execute()
  })
  // The bench participant voted on a few hundred comments (the page's "my votes" lookup).
  const voter = crypto.randomBytes(16).toString('base64url')
  const votes = rows.filter((_, i) => i % 23 === 0).map(r => ({ comment_id: r.id, voter_key: `p:${voter}`, value: 1, updated_at: at }))
  for (let i = 0; i < votes.length; i += 500) await db.kysely.insertInto('comment_votes').values(votes.slice(i, i + 500)).execute()
  if (db.dialect === 'postgres') await sql`analyze`.execute(db.kysely)
  else await sql`analyze`.execute(db.kysely)
  return { voter }
}

function pct (sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

async function timeIt (name: string, url: () => string, headers: Record<string, string>, check: (body: any) => void) {
  for (let i = 0; i < 20; i++) await (await fetch(url(), { headers })).arrayBuffer() // warm-up
  const ms: number[] = []
  let bytes = 0
  for (let i = 0; i < requests; i++) {
    const t = performance.now()
    const res = await fetch(url(), { headers })
    const text = await res.text()
    ms.push(performance.now() - t)
    if (res.status !== 200) throw new Error(`${name}: HTTP ${res.status} ${text.slice(0, 200)}`)
    if (i === 0) check(JSON.parse(text))
    bytes = text.length
  }
  ms.sort((a, b) => a - b)
  const r = { name, p50: +pct(ms, 50).toFixed(2), p99: +pct(ms, 99).toFixed(2), max: +ms.at(-1)!.toFixed(2), kb: +(bytes / 1024).toFixed(1) }
  console.log(`${name.padEnd(34)} p50 ${String(r.p50).padStart(6)} ms   p99 ${String(r.p99).padStart(6)} ms   max ${String(r.max).padStart(6)} ms   ${r.kb} KB`)
  return r
}

try {
  const db = await openBenchDb(dbKind, 'comments')
  console.log(`seeding ${total} comments in one thread (${dbKind}) …`)
  const s0 = performance.now()
  const { voter } = await seed(db)
  console.log(`seeded in ${((performance.now() - s0) / 1000).toFixed(1)} s`)

  const config = { ...loadConfig({ PORT: '0', HOST: '127.0.0.1', ADMIN_TOKEN: 'bench', SEED: '0', DEMO: '0', LOG_REQUESTS: '0', CDN_DIR: '/nonexistent' }) }
  const app = await buildApp({ db, config })
  cleanups.push(() => app.close())
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' })
  const token = app.services.tokens.mint(ORIGIN)
  // The seeded votes belong to the participant id inside a real token.
  const pid = app.services.tokens.verify(token)!
  await db.kysely.updateTable('comment_votes').set({ voter_key: `p:${pid}` }).where('voter_key', '=', `p:${voter}`).execute()

  const q = (extra = '') => `${baseUrl}/v1/comments?thread=${encodeURIComponent(KEY)}&site=${SITE}${extra}`
  const first = await (await fetch(q())).json() as { nextCursor: string }
  // A deep page: follow cursors 50 pages in (comment ~1,500).
  let deep = first.nextCursor
  for (let i = 0; i < 49; i++) deep = (await (await fetch(q(`&cursor=${deep}`))).json() as { nextCursor: string }).nextCursor

  const load0 = os.loadavg()[0]!
  console.log(`\n== comments bench: ${dbKind}, ${total} comments, ${requests} sequential requests per case (load ${load0.toFixed(1)} on ${os.availableParallelism()} CPUs)`)
  const cases = [
    await timeIt('first page, anonymous', () => q(), {}, b => {
      if (b.comments.length !== 30 || b.thread.commentCount !== total) throw new Error('unexpected first page')
      const withReplies = b.comments.filter((c: any) => c.replies.length > 0).length
      console.log(`  (first page: 30 top-level, ${withReplies} with replies, ${b.comments.reduce((n: number, c: any) => n + c.moreReplies, 0)} more replies behind "more")`)
    }),
    await timeIt('first page, participant (my votes)', () => q(), { authorization: `Participant ${token}` }, b => {
      if (!JSON.stringify(b).includes('"myVote":1')) throw new Error('my votes missing')
    }),
    await timeIt('first page, sort=top', () => q('&sort=top'), {}, b => { if (b.comments.length !== 30) throw new Error('top page') }),
    await timeIt('page 51 (cursor), newest', () => q(`&cursor=${deep}`), {}, b => { if (b.comments.length !== 30) throw new Error('deep page') })
  ]
  const firstPage = cases[0]!
  const verdict = dbKind === 'sqlite' ? (firstPage.p99 <= TARGET_P99_MS ? 'ok' : 'FAIL') : 'n/a'
  console.log(`\ntarget (SQLite): first page p99 ≤ ${TARGET_P99_MS} ms → ${verdict}`)

  if (db.dialect === 'sqlite') {
    const plan = await sql<{ detail: string }>`explain query plan select * from comments where thread_id = 'bench-thread' and depth = 0 and status = 'published' order by created_at desc, id desc limit 31`.execute(db.kysely)
    console.log(`plan (top-level page): ${plan.rows.map(r => r.detail).join(' | ')}`)
  }
  const load = [+load0.toFixed(2), +os.loadavg()[0]!.toFixed(2)]
  if (Math.max(...load) > os.availableParallelism() * 0.75) console.log(`NOTE: load average ${load.join(' → ')} on ${os.availableParallelism()} CPUs: the machine was busy, p99 is inflated`)
  console.log(JSON.stringify({ bench: 'comments', db: dbKind, comments: total, requests, load, cases, target: { firstPageP99Ms: dbKind === 'sqlite' ? TARGET_P99_MS : null }, verdict }))
  await cleanup()
} catch (err) {
  console.error(err)
  await cleanup()
  process.exit(1)
}
