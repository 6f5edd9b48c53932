import crypto from 'node:crypto'
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { ParticipantTokens } from '../../server/services/participants.ts'
import { forEachDb, ORIGIN } from './helpers/harness.ts'
import type { TestApp } from './helpers/harness.ts'
import { assertError, createSite, ok } from './helpers/api.ts'

forEachDb('participants and origins', env => {
  let t: TestApp
  before(async () => {
    t = await env.startApp()
    await createSite(t.app)
  })
  after(() => t.close())

  test('POST /v1/participants mints a signed token the server accepts', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/participants', headers: { origin: ORIGIN } })
    const { token } = ok(res, 201)
    assert.match(token, /^v2\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{11}\.[A-Za-z0-9_-]{43}$/)
    assert.equal(res.headers['set-cookie'], undefined, 'no cookies')
    assert.equal(res.headers['access-control-allow-origin'], ORIGIN)
    assert.equal(t.app.services.tokens.verify(token), token.split('.')[1])
    const second = ok(await t.app.inject({ method: 'POST', url: '/v1/participants', headers: { origin: ORIGIN } }), 201).token
    assert.notEqual(second, token)
  })

  test('every node of a cluster (same database) accepts the same tokens', async () => {
    const token = ok(await t.app.inject({ method: 'POST', url: '/v1/participants', headers: { origin: ORIGIN } }), 201).token
    const otherNode = await ParticipantTokens.load(t.db)
    assert.ok(otherNode.verify(token))
    const foreign = new ParticipantTokens(Buffer.alloc(32, 7))
    assert.equal(foreign.verify(token), null)
    assert.equal(otherNode.verify(foreign.mint(ORIGIN)), null)
  })

  test('a token counts for writes only from the origin it was minted for; tokens from before that are read, never written with', () => {
    const key = crypto.randomBytes(32)
    const tokens = new ParticipantTokens(key)
    const token = tokens.mint('https://a-town.example')
    const id = token.split('.')[1]!
    assert.equal(tokens.verifyFrom(token, 'https://a-town.example'), id)
    assert.equal(tokens.verifyFrom(token, 'https://b-town.example'), null)
    assert.equal(tokens.verifyFrom(token, undefined), null)
    assert.equal(tokens.verify(token), id)
    const v1 = `v1.${id}.${crypto.createHmac('sha256', key).update(`v1.${id}`).digest('base64url')}`
    assert.equal(tokens.verify(v1), id, 'a v1 token still reads its own vote and answers a GDPR request')
    assert.equal(tokens.verifyFrom(v1, 'https://a-town.example'), null, 'but names no origin, so it writes nothing')
    // The tag cannot be moved to another origin: it is under the signature.
    const [, , , mac] = token.split('.')
    const retagged = `v2.${id}.${tokens.mint('https://b-town.example').split('.')[2]}.${mac}`
    assert.equal(tokens.verifyFrom(retagged, 'https://b-town.example'), null)
  })

  test('minting refuses unknown and missing origins, allows the server\'s own', async () => {
    assertError(await t.app.inject({ method: 'POST', url: '/v1/participants', headers: { origin: 'https://evil.example' } }), 403, 'ORIGIN_NOT_ALLOWED')
    assertError(await t.app.inject({ method: 'POST', url: '/v1/participants' }), 403, 'ORIGIN_NOT_ALLOWED')
    ok(await t.app.inject({ method: 'POST', url: '/v1/participants', headers: { origin: 'http://api.local:9000', host: 'api.local:9000' } }), 201)
    // Same host but another scheme is another origin.
    assertError(await t.app.inject({ method: 'POST', url: '/v1/participants', headers: { origin: 'https://api.local:9000', host: 'api.local:9000' } }), 403, 'ORIGIN_NOT_ALLOWED')
  })

  test('CORS preflight is answered only for allow-listed origins', async () => {
    const preflight = (origin: string) => t.app.inject({
      method: 'OPTIONS', url: '/v1/polls/x/votes',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,idempotency-key,authorization' }
    })
    const good = await preflight(ORIGIN)
    assert.equal(good.statusCode, 204)
    assert.equal(good.headers['access-control-allow-origin'], ORIGIN)
    assert.match(String(good.headers['access-control-allow-headers']), /Idempotency-Key/)
    assert.match(String(good.headers['access-control-allow-methods']), /POST/)
    assert.match(String(good.headers.vary), /Origin/)
    const bad = await preflight('https://evil.example')
    assert.equal(bad.headers['access-control-allow-origin'], undefined)
    assert.ok(bad.statusCode >= 400)
    const read = await t.app.inject({ method: 'GET', url: '/v1/polls/x', headers: { origin: 'https://evil.example' } })
    assert.equal(read.headers['access-control-allow-origin'], undefined)
  })
})
