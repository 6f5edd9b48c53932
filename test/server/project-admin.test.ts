import crypto from 'node:crypto'
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { ensureDemoProjects, seedDemo } from '../../server/seed.ts'
import { DEMO_MAP } from '../../server/seed-projects.ts'
import { parseCsv } from '../../server/services/project-import.ts'
import { assertInBounds, checkProject } from '../../server/services/project-rules.ts'
import { admin, forEachDb, testConfig } from './helpers/harness.ts'
import type { TestApp } from './helpers/harness.ts'
import { adminReq, assertError, createSite, mintToken, ok } from './helpers/api.ts'
import { createMapSite, createProject, feed, ids, MAP, point, putMap, square, submit, uid } from './helpers/projects.ts'

test('CSV per RFC 4180: quotes, doubled quotes, line breaks in cells, CRLF, BOM', () => {
  assert.deepEqual(parseCsv('\ufeffa,b,c\r\n"x, y","say ""hi""","two\nlines"\r\nlast,,\n'), [
    ['a', 'b', 'c'], ['x, y', 'say "hi"', 'two\nlines'], ['last', '', '']
  ])
  assert.deepEqual(parseCsv('a,b\n1,2'), [['a', 'b'], ['1', '2']], 'no final newline')
  assert.throws(() => parseCsv('a\n"open'), /not closed/)
})

