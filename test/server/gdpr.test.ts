import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { admin, forEachDb } from './helpers/harness.ts'
import type { TestApp } from './helpers/harness.ts'
import { adminResults, assertError, comment, commentWrite, createConsultation, createPoll, mintToken, ok, page, respond, uid, view, vote } from './helpers/api.ts'
import { createMapSite, submit } from './helpers/projects.ts'
import { signedInAs } from './helpers/accounts.ts'

const exportOf = (t: TestApp, token: string, headers: Record<string, string> = admin) =>
  t.app.inject({ method: 'GET', url: `/v1/admin/participants/${encodeURIComponent(token)}/export`, headers })
const eraseOf = (t: TestApp, token: string, headers: Record<string, string> = admin) =>
  t.app.inject({ method: 'DELETE', url: `/v1/admin/participants/${encodeURIComponent(token)}`, headers })

forEachDb('GDPR export and erasure of a participant', env => {
  let t: TestApp
  before(async () => { t = await env.startApp() })
  after(async () => { await t.close() })

  /** One site where `me` and `other` both vote, comment, vote on and report comments, answer, submit. */
  async function scene () {
    const siteId = await createMapSite(t.app, {}, { comments: { rateLimitSeconds: 0, dailyCap: 0, reportThreshold: 10 } })
    const poll = await createPoll(t.app, siteId)
    const cons = await createConsultation(t.app, siteId)
    const me = await mintToken(t.app)
    const other = await mintToken(t.app)
    const thread = uid('thread')
    ok(await vote(t.app, poll.id, me, ['yes']))
    ok(await vote(t.app, poll.id, other, ['yes']))
    const lonely = await comment(t.app, me, thread, 'Only mine', { site: siteId, name: 'Mia' })
    const answered = await comment(t.app, me, thread, 'Someone answered me', { site: siteId, name: 'Mia' })
    const reply = await comment(t.app, other, thread, 'I answer you', { site: siteId, name: 'Olu', parentId: answered.id })
    const theirs = await comment(t.app, other, thread, 'Olu speaks', { site: siteId, name: 'Olu' })
    ok(await commentWrite(t.app, 'POST', `/v1/comments/${theirs.id}/vote`, me, { value: 1 }))
    ok(await commentWrite(t.app, 'POST', `/v1/comments/${theirs.id}/vote`, other, { value: -1 }))
    ok(await commentWrite(t.app, 'POST', `/v1/comments/${reply.id}/vote`, me, { value: -1 }))
    ok(await commentWrite(t.app, 'POST', `/v1/comments/${theirs.id}/report`, me, { reason: 'spam' }), 202)
    ok(await commentWrite(t.app, 'POST', `/v1/comments/${answered.id}/vote`, other, { value: 1 }))
    ok(await respond(t.app, cons.id, me, { answer: 'no', section: 'mobility', locale: 'en-GB' }))
    ok(await respond(t.app, cons.id, other, { answer: 'yes' }))
    const pending = ok(await submit(t.app, siteId, me, { title: 'Pending idea', email: 'mia@example.org' }), 202)
    const approved = ok(await submit(t.app, siteId, me, { title: 'Approved idea', email: 'mia@example.org' }), 202)
    ok(await t.app.inject({ method: 'POST', url: `/v1/admin/projects/${approved.id}/approve`, headers: admin }))
    const theirProject = ok(await submit(t.app, siteId, other, { title: 'Olu idea', email: 'olu@example.org' }), 202)
    return { siteId, poll, cons, me, other, thread, lonely, answered, reply, theirs, pending, approved, theirProject }
  }

  test('export lists every row of the participant and nothing of anybody else', async () => {
    const s = await scene()
    const body = ok(await exportOf(t, s.me))
    assert.equal(body.participant, t.app.services.tokens.verify(s.me))
    assert.ok(Math.abs(Date.parse(body.exportedAt) - Date.now()) < 60_000)
    assert.deepEqual(body.votes.map((v: any) => [v.pollId, v.choices]), [[s.poll.id, ['yes']]])
    assert.deepEqual(body.comments.map((c: any) => [c.body, c.authorName]).sort(), [['Only mine', 'Mia'], ['Someone answered me', 'Mia']])
    assert.deepEqual(body.commentVotes.map((v: any) => [v.commentId, v.value]).sort(), [[s.reply.id, -1], [s.theirs.id, 1]].sort())
    assert.deepEqual(body.reports.map((r: any) => [r.commentId, r.reason]), [[s.theirs.id, 'spam']])
    assert.equal(body.consultationResponses.length, 1)
    assert.deepEqual([body.consultationResponses[0].consultationId, body.consultationResponses[0].answer, body.consultationResponses[0].section, body.consultationResponses[0].locale],
      [s.cons.id, 'no', 'mobility', 'en-GB'])
    assert.deepEqual(body.projectSubmissions.map((p: any) => [p.title, p.review, p.submitterEmail]).sort(),
      [['Approved idea', 'approved', 'mia@example.org'], ['Pending idea', 'pending', 'mia@example.org']])
    assert.doesNotMatch(JSON.stringify(body), /Olu/)

    // The bare participant id works too.
    assert.equal(ok(await exportOf(t, body.participant)).comments.length, 2)
  })

  test('erasure removes the participant\'s rows, keeps counters right and leaves others untouched', async () => {
    const s = await scene()
    const otherBefore = ok(await exportOf(t, s.other))
    const before = await adminResults(t.app, s.poll.id)
    assert.equal(before.voters, 2)

    const res = ok(await eraseOf(t, s.me))
    assert.equal(res.participant, t.app.services.tokens.verify(s.me))
    assert.deepEqual(res.deleted, {
      votes: 1, comments: 1, commentsBlanked: 1, commentVotes: 2, reports: 1,
      consultationResponses: 1, projectSubmissions: 1, projectSubmissionsAnonymised: 1
    })

    // Poll: one voter fewer, in the stored tally and in what the public sees.
    const after = await adminResults(t.app, s.poll.id)
    assert.equal(after.voters, 1)
    assert.equal(after.options.find((o: any) => o.id === 'yes').votes, 1)
    assert.ok(after.version > before.version)
    const pub = await view(t.app, s.poll.id, s.other)
    assert.deepEqual([pub.results.voters, pub.results.version], [1, after.version], 'the public cache saw the erasure at once')
    assert.equal((await view(t.app, s.poll.id, s.me)).myVote, null)
    const rows = await t.db.kysely.selectFrom('votes').select('participant_id').where('poll_id', '=', s.poll.id).execute()
    assert.deepEqual(rows.map(r => r.participant_id), [t.app.services.tokens.verify(s.other)])

    // Comments: the lone one is gone; the answered one keeps its place, without name or text.
    const thread = await page(t.app, s.siteId, s.thread)
    const shown = thread.comments.map((c: any) => c.id)
    assert.ok(!shown.includes(s.lonely.id))
    const placeholder = thread.comments.find((c: any) => c.id === s.answered.id)
    assert.equal(placeholder.status, 'deleted')
    assert.deepEqual([placeholder.author.name, placeholder.body], ['', ''])
    assert.deepEqual(placeholder.replies.map((r: any) => [r.id, r.body]), [[s.reply.id, 'I answer you']])
    assert.doesNotMatch(JSON.stringify(thread), /Mia|Someone answered|Only mine/)
    assert.equal(thread.thread.commentCount, 2, 'the two comments of the other participant')
    const stored = await t.db.kysely.selectFrom('comments').select(['id', 'up', 'down', 'score', 'open_reports', 'participant_id', 'author_key', 'body'])
      .where('id', 'in', [s.answered.id, s.reply.id, s.theirs.id]).execute()
    const byId = new Map(stored.map(r => [r.id, r]))
    assert.deepEqual([Number(byId.get(s.theirs.id)!.up), Number(byId.get(s.theirs.id)!.down), Number(byId.get(s.theirs.id)!.score), Number(byId.get(s.theirs.id)!.open_reports)], [0, 1, -1, 0])
    assert.deepEqual([Number(byId.get(s.reply.id)!.down), Number(byId.get(s.reply.id)!.score)], [0, 0])
    assert.equal(byId.get(s.answered.id)!.participant_id, null)
    assert.doesNotMatch(byId.get(s.answered.id)!.author_key, /^p:/)
    assert.equal(byId.get(s.answered.id)!.body, '')

    // Projects: the pending one is gone; the approved one stays public without its submitter.
    const projects = await t.db.kysely.selectFrom('projects').select(['id', 'submitter_email', 'participant_id'])
      .where('id', 'in', [s.pending.id, s.approved.id]).execute()
    assert.deepEqual(projects.map(p => [p.id, p.submitter_email, p.participant_id]), [[s.approved.id, null, null]])
    ok(await t.app.inject({ method: 'GET', url: `/v1/projects/${s.approved.id}` }))

    // Nothing of them is left; everything of the other participant is.
    const gone = ok(await exportOf(t, s.me))
    for (const k of ['votes', 'comments', 'commentVotes', 'reports', 'consultationResponses', 'projectSubmissions']) assert.deepEqual(gone[k], [], k)
    const otherAfter = ok(await exportOf(t, s.other))
    assert.deepEqual({ ...otherAfter, exportedAt: null }, { ...otherBefore, exportedAt: null })

    // A second erasure finds nothing and changes nothing.
    const again = ok(await eraseOf(t, s.me))
    assert.ok(Object.values(again.deleted).every(n => n === 0))
    assert.equal((await adminResults(t.app, s.poll.id)).voters, 1)
  })

  test('a forged or malformed token is a JSON 400', async () => {
    const real = await mintToken(t.app)
    const forged = real.slice(0, -3) + (real.endsWith('AAA') ? 'BBB' : 'AAA')
    assertError(await exportOf(t, forged), 400, 'TOKEN_INVALID')
    assertError(await eraseOf(t, forged), 400, 'TOKEN_INVALID')
    assertError(await exportOf(t, 'not a token'), 400, 'TOKEN_INVALID')
  })

  test('both are audited; a moderator or editor gets 403; nobody without credentials', async () => {
    const token = await mintToken(t.app)
    const signed = await signedInAs(t.app, 'admin')
    ok(await exportOf(t, token, signed.headers))
    ok(await eraseOf(t, token, signed.headers))
    const log = ok(await t.app.inject({ method: 'GET', url: '/v1/admin/audit?action=participant.', headers: admin }))
    const mine = log.entries.filter((e: any) => typeof e.actor === 'object' && e.actor.id === signed.user.id)
    assert.deepEqual(mine.map((e: any) => [e.action, e.target.type]).sort(), [['participant.delete', 'participant'], ['participant.export', 'participant']])
    assert.doesNotMatch(JSON.stringify(log), new RegExp(token.replace(/[.]/g, '\\.')), 'the token itself is not logged')

    for (const role of ['moderator', 'editor'] as const) {
      const s = await signedInAs(t.app, role)
      assertError(await exportOf(t, token, s.headers), 403, 'FORBIDDEN')
      assertError(await eraseOf(t, token, s.headers), 403, 'FORBIDDEN')
    }
    assertError(await exportOf(t, token, {}), 401, 'UNAUTHORIZED')
    assertError(await eraseOf(t, token, {}), 401, 'UNAUTHORIZED')
  })
})

describe('GDPR routes are documented', () => {
  test('both appear in the route table', async () => {
    const { readFile } = await import('node:fs/promises')
    const doc = await readFile(new URL('../../docs/api.md', import.meta.url), 'utf8')
    assert.match(doc, /GET \/v1\/admin\/participants\/:token\/export/)
    assert.match(doc, /DELETE \/v1\/admin\/participants\/:token/)
  })
})
