import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { forEachDb, ORIGIN } from './helpers/harness.ts'
import type { TestApp } from './helpers/harness.ts'
import { adminResults, assertError, countVoteRows, createPoll, createSite, mintToken, ok, uid, view, vote } from './helpers/api.ts'

forEachDb('votes', env => {
  let t: TestApp
  let siteId: string
  before(async () => {
    t = await env.startApp()
    siteId = (await createSite(t.app)).id
  })
  after(() => t.close())

  test('a vote is counted and answered with my vote and the results', async () => {
    const poll = await createPoll(t.app, siteId)
    const token = await mintToken(t.app)
    const body = ok(await vote(t.app, poll.id, token, ['yes'], { key: 'k1' }))
    assert.deepEqual(body.vote.choices, ['yes'])
    assert.equal(body.results.voters, 1)
    assert.deepEqual(body.results.options.map((o: any) => [o.id, o.votes]), [['yes', 1], ['no', 0], ['maybe', 0]])
    const v = await view(t.app, poll.id, token)
    assert.deepEqual(v.myVote.choices, ['yes'])
    assert.equal(v.myVote.at, body.vote.at)
    assert.equal(v.status, 'open')
    assert.ok(Math.abs(Date.parse(v.serverTime) - Date.now()) < 5000)
    assert.equal((await view(t.app, poll.id)).myVote, null, 'no token, no "my vote"')
  })

  test('a replay with the same Idempotency-Key gets the same answer and counts once', async () => {
    const poll = await createPoll(t.app, siteId)
    const token = await mintToken(t.app)
    const first = ok(await vote(t.app, poll.id, token, ['no'], { key: 'same' }))
    const again = ok(await vote(t.app, poll.id, token, ['no'], { key: 'same' }))
    assert.deepEqual(again.vote, first.vote)
    assert.equal(again.results.voters, 1)
    assert.equal(again.results.version, first.results.version, 'a replay changes nothing')
    assert.equal(await countVoteRows(t.app, poll.id), 1)
  })

  test('a second vote without allowChange is 409 ALREADY_VOTED', async () => {
    const poll = await createPoll(t.app, siteId)
    const token = await mintToken(t.app)
    ok(await vote(t.app, poll.id, token, ['yes'], { key: 'a' }))
    assertError(await vote(t.app, poll.id, token, ['no'], { key: 'b' }), 409, 'ALREADY_VOTED')
    assertError(await vote(t.app, poll.id, token, ['yes']), 409, 'ALREADY_VOTED')
    assert.equal((await adminResults(t.app, poll.id)).options[0].votes, 1)
  })

  test('with allowChange a vote is replaced, counted once, and the old choice is uncounted', async () => {
    const poll = await createPoll(t.app, siteId, { allowChange: true })
    const token = await mintToken(t.app)
    const first = ok(await vote(t.app, poll.id, token, ['yes'], { key: 'a' }))
    const changed = ok(await vote(t.app, poll.id, token, ['no'], { key: 'b' }))
    assert.deepEqual(changed.vote.choices, ['no'])
    assert.equal(changed.results.voters, 1)
    assert.deepEqual(changed.results.options.map((o: any) => o.votes), [0, 1, 0])
    assert.ok(changed.results.version > first.results.version)
    // Replaying the first request now must not resurrect it: its key is no longer the stored one.
    const replayOld = await vote(t.app, poll.id, token, ['yes'], { key: 'a' })
    assert.equal(replayOld.statusCode, 200)
    assert.deepEqual(replayOld.json().vote.choices, ['yes'], 'an old key is a new change request')
    assert.equal((await adminResults(t.app, poll.id)).voters, 1)
    assert.equal(await countVoteRows(t.app, poll.id), 1)
  })

  test('ranked polls count first preferences and Borda points', async () => {
    const poll = await createPoll(t.app, siteId, { type: 'ranked', options: ['A', 'B', 'C'] })
    ok(await vote(t.app, poll.id, await mintToken(t.app), ['a', 'b', 'c']))
    const r = ok(await vote(t.app, poll.id, await mintToken(t.app), ['b', 'a', 'c'])).results
    assert.deepEqual(r.options, [
      { id: 'a', votes: 1, points: 3 },
      { id: 'b', votes: 1, points: 3 },
      { id: 'c', votes: 0, points: 0 }
    ])
  })

  test('ranked with maxChoices ranks exactly that many', async () => {
    const poll = await createPoll(t.app, siteId, { type: 'ranked', options: ['A', 'B', 'C', 'D'], maxChoices: 2 })
    const r = ok(await vote(t.app, poll.id, await mintToken(t.app), ['c', 'a'])).results
    assert.deepEqual(r.options.map((o: any) => o.points), [2, 0, 3, 0])
    const e = assertError(await vote(t.app, poll.id, await mintToken(t.app), ['c', 'a', 'b']), 422, 'INVALID_CHOICE')
    assert.equal((e.details as any).reason, 'too-many')
  })

  test('multiple choice allows 1..maxChoices', async () => {
    const poll = await createPoll(t.app, siteId, { type: 'multiple', maxChoices: 2 })
    const r = ok(await vote(t.app, poll.id, await mintToken(t.app), ['yes', 'maybe'])).results
    assert.deepEqual(r.options.map((o: any) => o.votes), [1, 0, 1])
    ok(await vote(t.app, poll.id, await mintToken(t.app), ['no']))
    assertError(await vote(t.app, poll.id, await mintToken(t.app), ['yes', 'no', 'maybe']), 422, 'INVALID_CHOICE')
  })

  test('422 INVALID_CHOICE for unknown, duplicate, too many and too few choices', async () => {
    const single = await createPoll(t.app, siteId)
    const multi = await createPoll(t.app, siteId, { type: 'multiple', maxChoices: 2 })
    const ranked = await createPoll(t.app, siteId, { type: 'ranked' })
    const token = await mintToken(t.app)
    const cases: Array<[string, string[], string]> = [
      [single.id, ['nope'], 'unknown-option'],
      [single.id, [], 'too-few'],
      [single.id, ['yes', 'no'], 'too-many'],
      [multi.id, ['yes', 'yes'], 'duplicate'],
      [multi.id, [], 'too-few'],
      [ranked.id, ['yes', 'no'], 'too-few'],
      [ranked.id, ['yes', 'no', 'yes'], 'duplicate'],
      [ranked.id, ['yes', 'no', 'maybe', 'zzz'], 'unknown-option']
    ]
    for (const [pollId, choices, reason] of cases) {
      const e = assertError(await vote(t.app, pollId, token, choices), 422, 'INVALID_CHOICE')
      assert.equal((e.details as any).reason, reason, JSON.stringify(choices))
    }
    assert.equal(await countVoteRows(t.app, single.id), 0)
  })

  test('404 for an unknown poll, on read and on vote', async () => {
    assertError(await t.app.inject({ method: 'GET', url: '/v1/polls/no-such-poll' }), 404, 'NOT_FOUND')
    assertError(await vote(t.app, 'no-such-poll', await mintToken(t.app), ['yes']), 404, 'NOT_FOUND')
  })

  test('409 POLL_CLOSED after closing and by closesAt; 409 POLL_NOT_OPEN before opensAt', async () => {
    const token = await mintToken(t.app)
    const manual = await createPoll(t.app, siteId)
    ok(await t.app.inject({ method: 'POST', url: `/v1/admin/polls/${manual.id}/close`, headers: { authorization: 'Bearer test-admin-token' } }))
    assertError(await vote(t.app, manual.id, token, ['yes']), 409, 'POLL_CLOSED')
    const past = await createPoll(t.app, siteId, { opensAt: '2020-01-01T00:00:00Z', closesAt: '2020-02-01T00:00:00Z' })
    assertError(await vote(t.app, past.id, token, ['yes']), 409, 'POLL_CLOSED')
    const future = await createPoll(t.app, siteId, { opensAt: new Date(Date.now() + 3600_000).toISOString() })
    assertError(await vote(t.app, future.id, token, ['yes']), 409, 'POLL_NOT_OPEN')
    assert.equal((await view(t.app, future.id)).status, 'scheduled')
    assert.equal((await view(t.app, past.id)).status, 'closed')
  })

  test('a replay of an acknowledged vote still gets its answer after the poll closed', async () => {
    const poll = await createPoll(t.app, siteId)
    const token = await mintToken(t.app)
    const first = ok(await vote(t.app, poll.id, token, ['yes'], { key: 'before-close' }))
    ok(await t.app.inject({ method: 'POST', url: `/v1/admin/polls/${poll.id}/close`, headers: { authorization: 'Bearer test-admin-token' } }))
    assert.deepEqual(ok(await vote(t.app, poll.id, token, ['yes'], { key: 'before-close' })).vote, first.vote)
    assertError(await vote(t.app, poll.id, token, ['yes'], { key: 'another' }), 409, 'POLL_CLOSED')
  })

  test('401 PARTICIPANT_REQUIRED without a token, PARTICIPANT_INVALID with a forged one', async () => {
    const poll = await createPoll(t.app, siteId)
    assertError(await vote(t.app, poll.id, null, ['yes']), 401, 'PARTICIPANT_REQUIRED')
    const real = await mintToken(t.app)
    const [v, id] = real.split('.')
    for (const forged of [`${v}.${id}.${'A'.repeat(43)}`, `v1.${'B'.repeat(22)}.${real.split('.')[2]}`, 'garbage', `v2.${id}.${real.split('.')[2]}`]) {
      assertError(await vote(t.app, poll.id, forged, ['yes']), 401, 'PARTICIPANT_INVALID')
    }
    assertError(await vote(t.app, poll.id, null, ['yes'], { headers: { authorization: 'Bearer whatever' } }), 401, 'PARTICIPANT_REQUIRED')
    assert.equal(await countVoteRows(t.app, poll.id), 0)
  })

  test('403 ORIGIN_NOT_ALLOWED for a missing or foreign Origin; the server\'s own origin may write', async () => {
    const poll = await createPoll(t.app, siteId)
    const token = await mintToken(t.app)
    assertError(await vote(t.app, poll.id, token, ['yes'], { origin: null }), 403, 'ORIGIN_NOT_ALLOWED')
    assertError(await vote(t.app, poll.id, token, ['yes'], { origin: 'https://evil.example' }), 403, 'ORIGIN_NOT_ALLOWED')
    // An origin allowed for another site is not allowed for this poll.
    const other = await createSite(t.app, { origins: ['https://other.example'] })
    assertError(await vote(t.app, poll.id, token, ['yes'], { origin: other.origins[0] }), 403, 'ORIGIN_NOT_ALLOWED')
    // The server's own pages (the console's preview) mint their own token.
    const own = ok(await t.app.inject({ method: 'POST', url: '/v1/participants', headers: { origin: 'http://api.test:8080', host: 'api.test:8080' } }), 201).token
    assertError(await vote(t.app, poll.id, token, ['yes'], { origin: 'http://api.test:8080', headers: { host: 'api.test:8080' } }), 401, 'PARTICIPANT_INVALID')
    ok(await vote(t.app, poll.id, own, ['yes'], { origin: 'http://api.test:8080', headers: { host: 'api.test:8080' } }))
    assert.equal(await countVoteRows(t.app, poll.id), 1)
    assert.notEqual(ORIGIN, 'http://api.test:8080')
  })

  test('reads: an unlisted browser origin gets a 403 it can read; no Origin, the own origin and listed ones read', async () => {
    const poll = await createPoll(t.app, siteId)
    const read = (origin?: string, extra: Record<string, string> = {}) =>
      t.app.inject({ method: 'GET', url: `/v1/polls/${poll.id}`, headers: { ...(origin ? { origin } : {}), ...extra } })
    const refused = await read('https://evil.example')
    assertError(refused, 403, 'ORIGIN_NOT_ALLOWED')
    // Readable by that page, so the widget can say why; the refusal carries no poll data.
    assert.equal(refused.headers['access-control-allow-origin'], 'https://evil.example')
    assert.equal(JSON.stringify(refused.json()).includes(poll.question), false)
    const other = await createSite(t.app, { origins: ['https://other-site.example'] })
    assertError(await read(other.origins[0]), 403, 'ORIGIN_NOT_ALLOWED')
    for (const res of [await read(), await read(ORIGIN), await read('http://api.test:8080', { host: 'api.test:8080' })]) {
      assert.equal(ok(res).id, poll.id)
    }
    const live = await t.app.inject({ method: 'GET', url: `/v1/polls/${poll.id}/live`, headers: { origin: 'https://evil.example' } })
    assertError(live, 403, 'ORIGIN_NOT_ALLOWED')
  })

  test('400 BAD_JSON for malformed JSON, 400 BAD_REQUEST for schema violations', async () => {
    const poll = await createPoll(t.app, siteId)
    const token = await mintToken(t.app)
    const headers = { origin: ORIGIN, authorization: `Participant ${token}`, 'content-type': 'application/json' }
    for (const payload of ['{"choices": [', '{choices: ["yes"]}', 'nul', '{"__proto__": {"x": 1}, "choices": ["yes"]}']) {
      assertError(await t.app.inject({ method: 'POST', url: `/v1/polls/${poll.id}/votes`, headers, payload }), 400, 'BAD_JSON')
    }
    for (const payload of ['{}', '{"choices": "yes"}', '{"choices": [1]}', '{"choices": [""]}', '[]', '"yes"', '{"choices": ["yes"], "extra": 1}', '']) {
      const res = await t.app.inject({ method: 'POST', url: `/v1/polls/${poll.id}/votes`, headers, payload })
      const e = assertError(res, 400, 'BAD_REQUEST')
      if (payload !== '') assert.ok(Array.isArray(e.details), payload)
    }
    const longKey = await vote(t.app, poll.id, token, ['yes'], { key: 'k'.repeat(101) })
    assertError(longKey, 400, 'BAD_REQUEST')
    assert.equal(await countVoteRows(t.app, poll.id), 0)
  })

  test('413 PAYLOAD_TOO_LARGE over 16 KiB, 415 for non-JSON bodies', async () => {
    const poll = await createPoll(t.app, siteId)
    const token = await mintToken(t.app)
    const big = JSON.stringify({ choices: ['yes'], pad: 'x'.repeat(17 * 1024) })
    assertError(await t.app.inject({
      method: 'POST', url: `/v1/polls/${poll.id}/votes`,
      headers: { origin: ORIGIN, authorization: `Participant ${token}`, 'content-type': 'application/json' },
      payload: big
    }), 413, 'PAYLOAD_TOO_LARGE')
    assertError(await t.app.inject({
      method: 'POST', url: `/v1/polls/${poll.id}/votes`,
      headers: { origin: ORIGIN, authorization: `Participant ${token}`, 'content-type': 'text/plain' },
      payload: 'choices=yes'
    }), 415, 'UNSUPPORTED_MEDIA_TYPE')
  })

  test('no garbage input yields a 5xx', async () => {
    const poll = await createPoll(t.app, siteId)
    const token = await mintToken(t.app)
    const urls = [`/v1/polls/${poll.id}/votes`, `/v1/polls/${'x'.repeat(300)}/votes`, '/v1/polls/%E0%A4%A/votes', '/v1/participants', `/v1/polls/${uid()}`]
    const payloads = ['', '{', '[]', '{"choices":null}', '{"choices":[{}]}', JSON.stringify({ choices: Array(200).fill('yes') }), '\u0000', '{"choices":["yes"]}']
    const contentTypes = ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/jsonx']
    for (const url of urls) {
      for (const payload of payloads) {
        for (const ct of contentTypes) {
          const res = await t.app.inject({ method: 'POST', url, headers: { origin: ORIGIN, authorization: `Participant ${token}`, 'content-type': ct }, payload })
          assert.ok(res.statusCode < 500, `${url} ${ct} ${payload.slice(0, 30)} → ${res.statusCode} ${res.body}`)
          if (res.statusCode >= 400) assert.equal(typeof res.json().error.code, 'string')
        }
      }
    }
  })

  test('unknown routes are JSON 404s', async () => {
    assertError(await t.app.inject({ method: 'GET', url: '/v1/nothing-here' }), 404, 'NOT_FOUND')
    assertError(await t.app.inject({ method: 'DELETE', url: '/v1/polls/x' }), 404, 'NOT_FOUND')
  })
})
