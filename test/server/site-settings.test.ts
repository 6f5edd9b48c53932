// Site settings of the console: default locale and retention on the site, the webhook "send test"
// against real local HTTP servers, and retention deleting raw responses while every result stays the same.
import assert from 'node:assert/strict'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, test } from 'node:test'
import { monthsBefore } from '../../server/services/retention.ts'
import { forEachDb } from './helpers/harness.ts'
import type { TestApp } from './helpers/harness.ts'
import { signedInAs } from './helpers/accounts.ts'
import {
  adminReq, adminResults, assertError, countVoteRows, createConsultation, createPoll, createSite, mintToken, ok, PAGE, readConsultation,
  respond, uid, view, vote
} from './helpers/api.ts'
import { createMapSite, submit } from './helpers/projects.ts'

test('months are counted on the calendar, the day clamped to the month\'s end', () => {
  assert.equal(monthsBefore(new Date('2026-03-31T10:00:00.000Z'), 1).toISOString(), '2026-02-28T10:00:00.000Z')
  assert.equal(monthsBefore(new Date('2026-01-15T00:00:00.000Z'), 2).toISOString(), '2025-11-15T00:00:00.000Z')
  assert.equal(monthsBefore(new Date('2026-05-31T23:59:59.999Z'), 120).toISOString(), '2016-05-31T23:59:59.999Z')
})

interface Hook { url: string; bodies: any[]; close (): Promise<void> }

