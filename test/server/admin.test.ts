import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { admin, forEachDb, ORIGIN } from './helpers/harness.ts'
import type { TestApp } from './helpers/harness.ts'
import { assertError, createPoll, createSite, mintToken, ok, view, vote } from './helpers/api.ts'

forEachDb('admin API', env => {
  let t: TestApp
  before(async () => {
    t = await env.startApp()
    await createSite(t.app) // makes ORIGIN known, so participants can be minted
  })
  after(() => t.close())

  const req = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    t.app.inject({ method, url: `/v1/admin${url}`, headers: admin, ...(payload === undefined ? {} : { payload: payload as object }) })

  test('401 without, with a wrong, or with a non-bearer token', async () => {
    for (const authorization of [undefined, 'Bearer wrong', 'Bearer test-admin-token-but-longer', 'Basic dGVzdA==', 'Bearer']) {
      const res = await t.app.inject({ method: 'GET', url: '/v1/admin/sites', headers: authorization ? { authorization } : {} })
      assertError(res, 401, 'UNAUTHORIZED')
      assert.equal(res.headers['www-authenticate'], 'Bearer')
    }
    assertError(await t.app.inject({ method: 'POST', url: '/v1/admin/polls', payload: {} }), 401, 'UNAUTHORIZED')
  })

  test('sites: create, list, patch; origins normalised; bad origins refused', async () => {
    const site = await createSite(t.app, { origins: ['HTTPS://News.Example:443', 'http://localhost:3000'] })
    assert.deepEqual(site.origins, ['https://news.example', 'http://localhost:3000'])
    assert.equal(site.identity, null)
    const list = ok(await req('GET', '/sites')).sites
    assert.ok(list.some((s: any) => s.id === site.id))
    const patched = ok(await req('PATCH', `/sites/${site.id}`, { name: 'Renamed', identity: { secret: 'x'.repeat(20) } }))
    assert.equal(patched.name, 'Renamed')
    assert.deepEqual(patched.identity, { hasSecret: true })
    const e = assertError(await req('POST', '/sites', { name: 'Bad', origins: ['https://ok.example', 'https://x.example/path', 'javascript:alert(1)'] }), 422, 'INVALID_SITE')
    assert.deepEqual((e.details as any).origins, ['https://x.example/path', 'javascript:alert(1)'])
    assertError(await req('POST', '/sites', { id: site.id, name: 'Dup', origins: [] }), 409, 'ALREADY_EXISTS')
    assertError(await req('PATCH', '/sites/nope', { name: 'x' }), 404, 'NOT_FOUND')
    assertError(await req('POST', '/sites', { name: 'x', origins: [], identity: {} }), 422, 'INVALID_SITE')
    assertError(await req('POST', '/sites', { name: 'x', origins: [], identity: { jwksUrl: 'http://keys.example/jwks' } }), 422, 'INVALID_SITE')
    assertError(await req('POST', '/sites', { name: 'x', origins: 'https://a.example' }), 400, 'BAD_REQUEST')
  })

  test('a site\'s new origin may write at once (the allow-list cache is refreshed)', async () => {
    const site = await createSite(t.app, { origins: [] })
    const poll = await createPoll(t.app, site.id)
    const token = await mintToken(t.app)
    assertError(await vote(t.app, poll.id, token, ['yes'], { origin: 'https://late.example' }), 403, 'ORIGIN_NOT_ALLOWED')
    ok(await req('PATCH', `/sites/${site.id}`, { origins: ['https://late.example'] }))
    // A token counts only from the origin it was minted for: the new origin's pages mint their own.
    const late = await mintToken(t.app, 'https://late.example')
    ok(await vote(t.app, poll.id, late, ['yes'], { origin: 'https://late.example' }))
  })

  test('polls: create with labels or {id,label}, defaults, get, list by site', async () => {
    const site = await createSite(t.app)
    const p = await createPoll(t.app, site.id, { options: ['Grüne Wiese', { id: 'custom', label: 'Custom' }, 'Grüne Wiese'] })
    assert.deepEqual(p.options, [{ id: 'grune-wiese', label: 'Grüne Wiese' }, { id: 'custom', label: 'Custom' }, { id: 'grune-wiese-2', label: 'Grüne Wiese' }])
    assert.equal(p.resultsVisibility, 'always')
    assert.equal(p.allowChange, false)
    assert.equal(p.status, 'open')
    assert.equal(p.results.voters, 0)
    const other = await createPoll(t.app, (await createSite(t.app)).id)
    const listed = ok(await req('GET', `/polls?site=${site.id}`)).polls.map((x: any) => x.id)
    assert.deepEqual(listed, [p.id])
    assert.ok(ok(await req('GET', '/polls')).polls.some((x: any) => x.id === other.id))
    assert.equal(ok(await req('GET', `/polls/${p.id}`)).id, p.id)
    assertError(await req('GET', '/polls/nope'), 404, 'NOT_FOUND')
  })

  test('polls: invalid shapes are 422 INVALID_POLL or 400 BAD_REQUEST', async () => {
    const site = await createSite(t.app)
    const base = { siteId: site.id, question: 'Q', type: 'multiple', options: ['A', 'B'] }
    assertError(await req('POST', '/polls', { ...base, maxChoices: 3 }), 422, 'INVALID_POLL')
    assertError(await req('POST', '/polls', { ...base, opensAt: '2030-01-02T00:00:00Z', closesAt: '2030-01-01T00:00:00Z' }), 422, 'INVALID_POLL')
    assertError(await req('POST', '/polls', { ...base, siteId: 'missing-site' }), 422, 'INVALID_POLL')
    assertError(await req('POST', '/polls', { ...base, verifiedOnly: true }), 422, 'INVALID_POLL')
    assertError(await req('POST', '/polls', { ...base, options: [{ id: 'a', label: 'A' }, { id: 'a', label: 'B' }] }), 422, 'INVALID_POLL')
    assertError(await req('POST', '/polls', { ...base, options: ['A'] }), 400, 'BAD_REQUEST')
    assertError(await req('POST', '/polls', { ...base, type: 'approval' }), 400, 'BAD_REQUEST')
    assertError(await req('POST', '/polls', { ...base, opensAt: 'tomorrow' }), 400, 'BAD_REQUEST')
    assertError(await req('POST', '/polls', { ...base, id: 'Has Spaces' }), 400, 'BAD_REQUEST')
    assertError(await req('POST', '/polls', { ...base, question: 'nul \u0000' }), 400, 'BAD_REQUEST')
    const p = await createPoll(t.app, site.id)
    assertError(await req('POST', '/polls', { ...base, id: p.id }), 409, 'ALREADY_EXISTS')
  })

  test('polls: options change only while nobody voted; text can always change', async () => {
    const site = await createSite(t.app)
    const p = await createPoll(t.app, site.id)
    const changed = ok(await req('PATCH', `/polls/${p.id}`, { options: ['Red', 'Blue'], question: 'Colour?' }))
    assert.deepEqual(changed.options.map((o: any) => o.id), ['red', 'blue'])
    assert.deepEqual(changed.results.options.map((o: any) => o.id), ['red', 'blue'])
    ok(await vote(t.app, p.id, await mintToken(t.app), ['red']))
    assertError(await req('PATCH', `/polls/${p.id}`, { options: ['Green', 'Blue'] }), 409, 'POLL_HAS_VOTES')
    assertError(await req('PATCH', `/polls/${p.id}`, { type: 'multiple' }), 409, 'POLL_HAS_VOTES')
    const text = ok(await req('PATCH', `/polls/${p.id}`, { question: 'Favourite colour?', description: 'Pick one', resultsVisibility: 'after-close' }))
    assert.equal(text.question, 'Favourite colour?')
    assert.equal(text.results.voters, 1)
    // The public view reflects the edit at once (the poll cache is invalidated).
    const pub = await view(t.app, p.id)
    assert.equal(pub.question, 'Favourite colour?')
    assert.equal(pub.results, null)
    assertError(await req('PATCH', `/polls/${p.id}`, { colour: 'red' }), 400, 'BAD_REQUEST')
  })

  test('polls: close and open', async () => {
    const site = await createSite(t.app)
    const p = await createPoll(t.app, site.id, { opensAt: new Date(Date.now() + 86_400_000).toISOString() })
    assert.equal(p.status, 'scheduled')
    const opened = ok(await req('POST', `/polls/${p.id}/open`))
    assert.equal(opened.status, 'open')
    ok(await vote(t.app, p.id, await mintToken(t.app), ['yes']))
    const closed = ok(await req('POST', `/polls/${p.id}/close`))
    assert.equal(closed.status, 'closed')
    assert.ok(closed.closedAt)
    assertError(await vote(t.app, p.id, await mintToken(t.app), ['yes']), 409, 'POLL_CLOSED')
    assert.equal(ok(await req('POST', `/polls/${p.id}/open`)).status, 'open')
    ok(await vote(t.app, p.id, await mintToken(t.app), ['no']))
    assert.equal(ok(await req('GET', `/polls/${p.id}/results`)).voters, 2)
    assertError(await req('POST', '/polls/nope/close'), 404, 'NOT_FOUND')
  })

  test('the admin API is not open to cross-origin browsers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/admin/sites', headers: { ...admin, origin: ORIGIN } })
    assert.equal(res.statusCode, 200)
    assert.equal(res.headers['access-control-allow-origin'], undefined)
    const preflight = await t.app.inject({ method: 'OPTIONS', url: '/v1/admin/sites', headers: { origin: ORIGIN, 'access-control-request-method': 'GET' } })
    assert.equal(preflight.headers['access-control-allow-origin'], undefined)
    assert.equal(String(preflight.headers['access-control-allow-methods'] ?? '').includes('PATCH'), false)
  })
})
