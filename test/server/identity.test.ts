import assert from 'node:assert/strict'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { forEachDb } from './helpers/harness.ts'
import type { TestApp } from './helpers/harness.ts'
import { assertError, countVoteRows, createPoll, createSite, mintToken, ok, uid, view, vote } from './helpers/api.ts'

const SECRET = 'a-test-secret-of-sufficient-length'
const ISSUER = 'https://login.city.example'
const enc = (s: string) => new TextEncoder().encode(s)

function hs256 (claims: Record<string, unknown>, { secret = SECRET, exp = '5m' as string | number } = {}) {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(exp).sign(enc(secret))
}

forEachDb('verified-only polls (HS256)', env => {
  let t: TestApp
  let pollId: string
  before(async () => {
    t = await env.startApp()
    const site = await createSite(t.app, { identity: { secret: SECRET, issuer: ISSUER } })
    assert.deepEqual(site.identity, { issuer: ISSUER, hasSecret: true }, 'the key is never echoed')
    pollId = (await createPoll(t.app, site.id, { verifiedOnly: true })).id
  })
  after(() => t.close())

  test('a good token is accepted and the vote is keyed by its subject', async () => {
    const jwt = await hs256({ sub: 'resident-1', iss: ISSUER })
    const device = await mintToken(t.app)
    const body = ok(await vote(t.app, pollId, device, ['yes'], { identity: jwt }))
    assert.equal(body.results.voters, 1)
    assert.deepEqual((await view(t.app, pollId, device)).myVote?.choices, ['yes'], 'the device that voted sees its vote')
    // The same resident on another device (another participant token) is the same voter.
    assertError(await vote(t.app, pollId, await mintToken(t.app), ['no'], { identity: jwt }), 409, 'ALREADY_VOTED')
    const row = await t.db.kysely.selectFrom('votes').selectAll().where('poll_id', '=', pollId).executeTakeFirstOrThrow()
    assert.equal(row.voter_key, 'v:resident-1')
    assert.equal(row.verified, 1)
  })

  test('no identity token: 401 IDENTITY_REQUIRED', async () => {
    assertError(await vote(t.app, pollId, await mintToken(t.app), ['yes']), 401, 'IDENTITY_REQUIRED')
  })

  test('bad signature, expired, wrong issuer, no subject, no exp, alg none: 401 IDENTITY_INVALID', async () => {
    const now = Math.floor(Date.now() / 1000)
    const noExp = await new SignJWT({ sub: 'x', iss: ISSUER }).setProtectedHeader({ alg: 'HS256' }).sign(enc(SECRET))
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'x', iss: ISSUER, exp: now + 60 })).toString('base64url')}.`
    const bad = [
      await hs256({ sub: 'r2', iss: ISSUER }, { secret: 'another-secret-of-enough-length' }),
      await hs256({ sub: 'r3', iss: ISSUER }, { exp: now - 60 }),
      await hs256({ sub: 'r4', iss: 'https://elsewhere.example' }),
      await hs256({ iss: ISSUER }),
      await hs256({ sub: 'nul\u0000byte', iss: ISSUER }),
      noExp,
      unsigned,
      'not-a-jwt'
    ]
    for (const jwt of bad) {
      assertError(await vote(t.app, pollId, await mintToken(t.app), ['yes'], { identity: jwt }), 401, 'IDENTITY_INVALID')
    }
    assert.equal(await countVoteRows(t.app, pollId), 1, 'only the earlier good vote')
  })
})

describe('JWKS', () => {
  let keys: Awaited<ReturnType<typeof generateKeyPair>>
  let other: Awaited<ReturnType<typeof generateKeyPair>>
  let server: http.Server
  let jwksUrl: string
  let fetches = 0
  before(async () => {
    keys = await generateKeyPair('RS256')
    other = await generateKeyPair('RS256')
    const jwk = { ...await exportJWK(keys.publicKey), kid: 'k1', alg: 'RS256', use: 'sig' }
    server = http.createServer((req, res) => {
      fetches++
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ keys: [jwk] }))
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`
  })
  after(() => new Promise<void>(resolve => server.close(() => resolve())))

  const rs256 = (key: CryptoKey, claims: Record<string, unknown>, kid = 'k1') =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).setIssuedAt().setExpirationTime('5m').sign(key)

  forEachDb('verified-only polls (JWKS)', env => {
    let t: TestApp
    let pollId: string
    before(async () => {
      t = await env.startApp()
      const site = await createSite(t.app, { identity: { jwksUrl, audience: 'civic' } })
      pollId = (await createPoll(t.app, site.id, { verifiedOnly: true })).id
    })
    after(() => t.close())

    test('a token signed by a key from the site\'s JWKS is accepted', async () => {
      const jwt = await rs256(keys.privateKey, { sub: uid('resident'), aud: 'civic' })
      ok(await vote(t.app, pollId, await mintToken(t.app), ['no'], { identity: jwt }))
      assert.ok(fetches >= 1, 'the JWKS was fetched from the local server')
    })

    test('a token from another key, a wrong audience or an HS256 token is refused', async () => {
      const forged = await rs256(other.privateKey, { sub: 'mallory', aud: 'civic' })
      const wrongAud = await rs256(keys.privateKey, { sub: 'r5', aud: 'someone-else' })
      const hs = await hs256({ sub: 'r6', aud: 'civic' })
      for (const jwt of [forged, wrongAud, hs]) {
        assertError(await vote(t.app, pollId, await mintToken(t.app), ['no'], { identity: jwt }), 401, 'IDENTITY_INVALID')
      }
    })
  })

  forEachDb('JWKS endpoint down', env => {
    test('an unreachable JWKS is a 503 IDENTITY_UNAVAILABLE, not a 401', async () => {
      const t = await env.startApp()
      try {
        const site = await createSite(t.app, { identity: { jwksUrl: 'http://127.0.0.1:9/jwks.json' } })
        const poll = await createPoll(t.app, site.id, { verifiedOnly: true })
        const jwt = await rs256(keys.privateKey, { sub: 'r7' })
        assertError(await vote(t.app, poll.id, await mintToken(t.app), ['yes'], { identity: jwt }), 503, 'IDENTITY_UNAVAILABLE')
      } finally {
        await t.close()
      }
    })
  })
})