/** A local incoming-webhook endpoint answering `status` (after `hangMs`). */
async function hook (status = 200, hangMs = 0): Promise<Hook> {
  const bodies: any[] = []
  const server = http.createServer((req, res) => {
    let data = ''
    req.on('data', c => { data += c })
    req.on('end', () => {
      bodies.push(JSON.parse(data))
      setTimeout(() => { if (!res.destroyed) res.writeHead(status, { 'content-type': 'text/plain' }).end('ok') }, hangMs)
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/secret`,
    bodies,
    close: () => new Promise<void>(resolve => { server.closeAllConnections(); server.close(() => resolve()) })
  }
}

/** A port nothing listens on (bound, then released). */
async function closedPort (): Promise<number> {
  const s = http.createServer()
  await new Promise<void>(resolve => s.listen(0, '127.0.0.1', resolve))
  const port = (s.address() as AddressInfo).port
  await new Promise<void>(resolve => s.close(() => resolve()))
  return port
}

const monthsAgo = (n: number, days = 0) => new Date(monthsBefore(new Date(), n).getTime() - days * 86_400_000).toISOString()

forEachDb('site settings', env => {
  let t: TestApp
  const hooks: Hook[] = []
  before(async () => { t = await env.startApp({ webhookTimeoutMs: 1500 }) })
  after(async () => {
    await t.close()
    for (const h of hooks) await h.close()
  })

  test('default locale and retention: stored, answered, validated', async () => {
    const plain = await createSite(t.app)
    assert.equal(plain.defaultLocale, null)
    assert.equal(plain.retentionMonths, null)
    const site = await createSite(t.app, { defaultLocale: 'fr', retentionMonths: 6 })
    assert.equal(site.defaultLocale, 'fr')
    assert.equal(site.retentionMonths, 6)
    const listed = ok(await adminReq(t.app, 'GET', '/sites')).sites.find((s: any) => s.id === site.id)
    assert.deepEqual([listed.defaultLocale, listed.retentionMonths], ['fr', 6])

    const patched = ok(await adminReq(t.app, 'PATCH', `/sites/${site.id}`, { defaultLocale: 'ar', retentionMonths: 120 }))
    assert.deepEqual([patched.defaultLocale, patched.retentionMonths], ['ar', 120])
    // A patch without them keeps them; null clears them.
    assert.equal(ok(await adminReq(t.app, 'PATCH', `/sites/${site.id}`, { name: 'Renamed' })).retentionMonths, 120)
    const cleared = ok(await adminReq(t.app, 'PATCH', `/sites/${site.id}`, { defaultLocale: null, retentionMonths: null }))
    assert.deepEqual([cleared.defaultLocale, cleared.retentionMonths], [null, null])

    for (const bad of [{ retentionMonths: 0 }, { retentionMonths: 121 }, { retentionMonths: 1.5 }, { retentionMonths: '6' }, { defaultLocale: 'it' }, { defaultLocale: 'FR' }]) {
      assertError(await adminReq(t.app, 'PATCH', `/sites/${site.id}`, bad), 400, 'BAD_REQUEST')
      assertError(await adminReq(t.app, 'POST', '/sites', { name: 'X', origins: [], ...bad }), 400, 'BAD_REQUEST')
    }
    assert.deepEqual(ok(await adminReq(t.app, 'GET', '/sites')).sites.find((s: any) => s.id === site.id).retentionMonths, null)
  })

  test('webhook test: delivered with the HTTP status, in the chat shape, and audited', async () => {
    const h = await hook()
    hooks.push(h)
    const site = await createSite(t.app, { name: 'Riverton <Library>', comments: { webhookUrl: h.url } })
    const res = ok(await adminReq(t.app, 'POST', `/sites/${site.id}/webhook-test`))
    assert.deepEqual(res, { ok: true, status: 200 })
    assert.equal(h.bodies.length, 1)
    const m = h.bodies[0]
    assert.match(m.text, /Test message/)
    assert.ok(m.text.includes('Riverton &lt;Library&gt;'), 'the site name is escaped like resident text')
    assert.equal(m.attachments[0].fields[0].value, `Riverton &lt;Library&gt; (${site.id})`)
    const { entries } = ok(await adminReq(t.app, 'GET', '/audit?action=site.webhook.test'))
    assert.equal(entries[0].target.id, site.id)
  })

  test('webhook test: an error status, a refused connection and a timeout are said plainly, without retries', async () => {
    const failing = await hook(503)
    const slow = await hook(200, 5000)
    hooks.push(failing, slow)
    const site = await createSite(t.app, { comments: { webhookUrl: failing.url } })
    assert.deepEqual(ok(await adminReq(t.app, 'POST', `/sites/${site.id}/webhook-test`)), { ok: false, status: 503, error: 'HTTP 503', reason: 'http' })
    assert.equal(failing.bodies.length, 1, 'one attempt, no retry')

    ok(await adminReq(t.app, 'PATCH', `/sites/${site.id}`, { comments: { webhookUrl: `http://127.0.0.1:${await closedPort()}/hook` } }))
    assert.deepEqual(ok(await adminReq(t.app, 'POST', `/sites/${site.id}/webhook-test`)), { ok: false, error: 'connection refused', reason: 'refused' })

    ok(await adminReq(t.app, 'PATCH', `/sites/${site.id}`, { comments: { webhookUrl: slow.url } }))
    const started = Date.now()
    const timedOut = ok(await adminReq(t.app, 'POST', `/sites/${site.id}/webhook-test`))
    assert.equal(timedOut.ok, false)
    assert.equal(timedOut.reason, 'timeout')
    assert.match(timedOut.error, /timed out after 1500 ms/)
    assert.ok(Date.now() - started < 4500, 'bounded by the webhook timeout')
  })

  test('webhook test: no URL is a 409, unknown site a 404, only admins may send, http(s) only', async () => {
    const site = await createSite(t.app)
    assertError(await adminReq(t.app, 'POST', `/sites/${site.id}/webhook-test`), 409, 'WEBHOOK_NOT_SET')
    assertError(await adminReq(t.app, 'POST', `/sites/${uid('none')}/webhook-test`), 404, 'NOT_FOUND')
    assertError(await adminReq(t.app, 'PATCH', `/sites/${site.id}`, { comments: { webhookUrl: 'ftp://chat.example/hook' } }), 422, 'INVALID_SITE')
    const editor = await signedInAs(t.app, 'editor')
    assertError(await t.app.inject({ method: 'POST', url: `/v1/admin/sites/${site.id}/webhook-test`, headers: editor.headers }), 403, 'FORBIDDEN')
    assertError(await t.app.inject({ method: 'POST', url: `/v1/admin/sites/${site.id}/webhook-test` }), 401, 'UNAUTHORIZED')
  })

  /** Everything a reader and staff see of a consultation's results. */
  async function consultationResults (id: string) {
    return { staff: ok(await adminReq(t.app, 'GET', `/consultations/${id}/results`)), card: ok(await readConsultation(t.app, id)).results, list: ok(await adminReq(t.app, 'GET', `/consultations/${id}`)).results }
  }

  async function pollResults (id: string) {
    const { version: _v, ...results } = await adminResults(t.app, id)
    return { staff: results, reader: (await view(t.app, id)).results }
  }

  const countRows = async (table: 'consultation_responses' | 'projects', column: 'consultation_id' | 'id', id: string) =>
    Number((await t.db.kysely.selectFrom(table).select(eb => eb.fn.countAll<string>().as('n')).where(column, '=', id).executeTakeFirstOrThrow()).n)

  test('retention deletes exactly the raw rows past it and keeps every result identical', async () => {
    const site = await createMapSite(t.app, {}, { retentionMonths: 6 })
    const keep = await createMapSite(t.app) // no retention: nothing of it goes
    const k = t.db.kysely

    // Polls: closed 7 months ago by date, closed 8 months ago by hand, closed 5 months ago, open.
    const polls: Record<string, any> = {}
    for (const [name, siteId] of [['oldByDate', site], ['oldByHand', site], ['recent', site], ['open', site], ['otherSite', keep]] as const) {
      const p = await createPoll(t.app, siteId, { options: ['Yes', 'No', 'Maybe'] })
      for (const choice of ['yes', 'yes', 'no']) ok(await vote(t.app, p.id, await mintToken(t.app), [choice]))
      polls[name] = p
    }
    await k.updateTable('polls').set({ closes_at: monthsAgo(7) }).where('id', 'in', [polls.oldByDate.id, polls.otherSite.id]).execute()
    await k.updateTable('polls').set({ closed_at: monthsAgo(8) }).where('id', '=', polls.oldByHand.id).execute()
    await k.updateTable('polls').set({ closes_at: monthsAgo(5) }).where('id', '=', polls.recent.id).execute()

    // Consultations: areas, follow-ups, pages and days to keep; one closed 7 months ago, one open.
    const areas = [{ id: 'north', label: 'North' }, { id: 'south', label: 'South' }]
    const old = await createConsultation(t.app, site, { type: 'choice', options: [{ id: 'tram', label: 'Tram' }, { id: 'bus', label: 'Bus' }], areas, followUp: 'Why?', resultsVisibility: 'always' })
    const open = await createConsultation(t.app, site, { resultsVisibility: 'always' })
    const answers = [
      { answer: 'tram', area: 'north', followUp: 'faster', page: PAGE },
      { answer: 'tram', area: 'south', page: PAGE },
      { answer: 'bus', area: 'north', page: 'https://city.example/news/other' },
      { answer: 'bus', page: 'https://city.example/news/other', followUp: 'cheaper' },
      { answer: 'tram', area: 'north', page: 'https://city.example/' }
    ]
    for (const a of answers) ok(await respond(t.app, old.id, await mintToken(t.app), a))
    ok(await respond(t.app, open.id, await mintToken(t.app), { answer: 'yes', page: PAGE }))
    // Spread the first answers over three days (the daily series must survive too).
    const rows = await k.selectFrom('consultation_responses').select('id').where('consultation_id', '=', old.id).orderBy('created_at').execute()
    for (const [i, r] of rows.entries()) await k.updateTable('consultation_responses').set({ created_at: monthsAgo(9, i % 3) }).where('id', '=', r.id).execute()
    await k.updateTable('consultations').set({ closes_at: monthsAgo(7) }).where('id', '=', old.id).execute()

    // Project suggestions: rejected 7 months ago (goes), rejected last week, pending for a year (stay).
    const suggestion = async (siteId: string) => ok(await submit(t.app, siteId, await mintToken(t.app), {}), 202).id as string
    const oldRejected = await suggestion(site)
    const recentRejected = await suggestion(site)
    const oldPending = await suggestion(site)
    const otherRejected = await suggestion(keep)
    for (const id of [oldRejected, recentRejected, otherRejected]) ok(await adminReq(t.app, 'POST', `/projects/${id}/reject`, { reason: 'duplicate' }))
    await k.updateTable('projects').set({ reviewed_at: monthsAgo(7) }).where('id', 'in', [oldRejected, otherRejected]).execute()
    await k.updateTable('projects').set({ reviewed_at: monthsAgo(0, 7) }).where('id', '=', recentRejected).execute()
    await k.updateTable('projects').set({ created_at: monthsAgo(12) }).where('id', '=', oldPending).execute()

    // One old poll's votes on three days and two pages (none recorded for one): its participation must survive.
    const pv = await k.selectFrom('votes').select('voter_key').where('poll_id', '=', polls.oldByDate.id).orderBy('voter_key').execute()
    for (const [i, r] of pv.entries()) {
      await k.updateTable('votes').set({ created_at: monthsAgo(9, i), page: i === 0 ? null : i === 1 ? PAGE : 'https://city.example/' })
        .where('poll_id', '=', polls.oldByDate.id).where('voter_key', '=', r.voter_key).execute()
    }
    const activity = async (id: string) => ok(await adminReq(t.app, 'GET', `/polls/${id}/activity`))
    const beforeActivity = await activity(polls.oldByDate.id)
    assert.equal(beforeActivity.daily.filter((d: any) => d.votes > 0).length, 3)
    assert.equal(beforeActivity.byPage.length, 3)

    const beforePolls = Object.fromEntries(await Promise.all(Object.entries(polls).map(async ([n, p]) => [n, await pollResults(p.id)])))
    const beforeOld = await consultationResults(old.id)
    const beforeOpen = await consultationResults(open.id)
    assert.equal(beforeOld.staff.respondents, 5)
    assert.equal(beforeOld.staff.followUps, 2)
    assert.equal(beforeOld.staff.daily.length, 3)

    const report = ok(await adminReq(t.app, 'POST', '/retention/run'))
    const mine = report.sites.find((s: any) => s.siteId === site)
    assert.deepEqual({ votes: mine.votes, consultationResponses: mine.consultationResponses, projectSubmissions: mine.projectSubmissions, months: mine.months },
      { votes: 6, consultationResponses: 5, projectSubmissions: 1, months: 6 })
    assert.equal(report.sites.find((s: any) => s.siteId === keep), undefined, 'a site without retention is not touched')

    assert.equal(await countVoteRows(t.app, polls.oldByDate.id), 0)
    assert.equal(await countVoteRows(t.app, polls.oldByHand.id), 0)
    for (const n of ['recent', 'open', 'otherSite']) assert.equal(await countVoteRows(t.app, polls[n].id), 3, n)
    assert.equal(await countRows('consultation_responses', 'consultation_id', old.id), 0)
    assert.equal(await countRows('consultation_responses', 'consultation_id', open.id), 1)
    assert.equal(await countRows('projects', 'id', oldRejected), 0)
    for (const id of [recentRejected, oldPending, otherRejected]) assert.equal(await countRows('projects', 'id', id), 1, id)

    // Results: the same for staff and for readers, from the kept counts.
    for (const [n, p] of Object.entries(polls)) assert.deepEqual(await pollResults(p.id), beforePolls[n], n)
    assert.deepEqual(await activity(polls.oldByDate.id), beforeActivity, 'votes per day and by page are kept')
    assert.deepEqual(await consultationResults(old.id), beforeOld)
    assert.deepEqual(await consultationResults(open.id), beforeOpen)
    assert.deepEqual(ok(await adminReq(t.app, 'GET', `/consultations/${old.id}/responses`)).responses, [], 'the raw answers are gone')

    // What was answered stays locked, as it was before the rows went.
    assertError(await adminReq(t.app, 'PATCH', `/polls/${polls.oldByDate.id}`, { options: ['A', 'B'] }), 409, 'POLL_HAS_VOTES')
    assertError(await adminReq(t.app, 'PATCH', `/consultations/${old.id}`, { type: 'yes-no' }), 409, 'HAS_RESPONSES')

    // Audited as the system, with counts only.
    const { entries } = ok(await adminReq(t.app, 'GET', '/audit?actor=system&action=retention.delete'))
    const entry = entries.find((e: any) => e.target.id === site)
    assert.deepEqual(entry.actor, { id: 'system', email: 'system' })
    assert.deepEqual(entry.details, { months: 6, votes: 6, consultationResponses: 5, projectSubmissions: 1 })
    assert.ok(ok(await adminReq(t.app, 'GET', '/audit?action=retention.run')).entries.length >= 1, 'the manual run is audited too')

    // A second run finds nothing more and changes nothing.
    const again = ok(await adminReq(t.app, 'POST', '/retention/run')).sites.find((s: any) => s.siteId === site)
    assert.deepEqual([again.votes, again.consultationResponses, again.projectSubmissions], [0, 0, 0])
    assert.deepEqual(await consultationResults(old.id), beforeOld)
    const status = ok(await adminReq(t.app, 'GET', '/retention'))
    assert.equal(status.intervalMinutes, 60)
    assert.equal(status.lastRun.at, ok(await adminReq(t.app, 'GET', '/retention')).lastRun.at)

    // Once its rows went, it stays closed: nothing would stop a resident answering twice.
    assertError(await adminReq(t.app, 'POST', `/consultations/${old.id}/open`), 409, 'RESPONSES_DELETED')
    assertError(await adminReq(t.app, 'PATCH', `/consultations/${old.id}`, { closesAt: null }), 409, 'RESPONSES_DELETED')
    assertError(await adminReq(t.app, 'POST', `/polls/${polls.oldByHand.id}/open`), 409, 'RESPONSES_DELETED')
    assertError(await adminReq(t.app, 'PATCH', `/polls/${polls.oldByDate.id}`, { closesAt: null }), 409, 'RESPONSES_DELETED')
    assert.equal(ok(await adminReq(t.app, 'PATCH', `/polls/${polls.oldByDate.id}`, { question: 'Renamed after retention?' })).question, 'Renamed after retention?', 'other edits still work')
    assert.deepEqual(await consultationResults(old.id), beforeOld)
  })

  test('a closing date typed years back closes the poll now: retention waits N months from now', async () => {
    const site = await createMapSite(t.app, {}, { retentionMonths: 1 })
    const poll = await createPoll(t.app, site)
    for (const choice of ['yes', 'no']) ok(await vote(t.app, poll.id, await mintToken(t.app), [choice]))
    const consultation = await createConsultation(t.app, site)
    ok(await respond(t.app, consultation.id, await mintToken(t.app), { answer: 'yes', page: PAGE }))
    const typo = ok(await adminReq(t.app, 'PATCH', `/polls/${poll.id}`, { closesAt: '2020-06-01T00:00:00.000Z' }))
    assert.equal(typo.status, 'closed')
    assert.ok(Date.now() - Date.parse(typo.closedAt) < 60_000, 'closed now, not in 2020')
    const typoC = ok(await adminReq(t.app, 'PATCH', `/consultations/${consultation.id}`, { closesAt: '2020-06-01T00:00:00.000Z' }))
    assert.ok(Date.now() - Date.parse(typoC.closedAt) < 60_000)
    const mine = ok(await adminReq(t.app, 'POST', '/retention/run')).sites.find((s: any) => s.siteId === site)
    assert.deepEqual([mine.votes, mine.consultationResponses], [0, 0], 'nothing deleted for a month')
    assert.equal(await countVoteRows(t.app, poll.id), 2)
    // The typo is mended by opening it again: nothing was lost.
    assert.equal(ok(await adminReq(t.app, 'POST', `/polls/${poll.id}/open`)).status, 'open')
  })

  test('the audit log keeps its entries AUDIT_RETENTION_MONTHS months; unset, for ever', async () => {
    const storage = await env.storage()
    const entry = (id: string, at: string) => ({ id, at, actor_id: null, actor_email: 'former.clerk@city.example', action: 'poll.create', target_type: 'poll', target_id: 'p', details: null })
    const kept = await env.startApp({ retentionIntervalMinutes: 0 }, storage)
    try {
      await kept.db.kysely.insertInto('audit_log').values(entry('audit-ancient', monthsAgo(120))).execute()
      assert.equal(ok(await adminReq(kept.app, 'POST', '/retention/run')).auditEntries, 0)
      assert.ok(await kept.db.kysely.selectFrom('audit_log').select('id').where('id', '=', 'audit-ancient').executeTakeFirst(), 'unset: nothing goes')
    } finally {
      await kept.close()
    }
    const pruned = await env.startApp({ retentionIntervalMinutes: 0, auditRetentionMonths: 12 }, storage)
    try {
      const k = pruned.db.kysely
      await k.insertInto('audit_log').values([entry('audit-old', monthsAgo(12, 1)), entry('audit-recent', monthsAgo(11))]).execute()
      const report = ok(await adminReq(pruned.app, 'POST', '/retention/run'))
      assert.equal(report.auditEntries, 2, 'the two entries older than 12 months')
      const left = (await k.selectFrom('audit_log').select('id').where('id', 'in', ['audit-ancient', 'audit-old', 'audit-recent']).execute()).map(r => r.id)
      assert.deepEqual(left, ['audit-recent'])
      const note = await k.selectFrom('audit_log').selectAll().where('action', '=', 'retention.audit').executeTakeFirstOrThrow()
      assert.equal(note.actor_id, 'system')
      const details = JSON.parse(note.details!)
      assert.deepEqual([details.months, details.deleted], [12, 2])
      assert.equal(ok(await adminReq(pruned.app, 'POST', '/retention/run')).auditEntries, 0, 'a second run finds nothing')
    } finally {
      await pruned.close()
    }
  })

  test('retention runs when the server starts', async () => {
    const storage = await env.storage()
    const first = await env.startApp({ retentionIntervalMinutes: 0 }, storage)
    const site = await createSite(first.app, { retentionMonths: 1 })
    const p = await createPoll(first.app, site.id)
    ok(await vote(first.app, p.id, await mintToken(first.app), ['yes']))
    await first.db.kysely.updateTable('polls').set({ closes_at: monthsAgo(2) }).where('id', '=', p.id).execute()
    assert.equal(first.app.services.retention.lastRun, null, 'interval 0: no automatic run')
    await first.close()

    const second = await env.startApp({}, storage)
    try {
      const deadline = Date.now() + 5000
      while (second.app.services.retention.lastRun === null && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 20))
      assert.equal(second.app.services.retention.lastRun?.votes, 1)
      assert.equal(await countVoteRows(second.app, p.id), 0)
      assert.equal((await adminResults(second.app, p.id)).voters, 1)
    } finally {
      await second.close()
    }
  })
})
