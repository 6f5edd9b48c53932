// Ballot stuffing (issue 7 §3). The per-participant limit, a single forged token and the identity
// checks of one site already have tests (rate-limit, votes, identity); this adds what an attacker
// would actually do: 1,000 votes from one IP with fresh tokens under the shipped limits, forged
// and foreign tokens on every public write, and identity tokens of another site.
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import { after, before, test } from 'node:test'
import { SignJWT } from 'jose'
import { loadConfig } from '../../server/config.ts'
import { ParticipantTokens } from '../../server/services/participants.ts'
import { TokenBucketLimiter } from '../../server/services/rate-limit.ts'
import { forEachDb, ORIGIN } from './helpers/harness.ts'
import type { TestApp } from './helpers/harness.ts'
import {
  adminResults, assertError, comment, countVoteRows, createCommentSite, createConsultation, createPoll, createSite, ok, PAGE, vote
} from './helpers/api.ts'
import { createMapSite, point } from './helpers/projects.ts'

const VOTES = 1000
const ATTACKER = '198.51.100.7'
const enc = (s: string) => new TextEncoder().encode(s)
const hs256 = (claims: Record<string, unknown>, secret: string, exp: number | string = '5m') =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(exp).sign(enc(secret))

/** A token from the API, minted from a distinct address each (as harvested by many devices). */
async function freshToken (t: TestApp, i: number): Promise<string> {
  return ok(await t.app.inject({ method: 'POST', url: '/v1/participants', headers: { origin: ORIGIN }, remoteAddress: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }), 201).token
}

