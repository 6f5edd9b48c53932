// Vote throughput of the real server under load, with an exactly-once check.
//
//   tsx bench/votes.ts [--db sqlite|postgres] [--duration 30] [--connections 50]
//
// Boots server/server.ts as a child (own DATA_DIR in a temp dir; PostgreSQL from scripts/pg.mjs),
// measures a bare JSON endpoint as the baseline, then votes on one open poll with 10% of the
// requests being retries (same token + same Idempotency-Key as an earlier request). Afterwards
// every vote acknowledged with a 2xx must be in the database exactly once. The last line of the
// output is a JSON summary (bench/index.ts reads it). Exit code 1 only when the exactly-once
// check fails or the bench cannot run; missed speed targets print FAIL but exit 0.
import { spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import autocannon from 'autocannon'
import { startPostgres } from '../scripts/pg.mjs'
import { ParticipantTokens } from '../server/services/participants.ts'
import { openDatabase } from '../server/store/db.ts'
import { getSecret } from '../server/store/secrets-repo.ts'
import { getTally } from '../server/store/votes-repo.ts'

const root = path.resolve(import.meta.dirname, '..')
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt
}
const dbKind = arg('db', 'sqlite') as 'sqlite' | 'postgres'
const duration = Number(arg('duration', '30'))
const connections = Number(arg('connections', '50'))
const baselineSeconds = Number(arg('baseline-duration', String(Math.min(10, duration))))
const TARGET = dbKind === 'sqlite' ? { votesPerSec: 5000, p99: 25 } : { votesPerSec: 2500, p99: null }
const ADMIN = 'bench-admin-token'
const ORIGIN = 'http://bench.local'
const POLL = 'bench-poll'
const OPTIONS = ['a', 'b', 'c', 'd']

if (!['sqlite', 'postgres'].includes(dbKind) || !(duration > 0) || !(connections > 0)) {
  console.error('usage: tsx bench/votes.ts [--db sqlite|postgres] [--duration 30] [--connections 50]')
  process.exit(2)
}

function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

