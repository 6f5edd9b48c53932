import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import {
  canSeeResults, checkResponse, consultationStatus, pickActive, targetRank
} from '../../server/services/consultation-rules.ts'
import type { Consultation } from '../../server/store/consultations-repo.ts'
import { admin, forEachDb, ORIGIN } from './helpers/harness.ts'
import type { TestApp } from './helpers/harness.ts'
import {
  activeConsultation, assertError, createConsultation, createSite, mintToken, ok, PAGE, readConsultation, respond, uid
} from './helpers/api.ts'

const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString()

function consultation (extra: Partial<Consultation> = {}): Consultation {
  return {
    id: 'c', siteId: 's', type: 'yes-no', question: 'Q?', description: null, options: [], notSure: false, scaleLabels: null,
    maxLength: 500, followUp: null, areas: null, targeting: { paths: [], sections: [], siteWide: false }, sampling: 1, capDays: 30,
    opensAt: null, closesAt: null, closedAt: null, resultsVisibility: 'after-answer', nextSteps: null, outcome: null,
    createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', ...extra
  }
}

test('status follows the schedule, a manual close and the server clock', () => {
  const now = new Date('2026-03-01T12:00:00.000Z')
  assert.equal(consultationStatus(consultation(), now), 'open')
  assert.equal(consultationStatus(consultation({ opensAt: '2026-03-02T00:00:00.000Z' }), now), 'scheduled')
  assert.equal(consultationStatus(consultation({ closesAt: '2026-03-01T12:00:00.000Z' }), now), 'closed', 'closes at the instant')
  assert.equal(consultationStatus(consultation({ closedAt: '2026-02-01T00:00:00.000Z', opensAt: '2026-04-01T00:00:00.000Z' }), now), 'closed')
})

test('results visibility in one table', () => {
  const cases: Array<[Consultation['resultsVisibility'], 'open' | 'closed', boolean, boolean, boolean]> = [
    // rule, status, answered, staff → visible
    ['always', 'open', false, false, true],
    ['after-answer', 'open', false, false, false],
    ['after-answer', 'open', true, false, true],
    ['after-answer', 'closed', false, false, true],
    ['after-close', 'open', true, false, false],
    ['after-close', 'closed', false, false, true],
    ['staff', 'closed', true, false, false],
    ['staff', 'open', false, true, true]
  ]
  for (const [rule, status, hasAnswered, staff, visible] of cases) {
    assert.equal(canSeeResults(consultation({ resultsVisibility: rule }), status, { hasAnswered, staff }), visible, `${rule} ${status} answered=${hasAnswered}`)
  }
})

test('answers per type; follow-up and area rules', () => {
  const field = (fn: () => unknown) => {
    try { fn() } catch (err: any) { return `${err.code}:${err.details.field}` }
    return 'ok'
  }
  const yesNo = consultation()
  assert.equal(field(() => checkResponse(yesNo, { answer: 'yes' })), 'ok')
  assert.equal(field(() => checkResponse(yesNo, { answer: 'not-sure' })), 'INVALID_ANSWER:answer')
  assert.equal(field(() => checkResponse(consultation({ notSure: true }), { answer: 'not-sure' })), 'ok')
  for (const type of ['scale', 'emoji'] as const) {
    for (const a of ['1', '5']) assert.equal(field(() => checkResponse(consultation({ type }), { answer: a })), 'ok')
    for (const a of ['0', '6', '3.0', ' 3', 'yes', '']) assert.equal(field(() => checkResponse(consultation({ type }), { answer: a })), 'INVALID_ANSWER:answer', `${type} ${a}`)
  }
  const choice = consultation({ type: 'choice', options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }] })
  assert.equal(field(() => checkResponse(choice, { answer: 'b' })), 'ok')
  assert.equal(field(() => checkResponse(choice, { answer: 'A' })), 'INVALID_ANSWER:answer')
  const text = consultation({ type: 'text', maxLength: 3 })
  assert.equal(field(() => checkResponse(text, { answer: '😀😀😀' })), 'ok', 'length in code points')
  assert.equal(field(() => checkResponse(text, { answer: 'abcd' })), 'INVALID_ANSWER:answer')
  assert.equal(field(() => checkResponse(text, { answer: '  \n' })), 'INVALID_ANSWER:answer')
  assert.equal(field(() => checkResponse(yesNo, { answer: 'yes', followUp: 'because' })), 'INVALID_ANSWER:followUp')
  assert.deepEqual(checkResponse(yesNo, { answer: 'yes', followUp: '  ' }), { answer: 'yes', followUp: null, area: null }, 'a blank follow-up is none')
  assert.equal(field(() => checkResponse(consultation({ followUp: 'Why?' }), { answer: 'yes', followUp: 'x'.repeat(2001) })), 'INVALID_ANSWER:followUp')
  assert.equal(field(() => checkResponse(yesNo, { answer: 'yes', area: 'north' })), 'INVALID_ANSWER:area')
  const areas = consultation({ areas: [{ id: 'north', label: 'North' }] })
  assert.equal(field(() => checkResponse(areas, { answer: 'yes', area: 'south' })), 'INVALID_ANSWER:area')
  assert.deepEqual(checkResponse(areas, { answer: 'yes', area: 'north' }), { answer: 'yes', followUp: null, area: 'north' })
})

