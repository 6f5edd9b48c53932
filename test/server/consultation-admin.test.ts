import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { forEachDb } from './helpers/harness.ts'
import type { TestApp } from './helpers/harness.ts'
import { assertError, createConsultation, createSite, mintToken, ok, readConsultation, respond, uid } from './helpers/api.ts'

const days = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString()

forEachDb('consultations (admin)', env => {
  let t: TestApp
  let siteId: string
  before(async () => {
    t = await env.startApp()
    siteId = (await createSite(t.app)).id
  })
  after(() => t.close())

  const req = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', url: string, payload?: unknown) =>
    t.app.inject({ method, url: `/v1/admin${url}`, headers: { authorization: 'Bearer test-admin-token' }, ...(payload === undefined ? {} : { payload: payload as object }) })
  const answer = async (id: string, body: Record<string, unknown>) => ok(await respond(t.app, id, await mintToken(t.app), body))

  test('every consultation route needs the admin token', async () => {
    const c = await createConsultation(t.app, siteId)
    const routes: Array<['GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', string]> = [
      ['GET', '/v1/admin/consultations'], ['POST', '/v1/admin/consultations'], ['GET', `/v1/admin/consultations/${c.id}`],
      ['PATCH', `/v1/admin/consultations/${c.id}`], ['POST', `/v1/admin/consultations/${c.id}/open`], ['POST', `/v1/admin/consultations/${c.id}/close`],
      ['PUT', `/v1/admin/consultations/${c.id}/outcome`], ['DELETE', `/v1/admin/consultations/${c.id}/outcome`],
      ['GET', `/v1/admin/consultations/${c.id}/results`], ['GET', `/v1/admin/consultations/${c.id}/responses`], ['GET', `/v1/admin/consultations/${c.id}/export.csv`], ['GET', `/v1/admin/consultations/${c.id}/export.json`]
    ]
    for (const [method, url] of routes) {
      const res = await t.app.inject({ method, url, headers: { authorization: 'Bearer wrong' } })
      assertError(res, 401, 'UNAUTHORIZED')
      assert.equal(res.headers['www-authenticate'], 'Bearer')
    }
    assert.equal(ok(await readConsultation(t.app, c.id)).status, 'open', 'nothing was closed by the refused calls')
  })

  test('create: defaults, a random id, every field round-trips', async () => {
    const plain = ok(await req('POST', '/consultations', { siteId, type: 'emoji', question: '  How do you feel?  ' }), 201)
    assert.match(plain.id, /^[0-9a-f]{12}$/)
    assert.equal(plain.question, 'How do you feel?')
    assert.equal(plain.resultsVisibility, 'after-answer')
    assert.equal(plain.sampling, 1)
    assert.equal(plain.capDays, 30)
    assert.equal(plain.maxLength, 500)
    assert.deepEqual(plain.targeting, { paths: [], sections: [], siteWide: false })
    assert.deepEqual(plain.options, [])
    assert.equal(plain.areas, null)
    assert.equal(plain.closedAt, null)
    assert.equal(plain.status, 'open')
    assert.deepEqual(plain.results, { respondents: 0, answers: ['1', '2', '3', '4', '5'].map(answer => ({ answer, count: 0 })) })

    const full = {
      id: uid('full'), siteId, type: 'scale', question: 'Safe at night?', description: 'About the centre', scaleLabels: { low: 'No', mid: 'Meh', high: 'Yes' },
      followUp: 'Why?', areas: [{ id: 'north', label: 'North' }], targeting: { paths: ['/news/'], sections: ['safety'], siteWide: true },
      sampling: 5, capDays: 0, opensAt: days(-1), closesAt: days(10), resultsVisibility: 'always', nextSteps: 'Report in June.'
    }
    const c = ok(await req('POST', '/consultations', full), 201)
    for (const [k, v] of Object.entries(full)) assert.deepEqual(c[k], v, k)
    const { serverTime: _s, ...read } = ok(await req('GET', `/consultations/${c.id}`))
    const { serverTime: _t, ...created } = c
    assert.deepEqual(read, created)
    assertError(await req('POST', '/consultations', full), 409, 'ALREADY_EXISTS')
    assertError(await req('GET', '/consultations/nope'), 404, 'NOT_FOUND')
  })

  test('create: what cannot be asked is 422 INVALID_CONSULTATION (with the field), malformed input 400', async () => {
    const site = (await createSite(t.app)).id
    const base = { siteId: site, type: 'yes-no', question: 'Q?' }
    const refused: Array<[Record<string, unknown>, string]> = [
      [{ id: 'active' }, 'id'],
      [{ siteId: 'no-such-site' }, 'siteId'],
      [{ question: '   ' }, 'question'],
      [{ type: 'choice', options: [{ id: 'a', label: 'A' }] }, 'options'],
      [{ type: 'choice' }, 'options'],
      [{ type: 'choice', options: [{ id: 'a', label: 'A' }, { id: 'a', label: 'B' }] }, 'options'],
      [{ type: 'choice', options: [{ id: 'a', label: 'A' }, { id: 'b', label: '  ' }] }, 'options'],
      [{ options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }] }, 'options'],
      [{ type: 'scale', notSure: true }, 'notSure'],
      [{ type: 'emoji', scaleLabels: { low: 'a', mid: 'b', high: 'c' } }, 'scaleLabels'],
      [{ areas: [{ id: 'n', label: 'N' }, { id: 'n', label: 'N2' }] }, 'areas'],
      [{ targeting: { paths: ['news/'] } }, 'targeting'],
      [{ opensAt: days(2), closesAt: days(1) }, 'closesAt']
    ]
    for (const [extra, field] of refused) {
      const e = assertError(await req('POST', '/consultations', { ...base, ...extra }), 422, 'INVALID_CONSULTATION')
      assert.equal((e.details as any).field, field, JSON.stringify(extra))
    }
    const malformed: Array<Record<string, unknown>> = [
      { type: 'poll' }, { question: 'x'.repeat(301) }, { description: 'x'.repeat(2001) }, { followUp: 'x'.repeat(301) }, { nextSteps: 'x'.repeat(501) },
      { sampling: 0 }, { sampling: 1001 }, { capDays: 366 }, { maxLength: 2001 }, { unknown: true }, { targeting: { paths: [], other: 1 } },
      { type: 'choice', options: Array.from({ length: 11 }, (_, i) => ({ id: `o${i}`, label: `O${i}` })) }, { resultsVisibility: 'after-vote' },
      { areas: Array.from({ length: 101 }, (_, i) => ({ id: `a${i}`, label: `A${i}` })) }, { id: 'Not A Slug' }
    ]
    for (const extra of malformed) assertError(await req('POST', '/consultations', { ...base, ...extra }), 400, 'BAD_REQUEST')
    assert.equal(ok(await req('GET', `/consultations?site=${site}`)).consultations.length, 0, 'nothing was created')
    assert.equal(ok(await req('POST', '/consultations', base), 201).siteId, site, 'the base itself is fine')
  })

  test('patch: any field; a type change clears what the new type has not; type/options/notSure only while nobody answered', async () => {
    const c = await createConsultation(t.app, siteId, { type: 'choice', options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }] })
    const asYesNo = ok(await req('PATCH', `/consultations/${c.id}`, { type: 'yes-no', notSure: true }))
    assert.deepEqual(asYesNo.options, [])
    assert.equal(asYesNo.notSure, true)
    const back = ok(await req('PATCH', `/consultations/${c.id}`, { type: 'choice', options: [{ id: 'x', label: 'X' }, { id: 'y', label: 'Y' }] }))
    assert.equal(back.notSure, false)
    assert.deepEqual(back.results.answers.map((a: any) => a.answer), ['x', 'y'])
    assertError(await req('PATCH', `/consultations/${c.id}`, { type: 'emoji', options: [{ id: 'x', label: 'X' }, { id: 'y', label: 'Y' }] }), 422, 'INVALID_CONSULTATION')

    await answer(c.id, { answer: 'x' })
    for (const edit of [{ type: 'yes-no' }, { options: [{ id: 'x', label: 'X' }, { id: 'z', label: 'Z' }] }, { options: [{ id: 'x', label: 'Ex' }, { id: 'y', label: 'Y' }] }]) {
      assertError(await req('PATCH', `/consultations/${c.id}`, edit), 409, 'HAS_RESPONSES')
    }
    const same = ok(await req('PATCH', `/consultations/${c.id}`, {
      type: 'choice', options: back.options, question: 'New wording?', targeting: { sections: ['mobility'] }, sampling: 2, nextSteps: '  ', areas: []
    }))
    assert.equal(same.question, 'New wording?')
    assert.deepEqual(same.targeting, { paths: [], sections: ['mobility'], siteWide: false })
    assert.equal(same.sampling, 2)
    assert.equal(same.nextSteps, null, 'blank becomes null')
    assert.equal(same.areas, null, 'no areas')
    assert.ok(same.updatedAt > c.updatedAt)
    assert.equal(ok(await readConsultation(t.app, c.id)).question, 'New wording?', 'the public view sees the edit at once')

    const yn = await createConsultation(t.app, siteId, { notSure: true })
    await answer(yn.id, { answer: 'not-sure' })
    assertError(await req('PATCH', `/consultations/${yn.id}`, { notSure: false }), 409, 'HAS_RESPONSES')
    assertError(await req('PATCH', `/consultations/nope`, { question: 'x' }), 404, 'NOT_FOUND')
    assertError(await req('PATCH', `/consultations/${yn.id}`, { siteId: 'no-such-site' }), 422, 'INVALID_CONSULTATION')
    assertError(await req('PATCH', `/consultations/${yn.id}`, { id: 'renamed' }), 400, 'BAD_REQUEST')
  })

  test('list: by site, by question text (case-insensitive, literal), by status; newest first', async () => {
    const site = (await createSite(t.app)).id
    const a = await createConsultation(t.app, site, { question: 'Bike lanes on Main Street?' })
    const b = await createConsultation(t.app, site, { question: 'More BIKE parking: 100% needed?', opensAt: days(3) })
    const c = await createConsultation(t.app, site, { question: 'Park hours?' })
    ok(await req('POST', `/consultations/${c.id}/close`))
    const ids = async (qs: string) => ok(await req('GET', `/consultations?site=${site}${qs}`)).consultations.map((x: any) => x.id)
    assert.deepEqual(await ids(''), [c.id, b.id, a.id])
    assert.deepEqual(await ids('&q=bike'), [b.id, a.id])
    assert.deepEqual(await ids('&q=100%25'), [b.id], '% is literal')
    assert.deepEqual(await ids('&q=_'), [], '_ is literal')
    assert.deepEqual(await ids('&status=scheduled'), [b.id])
    assert.deepEqual(await ids('&status=closed'), [c.id])
    assert.deepEqual(await ids('&status=open&q=bike'), [a.id])
    assertError(await req('GET', '/consultations?status=done'), 400, 'BAD_REQUEST')
    const all = ok(await req('GET', '/consultations')).consultations.map((x: any) => x.id)
    assert.ok(all.includes(a.id) && all.length > 3, 'without site: every site')
  })

  test('open and close: close refuses answers at once; open clears a manual close, a future opening and a past closing', async () => {
    const c = await createConsultation(t.app, siteId, { opensAt: days(5) })
    const token = await mintToken(t.app)
    assertError(await respond(t.app, c.id, token, { answer: 'yes' }), 409, 'CONSULTATION_NOT_OPEN')
    const opened = ok(await req('POST', `/consultations/${c.id}/open`))
    assert.equal(opened.status, 'open')
    assert.ok(Date.parse(opened.opensAt) <= Date.now())
    ok(await respond(t.app, c.id, token, { answer: 'yes' }))
    const closed = ok(await req('POST', `/consultations/${c.id}/close`))
    assert.equal(closed.status, 'closed')
    assert.ok(closed.closedAt)
    assert.equal(ok(await readConsultation(t.app, c.id)).status, 'closed')
    assertError(await respond(t.app, c.id, token, { answer: 'no' }, { key: 'new' }), 409, 'CONSULTATION_CLOSED')
    const again = ok(await req('POST', `/consultations/${c.id}/open`))
    assert.equal(again.closedAt, null)
    ok(await respond(t.app, c.id, token, { answer: 'no' }, { key: 'new' }))

    const ended = await createConsultation(t.app, siteId, { opensAt: days(-3), closesAt: days(-1) })
    const reopened = ok(await req('POST', `/consultations/${ended.id}/open`))
    assert.equal(reopened.closesAt, null)
    assert.equal(reopened.status, 'open')
    assertError(await req('POST', '/consultations/nope/close'), 404, 'NOT_FOUND')
  })

  test('outcome: publish, update, withdraw; the public view follows', async () => {
    const c = await createConsultation(t.app, siteId)
    assert.equal(ok(await readConsultation(t.app, c.id)).outcome, null)
    const first = ok(await req('PUT', `/consultations/${c.id}/outcome`, { status: 'under-review', text: '  We read every answer.  ', date: '2026-03-01' }))
    assert.deepEqual({ ...first, updatedAt: undefined }, { status: 'under-review', text: 'We read every answer.', date: '2026-03-01', link: null, updatedAt: undefined })
    assert.ok(Math.abs(Date.parse(first.updatedAt) - Date.now()) < 5000)
    assert.deepEqual(ok(await readConsultation(t.app, c.id)).outcome, first)

    await new Promise(resolve => setTimeout(resolve, 5))
    const second = ok(await req('PUT', `/consultations/${c.id}/outcome`, { status: 'decided', text: 'Lanes come in April.', date: '2026-03-15', link: 'https://city.example/decision' }))
    assert.equal(second.status, 'decided')
    assert.equal(second.link, 'https://city.example/decision')
    assert.ok(second.updatedAt > first.updatedAt, 'updatedAt moves on, so widgets highlight the news')
    assert.deepEqual(ok(await readConsultation(t.app, c.id)).outcome, second)
    assert.deepEqual(ok(await req('GET', `/consultations/${c.id}`)).outcome, second)

    const badLink = assertError(await req('PUT', `/consultations/${c.id}/outcome`, { status: 'decided', text: 'x', date: '2026-03-15', link: 'javascript:alert(1)' }), 422, 'INVALID_CONSULTATION')
    assert.equal((badLink.details as any).field, 'link')
    assertError(await req('PUT', `/consultations/${c.id}/outcome`, { status: 'decided', text: '   ', date: '2026-03-15' }), 422, 'INVALID_CONSULTATION')
    assertError(await req('PUT', `/consultations/${c.id}/outcome`, { status: 'decided', text: 'x', date: '2026-02-30' }), 400, 'BAD_REQUEST')
    assertError(await req('PUT', `/consultations/${c.id}/outcome`, { status: 'done', text: 'x', date: '2026-03-15' }), 400, 'BAD_REQUEST')
    assertError(await req('PUT', `/consultations/${c.id}/outcome`, { status: 'decided', text: 'x' }), 400, 'BAD_REQUEST')
    assert.deepEqual(ok(await readConsultation(t.app, c.id)).outcome, second, 'refused updates change nothing')

    const del = await req('DELETE', `/consultations/${c.id}/outcome`)
    assert.equal(del.statusCode, 204)
    assert.equal(del.body, '')
    assert.equal(ok(await readConsultation(t.app, c.id)).outcome, null)
    assert.equal((await req('DELETE', `/consultations/${c.id}/outcome`)).statusCode, 204, 'withdrawing twice is fine')
    assertError(await req('PUT', '/consultations/nope/outcome', { status: 'decided', text: 'x', date: '2026-03-15' }), 404, 'NOT_FOUND')
    assertError(await req('DELETE', '/consultations/nope/outcome'), 404, 'NOT_FOUND')
  })

  test('results: counts with labels and percentages, by area (configured order, zero, none last), by page, per day, follow-ups', async () => {
    const c = await createConsultation(t.app, siteId, {
      type: 'choice', options: [{ id: 'bus', label: 'Bus' }, { id: 'bike', label: 'Bike' }, { id: 'car', label: 'Car' }],
      followUp: 'Why?', areas: [{ id: 'north', label: 'North' }, { id: 'south', label: 'South' }, { id: 'east', label: 'East' }]
    })
    const news = 'https://city.example/news/a'
    const mob = 'https://city.example/mobility/b'
    await answer(c.id, { answer: 'bus', area: 'north', page: `${news}?x=1`, followUp: 'Cheap' })
    await answer(c.id, { answer: 'bus', area: 'north', page: news })
    await answer(c.id, { answer: 'bike', area: 'south', page: mob, followUp: '  ' })
    await answer(c.id, { answer: 'bus', page: news, followUp: 'Fast' })
    // One response from yesterday (created_at is its first answer).
    const k = t.app.services.db.kysely
    const yesterday = new Date(Date.now() - 86_400_000).toISOString()
    const oldest = await k.selectFrom('consultation_responses').select('id').where('answer', '=', 'bike').where('consultation_id', '=', c.id).executeTakeFirstOrThrow()
    await k.updateTable('consultation_responses').set({ created_at: yesterday }).where('id', '=', oldest.id).execute()

    const r = ok(await req('GET', `/consultations/${c.id}/results`))
    assert.equal(r.respondents, 4)
    assert.deepEqual(r.answers, [
      { answer: 'bus', label: 'Bus', count: 3, percent: 75 },
      { answer: 'bike', label: 'Bike', count: 1, percent: 25 },
      { answer: 'car', label: 'Car', count: 0, percent: 0 }
    ])
    const counts = (n: number[]) => ['bus', 'bike', 'car'].map((answer, i) => ({ answer, count: n[i] }))
    assert.deepEqual(r.byArea, [
      { area: 'north', label: 'North', respondents: 2, answers: counts([2, 0, 0]) },
      { area: 'south', label: 'South', respondents: 1, answers: counts([0, 1, 0]) },
      { area: 'east', label: 'East', respondents: 0, answers: counts([0, 0, 0]) },
      { area: null, label: null, respondents: 1, answers: counts([1, 0, 0]) }
    ])
    assert.deepEqual(r.byPage, [{ page: news, respondents: 3 }, { page: mob, respondents: 1 }])
    assert.deepEqual(r.daily, [{ date: yesterday.slice(0, 10), responses: 1 }, { date: new Date().toISOString().slice(0, 10), responses: 3 }])
    assert.equal(r.followUps, 2)

    // A third of respondents: one decimal. An area no longer configured keeps its row, without a label.
    const y = await createConsultation(t.app, siteId, { areas: [{ id: 'old', label: 'Old' }] })
    await answer(y.id, { answer: 'yes', area: 'old' })
    await answer(y.id, { answer: 'no' })
    await answer(y.id, { answer: 'no' })
    ok(await req('PATCH', `/consultations/${y.id}`, { areas: [{ id: 'new', label: 'New' }] }))
    const ry = ok(await req('GET', `/consultations/${y.id}/results`))
    assert.deepEqual(ry.answers.map((a: any) => [a.label, a.percent]), [['Yes', 33.3], ['No', 66.7]])
    assert.deepEqual(ry.byArea.map((a: any) => [a.area, a.label, a.respondents]), [['new', 'New', 0], ['old', null, 1], [null, null, 2]])

    const empty = await createConsultation(t.app, siteId, { type: 'scale' })
    const re = ok(await req('GET', `/consultations/${empty.id}/results`))
    assert.deepEqual(re, { respondents: 0, answers: re.answers, byArea: [], byPage: [], daily: [], followUps: 0 })
    assert.deepEqual(re.answers.map((a: any) => [a.label, a.percent]), [['1 – Strongly disagree', 0], ['2 – Disagree', 0], ['3 – Neither agree nor disagree', 0], ['4 – Agree', 0], ['5 – Strongly agree', 0]])
    assertError(await req('GET', '/consultations/nope/results'), 404, 'NOT_FOUND')
  })

  test('responses: newest first, keyset pages that never repeat, pseudonymous respondents', async () => {
    const c = await createConsultation(t.app, siteId, { type: 'text', followUp: 'Anything else?' })
    const tokens: string[] = []
    for (let i = 0; i < 5; i++) {
      tokens.push(await mintToken(t.app))
      ok(await respond(t.app, c.id, tokens[i]!, { answer: `wish ${i}`, followUp: i === 2 ? 'more' : null, section: 'news', locale: 'de' }))
      await new Promise(resolve => setTimeout(resolve, 2))
    }
    const pageOf = async (qs: string) => ok(await req('GET', `/consultations/${c.id}/responses${qs}`))
    const p1 = await pageOf('?limit=2')
    assert.deepEqual(p1.responses.map((r: any) => r.answer), ['wish 4', 'wish 3'])
    // An answer arriving between pages lands on a fresh first page, never shifts the next one.
    ok(await respond(t.app, c.id, await mintToken(t.app), { answer: 'late' }))
    const p2 = await pageOf(`?limit=2&cursor=${p1.nextCursor}`)
    assert.deepEqual(p2.responses.map((r: any) => r.answer), ['wish 2', 'wish 1'])
    assert.equal(p2.responses[0].followUp, 'more')
    const p3 = await pageOf(`?limit=2&cursor=${p2.nextCursor}`)
    assert.deepEqual(p3.responses.map((r: any) => r.answer), ['wish 0'])
    assert.equal(p3.nextCursor, null)
    const first = p1.responses[0]
    assert.deepEqual(Object.keys(first).sort(), ['answer', 'area', 'createdAt', 'followUp', 'id', 'label', 'locale', 'page', 'respondent', 'section', 'updatedAt'])
    assert.equal(first.label, 'wish 4')
    assert.equal(first.section, 'news')
    assert.equal(first.locale, 'de')
    assert.match(first.respondent, /^[0-9a-f]{16}$/)
    const participantId = tokens[4]!.split('.')[1]!
    assert.ok(!JSON.stringify(p1).includes(participantId), 'the participant id is never shown to staff')
    assert.equal((await pageOf('')).responses.length, 6, 'default page size holds them all')
    assertError(await req('GET', `/consultations/${c.id}/responses?cursor=garbage`), 400, 'BAD_REQUEST')
    assertError(await req('GET', `/consultations/${c.id}/responses?limit=0`), 400, 'BAD_REQUEST')
    assertError(await req('GET', `/consultations/${c.id}/responses?limit=201`), 400, 'BAD_REQUEST')
    assertError(await req('GET', '/consultations/nope/responses'), 404, 'NOT_FOUND')
  })

  test('CSV export: BOM, CRLF, one row per response, formula-safe cells; unknown is a JSON 404', async () => {
    const c = await createConsultation(t.app, siteId, { type: 'text', followUp: 'Why?', areas: [{ id: 'north', label: '=North' }] })
    await answer(c.id, { answer: '=HYPERLINK("http://evil.example","click")', followUp: '+1 because, "quoted"', area: 'north' })
    await answer(c.id, { answer: 'Plain wish', section: '@section' })
    const res = await req('GET', `/consultations/${c.id}/export.csv`)
    assert.equal(res.statusCode, 200)
    assert.match(String(res.headers['content-type']), /^text\/csv; charset=utf-8/)
    assert.match(String(res.headers['content-disposition']), new RegExp(`filename="consultation-${c.id}.csv"`))
    assert.ok(res.body.startsWith('\ufeff'))
    const lines = res.body.slice(1).split('\r\n')
    assert.equal(lines.at(-1), '', 'CRLF after every row')
    assert.equal(lines[0], 'respondent,answer,answer_label,follow_up,area,area_label,page,section,locale,created_at,updated_at')
    assert.equal(lines.length, 4)
    assert.ok(lines[1]!.includes(`"'=HYPERLINK(""http://evil.example"",""click"")"`), lines[1])
    assert.ok(lines[1]!.includes(`"'+1 because, ""quoted"""`), lines[1])
    assert.ok(lines[1]!.includes(`,north,'=North,`), lines[1])
    assert.ok(lines[2]!.includes(`,'@section,`), lines[2])
    assert.ok(!/(^|,)[=+@-]/.test(lines.slice(1).join('\n').replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '')), 'no cell starts with a formula character')
    assertError(await req('GET', '/consultations/nope/export.csv'), 404, 'NOT_FOUND')
  })

  test('JSON export: the CSV\'s rows as values (no formula quoting needed), with labels; unknown is a JSON 404', async () => {
    const c = await createConsultation(t.app, siteId, { type: 'text', followUp: 'Why?', areas: [{ id: 'north', label: '=North' }] })
    await answer(c.id, { answer: '=SUM(A1)', followUp: 'because', area: 'north' })
    await answer(c.id, { answer: 'Plain wish' })
    const res = await req('GET', `/consultations/${c.id}/export.json`)
    assert.equal(res.statusCode, 200)
    assert.match(String(res.headers['content-type']), /^application\/json; charset=utf-8/)
    assert.match(String(res.headers['content-disposition']), new RegExp(`filename="consultation-${c.id}.json"`))
    const body = JSON.parse(res.body)
    assert.deepEqual(body.consultation, { id: c.id, question: c.question, type: 'text' })
    assert.deepEqual(body.responses.map((r: Record<string, unknown>) => [r.answer, r.followUp, r.area, r.areaLabel]), [['=SUM(A1)', 'because', 'north', '=North'], ['Plain wish', null, null, null]])
    assert.match(body.responses[0].respondent, /^[0-9a-f]{16}$/)
    const csv = (await req('GET', `/consultations/${c.id}/export.csv`)).body
    assert.ok(csv.includes(body.responses[1].respondent), 'the same pseudonyms as the CSV')
    assertError(await req('GET', '/consultations/nope/export.json'), 404, 'NOT_FOUND')
  })
})