async function waitForHealth (url: string, child: ReturnType<typeof spawn>, output: () => string) {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output()}`)
    try {
      if ((await fetch(`${url}/health`)).ok) return
    } catch { /* not up yet */ }
    await new Promise(r => setTimeout(r, 100))
  }
  throw new Error(`server did not become healthy:\n${output()}`)
}

/** CPU seconds (user + system) the process has used so far, from /proc (Linux); null elsewhere. */
function cpuSeconds (pid: number): number | null {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100 // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return null
  }
}

const cleanups: Array<() => Promise<void> | void> = []
async function cleanup () {
  for (const c of cleanups.reverse()) {
    try { await c() } catch (err) { console.error('cleanup:', err) }
  }
}

async function main () {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'civic-bench-'))
  cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }))
  let databaseUrl = ''
  if (dbKind === 'postgres') {
    const pg = await startPostgres({ log: msg => console.log(`[pg] ${msg}`) })
    cleanups.push(() => pg.stop())
    databaseUrl = pg.url
  }

  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  let out = ''
  // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server while tuning.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'server/server.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      ADMIN_TOKEN: ADMIN,
      SEED: '0',
      DEMO: '0',
      NODE_ENV: 'production',
      // Per-request logs would measure the logger (as behind a proxy that keeps access logs).
      LOG_REQUESTS: '0',
      RATE_LIMIT_IP_PER_MIN: '1000000000',
      RATE_LIMIT_PARTICIPANT_PER_MIN: '1000000'
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  child.stdout.on('data', c => { out = (out + c).slice(-20_000) })
  child.stderr.on('data', c => { out = (out + c).slice(-20_000) })
  const stopServer = async () => {
    if (child.exitCode !== null) return
    child.kill('SIGTERM')
    await new Promise(r => child.once('exit', r))
  }
  cleanups.push(stopServer)
  await waitForHealth(url, child, () => out)

  // Setup through the admin API, like an operator would.
  const admin = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }
  const post = async (p: string, body: unknown) => {
    const res = await fetch(`${url}${p}`, { method: 'POST', headers: admin, body: JSON.stringify(body) })
    if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`)
    return res.json()
  }
  await post('/v1/admin/sites', { id: 'bench', name: 'Bench City', origins: [ORIGIN] })
  await post('/v1/admin/polls', { id: POLL, siteId: 'bench', question: 'Bench?', type: 'single', options: OPTIONS.map(id => ({ id, label: id.toUpperCase() })) })

  // Pre-mint tokens with the server's own key (read from its database), so minting is not measured.
  const db = openDatabase({ databaseUrl: databaseUrl || undefined, dataDir })
  const key = await getSecret(db.kysely, 'participant_hmac_key')
  await db.close()
  if (!key) throw new Error('participant key not found in the database')
  const tokens = new ParticipantTokens(Buffer.from(key, 'base64url'))
  const sample = tokens.mint(ORIGIN)
  const check = await fetch(`${url}/v1/polls/${POLL}/votes`, { method: 'POST', headers: { origin: ORIGIN, authorization: `Participant ${sample}`, 'content-type': 'application/json' }, body: '{"choices":["a"]}' })
  if (check.status !== 200) throw new Error(`a pre-minted token was refused: ${check.status} ${await check.text()}`)
  const sampleId = sample.split('.')[1]!
  const pool: string[] = []
  const pregen = Math.min(2_000_000, Math.ceil(duration * 30_000))
  for (let i = 0; i < pregen; i++) pool.push(tokens.mint(ORIGIN))

  // 1. Baseline: a bare JSON endpoint, same connections.
  console.log(`baseline: GET /livez, ${connections} connections, ${baselineSeconds} s …`)
  const cpu0 = cpuSeconds(child.pid!)
  const base = await autocannon({ url: `${url}/livez`, connections, duration: baselineSeconds })
  const cpu1 = cpuSeconds(child.pid!)

  // 2. Votes. Each connection has one request in flight, so `context.sent` is the one answered.
  interface Sent { token: string; id: string; key: string; body: string; answer?: string }
  const history: Sent[] = []
  const acked = new Set<string>([sampleId])
  const statuses = new Map<number, number>()
  let retries = 0
  let retryMismatch = 0
  let next = 0
  console.log(`votes: POST /v1/polls/${POLL}/votes, ${connections} connections, ${duration} s, 10% retries …`)
  const result = await autocannon({
    url,
    connections,
    duration,
    timeout: 10,
    requests: [{
      method: 'POST',
      path: `/v1/polls/${POLL}/votes`,
      setupRequest (req, context) {
        let s: Sent
        let retry = false
        if (history.length > 100 && Math.random() < 0.1) {
          s = history[Math.floor(Math.random() * history.length)]!
          retry = true
        } else {
          const token = pool[next++] ?? tokens.mint(ORIGIN)
          s = { token, id: token.split('.')[1]!, key: crypto.randomUUID(), body: JSON.stringify({ choices: [OPTIONS[next % OPTIONS.length]] }) }
          history.push(s)
        }
        context.sent = s
        context.retry = retry
        return {
          ...req,
          headers: { origin: ORIGIN, authorization: `Participant ${s.token}`, 'content-type': 'application/json', 'idempotency-key': s.key },
          body: s.body
        }
      },
      onResponse (status, body, context) {
        statuses.set(status, (statuses.get(status) ?? 0) + 1)
        if (status < 200 || status >= 300) return
        const s = context.sent as Sent
        acked.add(s.id)
        // A retry must get the same answer (same vote, same timestamp) as the original.
        const vote = JSON.stringify(JSON.parse(body).vote)
        if (context.retry) retries++
        if (s.answer === undefined) s.answer = vote
        else if (s.answer !== vote) retryMismatch++
      }
    }]
  })

  const cpu2 = cpuSeconds(child.pid!)
  // Server CPU per request is what tuning changes; req/s also depends on what else runs on the machine.
  const usPer = (a: number | null, b: number | null, n: number) => (a === null || b === null || n === 0 ? null : Math.round((b - a) * 1e6 / n))
  const baseCpuUs = usPer(cpu0, cpu1, base.requests.total)
  const voteCpuUs = usPer(cpu1, cpu2, result.requests.total)

  // 3. Exactly once: the database against what was acknowledged. Stop the server first (it drains
  // the requests still in flight and flushes the writer) so rows and counters are read at rest.
  await stopServer()
  // The writer logs its batch statistics when it stops.
  const writerLine = out.split('\n').reverse().find(l => l.includes('vote writer stopped'))
  const avgBatch = writerLine ? (JSON.parse(writerLine).avgBatch as number) : null
  const db2 = openDatabase({ databaseUrl: databaseUrl || undefined, dataDir })
  const rows = await db2.kysely.selectFrom('votes').select('voter_key').where('poll_id', '=', POLL).execute()
  const tally = await getTally(db2.kysely, POLL)
  await db2.close()
  const tallyVoters = tally?.voters ?? 0
  const tallied = Object.values(tally?.counts ?? {}).reduce((sum, [votes]) => sum + votes, 0)
  const stored = new Set(rows.map(r => r.voter_key.slice(2)))
  const missing = [...acked].filter(id => !stored.has(id)).length
  const unacked = rows.length - acked.size
  // Requests cut off by the end of the run (at most one per connection) may be committed without
  // their answer being read: stored once, never acknowledged.
  const exactlyOnce = missing === 0 && rows.length === stored.size && unacked <= connections &&
    tallyVoters === rows.length && tallied === rows.length && retryMismatch === 0
  const strictEqual = exactlyOnce && unacked === 0

  const ok2xx = result['2xx']
  const votesPerSec = ok2xx / result.duration
  const ratio = votesPerSec / base.requests.average
  const pass = votesPerSec >= TARGET.votesPerSec && (TARGET.p99 === null || result.latency.p99 <= TARGET.p99)
  const line = (k: string, v: string) => console.log(`${k.padEnd(34)}${v}`)
  console.log(`\n== votes bench (${dbKind}, ${connections} connections, ${duration} s, ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(2)}) ==`)
  line('baseline GET /livez', `${Math.round(base.requests.average)} req/s (p50 ${base.latency.p50} ms, p99 ${base.latency.p99} ms)`)
  line('votes (2xx)', `${Math.round(votesPerSec)} votes/s`)
  line('vote latency', `p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`)
  line('votes / baseline', `${(ratio * 100).toFixed(1)} %`)
  line('votes per transaction (avg)', String(avgBatch ?? '?'))
  line('server CPU per request', `vote ${voteCpuUs ?? '?'} µs, baseline ${baseCpuUs ?? '?'} µs`)
  line('status codes', [...statuses].map(([s, n]) => `${s}×${n}`).join(', '))
  line('errors / timeouts', `${result.errors} / ${result.timeouts}`)
  line('retries answered (same answer)', `${retries} (${retryMismatch} mismatches)`)
  line('acknowledged voters', String(acked.size))
  line('rows in db / tallied voters', `${rows.length} / ${tallyVoters} (options sum ${tallied})`)
  line('acknowledged but missing', String(missing))
  line('stored but never acknowledged', `${unacked}${unacked > 0 ? ' (cut off at the end of the run)' : ''}`)
  line('exactly once', exactlyOnce ? (strictEqual ? 'PASS (db == acknowledged)' : 'PASS (every ack stored once)') : 'FAIL')
  line('target', `${TARGET.votesPerSec} votes/s${TARGET.p99 !== null ? `, p99 ≤ ${TARGET.p99} ms` : ''}: ${pass ? 'PASS' : 'FAIL'}`)
  console.log(JSON.stringify({
    db: dbKind,
    connections,
    duration: result.duration,
    votesPerSec: Math.round(votesPerSec),
    p50: result.latency.p50,
    p99: result.latency.p99,
    baselineReqPerSec: Math.round(base.requests.average),
    ratio: Number(ratio.toFixed(3)),
    serverCpuUsPerVote: voteCpuUs,
    avgBatch,
    serverCpuUsPerBaselineRequest: baseCpuUs,
    errors: result.errors + result.timeouts + result.non2xx,
    retries,
    acknowledged: acked.size,
    stored: rows.length,
    exactlyOnce,
    target: { ...TARGET, pass }
  }))
  return exactlyOnce
}

let code = 1
try {
  code = (await main()) ? 0 : 1
} catch (err) {
  console.error(err)
} finally {
  await cleanup()
}
process.exit(code)