test('targeting: section › longest path prefix › site-wide; ties go to the latest opening', () => {
  const t = (paths: string[], sections: string[], siteWide = false) => ({ paths, sections, siteWide })
  const page = (path: string, section: string | null = null) => ({ path, section })
  assert.deepEqual(targetRank(t(['/news/'], ['Mobility']), page('/news/x', ' mobility ')), [3, 0])
  assert.deepEqual(targetRank(t(['/news/', '/news/2026/'], []), page('/news/2026/x')), [2, 11])
  assert.deepEqual(targetRank(t(['/news/'], [], true), page('/about')), [1, 0])
  assert.equal(targetRank(t(['/news/'], ['mobility']), page('/about', 'parks')), null)
  assert.equal(targetRank(t(['/News/'], []), page('/news/x')), null, 'paths are case-sensitive')

  const now = new Date()
  const older = consultation({ id: 'older', targeting: t([], [], true), opensAt: '2026-01-01T00:00:00.000Z' })
  const newer = consultation({ id: 'newer', targeting: t([], [], true), opensAt: '2026-02-01T00:00:00.000Z' })
  const closed = consultation({ id: 'closed', targeting: t([], ['mobility']), closedAt: '2026-01-01T00:00:00.000Z' })
  assert.equal(pickActive([older, newer, closed], page('/x', 'mobility'), now)?.id, 'newer', 'closed ones never win')
  assert.equal(pickActive([], page('/x'), now), null)
})