forEachDb('projects (admin)', env => {
  let t: TestApp
  let siteId: string
  before(async () => {
    t = await env.startApp()
    siteId = await createMapSite(t.app)
  })
  after(() => t.close())

  const importReq = (site: string, type: string, payload: string) =>
    t.app.inject({ method: 'POST', url: `/v1/admin/projects/import?site=${site}`, headers: { ...admin, 'content-type': type }, payload })

  test('every admin route needs the admin token', async () => {
    const p = await createProject(t.app, siteId)
    const routes: Array<[string, string]> = [
      ['GET', `/v1/admin/sites/${siteId}/map`], ['PUT', `/v1/admin/sites/${siteId}/map`], ['GET', '/v1/admin/projects'],
      ['POST', '/v1/admin/projects'], ['GET', `/v1/admin/projects/${p.id}`], ['PUT', `/v1/admin/projects/${p.id}`],
      ['DELETE', `/v1/admin/projects/${p.id}`], ['POST', `/v1/admin/projects/import?site=${siteId}`],
      ['POST', `/v1/admin/projects/${p.id}/approve`], ['POST', `/v1/admin/projects/${p.id}/reject`]
    ]
    for (const [method, url] of routes) {
      assertError(await t.app.inject({ method: method as 'GET', url }), 401, 'UNAUTHORIZED')
      assertError(await t.app.inject({ method: method as 'GET', url, headers: { authorization: 'Bearer wrong' } }), 401, 'UNAUTHORIZED')
    }
    ok(await adminReq(t.app, 'GET', `/projects/${p.id}`), 200)
  })

  test('map settings: read, merge field by field, refuse what the widget cannot draw', async () => {
    const m = ok(await adminReq(t.app, 'GET', `/sites/${siteId}/map`))
    assert.deepEqual(m.categories, MAP.categories)
    assert.equal(m.style, null)
    const changed = ok(await putMap(t.app, siteId, { zoom: 14, submissions: { perDay: 9 }, style: 'https://tiles.example/style.json' }))
    assert.equal(changed.zoom, 14)
    assert.deepEqual(changed.submissions, { enabled: true, perDay: 9 }, 'enabled kept')
    assert.deepEqual(changed.bounds, MAP.bounds)
    const pub = ok(await t.app.inject({ method: 'GET', url: `/v1/projects/map?site=${siteId}` }))
    assert.equal(pub.style, 'https://tiles.example/style.json')
    ok(await putMap(t.app, siteId, { zoom: 13, submissions: { perDay: 5 }, style: null }))

    const bad = async (body: Record<string, unknown>, code = 'INVALID_MAP') => assertError(await putMap(t.app, siteId, body), 400, code)
    await bad({ bounds: [5.2, 52, 5.1, 52.1] })
    await bad({ bounds: [5, 52, 5.1, 95] })
    await bad({ center: [190, 52] })
    await bad({ categories: [{ id: 'a', label: 'A', color: '#000000', icon: 'cone' }, { id: 'a', label: 'B', color: '#000000', icon: 'cone' }] })
    await bad({ categories: [{ id: 'a', label: 'A', color: 'red', icon: 'cone' }] }, 'BAD_REQUEST')
    await bad({ categories: [{ id: 'a', label: 'A', color: '#ff0000', icon: 'https://evil.example/i.png' }] }, 'BAD_REQUEST')
    await bad({ style: 'javascript:alert(1)' })
    assertError(await putMap(t.app, 'nope', { zoom: 3 }), 404, 'NOT_FOUND')
  })

  test('create every geometry type; read, replace and delete', async () => {
    const line = { type: 'LineString', coordinates: [[5.1, 52.08], [5.11, 52.085]] }
    const multi = { type: 'MultiPolygon', coordinates: [square().coordinates, square(5.15, 52.1).coordinates] }
    for (const geometry of [point(), line, square(), { type: 'MultiLineString', coordinates: [line.coordinates] }, multi]) {
      const p = await createProject(t.app, siteId, { geometry })
      assert.deepEqual(p.geometry, geometry)
      assert.equal(p.properties.review, 'approved')
      assert.equal(p.properties.source, 'staff')
    }
    const p = await createProject(t.app, siteId, { id: uid('works'), contact: 'Works desk', link: 'https://riverton.example/x' })
    const replaced = ok(await t.app.inject({
      method: 'PUT', url: `/v1/admin/projects/${p.id}`, headers: admin,
      payload: { title: 'Detour via Canal Street', category: 'transit', status: 'in_progress', start: '2026-04-01', end: '2026-04-30', geometry: line }
    }))
    assert.equal(replaced.properties.title, 'Detour via Canal Street')
    assert.equal(replaced.properties.contact, null, 'PUT replaces every field')
    assert.equal(replaced.properties.createdAt, p.properties.createdAt)
    assert.equal(replaced.properties.review, 'approved')

    assertError(await t.app.inject({ method: 'POST', url: '/v1/admin/projects', headers: admin, payload: { siteId, id: p.id, title: 'x', category: 'park', status: 'planned', start: '2026-01-01', geometry: point() } }), 409, 'ALREADY_EXISTS')
    assertError(await t.app.inject({ method: 'POST', url: '/v1/admin/projects', headers: admin, payload: { siteId, id: 'map', title: 'x', category: 'park', status: 'planned', start: '2026-01-01', geometry: point() } }), 400, 'INVALID_PROJECT')
    const geo = assertError(await t.app.inject({ method: 'POST', url: '/v1/admin/projects', headers: admin, payload: { siteId, title: 'x', category: 'park', status: 'planned', start: '2026-01-01', geometry: { type: 'Polygon', coordinates: [[[5, 52], [5.1, 52], [5.1, 52.1], [5, 52.2]]] } } }), 400, 'INVALID_GEOMETRY')
    assert.match(String(geo.message), /ring not closed/)
    assertError(await t.app.inject({ method: 'POST', url: '/v1/admin/projects', headers: admin, payload: { siteId, title: 'x', category: 'park', status: 'done', start: '2026-01-01', geometry: point() } }), 400, 'INVALID_PROJECT')
    assertError(await t.app.inject({ method: 'POST', url: '/v1/admin/projects', headers: admin, payload: { siteId, title: 'x', category: 'park', status: 'planned', start: '2026-01-01', link: 'javascript:x', geometry: point() } }), 400, 'INVALID_PROJECT')
    assertError(await t.app.inject({ method: 'POST', url: '/v1/admin/projects', headers: admin, payload: { siteId, title: 'x', category: 'park', status: 'planned', start: '2026-02-01', end: '2026-01-01', geometry: point() } }), 400, 'INVALID_DATES')
    assertError(await t.app.inject({ method: 'POST', url: '/v1/admin/projects', headers: admin, payload: { siteId: 'nope', title: 'x', category: 'park', status: 'planned', start: '2026-01-01', geometry: point() } }), 404, 'NOT_FOUND')

    assert.equal((await adminReq(t.app, 'DELETE', `/projects/${p.id}`)).statusCode, 204)
    assertError(await adminReq(t.app, 'GET', `/projects/${p.id}`), 404, 'NOT_FOUND')
    assertError(await adminReq(t.app, 'DELETE', `/projects/${p.id}`), 404, 'NOT_FOUND')
  })

  test('the review queue: approve shows a suggestion, reject hides it for good', async () => {
    const s = await createMapSite(t.app)
    const token = await mintToken(t.app)
    const a = ok(await submit(t.app, s, token, { title: 'Bench by the pond', email: 'a@example.org' }), 202)
    const b = ok(await submit(t.app, s, token, { title: 'Crossing at school' }), 202)
    const queue = ok(await adminReq(t.app, 'GET', `/projects?site=${s}&status=pending`))
    assert.deepEqual(queue.projects.map((p: any) => p.id), [b.id, a.id], 'newest first')
    assert.equal(queue.projects[1].properties.submitterEmail, 'a@example.org', 'staff see the email')

    const approved = ok(await adminReq(t.app, 'POST', `/projects/${a.id}/approve`))
    assert.equal(approved.properties.review, 'approved')
    assert.ok(approved.properties.reviewedAt)
    assert.deepEqual(ids(await feed(t.app, { site: s })), [a.id])

    assertError(await adminReq(t.app, 'POST', `/projects/${b.id}/reject`, { reason: '  ' }), 400, 'INVALID_PROJECT')
    const rejected = ok(await adminReq(t.app, 'POST', `/projects/${b.id}/reject`, { reason: 'Already planned' }))
    assert.equal(rejected.properties.review, 'rejected')
    assert.equal(rejected.properties.rejectReason, 'Already planned')
    assertError(await t.app.inject({ method: 'GET', url: `/v1/projects/${b.id}` }), 404, 'NOT_FOUND')
    assert.deepEqual(ids(await feed(t.app, { site: s })), [a.id])

    // Rejecting an approved project takes it off the map (and changes the ETag).
    const before = await feed(t.app, { site: s })
    ok(await adminReq(t.app, 'POST', `/projects/${a.id}/reject`, { reason: 'Duplicate' }))
    const afterReject = await feed(t.app, { site: s }, { 'if-none-match': String(before.headers.etag) })
    assert.equal(afterReject.statusCode, 200)
    assert.deepEqual(ids(afterReject), [])
    assert.deepEqual(ok(await adminReq(t.app, 'GET', `/projects?site=${s}&status=pending`)).projects, [])
    assert.equal(ok(await adminReq(t.app, 'GET', `/projects?site=${s}&status=rejected`)).projects.length, 2)
    assertError(await adminReq(t.app, 'POST', '/projects/p-missing/approve'), 404, 'NOT_FOUND')
  })

  test('list: search and keyset paging without gaps or repeats', async () => {
    const s = await createMapSite(t.app)
    const made: string[] = []
    for (let i = 0; i < 7; i++) made.push((await createProject(t.app, s, { title: `Works ${i}`, address: i === 3 ? '100% Canal_Street' : null })).id)
    let cursor: string | null = null
    const seen: string[] = []
    do {
      const page: any = ok(await adminReq(t.app, 'GET', `/projects?site=${s}&limit=3${cursor ? `&cursor=${cursor}` : ''}`))
      assert.ok(page.projects.length <= 3)
      seen.push(...page.projects.map((p: any) => p.id))
      cursor = page.nextCursor
    } while (cursor)
    assert.deepEqual(seen, [...made].reverse())
    assert.deepEqual(ok(await adminReq(t.app, 'GET', `/projects?site=${s}&q=${encodeURIComponent('100% canal_')}`)).projects.map((p: any) => p.id), [made[3]], 'q is literal, in the address')
    assert.deepEqual(ok(await adminReq(t.app, 'GET', `/projects?site=${s}&q=works%205`)).projects.map((p: any) => p.id), [made[5]])
    assert.deepEqual(ok(await adminReq(t.app, 'GET', `/projects?site=${s}&q=${encodeURIComponent('%')}`)).projects.map((p: any) => p.id), [made[3]])
    assertError(await adminReq(t.app, 'GET', '/projects?cursor=nonsense'), 400, 'BAD_REQUEST')
    assertError(await adminReq(t.app, 'GET', '/projects?limit=500'), 400, 'BAD_REQUEST')
    assertError(await adminReq(t.app, 'GET', '/projects?status=approvedish'), 400, 'BAD_REQUEST')
  })

  test('import GeoJSON: valid features go in, bad ones are reported by number', async () => {
    const s = await createMapSite(t.app)
    const fc = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: square(), properties: { title: 'Park renewal', category: 'park', status: 'in_progress', start: '2026-04-01', end: '2026-10-31', description: 'New paths.' } },
        { type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[5, 52], [5.1, 52], [5.1, 52.1], [5, 52.2]]] }, properties: { title: 'Bad ring', category: 'park', start: '2026-01-01' } },
        { type: 'Feature', geometry: point(), properties: { title: 'Unknown kind', category: 'fireworks', start: '2026-01-01' } },
        { type: 'Feature', geometry: point(), properties: { title: 'Backwards', category: 'park', start: '2026-02-01', end: '2026-01-01' } },
        { type: 'Feature', geometry: { type: 'LineString', coordinates: [[5.1, 52.08], [5.11, 52.085]] }, properties: { title: 'Detour', category: 'transit', start: '2026-05-01' } },
        { type: 'NotAFeature' }
      ]
    }
    const res = ok(await importReq(s, 'application/geo+json', JSON.stringify(fc)))
    assert.equal(res.imported, 2)
    assert.deepEqual(res.errors.map((e: any) => e.row), [2, 3, 4, 6])
    assert.match(res.errors[0].message, /ring not closed/)
    assert.match(res.errors[1].message, /category/i)
    assert.match(res.errors[2].message, /end date is before the start date/)
    const titles = (await feed(t.app, { site: s })).json().features.map((f: any) => f.properties.title).sort()
    assert.deepEqual(titles, ['Detour', 'Park renewal'])
    const stored = ok(await adminReq(t.app, 'GET', `/projects?site=${s}&q=park`)).projects[0]
    assert.equal(stored.properties.source, 'import')
    assert.equal(stored.properties.status, 'in_progress')

    ok(await t.app.inject({ method: 'POST', url: `/v1/admin/projects/import?site=${s}`, headers: admin, payload: fc }), 200)
    assertError(await importReq(s, 'application/geo+json', '{"type":"Feature"}'), 400, 'BAD_GEOJSON')
    assertError(await importReq(s, 'application/geo+json', '{nope'), 400, 'BAD_JSON')
    assertError(await importReq('nope', 'application/geo+json', JSON.stringify(fc)), 404, 'NOT_FOUND')
  })

  test('import CSV: spreadsheet rows with quotes and line breaks; row numbers as the spreadsheet shows them', async () => {
    const s = await createMapSite(t.app)
    const csv = [
      'title,category,status,start,end,address,description,lat,lon',
      '"Sewer works, phase 1",roadworks,planned,2026-03-01,2026-05-31,"Quay 3","Two lines:\nfirst, then second",52.09,5.12',
      'No place,roadworks,planned,2026-03-01,,,,,',
      'Far away,park,planned,2026-03-01,,,,95,5.12',
      'Bad status,park,someday,2026-03-01,,,,52.09,5.12',
      '',
      'Bus lane,transit,,2026-06-01,,,,52.1,5.1'
    ].join('\r\n')
    const res = ok(await importReq(s, 'text/csv', csv))
    assert.equal(res.imported, 2)
    assert.deepEqual(res.errors.map((e: any) => e.row), [3, 4, 5])
    assert.match(res.errors[0].message, /lat and lon/)
    assert.match(res.errors[1].message, /outside WGS84/)
    assert.match(res.errors[2].message, /status/)
    const list = ok(await adminReq(t.app, 'GET', `/projects?site=${s}`)).projects
    const sewer = list.find((p: any) => p.properties.title === 'Sewer works, phase 1')
    assert.deepEqual(sewer.geometry, { type: 'Point', coordinates: [5.12, 52.09] }, 'lat/lon become [lon, lat]')
    assert.equal(sewer.properties.description, 'Two lines:\nfirst, then second')
    assert.equal(sewer.properties.address, 'Quay 3')
    assert.equal(list.find((p: any) => p.properties.title === 'Bus lane').properties.status, 'planned', 'a blank status is planned')

    assertError(await importReq(s, 'text/csv', 'name,where\nx,y'), 400, 'BAD_CSV')
    assertError(await importReq(s, 'text/plain', 'x'), 415, 'UNSUPPORTED_MEDIA_TYPE')
  })

  test('import with ids: a re-import updates the same projects instead of adding them again', async () => {
    const s = await createMapSite(t.app)
    const other = await createMapSite(t.app)
    const taken = (await createProject(t.app, other, { id: `other-${uid()}` })).id
    const tag = uid().toLowerCase()
    const num = 1e9 + crypto.randomInt(1e9) // an OBJECTID-like key, unique per run (the database may be shared)
    const gis = (title: string) => ({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', id: `RW-${tag}`, geometry: point(), properties: { title: `${title} on Quay`, category: 'roadworks', start: '2026-03-01', contact: 'works@city.example' } },
        { type: 'Feature', geometry: square(), properties: { id: `park-${tag}`, title: `${title} park`, category: 'park', start: '2026-04-01' } },
        { type: 'Feature', geometry: point(), properties: { title: `${title} without an id`, category: 'park', start: '2026-04-01' } }
      ]
    })
    const first = ok(await importReq(s, 'application/geo+json', JSON.stringify(gis('Works'))))
    assert.deepEqual([first.imported, first.updated, first.errors], [3, 0, []])
    const rw = ok(await adminReq(t.app, 'GET', `/projects/rw-${tag}`))
    assert.equal(rw.properties.title, 'Works on Quay', 'the GIS id, lowercased, is the project id')
    assert.equal(ok(await adminReq(t.app, 'GET', `/projects/park-${tag}`)).properties.title, 'Works park')
    ok(await adminReq(t.app, 'POST', `/projects/park-${tag}/reject`, { reason: 'Not ours' }))

    const again = ok(await importReq(s, 'application/geo+json', JSON.stringify(gis('Renewed'))))
    assert.deepEqual([again.imported, again.updated, again.errors], [1, 2, []], 'two rows with ids update, the row without one is new')
    const all = ok(await adminReq(t.app, 'GET', `/projects?site=${s}`)).projects
    assert.equal(all.length, 4)
    const park = all.find((p: any) => p.id === `park-${tag}`)
    assert.equal(park.properties.title, 'Renewed park')
    assert.equal(park.properties.review, 'rejected', 'the review state stays')
    const titles = (await feed(t.app, { site: s })).json().features.map((f: any) => f.properties.title).sort()
    assert.deepEqual(titles, ['Renewed on Quay', 'Renewed without an id', 'Works without an id'], 'the public feed has the update, not the rejected park')

    // CSV has no contact column: an update from CSV keeps the contact. Bad ids are refused by row.
    const csv = [
      'id,title,category,start,lat,lon',
      `RW-${tag},Resurfacing Quay,roadworks,2026-05-01,52.09,5.12`,
      `${taken},Not this site's,park,2026-05-01,52.09,5.12`,
      'map,Reserved,park,2026-05-01,52.09,5.12',
      'a b,Spaced,park,2026-05-01,52.09,5.12',
      `rw-${tag},Twice in the file,park,2026-05-01,52.09,5.12`,
      `${num},A numeric GIS key,park,2026-05-01,52.09,5.12`
    ].join('\n')
    const fromCsv = ok(await importReq(s, 'text/csv', csv))
    assert.deepEqual([fromCsv.imported, fromCsv.updated], [1, 1])
    assert.deepEqual(fromCsv.errors.map((e: any) => e.row), [3, 4, 5, 6])
    assert.match(fromCsv.errors[0].message, /another site/)
    assert.match(fromCsv.errors[1].message, /reserved/)
    assert.match(fromCsv.errors[2].message, /letters, digits/)
    assert.match(fromCsv.errors[3].message, /earlier row/)
    const updated = ok(await adminReq(t.app, 'GET', `/projects/rw-${tag}`))
    assert.equal(updated.properties.title, 'Resurfacing Quay')
    assert.equal(updated.properties.contact, 'works@city.example')
    assert.equal(ok(await adminReq(t.app, 'GET', `/projects/${num}`)).properties.title, 'A numeric GIS key')
    const numeric = { type: 'FeatureCollection', features: [{ type: 'Feature', id: num, geometry: point(), properties: { title: 'The same key as a JSON number', category: 'park', start: '2026-05-01' } }] }
    assert.deepEqual(ok(await importReq(s, 'application/geo+json', JSON.stringify(numeric))).updated, 1)
    assert.equal(ok(await adminReq(t.app, 'GET', `/projects/${taken}`)).properties.title, 'Resurfacing Main Street', 'the other site\'s project is untouched')
  })

  test('a suggestion whose category staff removed can still be edited', async () => {
    const s = await createMapSite(t.app)
    const sub = ok(await submit(t.app, s, await mintToken(t.app), { category: 'park' }), 202)
    ok(await putMap(t.app, s, { categories: MAP.categories.filter(c => c.id !== 'park') }))
    const edited = ok(await t.app.inject({ method: 'PUT', url: `/v1/admin/projects/${sub.id}`, headers: admin, payload: { title: 'Edited', category: 'park', status: 'planned', start: '2026-05-01', description: 'x', geometry: point() } }))
    assert.equal(edited.properties.category, 'park')
    assert.equal(edited.properties.review, 'pending', 'editing is not approving')
    assertError(await t.app.inject({ method: 'PUT', url: `/v1/admin/projects/${sub.id}`, headers: admin, payload: { title: 'Edited', category: 'other', status: 'planned', start: '2026-05-01', geometry: point() } }), 400, 'INVALID_PROJECT')
    const other = await createSite(t.app)
    assertError(await t.app.inject({ method: 'POST', url: '/v1/admin/projects', headers: admin, payload: { siteId: other.id, title: 'x', category: 'park', status: 'planned', start: '2026-01-01', geometry: point() } }), 400, 'INVALID_PROJECT')
  })
})

