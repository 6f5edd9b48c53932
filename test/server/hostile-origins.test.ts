// Origins (issue 7 §3): every public write refuses an origin outside its site's allow-list, and
// CORS preflights answer only allow-listed origins. The route table is walked, so a public write
// route added later fails here until it has a request below (and so is proven to check origins).
// Votes, comments, consultation answers and minting already have single-case tests in their own
// files; this adds look-alike origins, the other site's origin, comment votes/reports/edits, and
// every path's preflight.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { forEachDb, ORIGIN } from './helpers/harness.ts'
import type { TestApp } from './helpers/harness.ts'
import { assertError, comment, createCommentSite, createConsultation, createPoll, createSite, mintToken, ok, PAGE } from './helpers/api.ts'
import { createMapSite, point } from './helpers/projects.ts'

const OTHER = 'https://other-town.example'
/** Each must be refused where only ORIGIN is listed. */
const HOSTILE = [
  'https://evil.example', `${ORIGIN}.evil.example`, 'https://evil.example.city.example', 'http://city.example', 'https://city.example:8443',
  'https://CITY.example', `${ORIGIN}/`, 'null', 'file://', 'https://city.example@evil.example', 'https://xn--city-8qa.example', OTHER
]

interface Write { method: 'POST' | 'PATCH' | 'DELETE'; url: string; body?: unknown }