forEachDb('consultations (public)', env => {
  let t: TestApp
  let siteId: string
  before(async () => {
    t = await env.startApp()
    siteId = (await createSite(t.app)).id
  })
  after(() => t.close())

  const countRows = async (id: string) => Number((await t.app.services.db.kysely.selectFrom('consultation_responses')
    .select(eb => eb.fn.countAll<string>().as('n')).where('consultation_id', '=', id).executeTakeFirstOrThrow()).n)
  const close = async (id: string) => ok(await t.app.inject({ method: 'POST', url: `/v1/admin/consultations/${id}/close`, headers: admin }))

  test('a consultation reads with its fields, status, no results before answering, no-store', async () => {
    const c = await createConsultation(t.app, siteId, {
      type: 'choice', question: 'Which first?', description: 'Tell us.', options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }],
      followUp: 'Why?', areas: [{ id: 'north', label: 'North' }], nextSteps: 'The council decides in March.', sampling: 3, capDays: 7
    })
    const res = await readConsultation(t.app, c.id)
    assert.equal(res.headers['cache-control'], 'no-store')
    const v = ok(res)
    assert.deepEqual(Object.keys(v).sort(), ['areas', 'capDays', 'closesAt', 'description', 'followUp', 'id', 'maxLength', 'myResponse', 'nextSteps',
      'notSure', 'opensAt', 'options', 'outcome', 'question', 'results', 'resultsVisibility', 'sampling', 'scaleLabels', 'serverTime', 'siteId', 'status', 'type'])
    assert.equal(v.siteId, siteId)
    assert.deepEqual(v.options, [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }])
    assert.deepEqual(v.areas, [{ id: 'north', label: 'North' }])
    assert.equal(v.followUp, 'Why?')
    assert.equal(v.nextSteps, 'The council decides in March.')
    assert.equal(v.status, 'open')
    assert.equal(v.resultsVisibility, 'after-answer')
    assert.equal(v.sampling, 3)
    assert.equal(v.capDays, 7)
    assert.equal(v.maxLength, 500)
    assert.equal(v.notSure, false)
    assert.equal(v.scaleLabels, null)
    assert.equal(v.outcome, null)
    assert.equal(v.results, null, 'after-answer: hidden until I answer')
    assert.equal(v.myResponse, null)
    assert.ok(Math.abs(Date.parse(v.serverTime) - Date.now()) < 5000)
    assertError(await readConsultation(t.app, 'no-such-consultation'), 404, 'NOT_FOUND')
    assertError(await respond(t.app, 'no-such-consultation', await mintToken(t.app), { answer: 'yes' }), 404, 'NOT_FOUND')
  })

  test('an answer is stored and answered with my response and the results; my response reads back', async () => {
    const c = await createConsultation(t.app, siteId, { notSure: true, followUp: 'Why?' })
    const token = await mintToken(t.app)
    const body = ok(await respond(t.app, c.id, token, { answer: 'no', followUp: 'Too expensive', page: `${PAGE}?utm=x#card`, section: 'mobility', locale: 'en-GB' }))
    assert.deepEqual(Object.keys(body.response).sort(), ['answer', 'area', 'at', 'followUp'])
    assert.equal(body.response.answer, 'no')
    assert.equal(body.response.followUp, 'Too expensive')
    assert.deepEqual(body.results, { respondents: 1, answers: [{ answer: 'yes', count: 0 }, { answer: 'no', count: 1 }, { answer: 'not-sure', count: 0 }] })
    const v = ok(await readConsultation(t.app, c.id, token))
    assert.deepEqual(v.myResponse, body.response)
    assert.deepEqual(v.results, body.results)
    const row = await t.app.services.db.kysely.selectFrom('consultation_responses').selectAll().where('consultation_id', '=', c.id).executeTakeFirstOrThrow()
    assert.equal(row.page, PAGE, 'stored without query and fragment')
    assert.equal(row.section, 'mobility')
    assert.equal(row.locale, 'en-GB')
    assert.equal(ok(await readConsultation(t.app, c.id)).myResponse, null, 'no token, no "my response"')
    assert.equal(ok(await readConsultation(t.app, c.id, 'v1.forged')).myResponse, null, 'a bad token on a read is ignored')
  })

  test('every type: allowed answers pass, others are 422 INVALID_ANSWER with the field', async () => {
    const cases: Array<[Record<string, unknown>, unknown[], unknown[]]> = [
      [{ type: 'yes-no' }, ['yes', 'no'], ['not-sure', 'Yes', '']],
      [{ type: 'yes-no', notSure: true }, ['not-sure'], ['maybe']],
      [{ type: 'scale', scaleLabels: { low: 'No', mid: 'Meh', high: 'Yes' } }, ['1', '3', '5'], ['0', '6', '2.5']],
      [{ type: 'emoji' }, ['1', '5'], ['6', '😀']],
      [{ type: 'choice', options: [{ id: 'red', label: 'Red' }, { id: 'blue', label: 'Blue' }] }, ['red', 'blue'], ['green', 'Red']],
      [{ type: 'text', maxLength: 10 }, ['Trees!', '0123456789', '🌳🌳🌳🌳🌳🌳🌳🌳🌳🌳'], ['', '   ', '0123456789a']]
    ]
    for (const [shape, good, bad] of cases) {
      const c = await createConsultation(t.app, siteId, shape)
      for (const answer of good) ok(await respond(t.app, c.id, await mintToken(t.app), { answer }))
      for (const answer of bad) {
        const e = assertError(await respond(t.app, c.id, await mintToken(t.app), { answer }), 422, 'INVALID_ANSWER')
        assert.equal((e.details as any).field, 'answer', `${JSON.stringify(shape)} ${answer}`)
      }
      assert.equal(await countRows(c.id), good.length, 'refused answers store nothing')
    }
    const text = await createConsultation(t.app, siteId, { type: 'text', maxLength: 5 })
    const e = assertError(await respond(t.app, text.id, await mintToken(t.app), { answer: 'too long' }), 422, 'INVALID_ANSWER')
    assert.deepEqual(e.details, { field: 'answer', max: 5, length: 8 })
  })

  test('follow-up and area: only where asked, from the list, within 2000 characters', async () => {
    const plain = await createConsultation(t.app, siteId)
    const asked = await createConsultation(t.app, siteId, { followUp: 'Why?', areas: [{ id: 'north', label: 'North' }, { id: 'south', label: 'South' }] })
    const field = async (id: string, body: Record<string, unknown>) =>
      (assertError(await respond(t.app, id, await mintToken(t.app), { answer: 'yes', ...body }), 422, 'INVALID_ANSWER').details as any).field
    assert.equal(await field(plain.id, { followUp: 'because' }), 'followUp')
    assert.equal(await field(plain.id, { area: 'north' }), 'area')
    assert.equal(await field(asked.id, { area: 'east' }), 'area')
    assert.equal(await field(asked.id, { followUp: 'x'.repeat(2001) }), 'followUp')
    const r = ok(await respond(t.app, asked.id, await mintToken(t.app), { answer: 'yes', followUp: 'x'.repeat(2000), area: 'south' })).response
    assert.equal(r.area, 'south')
    assert.equal(r.followUp.length, 2000)
    assert.equal(ok(await respond(t.app, plain.id, await mintToken(t.app), { answer: 'no', followUp: null, area: null })).response.followUp, null)
  })

  test('upsert: a second answer replaces the first and counts once; the follow-up comes as a second POST', async () => {
    const c = await createConsultation(t.app, siteId, { resultsVisibility: 'always', followUp: 'Why?', areas: [{ id: 'north', label: 'North' }] })
    const token = await mintToken(t.app)
    const first = ok(await respond(t.app, c.id, token, { answer: 'yes' }, { key: 'k1' }))
    const second = ok(await respond(t.app, c.id, token, { answer: 'yes', followUp: 'Safer streets', area: 'north' }, { key: 'k2' }))
    assert.deepEqual(second.response.followUp, 'Safer streets')
    assert.equal(second.response.area, 'north')
    assert.ok(second.response.at >= first.response.at)
    const changed = ok(await respond(t.app, c.id, token, { answer: 'no' }, { key: 'k3' }))
    assert.deepEqual(changed.response, { answer: 'no', followUp: null, area: null, at: changed.response.at }, 'replaces answer, follow-up and area')
    assert.deepEqual(changed.results, { respondents: 1, answers: [{ answer: 'yes', count: 0 }, { answer: 'no', count: 1 }] })
    assert.equal(await countRows(c.id), 1)
    // Another participant counts separately.
    ok(await respond(t.app, c.id, await mintToken(t.app), { answer: 'yes' }))
    assert.deepEqual(ok(await readConsultation(t.app, c.id)).results.answers.map((a: any) => a.count), [1, 1])
  })

  test('concurrent answers: one participant racing with itself is one response; many participants all count', async () => {
    const c = await createConsultation(t.app, siteId, { type: 'emoji', resultsVisibility: 'always' })
    const token = await mintToken(t.app)
    const racing = await Promise.all(['1', '2', '3', '4', '5', '1', '2', '3'].map((answer, i) => respond(t.app, c.id, token, { answer }, { key: `race-${i}` })))
    for (const res of racing) assert.equal(res.statusCode, 200, res.body)
    assert.equal(await countRows(c.id), 1)
    const others = await Promise.all(Array.from({ length: 12 }, () => mintToken(t.app)))
    const same = await Promise.all(others.map(tk => respond(t.app, c.id, tk, { answer: '5' }, { key: 'same-key-for-everyone' })))
    for (const res of same) assert.equal(res.statusCode, 200, res.body)
    const results = ok(await readConsultation(t.app, c.id)).results
    assert.equal(results.respondents, 13)
    assert.equal(results.answers.find((a: any) => a.answer === '5').count >= 12, true)
    assert.equal(results.answers.reduce((n: number, a: any) => n + a.count, 0), 13)
  })

  test('a replay with the same Idempotency-Key gets the stored answer, even after closing; a new key after closing is refused', async () => {
    const c = await createConsultation(t.app, siteId, { resultsVisibility: 'always' })
    const token = await mintToken(t.app)
    const first = ok(await respond(t.app, c.id, token, { answer: 'yes' }, { key: 'same' }))
    const again = ok(await respond(t.app, c.id, token, { answer: 'no' }, { key: 'same' }))
    assert.deepEqual(again.response, first.response, 'the stored answer, not the replayed body')
    assert.equal(again.results.respondents, 1)
    assert.equal(await countRows(c.id), 1)
    await close(c.id)
    assert.deepEqual(ok(await respond(t.app, c.id, token, { answer: 'yes' }, { key: 'same' })).response, first.response)
    assertError(await respond(t.app, c.id, token, { answer: 'no' }, { key: 'other' }), 409, 'CONSULTATION_CLOSED')
    assertError(await respond(t.app, c.id, token, { answer: 'no' }), 409, 'CONSULTATION_CLOSED')
    assert.equal(ok(await readConsultation(t.app, c.id, token)).myResponse.answer, 'yes')
  })

  test('409 before opening and after closing (by the clock or by staff)', async () => {
    const token = await mintToken(t.app)
    const scheduled = await createConsultation(t.app, siteId, { opensAt: future(2) })
    assert.equal(ok(await readConsultation(t.app, scheduled.id)).status, 'scheduled')
    assertError(await respond(t.app, scheduled.id, token, { answer: 'yes' }), 409, 'CONSULTATION_NOT_OPEN')
    const ended = await createConsultation(t.app, siteId, { opensAt: future(-3), closesAt: future(-1) })
    assert.equal(ok(await readConsultation(t.app, ended.id)).status, 'closed')
    assertError(await respond(t.app, ended.id, token, { answer: 'yes' }), 409, 'CONSULTATION_CLOSED')
    const manual = await createConsultation(t.app, siteId)
    await close(manual.id)
    assertError(await respond(t.app, manual.id, token, { answer: 'yes' }), 409, 'CONSULTATION_CLOSED')
    for (const id of [scheduled.id, ended.id, manual.id]) assert.equal(await countRows(id), 0)
  })

  test('the honeypot refuses with 422 SPAM and stores nothing; an empty honeypot is fine', async () => {
    const c = await createConsultation(t.app, siteId)
    assertError(await respond(t.app, c.id, await mintToken(t.app), { answer: 'yes', website: 'http://spam.example' }), 422, 'SPAM')
    assert.equal(await countRows(c.id), 0)
    ok(await respond(t.app, c.id, await mintToken(t.app), { answer: 'yes', website: '' }))
    assert.equal(await countRows(c.id), 1)
  })

  test('origins: writes only from the allow-list; a browser read from elsewhere gets a readable 403', async () => {
    const c = await createConsultation(t.app, siteId)
    const token = await mintToken(t.app)
    assertError(await respond(t.app, c.id, token, { answer: 'yes' }, { origin: 'https://evil.example' }), 403, 'ORIGIN_NOT_ALLOWED')
    assertError(await respond(t.app, c.id, token, { answer: 'yes' }, { origin: null }), 403, 'ORIGIN_NOT_ALLOWED')
    const read = await readConsultation(t.app, c.id, undefined, { origin: 'https://evil.example' })
    assertError(read, 403, 'ORIGIN_NOT_ALLOWED')
    assert.equal(read.headers['access-control-allow-origin'], 'https://evil.example')
    assert.equal(ok(await readConsultation(t.app, c.id, undefined, { origin: ORIGIN })).id, c.id)
    assert.equal(ok(await readConsultation(t.app, c.id)).id, c.id, 'a read without Origin is answered')
    assert.equal(await countRows(c.id), 0)
  })

  test('participant token, schema and page errors', async () => {
    const c = await createConsultation(t.app, siteId)
    const token = await mintToken(t.app)
    assertError(await respond(t.app, c.id, null, { answer: 'yes' }), 401, 'PARTICIPANT_REQUIRED')
    assertError(await respond(t.app, c.id, 'v1.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', { answer: 'yes' }), 401, 'PARTICIPANT_INVALID')
    assertError(await respond(t.app, c.id, token, { answer: 'yes', extra: 1 }), 400, 'BAD_REQUEST')
    assertError(await respond(t.app, c.id, token, { answer: 3 }), 400, 'BAD_REQUEST')
    assertError(await respond(t.app, c.id, token, { answer: 'yes', page: 'not a url' }), 400, 'BAD_REQUEST')
    assertError(await respond(t.app, c.id, token, { answer: 'yes', page: 'ftp://city.example/x' }), 400, 'BAD_REQUEST')
    assertError(await respond(t.app, c.id, token, { answer: 'yes', locale: 'en GB' }), 400, 'BAD_REQUEST')
    assertError(await respond(t.app, c.id, token, { answer: 'yes', section: 'x'.repeat(101) }), 400, 'BAD_REQUEST')
    assertError(await t.app.inject({
      method: 'POST', url: `/v1/consultations/${c.id}/responses`, headers: { origin: ORIGIN, authorization: `Participant ${token}`, 'content-type': 'application/json' }, payload: '{"answer":'
    }), 400, 'BAD_JSON')
    assert.equal(await countRows(c.id), 0)
  })

  test('results visibility: always, after-answer, after-close, staff; text results never list the texts', async () => {
    const view = async (id: string, token?: string) => ok(await readConsultation(t.app, id, token)).results
    const answerer = await mintToken(t.app)
    const other = await mintToken(t.app)

    const always = await createConsultation(t.app, siteId, { resultsVisibility: 'always' })
    assert.deepEqual(await view(always.id), { respondents: 0, answers: [{ answer: 'yes', count: 0 }, { answer: 'no', count: 0 }] })

    const afterAnswer = await createConsultation(t.app, siteId, { resultsVisibility: 'after-answer' })
    const answered = ok(await respond(t.app, afterAnswer.id, answerer, { answer: 'yes' }))
    assert.equal(answered.results.respondents, 1, 'the answer shows the results at once')
    assert.equal((await view(afterAnswer.id, answerer)).respondents, 1)
    assert.equal(await view(afterAnswer.id, other), null)
    await close(afterAnswer.id)
    assert.equal((await view(afterAnswer.id, other)).respondents, 1, 'everyone once closed')

    const afterClose = await createConsultation(t.app, siteId, { resultsVisibility: 'after-close' })
    assert.equal(ok(await respond(t.app, afterClose.id, answerer, { answer: 'no' })).results, null)
    assert.equal(await view(afterClose.id, answerer), null)
    await close(afterClose.id)
    assert.deepEqual((await view(afterClose.id)).answers, [{ answer: 'yes', count: 0 }, { answer: 'no', count: 1 }])

    const staff = await createConsultation(t.app, siteId, { resultsVisibility: 'staff' })
    assert.equal(ok(await respond(t.app, staff.id, answerer, { answer: 'no' })).results, null)
    await close(staff.id)
    assert.equal(await view(staff.id, answerer), null)

    const text = await createConsultation(t.app, siteId, { type: 'text', resultsVisibility: 'always' })
    const r = ok(await respond(t.app, text.id, answerer, { answer: 'A secret wish' }))
    assert.deepEqual(r.results, { respondents: 1, answers: [] })
    assert.ok(!JSON.stringify(ok(await readConsultation(t.app, text.id, other))).includes('secret'), 'free texts are for staff only')
  })

  test('the outcome is in the public view once staff publish it, whatever the results rule', async () => {
    const c = await createConsultation(t.app, siteId, { resultsVisibility: 'staff' })
    const outcome = ok(await t.app.inject({
      method: 'PUT', url: `/v1/admin/consultations/${c.id}/outcome`, headers: admin,
      payload: { status: 'under-review', text: 'We are reading every answer.', date: '2026-03-01' }
    }))
    const v = ok(await readConsultation(t.app, c.id))
    assert.deepEqual(v.outcome, outcome)
    assert.equal(v.outcome.link, null)
    assert.equal(v.results, null)
  })
})

