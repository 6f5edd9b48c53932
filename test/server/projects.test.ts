import assert from 'node:assert/strict'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'
import { after, before, test } from 'node:test'
import { checkDates, checkGeometry, parseFilter } from '../../server/services/project-rules.ts'
import { bumpFeedVersion, insertProjects } from '../../server/store/projects-repo.ts'
import { admin, forEachDb, ORIGIN } from './helpers/harness.ts'
import type { TestApp } from './helpers/harness.ts'
import { assertError, createSite, mintToken, ok } from './helpers/api.ts'
import { createMapSite, createProject, feed, ids, MAP, point, putMap, square, submit, uid } from './helpers/projects.ts'

const reason = (fn: () => unknown): string => {
  try { fn() } catch (err: any) { return `${err.code}: ${err.details?.reason ?? err.message}` }
  return 'ok'
}

test('geometry: every supported type passes, each fault is named', () => {
  assert.deepEqual(checkGeometry({ type: 'Point', coordinates: [5.1234567891, 52.1, 3] }), { type: 'Point', coordinates: [5.123457, 52.1] }, 'rounded, altitude dropped')
  assert.equal(reason(() => checkGeometry({ type: 'LineString', coordinates: [[5, 52], [5.1, 52.1]] })), 'ok')
  assert.equal(reason(() => checkGeometry(square())), 'ok')
  assert.equal(reason(() => checkGeometry({ type: 'MultiLineString', coordinates: [[[5, 52], [5.1, 52.1]], [[5.2, 52], [5.3, 52.1]]] })), 'ok')
  assert.equal(reason(() => checkGeometry({ type: 'MultiPolygon', coordinates: [square().coordinates, square(5.2).coordinates] })), 'ok')

  assert.match(reason(() => checkGeometry({ type: 'Polygon', coordinates: [[[5, 52], [5.1, 52], [5.1, 52.1], [5, 52.1]]] })), /^INVALID_GEOMETRY: ring not closed/)
  assert.match(reason(() => checkGeometry({ type: 'Polygon', coordinates: [[[5, 52], [5.1, 52], [5, 52]]] })), /^INVALID_GEOMETRY: a ring needs at least 4 points/)
  assert.match(reason(() => checkGeometry({ type: 'Point', coordinates: [52.09, 181] })), /^INVALID_GEOMETRY: coordinates outside WGS84/)
  assert.match(reason(() => checkGeometry({ type: 'Point', coordinates: [200, 52] })), /coordinates outside WGS84/)
  assert.match(reason(() => checkGeometry({ type: 'LineString', coordinates: [[5, 52]] })), /a line needs at least 2 points/)
  assert.match(reason(() => checkGeometry({ type: 'GeometryCollection', geometries: [] })), /^INVALID_GEOMETRY: unsupported geometry type "GeometryCollection"/)
  assert.match(reason(() => checkGeometry({ type: 'Point', coordinates: ['5', 52] })), /a position must be \[longitude, latitude\]/)
  assert.match(reason(() => checkGeometry({ type: 'MultiPolygon', coordinates: [] })), /at least one part/)
  assert.match(reason(() => checkGeometry(square(), { pointOnly: true })), /residents can only suggest a point/)
})

test('dates: real days, end not before start', () => {
  assert.equal(reason(() => checkDates('2026-03-01', null)), 'ok')
  assert.equal(reason(() => checkDates('2026-03-01', '2026-03-01')), 'ok', 'one day')
  assert.match(reason(() => checkDates('2026-03-01', '2026-02-28')), /^INVALID_DATES: The end date is before the start date/)
  assert.match(reason(() => checkDates('2026-02-30', null)), /^INVALID_PROJECT/)
  assert.match(reason(() => checkDates('2026-3-1', null)), /^INVALID_PROJECT/)
})

