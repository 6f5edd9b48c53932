import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { Kysely, PostgresDialect } from 'kysely'
import { AppError } from '../../server/services/errors.ts'
import { PgRateBuckets, TokenBucketLimiter } from '../../server/services/rate-limit.ts'
import { forEachDb, ORIGIN } from './helpers/harness.ts'
import type { TestApp } from './helpers/harness.ts'
import { assertError, createPoll, createSite, mintToken, ok, vote } from './helpers/api.ts'

test('token buckets refill continuously and say when to retry', () => {
  let now = 0
  const l = new TokenBucketLimiter(60, () => now) // one token a second
  for (let i = 0; i < 60; i++) assert.equal(l.take('a').ok, true)
  const no = l.take('a')
  assert.deepEqual(no, { ok: false, retryAfterSec: 1 })
  assert.equal(l.take('b').ok, true, 'keys are independent')
  now += 1000
  assert.equal(l.take('a').ok, true)
  assert.equal(l.take('a').ok, false)
  now += 120_000
  for (let i = 0; i < 60; i++) assert.equal(l.take('a').ok, true, 'refills up to capacity only')
  assert.equal(l.take('a').ok, false)
})

test('shared buckets: a database that never answers is a quick 503, and the queue is capped', async () => {
  // A half-open connection: every statement waits forever.
  let statements = 0
  const pool = { connect: async () => ({ query: () => { statements++; return new Promise(() => {}) }, release () {} }), end: async () => {} }
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: pool as any }) })
  const buckets = new PgRateBuckets(db, undefined, { batchTimeoutMs: 150, maxWaiting: 3 })
  const t0 = Date.now()
  const first = buckets.take('a', 5, 1) // its statement hangs
  const queued = [buckets.take('b', 5, 1), buckets.take('c', 5, 1), buckets.take('b', 5, 1)]
  const over = await buckets.take('d', 5, 1).then(() => null, (err: unknown) => err)
  assert.ok(over instanceof AppError && over.status === 503, 'beyond the cap: 503 at once')
  assert.ok(Date.now() - t0 < 100, `the capped request failed after ${Date.now() - t0} ms`)
  const settled = await Promise.allSettled([first, ...queued])
  const waited = Date.now() - t0
  for (const s of settled) {
    assert.equal(s.status, 'rejected')
    const err = (s as PromiseRejectedResult).reason
    assert.ok(err instanceof AppError && err.status === 503 && err.headers?.['retry-after'] === '1', String(err))
  }
  assert.ok(waited >= 140 && waited < 1000, `the batch and those queued behind it failed after ${waited} ms`)
  assert.equal(statements, 1, 'the queued requests did not each wait for their own statement')
  // And the limiter is not stuck: a later request runs a new statement (and fails in time too).
  await assert.rejects(buckets.take('e', 5, 1), (err: unknown) => err instanceof AppError && err.status === 503)
  assert.equal(statements, 2)
})

forEachDb('rate limits', env => {
  let t: TestApp
  let pollId: string
  before(async () => {
    t = await env.startApp({ rateLimit: { ipPerMin: 40, participantPerMin: 3 } })
    pollId = (await createPoll(t.app, (await createSite(t.app)).id, { allowChange: true })).id
  })
  after(() => t.close())

  test('per participant: 429 RATE_LIMITED with Retry-After', async () => {
    const token = await mintToken(t.app)
    for (let i = 0; i < 3; i++) ok(await vote(t.app, pollId, token, ['yes']))
    const res = await vote(t.app, pollId, token, ['no'])
    const e = assertError(res, 429, 'RATE_LIMITED')
    assert.ok(Number(res.headers['retry-after']) >= 1)
    assert.equal((e.details as any).retryAfter, Number(res.headers['retry-after']))
    ok(await vote(t.app, pollId, await mintToken(t.app), ['no']), 200)
  })

  test('per IP: 429 before the body is even read', async () => {
    const ip = '203.0.113.7'
    let limited = 0
    for (let i = 0; i < 45; i++) {
      const res = await t.app.inject({ method: 'POST', url: '/v1/participants', remoteAddress: ip, headers: { origin: ORIGIN } })
      if (res.statusCode === 429) {
        limited++
        assert.ok(res.headers['retry-after'])
      }
    }
    assert.ok(limited >= 5, `limited ${limited}`)
    const res = await t.app.inject({ method: 'POST', url: `/v1/polls/${pollId}/votes`, remoteAddress: ip, headers: { 'content-type': 'application/json' }, payload: '{ not json' })
    assertError(res, 429, 'RATE_LIMITED')
    ok(await t.app.inject({ method: 'POST', url: '/v1/participants', remoteAddress: '203.0.113.8', headers: { origin: ORIGIN } }), 201)
    assert.equal((await t.app.inject({ method: 'GET', url: `/v1/polls/${pollId}`, remoteAddress: ip })).statusCode, 200, 'reads are not limited')
  })
})