forEachDb('consultation targeting', env => {
  let t: TestApp
  before(async () => { t = await env.startApp() })
  after(() => t.close())

  const active = async (query: Record<string, string>, headers: Record<string, string> = {}) => {
    const res = await activeConsultation(t.app, query, headers)
    assert.equal(res.headers['cache-control'], 'no-store')
    return ok(res).consultation
  }
  const target = (siteId: string, targeting: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    createConsultation(t.app, siteId, { targeting, ...extra })

  test('a section beats a path prefix, which beats site-wide; the longest prefix wins', async () => {
    const site = (await createSite(t.app)).id
    const wide = await target(site, { siteWide: true })
    const news = await target(site, { paths: ['/news/'] })
    const deeper = await target(site, { paths: ['/news/2026/', '/other/'] })
    const section = await target(site, { sections: ['Mobility'] })
    await target(site, { sections: ['parks'] })
    const page = 'https://city.example/news/2026/bike-lanes?utm=1'
    assert.equal((await active({ page, section: 'mobility', site })).id, section.id, 'section, case-insensitive')
    assert.equal((await active({ page, section: 'sports', site })).id, deeper.id, 'an unmatched section falls back to paths')
    assert.equal((await active({ page: 'https://city.example/news/bike-lanes', site })).id, news.id)
    assert.equal((await active({ page: 'https://city.example/about', site })).id, wide.id)
    assert.equal((await active({ page: 'https://city.example/news', site })).id, wide.id, '"/news/" does not match "/news"')
  })

  test('only the path counts: a canonical URL on another host matches the prefix; nothing → null', async () => {
    const site = (await createSite(t.app)).id
    assert.equal(await active({ page: 'https://elsewhere.example/news/x', site }), null, 'no consultation yet')
    const news = await target(site, { paths: ['/news/'] })
    const wide = await target(site, { siteWide: true })
    assert.equal((await active({ page: 'https://riverton.example/news/x?utm=1#top', site })).id, news.id, 'the host of a canonical URL does not matter')
    assert.equal((await active({ page: 'https://elsewhere.example/sport/x', site })).id, wide.id)
    const section = await target(site, { sections: ['news'] })
    assert.equal((await active({ page: 'https://elsewhere.example/news/x', section: 'NEWS', site })).id, section.id)

    const empty = (await createSite(t.app)).id
    await target(empty, { paths: [], sections: [], siteWide: false })
    assert.equal(await active({ page: 'https://city.example/', site: empty }), null, 'untargeted consultations are only embedded by id')
  })

  test('only open consultations count; ties go to the latest opening', async () => {
    const site = (await createSite(t.app)).id
    await target(site, { siteWide: true }, { opensAt: future(-5) })
    const later = await target(site, { siteWide: true }, { opensAt: future(-1) })
    const middle = await target(site, { siteWide: true }, { opensAt: future(-2) })
    await target(site, { sections: ['x'] }, { opensAt: future(3) })
    const closed = await target(site, { sections: ['x'] })
    ok(await t.app.inject({ method: 'POST', url: `/v1/admin/consultations/${closed.id}/close`, headers: admin }))
    assert.equal((await active({ page: PAGE, section: 'x', site })).id, later.id, 'scheduled and closed ones never win')
    ok(await t.app.inject({ method: 'POST', url: `/v1/admin/consultations/${later.id}/close`, headers: admin }))
    const next = await active({ page: PAGE, site })
    assert.equal(next.id, middle.id, 'closing takes it out at once')
    assert.equal(next.status, 'open')
  })

  test('the site comes from `site` or the Origin; the view carries my response', async () => {
    const origin = `https://${uid('town')}.example`
    const site = (await createSite(t.app, { origins: [origin] })).id
    const c = await target(site, { paths: ['/'] }, { resultsVisibility: 'after-answer' })
    const page = `${origin}/news/x`
    const byOrigin = await active({ page }, { origin })
    assert.equal(byOrigin.id, c.id)
    assert.equal(byOrigin.myResponse, null)
    assert.equal(byOrigin.results, null)
    const token = await mintToken(t.app, origin)
    ok(await respond(t.app, c.id, token, { answer: 'no', page }, { origin }))
    const mine = await active({ page }, { origin, authorization: `Participant ${token}` })
    assert.equal(mine.myResponse.answer, 'no')
    assert.equal(mine.results.respondents, 1)
    assert.equal((await active({ page, site })).id, c.id, 'site= without Origin')

    assertError(await activeConsultation(t.app, { page, site }, { origin: 'https://evil.example' }), 403, 'ORIGIN_NOT_ALLOWED')
    assertError(await activeConsultation(t.app, { page }, { origin: 'https://nobody.example' }), 403, 'ORIGIN_NOT_ALLOWED')
    assertError(await activeConsultation(t.app, { page, site: 'no-such-site' }), 404, 'NOT_FOUND')
    assertError(await activeConsultation(t.app, { page: 'not-a-url', site }), 400, 'BAD_REQUEST')
    assertError(await activeConsultation(t.app, { site }), 400, 'BAD_REQUEST')
    assertError(await activeConsultation(t.app, { page, site, extra: '1' }), 400, 'BAD_REQUEST')
  })
})

forEachDb('consultation rate limits', env => {
  let t: TestApp
  let id: string
  before(async () => {
    t = await env.startApp({ rateLimit: { ipPerMin: 20, participantPerMin: 3 } })
    id = (await createConsultation(t.app, (await createSite(t.app)).id)).id
  })
  after(() => t.close())

  test('per participant (the vote limit): 429 RATE_LIMITED with Retry-After', async () => {
    const token = await mintToken(t.app)
    for (let i = 0; i < 3; i++) ok(await respond(t.app, id, token, { answer: i % 2 ? 'yes' : 'no' }))
    const res = await respond(t.app, id, token, { answer: 'yes' })
    const e = assertError(res, 429, 'RATE_LIMITED')
    assert.ok(Number(res.headers['retry-after']) >= 1)
    assert.equal((e.details as any).retryAfter, Number(res.headers['retry-after']))
    ok(await respond(t.app, id, await mintToken(t.app), { answer: 'yes' }))
  })

  test('per IP (public writes): 429 before the body is read; reads are not limited', async () => {
    const remoteAddress = '203.0.113.9'
    let limited = 0
    for (let i = 0; i < 25; i++) {
      const res = await respond(t.app, id, null, { answer: 'yes' }, { remoteAddress })
      if (res.statusCode === 429) limited++
      else assert.equal(res.statusCode, 401)
    }
    assert.ok(limited >= 4, `limited ${limited}`)
    assert.equal((await t.app.inject({ method: 'GET', url: `/v1/consultations/${id}`, remoteAddress })).statusCode, 200)
  })
})