test('feed filters parse strictly', () => {
  assert.deepEqual(parseFilter({ bbox: '5,52,5.2,52.2' }).bbox, [5, 52, 5.2, 52.2])
  assert.match(reason(() => parseFilter({ bbox: '5,52,5.2' })), /^BAD_REQUEST/)
  assert.match(reason(() => parseFilter({ bbox: '5.2,52,5,52.2' })), /^BAD_REQUEST/, 'west after east')
  assert.match(reason(() => parseFilter({ status: 'planned,done' })), /^BAD_REQUEST/)
  assert.match(reason(() => parseFilter({ from: '2026-13-01' })), /^BAD_REQUEST/)
  assert.deepEqual([...parseFilter({ category: 'a, b,' }).categories!], ['a', 'b'])
})

forEachDb('projects (public)', env => {
  let t: TestApp
  let siteId: string
  before(async () => {
    t = await env.startApp()
    siteId = await createMapSite(t.app)
  })
  after(() => t.close())

  test('map settings with the style URL of this server; defaults for a site without a map', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/v1/projects/map?site=${siteId}`, headers: { origin: ORIGIN, host: 'api.city.example' } })
    const m = ok(res)
    assert.deepEqual(m, {
      site: siteId, bounds: MAP.bounds, center: MAP.center, zoom: 13, categories: MAP.categories,
      submissions: { enabled: true, perDay: 5 }, comments: true, style: `http://api.city.example/v1/map/style.json?site=${siteId}`
    })
    const other = (await createSite(t.app)).id
    const d = ok(await t.app.inject({ method: 'GET', url: `/v1/projects/map?site=${other}` }))
    assert.equal(d.bounds, null)
    assert.deepEqual(d.categories, [])
    assert.equal(d.submissions.enabled, false, 'no suggestions until staff open them')
    assertError(await t.app.inject({ method: 'GET', url: '/v1/projects/map?site=nope' }), 404, 'NOT_FOUND')
    assertError(await t.app.inject({ method: 'GET', url: `/v1/projects/map?site=${siteId}`, headers: { origin: 'https://evil.example' } }), 403, 'ORIGIN_NOT_ALLOWED')
  })

  test('the feed: approved projects only, compact GeoJSON, every filter', async () => {
    const s = await createMapSite(t.app)
    const a = await createProject(t.app, s, { title: 'Main Street resurfacing', category: 'roadworks', status: 'in_progress', start: '2026-03-01', end: '2026-06-30', address: 'Main Street 1', geometry: { type: 'LineString', coordinates: [[5.1, 52.08], [5.11, 52.085]] } })
    const b = await createProject(t.app, s, { title: 'New playground', category: 'park', status: 'planned', start: '2026-09-01', end: null, geometry: square(5.15, 52.11) })
    const c = await createProject(t.app, s, { title: 'Bus stop moved', category: 'transit', status: 'completed', start: '2025-01-10', end: '2025-02-01', address: 'Station Square', geometry: point(5.07, 52.06) })
    await createProject(t.app, s, { title: 'Draft', review: 'pending' })
    await createProject(t.app, s, { title: 'Turned down', review: 'rejected' })

    const res = await feed(t.app, { site: s })
    assert.equal(res.statusCode, 200)
    assert.match(String(res.headers['content-type']), /^application\/geo\+json/)
    assert.equal(res.headers['cache-control'], 'public, no-cache')
    const fc = res.json()
    assert.equal(fc.type, 'FeatureCollection')
    assert.deepEqual(ids(res), [a.id, b.id, c.id].sort(), 'pending and rejected never show')
    const fa = fc.features.find((f: any) => f.id === a.id)
    assert.deepEqual(fa, {
      type: 'Feature', id: a.id, geometry: { type: 'LineString', coordinates: [[5.1, 52.08], [5.11, 52.085]] },
      properties: { title: 'Main Street resurfacing', category: 'roadworks', status: 'in_progress', start: '2026-03-01', end: '2026-06-30', address: 'Main Street 1' }
    })

    const only = async (q: Record<string, string>) => ids(await feed(t.app, { site: s, ...q }))
    assert.deepEqual(await only({ bbox: '5.14,52.1,5.2,52.2' }), [b.id], 'bbox overlaps the polygon')
    assert.deepEqual(await only({ bbox: '5.105,52.0,5.106,52.2' }), [a.id], 'bbox crosses the line\'s extent')
    assert.deepEqual(await only({ category: 'park,transit' }), [b.id, c.id].sort())
    assert.deepEqual(await only({ status: 'planned,in_progress' }), [a.id, b.id].sort())
    assert.deepEqual(await only({ from: '2026-06-30', to: '2026-06-30' }), [a.id], 'overlap includes the last day')
    assert.deepEqual(await only({ from: '2026-07-01' }), [b.id], 'open-ended: end = start')
    assert.deepEqual(await only({ to: '2025-12-31' }), [c.id])
    assert.deepEqual(await only({ from: '2026-09-01', to: '2026-09-01' }), [b.id], 'a one-day project on its day')
    assert.deepEqual(await only({ q: 'STATION' }), [c.id], 'q searches the address, case-insensitively')
    assert.deepEqual(await only({ q: 'playground', category: 'roadworks' }), [], 'filters combine')
    assertError(await feed(t.app, { site: s, bbox: 'x' }), 400, 'BAD_REQUEST')
    assertError(await feed(t.app, { site: s }, { origin: 'https://evil.example' }), 403, 'ORIGIN_NOT_ALLOWED')
  })

  test('ETag from the site\'s version: 304 while unchanged, a new tag after any public change', async () => {
    const s = await createMapSite(t.app)
    const p = await createProject(t.app, s)
    const first = await feed(t.app, { site: s })
    const etag = String(first.headers.etag)
    assert.match(etag, /^W\/"/)
    const again = await feed(t.app, { site: s }, { 'if-none-match': etag })
    assert.equal(again.statusCode, 304)
    assert.equal(again.body, '')
    assert.equal(again.headers.etag, etag)
    assert.equal((await feed(t.app, { site: s, status: 'planned' }, { 'if-none-match': `"x", ${etag}` })).statusCode, 304, 'a list, filtered too')
    assert.equal((await feed(t.app, { site: s }, { 'if-none-match': '"other"' })).statusCode, 200)

    // A pending submission changes nothing public: same tag.
    const token = await mintToken(t.app)
    ok(await submit(t.app, s, token, {}), 202)
    assert.equal((await feed(t.app, { site: s }, { 'if-none-match': etag })).statusCode, 304)

    ok(await t.app.inject({ method: 'PUT', url: `/v1/admin/projects/${p.id}`, headers: admin, payload: { title: 'Renamed', category: 'roadworks', status: 'completed', start: '2026-03-01', geometry: point() } }))
    const changed = await feed(t.app, { site: s }, { 'if-none-match': etag })
    assert.equal(changed.statusCode, 200)
    assert.notEqual(changed.headers.etag, etag)
    assert.equal(changed.json().features[0].properties.title, 'Renamed')
    assert.equal((await t.app.inject({ method: 'DELETE', url: `/v1/admin/projects/${p.id}`, headers: admin })).statusCode, 204)
    const gone = await feed(t.app, { site: s }, { 'if-none-match': String(changed.headers.etag) })
    assert.equal(gone.statusCode, 200)
    assert.deepEqual(gone.json().features, [])
  })

  test('a feed larger than one read page holds every project once (ties on creation time included)', async () => {
    const s = await createMapSite(t.app)
    const at = new Date().toISOString()
    const many = Array.from({ length: 4500 }, (_, i) => ({
      id: `p-bulk-${i}`, siteId: s, title: `Bulk ${i}`, category: 'roadworks', status: 'planned' as const, start: '2026-01-01', end: null,
      address: null, description: '', contact: null, link: null, geometry: { type: 'Point' as const, coordinates: [5.1, 52.1] },
      review: 'approved' as const, rejectReason: null, source: 'import' as const, submitterEmail: null, participantId: null,
      idempotencyKey: null, createdAt: i < 3000 ? at : new Date(Date.parse(at) - i).toISOString(), updatedAt: at, reviewedAt: at
    }))
    await insertProjects(t.app.services.db.kysely, many)
    await bumpFeedVersion(t.app.services.db.kysely, s, at)
    const got = ids(await feed(t.app, { site: s }))
    assert.equal(got.length, 4500)
    assert.equal(new Set(got).size, 4500)
  })

  test('the whole feed goes gzipped to clients that take it (made once per version, in the background)', async () => {
    const s = await createMapSite(t.app)
    for (let i = 0; i < 30; i++) await createProject(t.app, s, { title: `Works ${i}`, address: 'Main Street' })
    const plain = await feed(t.app, { site: s })
    assert.equal(plain.headers['content-encoding'], undefined)
    let zipped = await feed(t.app, { site: s }, { 'accept-encoding': 'br, gzip' })
    for (let i = 0; i < 50 && zipped.headers['content-encoding'] !== 'gzip'; i++) {
      await new Promise(resolve => setTimeout(resolve, 20))
      zipped = await feed(t.app, { site: s }, { 'accept-encoding': 'br, gzip' })
    }
    assert.equal(zipped.headers['content-encoding'], 'gzip')
    assert.match(String(zipped.headers.vary), /Accept-Encoding/)
    assert.equal(zipped.headers.etag, plain.headers.etag)
    assert.ok(zipped.rawPayload.length < plain.rawPayload.length / 3, `${zipped.rawPayload.length} vs ${plain.rawPayload.length}`)
    assert.deepEqual(JSON.parse(gunzipSync(zipped.rawPayload).toString('utf8')), plain.json())
    const filtered = await feed(t.app, { site: s, q: 'works 1' }, { 'accept-encoding': 'gzip' })
    assert.equal(filtered.headers['content-encoding'], undefined, 'filtered feeds go as they are')
    assert.equal(filtered.json().features.length, 11)
  })

  test('one project: full properties, never the submitter\'s email; 404 unless approved', async () => {
    const p = await createProject(t.app, siteId, { description: 'Two lanes, one at a time.', contact: 'City works desk, 14 020', link: 'https://riverton.example/works', address: 'Main Street' })
    const f = ok(await t.app.inject({ method: 'GET', url: `/v1/projects/${p.id}` }))
    assert.deepEqual(Object.keys(f.properties).sort(), ['address', 'category', 'contact', 'description', 'end', 'link', 'start', 'status', 'title', 'updatedAt'])
    assert.equal(f.properties.description, 'Two lanes, one at a time.')
    assert.equal(f.properties.link, 'https://riverton.example/works')

    const token = await mintToken(t.app)
    const sub = ok(await submit(t.app, siteId, token, { email: 'resident@example.org' }), 202)
    const pending = await t.app.inject({ method: 'GET', url: `/v1/projects/${sub.id}` })
    assertError(pending, 404, 'NOT_FOUND')
    assert.equal(pending.headers['cache-control'], undefined, 'a 404 is not cached: it may be approved soon')
    ok(await t.app.inject({ method: 'POST', url: `/v1/admin/projects/${sub.id}/approve`, headers: admin }))
    const pub = await t.app.inject({ method: 'GET', url: `/v1/projects/${sub.id}` })
    ok(pub)
    assert.doesNotMatch(pub.body, /resident@example\.org/)
    assert.doesNotMatch((await feed(t.app, { site: siteId })).body, /resident@example\.org/)
    assertError(await t.app.inject({ method: 'GET', url: '/v1/projects/p-missing' }), 404, 'NOT_FOUND')
  })

  test('a suggestion goes in pending, with the site\'s limits and checks', async () => {
    const token = await mintToken(t.app)
    const res = await submit(t.app, siteId, token, { title: '  Pothole on Bridge Road ', address: 'Bridge Road 4', email: 'me@example.org' }, { key: uid('k') })
    const body = ok(res, 202)
    assert.deepEqual(Object.keys(body).sort(), ['id', 'status'])
    assert.equal(body.status, 'pending')
    const stored = ok(await t.app.inject({ method: 'GET', url: `/v1/admin/projects/${body.id}`, headers: admin }))
    assert.equal(stored.properties.title, 'Pothole on Bridge Road')
    assert.equal(stored.properties.source, 'resident')
    assert.equal(stored.properties.submitterEmail, 'me@example.org')
    assert.equal(stored.properties.status, 'planned')
    assert.ok(!ids(await feed(t.app, { site: siteId })).includes(body.id))

    assertError(await submit(t.app, siteId, null, {}), 401, 'PARTICIPANT_REQUIRED')
    assertError(await submit(t.app, siteId, 'v1.bad.token', {}), 401, 'PARTICIPANT_INVALID')
    assertError(await submit(t.app, siteId, token, {}, { origin: 'https://evil.example' }), 403, 'ORIGIN_NOT_ALLOWED')
  })

  test('validation errors name the reason', async () => {
    const token = await mintToken(t.app)
    const out = assertError(await submit(t.app, siteId, token, { geometry: point(4.9, 52.37) }), 400, 'OUT_OF_BOUNDS')
    assert.equal(out.message, 'This location is outside the area this map covers')
    assert.match(String(assertError(await submit(t.app, siteId, token, { geometry: square() }), 400, 'INVALID_GEOMETRY').message), /only suggest a point/)
    assert.deepEqual(assertError(await submit(t.app, siteId, token, { geometry: { type: 'Point', coordinates: [5.12, 95] } }), 400, 'INVALID_GEOMETRY').details, { reason: 'coordinates outside WGS84 (longitude −180…180, latitude −90…90)' })
    assertError(await submit(t.app, siteId, token, { geometry: { type: 'Circle', coordinates: [5.12, 52.09] } }), 400, 'INVALID_GEOMETRY')
    assert.equal(assertError(await submit(t.app, siteId, token, { start: '2026-05-02', end: '2026-05-01' }), 400, 'INVALID_DATES').message, 'The end date is before the start date')
    const field = async (body: Record<string, unknown>) => (assertError(await submit(t.app, siteId, token, body), 400, 'INVALID_PROJECT').details as any).field
    assert.equal(await field({ title: 'x'.repeat(201) }), 'title')
    assert.equal(await field({ title: '   ' }), 'title')
    assert.equal(await field({ description: 'x'.repeat(5001) }), 'description')
    assert.equal(await field({ address: 'x'.repeat(301) }), 'address')
    assert.equal(await field({ email: 'not-an-email' }), 'email')
    assert.equal(await field({ category: 'fireworks' }), 'category')
    assert.equal(await field({ start: 'tomorrow' }), 'start')
    ok(await submit(t.app, siteId, token, { title: 'é'.repeat(200), description: '😀'.repeat(5000), address: 'a'.repeat(300) }), 202)
    assertError(await submit(t.app, siteId, token, { extra: 1 }), 400, 'BAD_REQUEST')
  })

  test('honeypot, closed submissions, daily cap, idempotent replay', async () => {
    const s = await createMapSite(t.app, { submissions: { enabled: true, perDay: 2 } })
    const token = await mintToken(t.app)
    assertError(await submit(t.app, s, token, { website: 'http://spam.example' }), 422, 'SPAM')

    const key = uid('k')
    const first = ok(await submit(t.app, s, token, {}, { key }), 202)
    const replay = ok(await submit(t.app, s, token, { title: 'different' }, { key }), 202)
    assert.deepEqual(replay, first, 'the same key answers with the first suggestion')
    ok(await submit(t.app, s, token, {}, { key: uid('k') }), 202)
    const capped = assertError(await submit(t.app, s, token, {}, { key: uid('k') }), 429, 'DAILY_LIMIT')
    assert.match(String(capped.message), /limit of 2/)
    assert.deepEqual(ok(await submit(t.app, s, token, {}, { key }), 202), first, 'a replay still answers once capped')
    ok(await submit(t.app, s, await mintToken(t.app), {}), 202)
    const rows = await t.app.services.db.kysely.selectFrom('projects').select('id').where('site_id', '=', s).execute()
    assert.equal(rows.length, 3)

    ok(await putMap(t.app, s, { submissions: { enabled: false } }))
    assertError(await submit(t.app, s, await mintToken(t.app), {}), 403, 'SUBMISSIONS_CLOSED')
  })

  test('racing requests: one suggestion per key, never more than the daily cap', async () => {
    const s = await createMapSite(t.app, { submissions: { enabled: true, perDay: 3 } })
    const token = await mintToken(t.app)
    const key = uid('k')
    const same = await Promise.all(Array.from({ length: 4 }, () => submit(t.app, s, token, {}, { key })))
    assert.equal(new Set(same.map(r => ok(r, 202).id)).size, 1, 'one suggestion for one key')
    const other = await mintToken(t.app)
    const burst = await Promise.all(Array.from({ length: 8 }, () => submit(t.app, s, other, {}, { key: uid('k') })))
    assert.equal(burst.filter(r => r.statusCode === 202).length, 3)
    for (const r of burst.filter(r => r.statusCode !== 202)) assertError(r, 429, 'DAILY_LIMIT')
    const rows = await t.app.services.db.kysely.selectFrom('projects').select('id').where('site_id', '=', s).execute()
    assert.equal(rows.length, 4)
  })

  test('the per-participant and per-IP rate limits apply', async () => {
    const limited = await env.startApp({ rateLimit: { ipPerMin: 1000, participantPerMin: 2 } })
    try {
      const s = await createMapSite(limited.app)
      const token = await mintToken(limited.app)
      ok(await submit(limited.app, s, token, {}), 202)
      ok(await submit(limited.app, s, token, {}), 202)
      assertError(await submit(limited.app, s, token, {}), 429, 'RATE_LIMITED')
    } finally {
      await limited.close()
    }
    const ipLimited = await env.startApp({ rateLimit: { ipPerMin: 2, participantPerMin: 1000 } })
    try {
      const s = await createMapSite(ipLimited.app)
      const token = await mintToken(ipLimited.app)
      ok(await submit(ipLimited.app, s, token, {}, { remoteAddress: '10.0.0.9' }), 202)
      ok(await submit(ipLimited.app, s, token, {}, { remoteAddress: '10.0.0.9' }), 202)
      const res = await submit(ipLimited.app, s, token, {}, { remoteAddress: '10.0.0.9' })
      assertError(res, 429, 'RATE_LIMITED')
      assert.ok(Number(res.headers['retry-after']) >= 1)
    } finally {
      await ipLimited.close()
    }
  })

  test('a suggestion notifies staff through the site\'s webhook, without the email', async () => {
    const bodies: any[] = []
    const server = http.createServer((req, res) => {
      let data = ''
      req.on('data', c => { data += c })
      req.on('end', () => { bodies.push(JSON.parse(data)); res.end('ok') })
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
      const s = await createMapSite(t.app, {}, { comments: { webhookUrl: url } })
      const token = await mintToken(t.app)
      ok(await submit(t.app, s, token, { title: 'Tree <@channel> down', email: 'secret@example.org' }), 202)
      const deadline = Date.now() + 5000
      while (bodies.length === 0 && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 20))
      assert.equal(bodies.length, 1)
      assert.match(bodies[0].text, /New project suggestion/)
      assert.equal(bodies[0].attachments[0].title, 'Tree &lt;@\u200bchannel&gt; down', 'resident text is defused')
      assert.doesNotMatch(JSON.stringify(bodies[0]), /secret@example\.org/)
    } finally {
      await new Promise<void>(resolve => { server.closeAllConnections(); server.close(() => resolve()) })
    }
  })
})