forEachDb('hostile origins', env => {
  let t: TestApp
  let token: string
  let writes: Record<string, () => Promise<Write>>
  let counts: () => Promise<Record<string, number>>
  before(async () => {
    t = await env.startApp()
    await createSite(t.app, { origins: [OTHER] })
    const site = (await createCommentSite(t.app)).id
    const mapSite = await createMapSite(t.app)
    const poll = await createPoll(t.app, site)
    const consultation = await createConsultation(t.app, site)
    token = await mintToken(t.app)
    const thread = `${PAGE}-origins`
    const mine = await comment(t.app, token, thread, 'A comment to vote on, report, edit and delete')
    // One valid request per public write route: only the origin is wrong when it is refused.
    writes = {
      'POST /v1/participants': async () => ({ method: 'POST', url: '/v1/participants' }),
      'POST /v1/polls/:id/votes': async () => ({ method: 'POST', url: `/v1/polls/${poll.id}/votes`, body: { choices: ['yes'] } }),
      'POST /v1/comments': async () => ({ method: 'POST', url: '/v1/comments', body: { thread, site, name: 'Resident', body: 'Hello' } }),
      'PATCH /v1/comments/:id': async () => ({ method: 'PATCH', url: `/v1/comments/${mine.id}`, body: { body: 'Edited' } }),
      'DELETE /v1/comments/:id': async () => ({ method: 'DELETE', url: `/v1/comments/${mine.id}` }),
      'POST /v1/comments/:id/vote': async () => ({ method: 'POST', url: `/v1/comments/${mine.id}/vote`, body: { value: 1 } }),
      'POST /v1/comments/:id/report': async () => ({ method: 'POST', url: `/v1/comments/${mine.id}/report`, body: { reason: 'spam' } }),
      'POST /v1/consultations/:id/responses': async () => ({ method: 'POST', url: `/v1/consultations/${consultation.id}/responses`, body: { answer: 'yes', page: PAGE } }),
      'POST /v1/projects/submissions': async () => ({
        method: 'POST', url: `/v1/projects/submissions?site=${mapSite}`,
        body: { title: 'A bench', category: 'park', start: '2026-05-01', description: 'Please', geometry: point() }
      })
    }
    const db = t.app.services.db.kysely
    const n = async (table: 'votes' | 'comments' | 'comment_votes' | 'comment_reports' | 'consultation_responses' | 'projects') =>
      Number((await db.selectFrom(table).select(eb => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n)
    counts = async () => ({
      votes: await n('votes'), comments: await n('comments'), commentVotes: await n('comment_votes'), reports: await n('comment_reports'),
      responses: await n('consultation_responses'), projects: await n('projects')
    })
  })
  after(() => t.close())

  const send = (w: Write, origin: string | null) => t.app.inject({
    method: w.method,
    url: w.url,
    headers: {
      authorization: `Participant ${token}`,
      'idempotency-key': `k-${Math.random()}`,
      ...(origin === null ? {} : { origin }),
      ...(w.body === undefined ? {} : { 'content-type': 'application/json' })
    },
    ...(w.body === undefined ? {} : { payload: JSON.stringify(w.body) })
  })

  test('every public write route refuses missing, foreign and look-alike origins, and stores nothing', async t2 => {
    const publicWrites = t.app.routeTable
      .filter(r => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) && r.url.startsWith('/v1/') && !r.url.startsWith('/v1/admin'))
      .map(r => `${r.method} ${r.url}`)
    assert.ok(publicWrites.length >= 9, `only ${publicWrites.length} public write routes`)
    assert.deepEqual(publicWrites.filter(k => !writes[k]), [], 'public write routes without an origin test: add them above')
    const before = await counts()
    let refused = 0
    for (const key of publicWrites) {
      const w = await writes[key]!()
      // Minting is not tied to a site: any listed site's origin may mint.
      for (const origin of [null, ...HOSTILE.filter(o => !(key === 'POST /v1/participants' && o === OTHER))]) {
        const res = await send(w, origin)
        assertError(res, 403, 'ORIGIN_NOT_ALLOWED')
        // A browser on an unknown site cannot even read the refusal (no CORS header for it).
        if (origin !== OTHER) assert.equal(res.headers['access-control-allow-origin'], undefined, `${key} from ${origin}`)
        refused++
      }
    }
    assert.deepEqual(await counts(), before, 'a refused write stored nothing')
    // The same requests from the listed origin go through: the refusals above were about the origin.
    for (const key of publicWrites.filter(k => !k.startsWith('DELETE'))) {
      const res = await send(await writes[key]!(), ORIGIN)
      assert.ok(res.statusCode < 300, `${key} from the listed origin: ${res.statusCode} ${res.body}`)
    }
    ok(await send(await writes['DELETE /v1/comments/:id']!(), ORIGIN))
    t2.diagnostic(`PROVE ${JSON.stringify({ suite: `origins: writes (${env.kind})`, tried: `${refused} writes over ${publicWrites.length} routes from ${HOSTILE.length} foreign or look-alike origins and none`, held: `${refused} × 403 ORIGIN_NOT_ALLOWED, 0 rows stored` })}`)
  })

  test('preflights on every public path answer listed origins only; admin paths answer none', async t2 => {
    const paths = [...new Set(t.app.routeTable.filter(r => r.url.startsWith('/v1/')).map(r => r.url.replace(/:[A-Za-z]+/g, 'x')))]
    let checked = 0
    for (const url of paths) {
      const admin = url.startsWith('/v1/admin')
      for (const method of ['GET', 'POST', 'PATCH', 'DELETE', 'PUT']) {
        const pre = (origin: string) => t.app.inject({
          method: 'OPTIONS', url, headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization,content-type,idempotency-key' }
        })
        for (const origin of HOSTILE.filter(o => o !== OTHER)) {
          const res = await pre(origin)
          assert.ok(res.statusCode < 500, `${url} ${res.statusCode}`)
          assert.equal(res.headers['access-control-allow-origin'], undefined, `OPTIONS ${url} (${method}) from ${origin}`)
          assert.equal(res.headers['access-control-allow-credentials'], undefined)
          checked++
        }
        const listed = await pre(ORIGIN)
        if (admin) assert.equal(listed.headers['access-control-allow-origin'], undefined, `admin ${url} must not be open to sites`)
        else if (String(listed.headers['access-control-allow-methods'] ?? '').includes(method)) assert.equal(listed.headers['access-control-allow-origin'], ORIGIN, url)
        checked++
      }
    }
    // And a write's answer to the listed origin names that origin only (never `*`).
    const res = await send(await writes['POST /v1/participants']!(), ORIGIN)
    assert.equal(res.headers['access-control-allow-origin'], ORIGIN)
    t2.diagnostic(`PROVE ${JSON.stringify({ suite: `origins: preflight (${env.kind})`, tried: `${checked.toLocaleString('en')} preflights over ${paths.length} paths`, held: '0 × Access-Control-Allow-Origin for unlisted origins or admin paths' })}`)
  })
})
