// Votes record their page; staff read participation per UTC day and by page (/activity) and export
// the votes as JSON with their page (/export.json, audited like the CSV).
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { signedInAs } from './helpers/accounts.ts'
import { admin, forEachDb, ORIGIN } from './helpers/harness.ts'
import type { TestApp } from './helpers/harness.ts'
import { adminResults, assertError, createPoll, createSite, mintToken, ok, uid } from './helpers/api.ts'

const DAY = 86_400_000
const day = (offset: number) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10)

forEachDb('poll activity', env => {
  let t: TestApp
  let siteId: string
  before(async () => {
    t = await env.startApp()
    siteId = (await createSite(t.app)).id
  })
  after(() => t.close())

  /** A resident's vote, with the page it was cast from (or none). */
  const voteFrom = (pollId: string, token: string, choices: string[], page?: unknown, key = uid('key')) =>
    t.app.inject({
      method: 'POST', url: `/v1/polls/${pollId}/votes`,
      headers: { 'content-type': 'application/json', origin: ORIGIN, authorization: `Participant ${token}`, 'idempotency-key': key },
      payload: JSON.stringify(page === undefined ? { choices } : { choices, page })
    })
  const activity = async (pollId: string) => ok(await t.app.inject({ method: 'GET', url: `/v1/admin/polls/${pollId}/activity`, headers: admin }))
  const storedPage = async (pollId: string) =>
    (await t.db.kysely.selectFrom('votes').select('page').where('poll_id', '=', pollId).executeTakeFirstOrThrow()).page
  /** Moves every vote of a poll back in time: the only way to have votes on earlier days. */
  const backdate = (pollId: string, days: number, voterKey?: string) => {
    const at = new Date(Date.now() - days * DAY).toISOString()
    let q = t.db.kysely.updateTable('votes').set({ created_at: at, updated_at: at }).where('poll_id', '=', pollId)
    if (voterKey) q = q.where('voter_key', '=', voterKey)
    return q.execute()
  }

  test('a vote keeps its page without query or fragment; staff see it by page and today', async () => {
    const poll = await createPoll(t.app, siteId)
    const token = await mintToken(t.app)
    ok(await voteFrom(poll.id, token, ['yes'], 'https://city.example/news/market?utm_source=x#comments'))
    assert.equal(await storedPage(poll.id), 'https://city.example/news/market')
    const a = await activity(poll.id)
    assert.deepEqual(a, {
      voters: 1,
      from: day(0),
      to: day(0),
      daily: [{ date: day(0), votes: 1 }],
      earlier: 0,
      byPage: [{ page: 'https://city.example/news/market', votes: 1 }],
      otherPages: { pages: 0, votes: 0 }
    })
  })

  test('a page that is not an http(s) URL, or too long, is a clear 400 and counts nothing', async () => {
    const poll = await createPoll(t.app, siteId)
    const token = await mintToken(t.app)
    for (const page of ['javascript:alert(1)', 'not a url', 'ftp://city.example/file', '/news/market', 'data:text/html,x']) {
      const e = assertError(await voteFrom(poll.id, token, ['yes'], page), 400, 'BAD_REQUEST')
      assert.match(String(e.message), /page/, page)
    }
    for (const page of ['', 'https://city.example/' + 'a'.repeat(2000), 42]) {
      assertError(await voteFrom(poll.id, token, ['yes'], page), 400, 'BAD_REQUEST')
    }
    // Within 2000 characters as sent, longer once percent-encoded: refused too, never cut.
    const e = assertError(await voteFrom(poll.id, token, ['yes'], 'https://city.example/' + 'é'.repeat(600)), 400, 'BAD_REQUEST')
    assert.match(String(e.message), /2000/)
    assert.equal((await adminResults(t.app, poll.id)).voters, 0)
  })

  test('a vote changed on another page is counted once, on the page of the change; a change without a page keeps it', async () => {
    const poll = await createPoll(t.app, siteId, { allowChange: true })
    const token = await mintToken(t.app)
    ok(await voteFrom(poll.id, token, ['yes'], 'https://city.example/news/a'))
    ok(await voteFrom(poll.id, token, ['no'], 'https://city.example/news/b?x=1'))
    let a = await activity(poll.id)
    assert.equal(a.voters, 1)
    assert.deepEqual(a.byPage, [{ page: 'https://city.example/news/b', votes: 1 }])
    assert.deepEqual(a.daily, [{ date: day(0), votes: 1 }])
    ok(await voteFrom(poll.id, token, ['maybe']))
    assert.equal(await storedPage(poll.id), 'https://city.example/news/b')
    // A replay (same key) changes nothing, not even the page.
    const key = uid('same')
    ok(await voteFrom(poll.id, token, ['yes'], 'https://city.example/news/c', key))
    ok(await voteFrom(poll.id, token, ['yes'], 'https://city.example/news/d', key))
    a = await activity(poll.id)
    assert.equal(a.voters, 1)
    assert.deepEqual(a.byPage, [{ page: 'https://city.example/news/c', votes: 1 }])
    assert.equal((await adminResults(t.app, poll.id)).voters, 1)
  })

  test('daily: every UTC day from the first vote to today, zeros included, by the day a vote was first cast', async () => {
    const poll = await createPoll(t.app, siteId, { allowChange: true })
    const first = await mintToken(t.app)
    ok(await voteFrom(poll.id, first, ['yes'], 'https://city.example/a'))
    await backdate(poll.id, 3)
    ok(await voteFrom(poll.id, await mintToken(t.app), ['no'], 'https://city.example/a'))
    ok(await voteFrom(poll.id, await mintToken(t.app), ['no']))
    // Changing the old vote today does not move it to today.
    ok(await voteFrom(poll.id, first, ['no']))
    const a = await activity(poll.id)
    assert.equal(a.voters, 3)
    assert.deepEqual(a.daily, [{ date: day(-3), votes: 1 }, { date: day(-2), votes: 0 }, { date: day(-1), votes: 0 }, { date: day(0), votes: 2 }])
    assert.deepEqual([a.from, a.to, a.earlier], [day(-3), day(0), 0])
    assert.deepEqual(a.byPage, [{ page: 'https://city.example/a', votes: 2 }, { page: null, votes: 1 }])
  })

  test('daily ends on the day the poll closed; a poll without votes has no days', async () => {
    const poll = await createPoll(t.app, siteId)
    assert.deepEqual(await activity(poll.id), { voters: 0, from: null, to: null, daily: [], earlier: 0, byPage: [], otherPages: { pages: 0, votes: 0 } })
    ok(await voteFrom(poll.id, await mintToken(t.app), ['yes'], 'https://city.example/a'))
    await backdate(poll.id, 10)
    ok(await t.app.inject({ method: 'PATCH', url: `/v1/admin/polls/${poll.id}`, headers: admin, payload: { closesAt: new Date(Date.now() - 8 * DAY).toISOString() } }))
    const a = await activity(poll.id)
    assert.deepEqual([a.from, a.to], [day(-10), day(-8)])
    assert.deepEqual(a.daily.map((d: any) => d.votes), [1, 0, 0])
  })

  test('daily is bounded to 366 days: older votes are summed as `earlier`', async () => {
    const poll = await createPoll(t.app, siteId)
    const old = await mintToken(t.app)
    ok(await voteFrom(poll.id, old, ['yes']))
    await backdate(poll.id, 400)
    ok(await voteFrom(poll.id, await mintToken(t.app), ['no']))
    const a = await activity(poll.id)
    assert.equal(a.daily.length, 366)
    assert.deepEqual([a.from, a.to, a.earlier, a.voters], [day(-365), day(0), 1, 2])
    assert.deepEqual(a.daily.at(-1), { date: day(0), votes: 1 })
    assert.equal(a.daily.reduce((s: number, d: any) => s + d.votes, 0) + a.earlier, a.voters, 'every vote is counted somewhere')
  })

  test('by page: the 50 pages with most votes (ties by address, no page first), the rest summed', async () => {
    const poll = await createPoll(t.app, siteId)
    const page = (n: number) => `https://city.example/p-${String(n).padStart(2, '0')}`
    const votes: Array<string | undefined> = [page(0), page(0), page(0), undefined]
    for (let n = 1; n <= 51; n++) votes.push(page(n))
    for (const p of votes) ok(await voteFrom(poll.id, await mintToken(t.app), ['yes'], p))
    const a = await activity(poll.id)
    assert.equal(a.voters, 55)
    assert.equal(a.byPage.length, 50)
    assert.deepEqual(a.byPage.slice(0, 3), [{ page: page(0), votes: 3 }, { page: null, votes: 1 }, { page: page(1), votes: 1 }])
    assert.deepEqual(a.byPage.at(-1), { page: page(48), votes: 1 })
    assert.deepEqual(a.otherPages, { pages: 3, votes: 3 })
  })

  test('export.json: the CSV\'s votes with their page, as an attachment, audited like the CSV', async () => {
    const poll = await createPoll(t.app, siteId, { options: ['=HYPERLINK("x")', 'Plain'] })
    const [formula, plain] = poll.options.map((o: any) => o.id)
    ok(await voteFrom(poll.id, await mintToken(t.app), [formula], 'https://city.example/news/a?q=1'))
    ok(await voteFrom(poll.id, await mintToken(t.app), [plain]))
    const editor = await signedInAs(t.app, 'editor')
    const res = await t.app.inject({ method: 'GET', url: `/v1/admin/polls/${poll.id}/export.json`, headers: editor.headers })
    assert.equal(res.statusCode, 200, res.body)
    assert.match(String(res.headers['content-type']), /^application\/json/)
    assert.equal(res.headers['content-disposition'], `attachment; filename="poll-${poll.id}.json"`)
    const body = JSON.parse(res.body)
    assert.deepEqual(body.poll, { id: poll.id, question: poll.question, type: 'single', options: poll.options })
    assert.ok(Math.abs(Date.parse(body.exportedAt) - Date.now()) < 60_000)
    const votes = [...body.votes].sort((x: any, y: any) => (x.page === null ? 1 : y.page === null ? -1 : 0))
    assert.equal(votes.length, 2)
    assert.deepEqual(Object.keys(votes[0]).sort(), ['choiceIds', 'choices', 'page', 'updatedAt', 'verified', 'votedAt', 'voter'])
    assert.deepEqual([votes[0].choices, votes[0].choiceIds, votes[0].page, votes[0].verified], [['=HYPERLINK("x")'], [formula], 'https://city.example/news/a', false])
    assert.deepEqual([votes[1].choices, votes[1].page], [['Plain'], null])
    assert.match(votes[0].voter, /^[0-9a-f]{16}$/)

    // The same votes, the same pseudonyms as the CSV.
    const csv = await t.app.inject({ method: 'GET', url: `/v1/admin/polls/${poll.id}/export.csv`, headers: admin })
    const voters = csv.body.split('\r\n').slice(1).filter(Boolean).map(l => l.split(',')[0])
    assert.deepEqual(voters.sort(), body.votes.map((v: any) => v.voter).sort())
    assert.match(csv.body, /'=HYPERLINK/, 'the CSV still quotes formulas')

    const [entry] = ok(await t.app.inject({ method: 'GET', url: '/v1/admin/audit?limit=2', headers: admin })).entries
      .filter((e: any) => e.actor?.id === editor.user.id)
    assert.deepEqual([entry.action, entry.target], ['export', { type: 'poll', id: poll.id }])
  })

  test('an empty poll exports an empty list; an unknown poll is a JSON 404 for both routes', async () => {
    const poll = await createPoll(t.app, siteId)
    const res = await t.app.inject({ method: 'GET', url: `/v1/admin/polls/${poll.id}/export.json`, headers: admin })
    assert.deepEqual(JSON.parse(res.body).votes, [])
    assertError(await t.app.inject({ method: 'GET', url: '/v1/admin/polls/nope/export.json', headers: admin }), 404, 'NOT_FOUND')
    assertError(await t.app.inject({ method: 'GET', url: '/v1/admin/polls/nope/activity', headers: admin }), 404, 'NOT_FOUND')
  })

  test('activity needs a session (a moderator reads it); export.json needs an editor', async () => {
    const poll = await createPoll(t.app, siteId)
    const moderator = await signedInAs(t.app, 'moderator')
    for (const path of ['activity', 'export.json']) {
      assertError(await t.app.inject({ method: 'GET', url: `/v1/admin/polls/${poll.id}/${path}` }), 401, 'UNAUTHORIZED')
    }
    assert.equal(ok(await t.app.inject({ method: 'GET', url: `/v1/admin/polls/${poll.id}/activity`, headers: moderator.headers })).voters, 0)
    assertError(await t.app.inject({ method: 'GET', url: `/v1/admin/polls/${poll.id}/export.json`, headers: moderator.headers }), 403, 'FORBIDDEN')
  })

  test('the contract documents the routes and the vote\'s page', async () => {
    const doc = ok(await t.app.inject({ method: 'GET', url: '/v1/openapi.json' }))
    const activityOp = doc.paths['/v1/admin/polls/{id}/activity'].get
    const schema = activityOp.responses['200'].content['application/json'].schema
    assert.deepEqual(Object.keys(schema.properties).sort(), ['byPage', 'daily', 'earlier', 'from', 'otherPages', 'to', 'voters'])
    assert.ok(doc.paths['/v1/admin/polls/{id}/export.json'].get)
    const body = doc.paths['/v1/polls/{id}/votes'].post.requestBody.content['application/json'].schema
    assert.equal(body.properties.page.maxLength, 2000)
    assert.deepEqual(body.required, ['choices'])
  })
})