forEachDb('ballot stuffing', env => {
  // The shipped limits (RATE_LIMIT_IP_PER_MIN, RATE_LIMIT_PARTICIPANT_PER_MIN defaults), not the test harness's.
  const shipped = loadConfig({}).rateLimit
  let t: TestApp
  let now = Date.now()
  before(async () => {
    t = await env.startApp({ rateLimit: shipped })
  })
  after(() => t.close())

  /** The configured per-IP bucket on a clock the test holds still, so the expected count is exact. */
  const freezeIpClock = () => { t.app.services.ipLimiter = new TokenBucketLimiter(shipped.ipPerMin, () => now) }

  test(`${VOTES} votes from one IP with fresh tokens: exactly the configured number count, the rest get 429 with Retry-After`, async t2 => {
    const poll = await createPoll(t.app, (await createSite(t.app)).id)
    const tokens: string[] = []
    for (let i = 0; i < VOTES; i++) tokens.push(await freshToken(t, i))
    freezeIpClock()
    let accepted = 0
    const retryAfter = new Set<number>()
    for (let i = 0; i < VOTES; i++) {
      const res = await t.app.inject({
        method: 'POST', url: `/v1/polls/${poll.id}/votes`, remoteAddress: ATTACKER,
        headers: { origin: ORIGIN, authorization: `Participant ${tokens[i]}`, 'content-type': 'application/json', 'idempotency-key': `stuff-${i}` },
        payload: JSON.stringify({ choices: ['yes'] })
      })
      if (res.statusCode === 200) { accepted++; continue }
      const e = assertError(res, 429, 'RATE_LIMITED')
      const seconds = Number(res.headers['retry-after'])
      assert.ok(Number.isInteger(seconds) && seconds >= 1, `Retry-After: ${res.headers['retry-after']}`)
      assert.equal((e.details as { retryAfter: number }).retryAfter, seconds)
      retryAfter.add(seconds)
    }
    assert.equal(accepted, shipped.ipPerMin, 'the configured per-IP budget, no more, no less')
    assert.equal((await adminResults(t.app, poll.id)).voters, accepted, 'the tally is the accepted votes')
    assert.equal(await countVoteRows(t.app, poll.id), accepted)
    // A throttle, not a ban: once Retry-After has passed, the address may vote again.
    const again = () => t.app.inject({
      method: 'POST', url: `/v1/polls/${poll.id}/votes`, remoteAddress: ATTACKER,
      headers: { origin: ORIGIN, authorization: `Participant ${tokens[VOTES - 1]}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ choices: ['no'] })
    })
    assertError(await again(), 429, 'RATE_LIMITED')
    now += Math.max(...retryAfter) * 1000
    ok(await again())
    t2.diagnostic(`PROVE ${JSON.stringify({
      suite: `ballot stuffing: one IP (${env.kind})`,
      tried: `${VOTES.toLocaleString('en')} votes from one IP with ${VOTES.toLocaleString('en')} fresh tokens`,
      held: `${accepted} counted (= RATE_LIMIT_IP_PER_MIN ${shipped.ipPerMin}), ${VOTES - accepted} × 429 with Retry-After, tally ${accepted}`
    })}`)
  })

  test('minting on the same IP spends the same budget: mints plus votes never exceed it', async () => {
    const poll = await createPoll(t.app, (await createSite(t.app)).id)
    freezeIpClock()
    let mints = 0
    let votes = 0
    for (let i = 0; i < VOTES; i++) {
      const m = await t.app.inject({ method: 'POST', url: '/v1/participants', headers: { origin: ORIGIN }, remoteAddress: ATTACKER })
      if (m.statusCode !== 201) { assertError(m, 429, 'RATE_LIMITED'); continue }
      mints++
      const res = await t.app.inject({
        method: 'POST', url: `/v1/polls/${poll.id}/votes`, remoteAddress: ATTACKER,
        headers: { origin: ORIGIN, authorization: `Participant ${m.json().token}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ choices: ['yes'] })
      })
      if (res.statusCode === 200) votes++
      else assertError(res, 429, 'RATE_LIMITED')
    }
    assert.equal(mints + votes, shipped.ipPerMin)
    assert.equal((await adminResults(t.app, poll.id)).voters, votes)
  })

  test('forged tokens and tokens of another server are refused on every public write, and count nothing', async t2 => {
    const site = (await createCommentSite(t.app)).id
    const mapSite = await createMapSite(t.app)
    const poll = await createPoll(t.app, site)
    const consultation = await createConsultation(t.app, site)
    const real = await freshToken(t, 1)
    const other = await freshToken(t, 2)
    const c = await comment(t.app, real, `${PAGE}-stuffing`, 'A comment', { site })
    const [, id, tag, mac] = real.split('.') as [string, string, string, string]
    const forged = [
      `v2.${crypto.randomBytes(16).toString('base64url')}.${tag}.${mac}`, // another id under a real signature
      `v2.${id}.${tag}.${other.split('.')[3]}`, // a real id under another token's signature
      `v2.${id}.${tag}.${crypto.randomBytes(32).toString('base64url')}`, // a made-up signature
      new ParticipantTokens(crypto.randomBytes(32)).mint(ORIGIN), // another deployment's key (another server)
      `v1.${id}.${mac}`, `v2.${id}.${tag}.${mac}A`, `v2.${id}.${tag}.${mac.slice(0, -1)}`, `v2.${id.toLowerCase()}.${tag}.${mac}`, `${real} ${real}`
    ]
    const writes: Array<[string, string, unknown]> = [
      ['POST', `/v1/polls/${poll.id}/votes`, { choices: ['yes'] }],
      ['POST', '/v1/comments', { thread: `${PAGE}-stuffing`, site, name: 'Bot', body: 'Spam' }],
      ['POST', `/v1/comments/${c.id}/vote`, { value: 1 }],
      ['POST', `/v1/comments/${c.id}/report`, { reason: 'spam' }],
      ['PATCH', `/v1/comments/${c.id}`, { body: 'Hijacked' }],
      ['DELETE', `/v1/comments/${c.id}`, undefined],
      ['POST', `/v1/consultations/${consultation.id}/responses`, { answer: 'yes', page: PAGE }],
      ['POST', `/v1/projects/submissions?site=${mapSite}`, { title: 'Spam', category: 'park', start: '2026-05-01', description: 'Spam', geometry: point() }]
    ]
    const before = await adminResults(t.app, poll.id)
    let refused = 0
    for (const [method, url, body] of writes) {
      for (const token of forged) {
        const res = await t.app.inject({
          method: method as 'POST', url,
          headers: { origin: ORIGIN, authorization: `Participant ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { payload: JSON.stringify(body) })
        })
        // `${real} ${real}` does not even parse as one token: a missing one, as far as the server can tell.
        assert.ok([401].includes(res.statusCode), `${method} ${url} with ${token}: ${res.statusCode} ${res.body}`)
        assert.match(res.json().error.code, /^PARTICIPANT_(INVALID|REQUIRED)$/)
        refused++
      }
    }
    assert.deepEqual(await adminResults(t.app, poll.id), before)
    const page = ok(await t.app.inject({ method: 'GET', url: `/v1/comments?thread=${encodeURIComponent(`${PAGE}-stuffing`)}&site=${site}` }))
    assert.equal(page.comments.length, 1, JSON.stringify(page))
    assert.equal(page.comments[0].body, 'A comment', 'the author\'s comment was neither edited nor deleted')
    assert.equal(page.comments[0].up, 0)
    t2.diagnostic(`PROVE ${JSON.stringify({ suite: `ballot stuffing: forged tokens (${env.kind})`, tried: `${refused} writes over ${writes.length} routes with ${forged.length} kinds of forged or foreign token`, held: `${refused} × 401, 0 rows changed` })}`)
  })

  test('a token minted for one site\'s pages is refused on another site\'s pages, even where both sites are open', async () => {
    const a = await createSite(t.app, { origins: ['https://a-town.example'] })
    const b = await createSite(t.app, { origins: ['https://b-town.example'] })
    const poll = await createPoll(t.app, b.id)
    const fromA = ok(await t.app.inject({ method: 'POST', url: '/v1/participants', headers: { origin: a.origins[0] }, remoteAddress: '10.9.1.1' }), 201).token
    // Sent from B's pages (an allowed origin for B's poll): the token names A's origin.
    assertError(await vote(t.app, poll.id, fromA, ['yes'], { origin: b.origins[0] }), 401, 'PARTICIPANT_INVALID')
    const fromB = ok(await t.app.inject({ method: 'POST', url: '/v1/participants', headers: { origin: b.origins[0] }, remoteAddress: '10.9.1.1' }), 201).token
    ok(await vote(t.app, poll.id, fromB, ['yes'], { origin: b.origins[0] }))
    assert.equal((await adminResults(t.app, poll.id)).voters, 1)
  })

  test('a token minted on one site cannot vote from there on another site\'s poll', async () => {
    const a = await createSite(t.app, { origins: ['https://a-town.example'] })
    const b = await createSite(t.app, { origins: ['https://b-town.example'] })
    const poll = await createPoll(t.app, b.id)
    const token = ok(await t.app.inject({ method: 'POST', url: '/v1/participants', headers: { origin: a.origins[0] }, remoteAddress: '10.9.0.1' }), 201).token
    assertError(await vote(t.app, poll.id, token, ['yes'], { origin: a.origins[0] }), 403, 'ORIGIN_NOT_ALLOWED')
    assert.equal((await adminResults(t.app, poll.id)).voters, 0)
  })

  test('verified-only: another site\'s identity tokens, unverified, expired, bad signature and wrong issuer count nothing', async t2 => {
    const A = { secret: 'site-a-identity-secret-long-enough', issuer: 'https://login.a-town.example' }
    const B = { secret: 'site-b-identity-secret-long-enough', issuer: 'https://login.b-town.example' }
    await createSite(t.app, { identity: A })
    const siteB = await createSite(t.app, { identity: B })
    const poll = await createPoll(t.app, siteB.id, { verifiedOnly: true })
    const past = Math.floor(Date.now() / 1000) - 60
    const refused: Array<[string | undefined, string]> = [
      [undefined, 'IDENTITY_REQUIRED'],
      [await hs256({ sub: 'r1', iss: A.issuer }, A.secret), 'IDENTITY_INVALID'], // site A's resident, site A's key
      [await hs256({ sub: 'r1', iss: B.issuer }, A.secret), 'IDENTITY_INVALID'], // B's issuer claimed, A's key
      [await hs256({ sub: 'r1', iss: A.issuer }, B.secret), 'IDENTITY_INVALID'], // B's key, A's issuer
      [await hs256({ sub: 'r1', iss: B.issuer }, B.secret, past), 'IDENTITY_INVALID'], // expired
      [await hs256({ sub: 'r1', iss: B.issuer }, 'a-guessed-secret-of-enough-length'), 'IDENTITY_INVALID']
    ]
    for (let i = 0; i < 50; i++) {
      for (const [identity, code] of refused) {
        const token = await freshToken(t, 5000 + i * 10 + refused.findIndex(r => r[0] === identity))
        assertError(await vote(t.app, poll.id, token, ['yes'], identity === undefined ? {} : { identity }), 401, code)
      }
    }
    assert.equal((await adminResults(t.app, poll.id)).voters, 0, `${50 * refused.length} refused attempts counted nothing`)
    ok(await vote(t.app, poll.id, await freshToken(t, 9999), ['yes'], { identity: await hs256({ sub: 'r1', iss: B.issuer }, B.secret) }))
    assert.equal((await adminResults(t.app, poll.id)).voters, 1)
    t2.diagnostic(`PROVE ${JSON.stringify({
      suite: `ballot stuffing: verified-only (${env.kind})`,
      tried: `${50 * refused.length} votes with no identity, another site's, expired, badly signed or wrong-issuer tokens`,
      held: `${50 * refused.length} × 401, 0 counted; 1 good token counted once`
    })}`)
  })
})
