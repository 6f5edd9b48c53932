import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { auditAction } from '../../server/routes/admin/guard.ts'
import { admin, forEachDb } from './helpers/harness.ts'
import type { TestApp } from './helpers/harness.ts'
import { assertError, comment, createCommentSite, createPoll, createSite, mintToken, ok, uid } from './helpers/api.ts'
import { signedInAs } from './helpers/accounts.ts'
import type { Signed } from './helpers/accounts.ts'

forEachDb('audit log', env => {
  let t: TestApp
  let editor: Signed
  before(async () => {
    t = await env.startApp()
    editor = await signedInAs(t.app, 'editor')
  })
  after(() => t.close())

  const audit = async (query = '') => ok(await t.app.inject({ method: 'GET', url: `/v1/admin/audit${query}`, headers: admin }))

  test('a write records who did what to which target, with field names only', async () => {
    const site = await createSite(t.app)
    const id = uid('poll')
    ok(await t.app.inject({ method: 'POST', url: '/v1/admin/polls', headers: editor.headers, payload: { id, siteId: site.id, question: 'Secret question?', type: 'single', options: ['A', 'B'] } }), 201)
    const [entry] = (await audit('?limit=1')).entries
    assert.deepEqual(entry.actor, { id: editor.user.id, email: editor.user.email })
    assert.equal(entry.action, 'poll.create')
    assert.deepEqual(entry.target, { type: 'poll', id })
    assert.deepEqual(entry.details.fields, ['options', 'question', 'siteId', 'type'])
    assert.equal(JSON.stringify(entry).includes('Secret question'), false, 'no values')
    assert.ok(Math.abs(Date.parse(entry.at) - Date.now()) < 60_000)

    ok(await t.app.inject({ method: 'POST', url: `/v1/admin/polls/${id}/close`, headers: admin }))
    const [closed] = (await audit('?limit=1')).entries
    assert.deepEqual([closed.actor, closed.action, closed.target], ['token', 'poll.close', { type: 'poll', id }])
  })

  test('an export is recorded; refused and failed requests and plain reads are not', async () => {
    const site = await createSite(t.app)
    const poll = await createPoll(t.app, site.id)
    const before = (await audit('?limit=200')).entries.length
    assertError(await t.app.inject({ method: 'POST', url: '/v1/admin/polls', headers: editor.headers, payload: { siteId: site.id, question: 'Q', type: 'multiple', options: ['A', 'B'], maxChoices: 5 } }), 422, 'INVALID_POLL')
    assertError(await t.app.inject({ method: 'POST', url: '/v1/admin/sites', headers: editor.headers, payload: { name: 'X', origins: [] } }), 403, 'FORBIDDEN')
    ok(await t.app.inject({ method: 'GET', url: `/v1/admin/polls/${poll.id}`, headers: editor.headers }))
    assert.equal((await audit('?limit=200')).entries.length, before)

    const csv = await t.app.inject({ method: 'GET', url: `/v1/admin/polls/${poll.id}/export.csv`, headers: editor.headers })
    assert.equal(csv.statusCode, 200)
    const [entry] = (await audit('?limit=1')).entries
    assert.deepEqual([entry.action, entry.target, entry.actor.id], ['export', { type: 'poll', id: poll.id }, editor.user.id])
  })

  test('moderation, bans and sign-ins are recorded too', async () => {
    const site = await createCommentSite(t.app, { moderation: 'pre' })
    const token = await mintToken(t.app)
    const c = await comment(t.app, token, `https://city.example/${uid('page')}`, 'Held', { site: site.id })
    const mod = await signedInAs(t.app, 'moderator')
    ok(await t.app.inject({ method: 'POST', url: `/v1/admin/comments/${c.id}/reject`, headers: mod.headers, payload: { reason: 'off-topic' } }))
    ok(await t.app.inject({ method: 'POST', url: `/v1/admin/sites/${site.id}/bans`, headers: mod.headers, payload: { commentId: c.id } }), 201)
    const mine = (await audit(`?actor=${mod.user.id}`)).entries
    assert.deepEqual(mine.map((e: any) => e.action), ['comment.ban', 'comment.reject', 'session.login'])
    assert.deepEqual(mine[1].target, { type: 'comment', id: c.id })
    assert.deepEqual(mine[0].target, { type: 'site', id: site.id })
    assert.deepEqual(mine[2].target, { type: 'user', id: mod.user.id })
  })

  test('pages newest first by cursor; filters by action (exact or prefix) and by the token actor', async () => {
    const site = await createSite(t.app)
    for (let i = 0; i < 3; i++) await createPoll(t.app, site.id)
    const all = (await audit('?limit=200')).entries
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: any = await audit(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      assert.ok(page.entries.length <= 2)
      seen.push(...page.entries.map((e: any) => e.id))
      cursor = page.nextCursor
    } while (cursor)
    assert.deepEqual(seen, all.map((e: any) => e.id))
    const ats = all.map((e: any) => e.at)
    assert.deepEqual(ats, [...ats].sort().reverse())
    const creates = (await audit('?action=poll.create')).entries
    assert.ok(creates.length >= 4 && creates.every((e: any) => e.action === 'poll.create'))
    const pollish = (await audit('?action=poll.')).entries
    assert.ok(pollish.some((e: any) => e.action === 'poll.close') && pollish.every((e: any) => e.action.startsWith('poll.')))
    assert.ok((await audit('?actor=token')).entries.every((e: any) => e.actor === 'token'))
    assertError(await t.app.inject({ method: 'GET', url: '/v1/admin/audit?cursor=bogus', headers: admin }), 400, 'BAD_REQUEST')
  })

  test('actions are derived from the route when not declared', () => {
    assert.equal(auditAction('POST', '/v1/admin/polls'), 'poll.create')
    assert.equal(auditAction('PATCH', '/v1/admin/consultations/:id'), 'consultation.update')
    assert.equal(auditAction('POST', '/v1/admin/projects/:id/approve'), 'project.approve')
    assert.equal(auditAction('DELETE', '/v1/admin/consultations/:id/outcome'), 'consultation.outcome.delete')
    assert.equal(auditAction('DELETE', '/v1/admin/users/:id'), 'user.delete')
    assert.equal(auditAction('GET', '/v1/admin/polls'), undefined)
    assert.equal(auditAction('GET', '/v1/admin/polls/:id/export.csv', 'export'), 'export')
  })
})
