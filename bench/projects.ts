// Project feed latency: GET /v1/projects for a site with 10,000 and 100,000 approved projects.
//
//   tsx bench/projects.ts [--db sqlite|postgres] [--projects 10000,100000] [--requests 100]
//
// Builds the app in this process over a fresh database (SQLite in a temp dir; PostgreSQL from
// scripts/pg.mjs), seeds one site per size (60% points, 25% lines, 15% polygons, compact
// properties), listens on a local port and times sequential HTTP requests (fetch, keep-alive):
// the first request after a change (the feed is built and serialised), the whole feed, a 304
// revalidation, two filtered feeds, and the whole feed gzipped (compressed once per version). `server` is Fastify's own elapsed time for the response;
// `http` adds the client's reading of the body in this same process. Prints p50/p99 and the payload
// size (JSON and on the wire) per case and ends with a JSON summary line. Target: the whole feed of 10,000
// projects in ≤ 50 ms on SQLite. Numbers, not pass/fail: exit 1 only when the bench cannot run.
import os from 'node:os'
import { sql } from 'kysely'
import { buildApp } from '../server/app.ts'
import { loadConfig } from '../server/config.ts'
import type { Database } from '../server/store/db.ts'
import { cleanup, cleanups, openBenchDb } from './bench-db.ts'
import { bumpFeedVersion, insertProjects, saveMapSettings } from '../server/store/projects-repo.ts'
import type { Geometry, Project, ProjectStatus } from '../server/store/projects-repo.ts'
import { DEMO_MAP } from '../server/seed-projects.ts'

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt
}
const dbKind = arg('db', 'sqlite') as 'sqlite' | 'postgres'
const sizes = arg('projects', '10000,100000').split(',').map(Number)
const requests = Number(arg('requests', '100'))
const TARGET_MS = 50
const ORIGIN = 'http://bench.local'

if (!['sqlite', 'postgres'].includes(dbKind) || sizes.some(n => !(n >= 1)) || !(requests > 0)) {
  console.error('usage: tsx bench/projects.ts [--db sqlite|postgres] [--projects 10000,100000] [--requests 100]')
  process.exit(2)
}


/** A deterministic spread over the demo bounds. */
function geometryOf (i: number): Geometry {
  const [w, s, e, n] = DEMO_MAP.bounds!
  const r = (k: number) => ((Math.sin(i * 12.9898 + k * 78.233) * 43758.5453) % 1 + 1) % 1
  const x = +(w + r(1) * (e - w) * 0.98).toFixed(6)
  const y = +(s + r(2) * (n - s) * 0.98).toFixed(6)
  const kind = i % 20
  if (kind < 12) return { type: 'Point', coordinates: [x, y] }
  if (kind < 17) {
    const pts = 4 + (i % 5)
    return { type: 'LineString', coordinates: Array.from({ length: pts }, (_, k) => [+(x + k * 0.0009).toFixed(6), +(y + (k % 2) * 0.0004).toFixed(6)]) }
  }
  const d = 0.0006 + r(3) * 0.001
  const ring = [[x, y], [x + d, y], [x + d, y + d], [x + d / 2, y + d * 1.4], [x, y + d], [x, y]].map(([a, b]) => [+a!.toFixed(6), +b!.toFixed(6)])
  return { type: 'Polygon', coordinates: [ring] }
}

const STREETS = ['Market Street', 'Station Road', 'Bridge Street', 'Kingsway', 'Harbour Way', 'Elm Street', 'Oak Lane', 'Birch Road', 'Willow Way', 'Fletcher Avenue']
const KINDS = ['Resurfacing', 'Sewer works', 'New cycle path', 'Tree planting', 'Street lights', 'Bus stop', 'Water main', 'Playground']
const STATUSES: ProjectStatus[] = ['planned', 'in_progress', 'completed']

async function seedSite (db: Database, site: string, total: number): Promise<void> {
  const at = new Date().toISOString()
  await db.kysely.insertInto('sites').values({
    id: site, name: `Bench ${total}`, origins: JSON.stringify([ORIGIN]), identity: null, comment_settings: null, created_at: at, updated_at: at
  }).execute()
  const categories = DEMO_MAP.categories.map(c => c.id)
  await db.kysely.transaction().execute(async trx => {
    await saveMapSettings(trx, site, DEMO_MAP, at)
    const batch: Project[] = []
    for (let i = 0; i < total; i++) {
      const month = 1 + (i % 24)
      const start = `${2026 + Math.floor((month - 1) / 12)}-${String(((month - 1) % 12) + 1).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`
      const end = i % 7 === 0 ? null : `2027-${String(1 + (i % 12)).padStart(2, '0')}-28`
      batch.push({
        id: `p-${site}-${i}`, siteId: site, title: `${KINDS[i % KINDS.length]} ${STREETS[i % STREETS.length]} ${i}`,
        category: categories[i % categories.length]!, status: STATUSES[i % 3]!, start, end: end !== null && end < start ? null : end,
        address: i % 3 === 0 ? null : `${STREETS[(i * 7) % STREETS.length]} ${1 + (i % 120)}`,
        description: 'A bench project with a description that the feed leaves out.', contact: null, link: null,
        geometry: geometryOf(i), review: 'approved', rejectReason: null, source: 'import', submitterEmail: null, participantId: null,
        idempotencyKey: null, createdAt: at, updatedAt: at, reviewedAt: at
      })
      if (batch.length === 5000) await insertProjects(trx, batch.splice(0))
    }
    await insertProjects(trx, batch)
    await bumpFeedVersion(trx, site, at)
  })
  await sql`analyze`.execute(db.kysely)
}

