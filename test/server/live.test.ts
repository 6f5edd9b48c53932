import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before, test } from 'node:test'
import { LocalLiveBus } from '../../server/services/live.ts'
import type { ResultsEvent } from '../../server/services/live.ts'
import { admin, forEachDb, ORIGIN } from './helpers/harness.ts'
import type { TestApp } from './helpers/harness.ts'
import { createPoll, createSite, mintToken, ok, vote } from './helpers/api.ts'
import { openSse } from './helpers/sse.ts'
import type { SseClient } from './helpers/sse.ts'

test('the live bus coalesces bursts and ends on the newest results', async () => {
  const bus = new LocalLiveBus(100)
  const got: ResultsEvent[] = []
  const off = bus.subscribe('p', e => got.push(e))
  const ev = (version: number, who: string): ResultsEvent => ({ pollId: 'p', results: { voters: version, options: [], version }, participantIds: [who] })
  for (let v = 1; v <= 10; v++) bus.publish(ev(v, `u${v}`))
  await sleep(250)
  assert.ok(got.length <= 2, `${got.length} emits for 10 publishes`)
  assert.equal(got.at(-1)!.results.version, 10)
  assert.deepEqual(got.flatMap(e => e.participantIds).sort(), Array.from({ length: 10 }, (_, i) => `u${i + 1}`).sort(), 'no voter is lost')
  off()
  bus.publish(ev(11, 'x'))
  await sleep(150)
  assert.equal(got.at(-1)!.results.version, 10, 'no delivery after unsubscribe')
  bus.close()
})

forEachDb('live results (SSE)', env => {
  let t: TestApp
  let base: string
  let siteId: string
  const clients: SseClient[] = []
  const sse = async (path: string, headers: Record<string, string> = {}) => {
    const c = await openSse(`${base}${path}`, headers)
    clients.push(c)
    return c
  }
  before(async () => {
    t = await env.startApp({ sseHeartbeatMs: 100 })
    base = await t.app.listen({ port: 0, host: '127.0.0.1' })
    siteId = (await createSite(t.app)).id
  })
  after(async () => {
    for (const c of clients) c.close()
    await t.close()
  })

  test('a subscriber gets the current state at once, then a results event after a vote', async () => {
    const poll = await createPoll(t.app, siteId)
    const c = await sse(`/v1/polls/${poll.id}/live`, { origin: ORIGIN })
    assert.equal(c.status, 200)
    assert.match(String(c.headers['content-type']), /^text\/event-stream/)
    assert.equal(c.headers['access-control-allow-origin'], ORIGIN)
    const first = await c.waitFor(() => true)
    assert.equal(first.event, 'results')
    assert.equal(first.id, '0')
    assert.equal(first.data.voters, 0)
    ok(await vote(t.app, poll.id, await mintToken(t.app), ['yes']))
    const next = await c.waitFor(e => e.data.voters === 1)
    assert.equal(next.id, String(next.data.version))
    assert.equal(next.data.options[0].votes, 1)
    for (let waited = 0; !c.comments.includes('heartbeat'); waited += 50) {
      assert.ok(waited < 3000, 'heartbeats keep proxies from closing the stream')
      await sleep(50)
    }
  })

  test('Last-Event-ID: no replay when up to date, the current state at once when behind', async () => {
    const poll = await createPoll(t.app, siteId)
    for (let i = 0; i < 3; i++) ok(await vote(t.app, poll.id, await mintToken(t.app), ['no']))
    const upToDate = await sse(`/v1/polls/${poll.id}/live`, { 'last-event-id': '3' })
    const behind = await sse(`/v1/polls/${poll.id}/live`, { 'last-event-id': '1' })
    const behindFirst = await behind.waitFor(() => true)
    assert.equal(behindFirst.id, '3')
    await sleep(150)
    assert.equal(upToDate.events.length, 0, 'nothing new to send')
    ok(await vote(t.app, poll.id, await mintToken(t.app), ['no']))
    assert.equal((await upToDate.waitFor(() => true)).id, '4')
  })

  test('results hidden from the reader are never sent; they start once visible', async () => {
    const poll = await createPoll(t.app, siteId, { resultsVisibility: 'after-vote' })
    const me = await mintToken(t.app)
    const mine = await sse(`/v1/polls/${poll.id}/live?participant=${encodeURIComponent(me)}`)
    const anon = await sse(`/v1/polls/${poll.id}/live`)
    ok(await vote(t.app, poll.id, await mintToken(t.app), ['yes']))
    await sleep(150)
    assert.equal(mine.events.length, 0)
    ok(await vote(t.app, poll.id, me, ['no']))
    assert.equal((await mine.waitFor(e => e.data.voters === 2)).event, 'results')
    ok(await vote(t.app, poll.id, await mintToken(t.app), ['maybe']))
    await mine.waitFor(e => e.data.voters === 3)
    assert.equal(anon.events.length, 0, 'the non-voter saw nothing')
    ok(await t.app.inject({ method: 'POST', url: `/v1/admin/polls/${poll.id}/close`, headers: admin }))
    assert.equal((await anon.waitFor(() => true)).data.voters, 3, 'closing reveals the results to everyone')
  })

  test('an unknown poll is a JSON 404, not a stream', async () => {
    const res = await fetch(`${base}/v1/polls/nope/live`)
    assert.equal(res.status, 404)
    assert.equal((await res.json()).error.code, 'NOT_FOUND')
  })
})