forEachDb('projects: demo seed and OpenAPI', env => {
  test('Riverton gets its map and ~25 projects of every shape; pending suggestions wait in the queue; idempotent', async () => {
    const config = testConfig()
    const t = await env.startApp(config)
    try {
      assert.equal(await seedDemo(t.db, config), true)
      const m = ok(await t.app.inject({ method: 'GET', url: '/v1/projects/map?site=riverton' }))
      assert.deepEqual(m.center, [5.12, 52.09])
      assert.equal(m.zoom, 13)
      assert.deepEqual(m.bounds, [5.06, 52.055, 5.18, 52.125])
      assert.deepEqual(m.categories.map((c: any) => `${c.id}/${c.icon}`), ['roadworks/cone', 'detour/detour', 'renovation/building', 'park/tree', 'utilities/pipe', 'transit/bus'])
      assert.deepEqual(m.submissions, { enabled: true, perDay: 5 })
      assert.equal(m.comments, true)

      const features = (await feed(t.app, { site: 'riverton' })).json().features
      assert.ok(features.length >= 25, `${features.length} projects`)
      assert.deepEqual(new Set(features.map((f: any) => f.geometry.type)), new Set(['Point', 'LineString', 'Polygon', 'MultiLineString']))
      assert.deepEqual(new Set(features.map((f: any) => f.properties.status)), new Set(['planned', 'in_progress', 'completed']))
      for (const f of features) {
        assert.match(f.properties.start, /^202[67]-/, f.id)
        // Every demo project passes the staff rules and lies inside the map.
        checkProject({ ...f.properties, geometry: f.geometry }, DEMO_MAP)
        assertInBounds(f.geometry, DEMO_MAP.bounds)
      }
      const queue = ok(await adminReq(t.app, 'GET', '/projects?site=riverton&status=pending')).projects
      assert.equal(queue.length, 2)
      assert.ok(queue.some((p: any) => p.properties.submitterEmail === 'j.doe@example.org'))

      assert.equal(await ensureDemoProjects(t.db), 0, 'nothing missing')
      await t.db.kysely.deleteFrom('projects').where('id', '=', 'p-market-street').execute()
      ok(await putMap(t.app, 'riverton', { zoom: 14 }))
      assert.equal(await ensureDemoProjects(t.db), 1, 'a missing demo project comes back')
      assert.equal(ok(await adminReq(t.app, 'GET', '/sites/riverton/map')).zoom, 14, 'staff settings stay')
      assert.equal(await ensureDemoProjects(t.db), 0)
    } finally {
      await t.close()
    }
  })

  test('a demo database from before the project map gets it at the next start; no demo site, nothing', async () => {
    const config = testConfig()
    const t = await env.startApp(config)
    try {
      assert.equal(await ensureDemoProjects(t.db), 0, 'no demo site')
      assert.equal(await seedDemo(t.db, config), true)
      await t.db.kysely.deleteFrom('projects').execute()
      await t.db.kysely.deleteFrom('project_maps').execute()
      assert.ok(await ensureDemoProjects(t.db) >= 27)
      assert.equal(ok(await t.app.inject({ method: 'GET', url: '/v1/projects/map?site=riverton' })).categories.length, 6)
      assert.ok((await feed(t.app, { site: 'riverton' })).json().features.length >= 25)
    } finally {
      await t.close()
    }
  })

  test('the OpenAPI document lists the project routes', async () => {
    const t = await env.startApp()
    try {
      const doc = ok(await t.app.inject({ method: 'GET', url: '/v1/openapi.json' }))
      const expected: Record<string, string[]> = {
        '/v1/projects/map': ['get'],
        '/v1/projects': ['get'],
        '/v1/projects/{id}': ['get'],
        '/v1/projects/submissions': ['post'],
        '/v1/admin/sites/{site}/map': ['get', 'put'],
        '/v1/admin/projects': ['get', 'post'],
        '/v1/admin/projects/{id}': ['get', 'put', 'delete'],
        '/v1/admin/projects/import': ['post'],
        '/v1/admin/projects/{id}/approve': ['post'],
        '/v1/admin/projects/{id}/reject': ['post']
      }
      for (const [path, methods] of Object.entries(expected)) {
        for (const m of methods) assert.ok(doc.paths[path]?.[m], `missing ${m} ${path}`)
      }
      assert.ok(doc.paths['/v1/projects'].get.responses['200'].content['application/geo+json'])
      assert.ok(doc.paths['/v1/admin/projects/import'].post.requestBody.content['text/csv'])
      assert.deepEqual(doc.paths['/v1/admin/projects'].get.security, [{ admin: [] }])
      const sub = doc.paths['/v1/projects/submissions'].post.requestBody.content['application/json'].schema
      assert.deepEqual(sub.required.sort(), ['category', 'description', 'geometry', 'start', 'title'])
    } finally {
      await t.close()
    }
  })
})