function pct (sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

interface Case { name: string; n: number; http: { p50: number; p99: number }; server: { p50: number; p99: number }; kb: number; wireKb: number; features: number }

try {
  const db = await openBenchDb(dbKind, 'projects')
  const config = { ...loadConfig({ PORT: '0', HOST: '127.0.0.1', ADMIN_TOKEN: 'bench', SEED: '0', DEMO: '0', LOG_REQUESTS: '0', CDN_DIR: '/nonexistent' }) }
  const app = await buildApp({ db, config })
  cleanups.push(() => app.close())
  // Fastify's own time per response (until the body was handed to the socket).
  const serverMs: number[] = []
  app.addHook('onResponse', async (_req, reply) => { serverMs.push(reply.elapsedTime) })
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' })

  const load0 = os.loadavg()[0]!
  const cases: Case[] = []
  const builds: Array<{ n: number; firstMs: number }> = []
  for (const total of sizes) {
    const site = `bench${total}`
    console.log(`seeding ${total} projects (${dbKind}) …`)
    const s0 = performance.now()
    await seedSite(db, site, total)
    console.log(`seeded in ${((performance.now() - s0) / 1000).toFixed(1)} s`)
    const url = (q = '') => `${baseUrl}/v1/projects?site=${site}${q}`

    const t0 = performance.now()
    const first = await fetch(url())
    const firstBody = await first.arrayBuffer()
    const firstMs = performance.now() - t0
    builds.push({ n: total, firstMs: +firstMs.toFixed(1) })
    const etag = first.headers.get('etag')!
    console.log(`\n== ${total} projects: first request (reads and serialises the feed) ${firstMs.toFixed(1)} ms, ${(firstBody.byteLength / 1024 / 1024).toFixed(2)} MB`)

    const n = total >= 100_000 ? Math.max(10, Math.round(requests / 5)) : requests
    const run = async (name: string, q: string, headers: Record<string, string>, status: number) => {
      for (let i = 0; i < 3; i++) await (await fetch(url(q), { headers })).arrayBuffer()
      const ms: number[] = []
      serverMs.length = 0
      let body = Buffer.alloc(0)
      let wire = 0
      for (let i = 0; i < n; i++) {
        const t = performance.now()
        const res = await fetch(url(q), { headers })
        body = Buffer.from(await res.arrayBuffer())
        wire = Number(res.headers.get('content-length') ?? body.length)
        ms.push(performance.now() - t)
        if (res.status !== status) throw new Error(`${name}: HTTP ${res.status}`)
      }
      ms.sort((a, b) => a - b)
      const srv = [...serverMs].sort((a, b) => a - b)
      const features = body.length ? JSON.parse(body.toString('utf8')).features.length : 0
      const c: Case = {
        name, n: total,
        http: { p50: +pct(ms, 50).toFixed(2), p99: +pct(ms, 99).toFixed(2) },
        server: { p50: +pct(srv, 50).toFixed(2), p99: +pct(srv, 99).toFixed(2) },
        kb: +(body.length / 1024).toFixed(1),
        wireKb: +(wire / 1024).toFixed(1),
        features
      }
      console.log(`${name.padEnd(30)} http p50 ${String(c.http.p50).padStart(7)} ms  p99 ${String(c.http.p99).padStart(7)} ms | server p50 ${String(c.server.p50).padStart(7)} ms  p99 ${String(c.server.p99).padStart(7)} ms | ${c.features} features, ${c.kb} KB, on the wire ${c.wireKb} KB`)
      cases.push(c)
    }
    // fetch asks for gzip by default (and inflates in this process): say which.
    const identity = { 'accept-encoding': 'identity' }
    await run('whole feed', '', identity, 200)
    // The gzipped copy is made in the background after the first build.
    for (let i = 0; i < 200; i++) {
      const res = await fetch(url(), { headers: { 'accept-encoding': 'gzip' } })
      await res.arrayBuffer()
      if (res.headers.get('content-encoding') === 'gzip') break
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    await run('whole feed, gzip', '', { 'accept-encoding': 'gzip' }, 200)
    await run('revalidation (304)', '', { 'if-none-match': etag }, 304)
    await run('category + status filter', '&category=roadworks,park&status=planned,in_progress', identity, 200)
    await run('bbox + dates filter', '&bbox=5.10,52.08,5.14,52.10&from=2026-06-01&to=2026-12-31', identity, 200)
  }

  const ten = cases.find(c => c.n === 10_000 && c.name === 'whole feed')
  const verdict = dbKind === 'sqlite' && ten ? (ten.http.p50 <= TARGET_MS ? 'ok' : 'FAIL') : 'n/a'
  console.log(`\ntarget (SQLite): whole feed of 10,000 projects ≤ ${TARGET_MS} ms (http p50) → ${verdict}`)
  const load = [+load0.toFixed(2), +os.loadavg()[0]!.toFixed(2)]
  if (Math.max(...load) > os.availableParallelism() * 0.75) console.log(`NOTE: load average ${load.join(' → ')} on ${os.availableParallelism()} CPUs: the machine was busy, p99 is inflated`)
  console.log(JSON.stringify({ bench: 'projects', db: dbKind, requests, load, builds, cases, target: { wholeFeed10kMs: dbKind === 'sqlite' ? TARGET_MS : null }, verdict }))
  await cleanup()
} catch (err) {
  console.error(err)
  await cleanup()
  process.exit(1)
}
