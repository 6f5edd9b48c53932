import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { forEachDb, ORIGIN } from './helpers/harness.ts'
import type { TestApp } from './helpers/harness.ts'
import { createPoll, createSite } from './helpers/api.ts'

forEachDb('over real HTTP', env => {
  let t: TestApp
  let base: string
  let pollId: string
  before(async () => {
    t = await env.startApp()
    base = await t.app.listen({ port: 0, host: '127.0.0.1' })
    pollId = (await createPoll(t.app, (await createSite(t.app)).id, { type: 'multiple' })).id
  })
  after(() => t.close())

  test('health reports the database kind', async () => {
    const res = await fetch(`${base}/health`)
    assert.deepEqual(await res.json(), { status: 'ok', db: env.kind })
  })

  test('a browser-like flow: preflight, participant, vote, read back', async () => {
    const pre = await fetch(`${base}/v1/polls/${pollId}/votes`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,idempotency-key' }
    })
    assert.equal(pre.status, 204)
    assert.equal(pre.headers.get('access-control-allow-origin'), ORIGIN)
    const { token } = await (await fetch(`${base}/v1/participants`, { method: 'POST', headers: { origin: ORIGIN } })).json()
    const headers = { origin: ORIGIN, authorization: `Participant ${token}`, 'content-type': 'application/json', 'idempotency-key': 'h1' }
    const voted = await fetch(`${base}/v1/polls/${pollId}/votes`, { method: 'POST', headers, body: JSON.stringify({ choices: ['yes', 'no'] }) })
    assert.equal(voted.status, 200)
    assert.equal(voted.headers.get('access-control-allow-origin'), ORIGIN)
    assert.deepEqual((await voted.json()).vote.choices, ['yes', 'no'])
    const read = await (await fetch(`${base}/v1/polls/${pollId}`, { headers: { authorization: `Participant ${token}` } })).json()
    assert.deepEqual(read.myVote.choices, ['yes', 'no'])
    assert.equal(read.results.voters, 1)
  })

  test('an oversized body is refused with 413 JSON on the wire', async () => {
    const res = await fetch(`${base}/v1/polls/${pollId}/votes`, {
      method: 'POST',
      headers: { origin: ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify({ choices: ['x'.repeat(20_000)] })
    })
    assert.equal(res.status, 413)
    assert.equal((await res.json()).error.code, 'PAYLOAD_TOO_LARGE')
  })
})
