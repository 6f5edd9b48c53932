import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { admin, forEachDb } from './helpers/harness.ts'
import type { TestApp } from './helpers/harness.ts'
import { assertError, comment, createCommentSite, createPoll, createSite, mintToken, ok, uid } from './helpers/api.ts'
import { signedInAs } from './helpers/accounts.ts'
import type { Signed } from './helpers/accounts.ts'

const PUBLIC = ['DELETE /v1/admin/session', 'GET /v1/admin/session', 'HEAD /v1/admin/session', 'POST /v1/admin/session', 'POST /v1/admin/setup']

forEachDb('admin authentication and roles', env => {
  let t: TestApp
  let editor: Signed
  let moderator: Signed
  let adminUser: Signed
  before(async () => {
    t = await env.startApp()
    editor = await signedInAs(t.app, 'editor')
    moderator = await signedInAs(t.app, 'moderator')
    adminUser = await signedInAs(t.app, 'admin')
  })
  after(() => t.close())

  test('every admin route in the route table refuses requests without valid credentials', async () => {
    const routes = t.app.routeTable.filter(r => r.url === '/v1/admin' || r.url.startsWith('/v1/admin/'))
    // The table is the live one: a route added later is walked too. Sanity floor on its size.
    assert.ok(routes.length >= 50, `only ${routes.length} admin routes found`)
    const publicOnes = routes.filter(r => r.public).map(r => `${r.method} ${r.url}`).sort()
    assert.deepEqual(publicOnes, PUBLIC)
    const credentials: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer wrong-token' },
      { authorization: 'Participant abc' },
      { cookie: 'civic_session=forged-session-token' },
      { cookie: `civic_session=${'A'.repeat(43)}`, 'x-csrf-token': 'x' }
    ]
    let checked = 0
    for (const r of routes.filter(r => !r.public)) {
      const url = r.url.replace(/:[a-zA-Z]+/g, 'some-id')
      for (const headers of credentials) {
        const res = await t.app.inject({ method: r.method as 'GET', url, headers, ...(['POST', 'PUT', 'PATCH'].includes(r.method) ? { payload: {} } : {}) })
        assert.equal(res.statusCode, 401, `${r.method} ${r.url} with ${JSON.stringify(headers)} answered ${res.statusCode}: ${res.body}`)
        if (r.method !== 'HEAD') assert.equal(res.json().error.code, 'UNAUTHORIZED')
        checked++
      }
    }
    assert.ok(checked >= routes.length * 4)
  })

  test('the public ones do not leak anything without a session', async () => {
    assertError(await t.app.inject({ method: 'GET', url: '/v1/admin/session' }), 401, 'UNAUTHORIZED')
    assertError(await t.app.inject({ method: 'POST', url: '/v1/admin/session', payload: { email: 'x@y.z', password: 'nope' }, remoteAddress: '10.9.9.9' }), 401, 'INVALID_CREDENTIALS')
    assertError(await t.app.inject({ method: 'POST', url: '/v1/admin/setup', payload: { token: 'guess', email: 'x@y.z', name: 'X', password: 'long enough password' } }), 401, 'INVALID_SETUP_TOKEN')
  })

  test('cookie-authenticated writes need the CSRF token; bearer ones do not', async () => {
    const site = await createSite(t.app)
    const body = { siteId: site.id, question: 'Q?', type: 'single', options: ['A', 'B'] }
    assertError(await t.app.inject({ method: 'POST', url: '/v1/admin/polls', headers: { cookie: editor.cookie }, payload: body }), 403, 'CSRF')
    assertError(await t.app.inject({ method: 'POST', url: '/v1/admin/polls', headers: { cookie: editor.cookie, 'x-csrf-token': moderator.csrf }, payload: body }), 403, 'CSRF')
    assertError(await t.app.inject({ method: 'POST', url: '/v1/admin/polls', headers: { cookie: editor.cookie, 'x-csrf-token': '' }, payload: body }), 403, 'CSRF')
    const poll = ok(await t.app.inject({ method: 'POST', url: '/v1/admin/polls', headers: editor.headers, payload: body }), 201)
    // Reads need no token.
    assert.equal(ok(await t.app.inject({ method: 'GET', url: `/v1/admin/polls/${poll.id}`, headers: { cookie: editor.cookie } })).id, poll.id)
    ok(await t.app.inject({ method: 'POST', url: `/v1/admin/polls/${poll.id}/close`, headers: admin }))
    // A wrong bearer is refused even next to a valid cookie (no silent fallback).
    assertError(await t.app.inject({ method: 'GET', url: '/v1/admin/polls', headers: { cookie: editor.cookie, authorization: 'Bearer wrong' } }), 401, 'UNAUTHORIZED')
  })

  test('an editor manages content but cannot touch sites, users or the audit log', async () => {
    const site = await createSite(t.app)
    const forbidden = [
      { method: 'POST', url: '/v1/admin/sites', payload: { name: 'X', origins: [] } },
      { method: 'PATCH', url: `/v1/admin/sites/${site.id}`, payload: { name: 'Renamed' } },
      { method: 'GET', url: '/v1/admin/users' },
      { method: 'POST', url: '/v1/admin/users', payload: { email: 'e@x.example', name: 'E', role: 'admin', password: 'long enough password' } },
      { method: 'GET', url: '/v1/admin/audit' }
    ] as const
    for (const r of forbidden) {
      const e = assertError(await t.app.inject({ ...r, headers: editor.headers }), 403, 'FORBIDDEN')
      assert.equal(e.message, 'Your role (editor) cannot do this')
    }
    const poll = await createPoll(t.app, site.id)
    ok(await t.app.inject({ method: 'PATCH', url: `/v1/admin/polls/${poll.id}`, headers: editor.headers, payload: { question: 'New?' } }))
    const csv = await t.app.inject({ method: 'GET', url: `/v1/admin/polls/${poll.id}/export.csv`, headers: editor.headers })
    assert.equal(csv.statusCode, 200)
    assert.equal(ok(await t.app.inject({ method: 'GET', url: '/v1/admin/sites', headers: editor.headers })).sites.some((s: any) => s.id === site.id), true)
    // Admins (console users) may do all of it.
    ok(await t.app.inject({ method: 'PATCH', url: `/v1/admin/sites/${site.id}`, headers: adminUser.headers, payload: { name: 'Renamed' } }))
    ok(await t.app.inject({ method: 'GET', url: '/v1/admin/audit', headers: adminUser.headers }))
  })

  test('a moderator moderates and reads content, but cannot create polls, export or change sites', async () => {
    const site = await createCommentSite(t.app, { moderation: 'pre' })
    const token = await mintToken(t.app)
    const pending = await comment(t.app, token, `https://city.example/${uid('page')}`, 'Please review me', { site: site.id })
    assert.equal(pending.status, 'pending')
    const approved = ok(await t.app.inject({ method: 'POST', url: `/v1/admin/comments/${pending.id}/approve`, headers: moderator.headers }))
    assert.equal(approved.status, 'published')
    const poll = await createPoll(t.app, site.id)
    assert.equal(ok(await t.app.inject({ method: 'GET', url: `/v1/admin/polls/${poll.id}`, headers: moderator.headers })).id, poll.id)
    // Reading results is reading content: the results screens work for moderators; exports stay with editors.
    assert.equal(ok(await t.app.inject({ method: 'GET', url: `/v1/admin/polls/${poll.id}/results`, headers: moderator.headers })).voters, 0)
    assert.ok(Array.isArray(ok(await t.app.inject({ method: 'GET', url: `/v1/admin/polls/${poll.id}/activity`, headers: moderator.headers })).daily))
    const forbidden = [
      { method: 'POST', url: '/v1/admin/polls', payload: { siteId: site.id, question: 'Q?', type: 'single', options: ['A', 'B'] } },
      { method: 'POST', url: `/v1/admin/polls/${poll.id}/close` },
      { method: 'GET', url: `/v1/admin/polls/${poll.id}/export.csv` },
      { method: 'PATCH', url: `/v1/admin/sites/${site.id}`, payload: { name: 'Mine now' } },
      { method: 'DELETE', url: `/v1/admin/users/${editor.user.id}` }
    ] as const
    for (const r of forbidden) {
      const e = assertError(await t.app.inject({ ...r, headers: moderator.headers }), 403, 'FORBIDDEN')
      assert.equal(e.message, 'Your role (moderator) cannot do this')
    }
    assert.equal(ok(await t.app.inject({ method: 'GET', url: `/v1/admin/polls/${poll.id}`, headers: admin })).question, 'Q?')
  })

  test('a role change takes effect on the next request of an open session', async () => {
    const u = await signedInAs(t.app, 'editor')
    const site = await createSite(t.app)
    const body = { siteId: site.id, question: 'Q?', type: 'single', options: ['A', 'B'] }
    ok(await t.app.inject({ method: 'POST', url: '/v1/admin/polls', headers: u.headers, payload: body }), 201)
    ok(await t.app.inject({ method: 'PATCH', url: `/v1/admin/users/${u.user.id}`, headers: admin, payload: { role: 'moderator' } }))
    assertError(await t.app.inject({ method: 'POST', url: '/v1/admin/polls', headers: u.headers, payload: body }), 403, 'FORBIDDEN')
  })
})
