import assert from 'node:assert/strict'
import http from 'node:http'
import { test } from 'node:test'
import { ADMIN_TOKEN, forEachDb, ORIGIN } from './helpers/harness.ts'
import { getPoll } from '../../server/store/polls-repo.ts'
import { createPoll, createSite, mintToken } from './helpers/api.ts'
import { startChildServer } from './helpers/child-server.ts'
import { openSse } from './helpers/sse.ts'

/** A raw POST that reports a refused/reset connection instead of throwing. */
function post (url: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: string } | 'no-connection'> {
  return new Promise(resolve => {
    const req = http.request(url, { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, res => {
      let data = ''
      res.on('data', c => { data += c })
      res.on('end', () => resolve({ status: res.statusCode!, body: data }))
      res.on('error', () => resolve('no-connection'))
    })
    req.on('error', () => resolve('no-connection'))
    req.end(body)
  })
}

forEachDb('graceful shutdown', env => {
  test('close: in-flight votes are written before the database closes, SSE streams end, late requests get a JSON 503', async () => {
    const t = await env.startApp()
    const base = await t.app.listen({ port: 0, host: '127.0.0.1' })
    const poll = await createPoll(t.app, (await createSite(t.app)).id)
    const tokens = await Promise.all(Array.from({ length: 60 }, () => mintToken(t.app)))
    const stream = await openSse(`${base}/v1/polls/${poll.id}/live`)
    await stream.waitFor(() => true)

    const send = (tok: string, i: number) => new Promise<{ status: number; body: string; retryAfter?: string } | 'no-connection'>(resolve => {
      const body = JSON.stringify({ choices: ['yes'] })
      const req = http.request(`${base}/v1/polls/${poll.id}/votes`, {
        method: 'POST', agent: false,
        headers: { origin: ORIGIN, authorization: `Participant ${tok}`, 'content-type': 'application/json', 'idempotency-key': `s${i}`, 'content-length': Buffer.byteLength(body) }
      }, res => {
        let data = ''
        res.on('data', c => { data += c })
        res.on('end', () => resolve({ status: res.statusCode!, body: data, retryAfter: res.headers['retry-after'] }))
      })
      req.on('error', () => resolve('no-connection'))
      req.end(body)
    })
    // Hold the poll row (PostgreSQL) / the only connection (SQLite) so the votes wait in the writer.
    // A fresh read first puts the poll in the cache, so the votes need no query before the writer.
    assert.equal((await t.app.inject({ method: 'GET', url: `/v1/polls/${poll.id}` })).statusCode, 200)
    let release!: () => void
    const gate = new Promise<void>(resolve => { release = resolve })
    const holding = t.db.kysely.transaction().execute(async trx => {
      await getPoll(trx, poll.id, env.kind === 'postgres')
      await gate
    })
    const inflight = tokens.map((tok, i) => send(tok, i))
    // Close once every vote waits in the writer.
    for (let waited = 0; t.app.services.writer.backlog < tokens.length; waited += 10) {
      assert.ok(waited < 10_000, `only ${t.app.services.writer.backlog} votes reached the writer`)
      await new Promise(r => setTimeout(r, 10))
    }
    const closing = t.app.close()
    await new Promise(r => setTimeout(r, 50))
    const late = await send(tokens[0]!, 999)
    release()
    await holding
    const results = await Promise.all(inflight)
    await closing
    await stream.ended

    assert.ok(late === 'no-connection' || (late.status === 503 && JSON.parse(late.body).error.code === 'SHUTTING_DOWN' && late.retryAfter === '1'), JSON.stringify(late))
    const acked = results.filter(r => r !== 'no-connection' && r.status === 200).length
    assert.equal(acked, tokens.length, 'every vote in flight when close began was answered 200')
    const rows = await t.db.kysely.selectFrom('votes').select('voter_key').where('poll_id', '=', poll.id).execute()
    assert.equal(rows.length, acked, 'and written before the database closed')
    await t.db.close()
  })

  test('SIGTERM: the real server drains, logs, and exits 0; acknowledged votes persist', async () => {
    const storage = await env.storage()
    const child = await startChildServer({ ...storage.serverEnv, ADMIN_TOKEN })
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }
    assert.equal((await post(`${child.url}/v1/admin/sites`, JSON.stringify({ id: 's', name: 'S', origins: [ORIGIN] }), admin) as any).status, 201)
    assert.equal((await post(`${child.url}/v1/admin/polls`, JSON.stringify({ id: 'p', siteId: 's', question: 'Q', type: 'single', options: ['A', 'B'] }), admin) as any).status, 201)
    const mint = await post(`${child.url}/v1/participants`, '', { origin: ORIGIN })
    const { token } = JSON.parse((mint as any).body)
    const sse = await openSse(`${child.url}/v1/polls/p/live`)
    const voted = await post(`${child.url}/v1/polls/p/votes`, JSON.stringify({ choices: ['b'] }),
      { origin: ORIGIN, authorization: `Participant ${token}`, 'content-type': 'application/json' })
    assert.equal((voted as any).status, 200)

    child.proc.kill('SIGTERM')
    const exit = await child.exited
    await sse.ended
    assert.equal(exit.code, 0, child.logs.join('\n'))
    assert.ok(child.logs.some(l => l.includes('shutdown complete')), child.logs.join('\n'))
    const db = await storage.open()
    try {
      const rows = await db.kysely.selectFrom('votes').selectAll().where('poll_id', '=', 'p').execute()
      assert.equal(rows.length, 1)
    } finally {
      await db.close()
    }
  })
})
