import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { forEachDb } from './helpers/harness.ts'
import type { TestApp } from './helpers/harness.ts'
import { ok } from './helpers/api.ts'

forEachDb('OpenAPI document', env => {
  let t: TestApp
  before(async () => { t = await env.startApp() })
  after(() => t.close())

  test('is OpenAPI 3.1 and lists every API route with its schemas', async () => {
    const doc = ok(await t.app.inject({ method: 'GET', url: '/v1/openapi.json' }))
    assert.equal(doc.openapi, '3.1.0')
    assert.equal(typeof doc.info.title, 'string')
    assert.equal(typeof doc.info.version, 'string')
    const expected: Record<string, string[]> = {
      '/health': ['get'],
      '/v1/participants': ['post'],
      '/v1/polls/{id}': ['get'],
      '/v1/polls/{id}/votes': ['post'],
      '/v1/polls/{id}/live': ['get'],
      '/v1/admin/sites': ['get', 'post'],
      '/v1/admin/sites/{id}': ['patch'],
      '/v1/admin/polls': ['get', 'post'],
      '/v1/admin/polls/{id}': ['get', 'patch'],
      '/v1/admin/polls/{id}/open': ['post'],
      '/v1/admin/polls/{id}/close': ['post'],
      '/v1/admin/polls/{id}/results': ['get'],
      '/v1/admin/polls/{id}/export.csv': ['get'],
      '/v1/consultations/active': ['get'],
      '/v1/consultations/{id}': ['get'],
      '/v1/consultations/{id}/responses': ['post'],
      '/v1/admin/consultations': ['get', 'post'],
      '/v1/admin/consultations/{id}': ['get', 'patch'],
      '/v1/admin/consultations/{id}/open': ['post'],
      '/v1/admin/consultations/{id}/close': ['post'],
      '/v1/admin/consultations/{id}/outcome': ['put', 'delete'],
      '/v1/admin/consultations/{id}/results': ['get'],
      '/v1/admin/consultations/{id}/responses': ['get'],
      '/v1/admin/consultations/{id}/export.csv': ['get'],
      '/v1/map/style.json': ['get'],
      '/v1/map/context.geojson': ['get'],
      '/v1/map/basemap.pmtiles': ['get'],
      '/v1/admin/session': ['get', 'post', 'delete'],
      '/v1/admin/setup': ['post'],
      '/v1/admin/users': ['get', 'post'],
      '/v1/admin/users/{id}': ['patch', 'delete'],
      '/v1/admin/audit': ['get']
    }
    for (const [path, methods] of Object.entries(expected)) {
      assert.ok(doc.paths[path], `missing ${path}`)
      for (const m of methods) assert.ok(doc.paths[path][m], `missing ${m} ${path}`)
    }
    assert.equal(Object.keys(doc.paths).some((p: string) => p.includes('*') || p.startsWith('/cdn')), false, 'no static or wildcard routes')
    const voteOp = doc.paths['/v1/polls/{id}/votes'].post
    const body = voteOp.requestBody.content['application/json'].schema
    assert.equal(body.properties.choices.type, 'array')
    assert.ok(voteOp.responses['200'].content['application/json'].schema.properties.results)
    assert.ok(voteOp.parameters.some((p: any) => p.in === 'header' && p.name === 'idempotency-key'))
    assert.ok(voteOp.responses['4XX'] ?? voteOp.responses['4xx'], 'error responses documented')
    const respondOp = doc.paths['/v1/consultations/{id}/responses'].post
    const respondBody = respondOp.requestBody.content['application/json'].schema
    assert.deepEqual(respondBody.required.sort(), ['answer', 'page'])
    assert.equal(respondBody.additionalProperties, false)
    const consultationView = doc.paths['/v1/consultations/{id}'].get.responses['200'].content['application/json'].schema
    for (const f of ['outcome', 'results', 'myResponse', 'sampling', 'capDays', 'serverTime']) assert.ok(consultationView.properties[f], f)
    assert.deepEqual(doc.paths['/v1/admin/consultations'].post.security, [{ admin: [] }])
    assert.equal(doc.components.securitySchemes.admin.scheme, 'bearer')
    assert.deepEqual(doc.paths['/v1/admin/sites'].get.security, [{ admin: [] }])
    assert.deepEqual(doc.paths['/v1/admin/users'].get.security, [{ admin: [] }, { session: [] }])
    assert.equal(doc.components.securitySchemes.session.in, 'cookie')
    assert.deepEqual(doc.paths['/v1/admin/session'].post.requestBody.content['application/json'].schema.required.sort(), ['email', 'password'])
  })
})
