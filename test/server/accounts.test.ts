import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { ensureDemoUsers } from '../../server/seed-accounts.ts'
import { LoginLimiter } from '../../server/services/login-limiter.ts'
import { admin, forEachDb } from './helpers/harness.ts'
import type { TestApp } from './helpers/harness.ts'
import { assertError, ok } from './helpers/api.ts'
import { createUser, login, PASSWORD, signIn } from './helpers/accounts.ts'

const root = path.resolve(import.meta.dirname, '../..')

/** Runs `npm run admin -- …` with the password on stdin. */
function cli (env: Record<string, string>, args: string[], stdin: string): Promise<{ code: number | null; out: string }> {
  return new Promise(resolve => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] })
    let out = ''
    proc.stdout.on('data', d => { out += d })
    proc.stderr.on('data', d => { out += d })
    proc.on('exit', code => resolve({ code, out }))
    proc.stdin.end(stdin)
  })
}

forEachDb('accounts and sessions', env => {
  let t: TestApp
  before(async () => { t = await env.startApp() })
  after(() => t.close())

  test('sign-in sets an HttpOnly SameSite=Strict cookie and returns the user and a CSRF token', async () => {
    const u = await createUser(t.app, 'editor', { email: ' Mixed.Case@City.Example ' })
    assert.equal(u.email, 'mixed.case@city.example')
    const res = await login(t.app, 'MIXED.case@city.example')
    const body = ok(res)
    assert.deepEqual(Object.keys(body.user).sort(), ['createdAt', 'email', 'id', 'lastLoginAt', 'name', 'role'])
    assert.equal(body.user.role, 'editor')
    assert.match(body.csrfToken, /^[A-Za-z0-9_-]{40,}$/)
    const cookie = String(res.headers['set-cookie'])
    assert.match(cookie, /^civic_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/v1\/admin$/)
    assert.equal(res.headers['cache-control'], 'no-store')
    // The database keeps only a hash of the cookie's token.
    const token = cookie.split(';')[0]!.split('=')[1]!
    const rows = await t.db.kysely.selectFrom('sessions').selectAll().execute()
    assert.equal(rows.some(r => r.token_hash === token), false)
    const me = ok(await t.app.inject({ method: 'GET', url: '/v1/admin/session', headers: { cookie: `other=1; ${cookie.split(';')[0]}` } }))
    assert.deepEqual([me.user.id, me.csrfToken], [u.id, body.csrfToken])
    assert.ok(me.user.lastLoginAt)
  })

  test('the cookie is Secure when the request came over https', async () => {
    const https = await env.startApp({ trustProxy: true })
    try {
      const u = await createUser(https.app, 'moderator')
      const res = await https.app.inject({ method: 'POST', url: '/v1/admin/session', headers: { 'x-forwarded-proto': 'https' }, payload: { email: u.email, password: PASSWORD } })
      assert.match(String(ok(res) && res.headers['set-cookie']), /; Secure$/)
    } finally { await https.close() }
  })

  test('a wrong password and an unknown email get the same 401', async () => {
    const u = await createUser(t.app, 'editor')
    const wrong = assertError(await login(t.app, u.email, 'not the password', '10.1.0.1'), 401, 'INVALID_CREDENTIALS')
    const unknown = assertError(await login(t.app, 'nobody@city.example', PASSWORD, '10.1.0.2'), 401, 'INVALID_CREDENTIALS')
    assert.deepEqual(wrong, unknown)
    assertError(await t.app.inject({ method: 'POST', url: '/v1/admin/session', payload: { email: u.email } }), 400, 'BAD_REQUEST')
  })

  test('sign-out ends the session and clears the cookie', async () => {
    const u = await createUser(t.app, 'editor')
    const s = await signIn(t.app, u.email)
    ok(await t.app.inject({ method: 'GET', url: '/v1/admin/polls', headers: { cookie: s.cookie } }))
    const out = await t.app.inject({ method: 'DELETE', url: '/v1/admin/session', headers: { cookie: s.cookie } })
    assert.equal(out.statusCode, 204)
    assert.match(String(out.headers['set-cookie']), /^civic_session=; HttpOnly; SameSite=Strict; Path=\/v1\/admin; Max-Age=0$/)
    assertError(await t.app.inject({ method: 'GET', url: '/v1/admin/polls', headers: { cookie: s.cookie } }), 401, 'UNAUTHORIZED')
    assertError(await t.app.inject({ method: 'GET', url: '/v1/admin/session', headers: { cookie: s.cookie } }), 401, 'UNAUTHORIZED')
    assert.equal((await t.app.inject({ method: 'DELETE', url: '/v1/admin/session' })).statusCode, 204, 'idempotent')
  })

  test('sessions end after 12 h idle and 7 days in all', async () => {
    const u = await createUser(t.app, 'editor')
    const idle = await signIn(t.app, u.email)
    const old = await signIn(t.app, u.email)
    const fresh = await signIn(t.app, u.email)
    const sessions = await t.db.kysely.selectFrom('sessions').select(['token_hash', 'csrf_secret']).where('user_id', '=', u.id).execute()
    const hashOf = (s: typeof idle) => sessions.find(r => r.csrf_secret === s.csrf)!.token_hash
    const hours = (h: number) => new Date(Date.now() - h * 3600_000).toISOString()
    await t.db.kysely.updateTable('sessions').set({ last_seen_at: hours(12.1) }).where('token_hash', '=', hashOf(idle)).execute()
    await t.db.kysely.updateTable('sessions').set({ expires_at: hours(0.01), created_at: hours(7 * 24) }).where('token_hash', '=', hashOf(old)).execute()
    assertError(await t.app.inject({ method: 'GET', url: '/v1/admin/session', headers: { cookie: idle.cookie } }), 401, 'UNAUTHORIZED')
    assertError(await t.app.inject({ method: 'GET', url: '/v1/admin/polls', headers: { cookie: old.cookie } }), 401, 'UNAUTHORIZED')
    ok(await t.app.inject({ method: 'GET', url: '/v1/admin/polls', headers: { cookie: fresh.cookie } }))
    // Expired rows are gone, not just refused.
    const left = await t.db.kysely.selectFrom('sessions').select('token_hash').where('user_id', '=', u.id).execute()
    assert.deepEqual(left.map(r => r.token_hash), [hashOf(fresh)])
  })

  test('brute force: 5 failures per email or per IP in 15 min lock sign-in with 429 and Retry-After', async () => {
    const victim = await createUser(t.app, 'admin')
    for (let i = 0; i < 5; i++) assertError(await login(t.app, victim.email, `guess-${i}`, `10.2.0.${i}`), 401, 'INVALID_CREDENTIALS')
    // Even the right password, from a fresh IP, waits now.
    const locked = await login(t.app, victim.email, PASSWORD, '10.2.1.1')
    const e = assertError(locked, 429, 'TOO_MANY_ATTEMPTS')
    const retry = Number(locked.headers['retry-after'])
    assert.ok(retry > 14 * 60 && retry <= 15 * 60, `Retry-After ${retry}`)
    assert.equal((e.details as any).retryAfter, retry)

    const sprayer = '10.3.0.1'
    for (let i = 0; i < 5; i++) assertError(await login(t.app, `user${i}@city.example`, 'guess', sprayer), 401, 'INVALID_CREDENTIALS')
    const other = await createUser(t.app, 'editor')
    assertError(await login(t.app, other.email, PASSWORD, sprayer), 429, 'TOO_MANY_ATTEMPTS')
    ok(await login(t.app, other.email, PASSWORD, '10.3.0.2'))
  })

  test('the brake is in the database: failures on one node lock sign-in on another (or after a restart)', async () => {
    const victim = await createUser(t.app, 'editor')
    const other = await env.startApp({}, t.storage)
    try {
      for (let i = 0; i < 5; i++) assertError(await login(i % 2 ? other.app : t.app, victim.email, `guess-${i}`, `10.4.0.${i}`), 401, 'INVALID_CREDENTIALS')
      for (const node of [t.app, other.app]) assertError(await login(node, victim.email, PASSWORD, '10.4.1.1'), 429, 'TOO_MANY_ATTEMPTS')
    } finally {
      await other.close()
    }
  })

  test('failures older than the window leave the database on the next attempt', async () => {
    let now = 1_000_000
    const limiter = new LoginLimiter(t.db.kysely, { now: () => now, windowMs: 60_000, maxFailures: 2 })
    const keys = ['email:window@city.example', 'ip:10.5.0.1']
    const stored = async () => (await t.db.kysely.selectFrom('sign_in_failures').select('key').where('key', 'in', keys).execute()).length
    await limiter.fail(keys)
    now += 10_000
    await limiter.fail(keys)
    assert.equal(await limiter.retryAfter([keys[0]!]), 50, 'locked until the first failure is 60 s old')
    now += 50_000
    assert.equal(await limiter.retryAfter(keys), 0)
    assert.equal(await stored(), 4, 'not pruned within the window')
    now += 1
    assert.equal(await limiter.retryAfter(keys), 0)
    assert.equal(await stored(), 2, 'the first failures are gone, the second ones are 50 s old')
    await limiter.clear(keys[0]!)
    assert.equal(await stored(), 1, 'a successful sign-in forgets the email, not the IP')
  })

  test('users: an admin creates, lists, changes and deletes them; the last admin stays', async () => {
    const u = await createUser(t.app, 'moderator')
    assertError(await t.app.inject({ method: 'POST', url: '/v1/admin/users', headers: admin, payload: { email: u.email.toUpperCase(), name: 'Dup', role: 'editor', password: PASSWORD } }), 409, 'ALREADY_EXISTS')
    const bad = assertError(await t.app.inject({ method: 'POST', url: '/v1/admin/users', headers: admin, payload: { email: 'no-at-sign', name: 'X', role: 'editor', password: 'short' } }), 422, 'INVALID_USER')
    assert.deepEqual(Object.keys(bad.details as object).sort(), ['email', 'password'])
    assertError(await t.app.inject({ method: 'POST', url: '/v1/admin/users', headers: admin, payload: { email: 'a@b.example', name: 'X', role: 'owner', password: PASSWORD } }), 400, 'BAD_REQUEST')
    const listed = ok(await t.app.inject({ method: 'GET', url: '/v1/admin/users', headers: admin })).users
    assert.ok(listed.some((x: any) => x.id === u.id))
    assert.equal(JSON.stringify(listed).includes('scrypt'), false, 'no hashes in answers')

    const a = await signIn(t.app, u.email)
    const b = await signIn(t.app, u.email)
    const changed = ok(await t.app.inject({ method: 'PATCH', url: `/v1/admin/users/${u.id}`, headers: admin, payload: { name: 'Renamed', role: 'editor', password: 'a brand new password' } }))
    assert.deepEqual([changed.name, changed.role], ['Renamed', 'editor'])
    // A new password ends the user's sessions; the old password no longer works.
    for (const s of [a, b]) assertError(await t.app.inject({ method: 'GET', url: '/v1/admin/session', headers: { cookie: s.cookie } }), 401, 'UNAUTHORIZED')
    assertError(await login(t.app, u.email, PASSWORD, '10.4.0.1'), 401, 'INVALID_CREDENTIALS')
    ok(await login(t.app, u.email, 'a brand new password', '10.4.0.1'))

    // An admin changing their own password keeps the session they did it from.
    const boss = await createUser(t.app, 'admin')
    const mine = await signIn(t.app, boss.email)
    ok(await t.app.inject({ method: 'PATCH', url: `/v1/admin/users/${boss.id}`, headers: mine.headers, payload: { password: 'my next password!' } }))
    ok(await t.app.inject({ method: 'GET', url: '/v1/admin/session', headers: { cookie: mine.cookie } }))

    assert.equal((await t.app.inject({ method: 'DELETE', url: `/v1/admin/users/${u.id}`, headers: admin })).statusCode, 204)
    assertError(await t.app.inject({ method: 'DELETE', url: `/v1/admin/users/${u.id}`, headers: admin }), 404, 'NOT_FOUND')
    assertError(await login(t.app, u.email, 'a brand new password', '10.4.0.2'), 401, 'INVALID_CREDENTIALS')
  })

  test('the last admin cannot be deleted or demoted', async () => {
    const solo = await env.startApp()
    try {
      const only = await createUser(solo.app, 'admin')
      assertError(await solo.app.inject({ method: 'DELETE', url: `/v1/admin/users/${only.id}`, headers: admin }), 409, 'LAST_ADMIN')
      assertError(await solo.app.inject({ method: 'PATCH', url: `/v1/admin/users/${only.id}`, headers: admin, payload: { role: 'editor' } }), 409, 'LAST_ADMIN')
      await createUser(solo.app, 'admin')
      ok(await solo.app.inject({ method: 'PATCH', url: `/v1/admin/users/${only.id}`, headers: admin, payload: { role: 'editor' } }))
    } finally { await solo.close() }
  })

  test('first start: the one-time setup link creates the first admin, once', async () => {
    const lines: string[] = []
    const logger = { level: 'warn', stream: { write: (l: string) => { lines.push(l) } } }
    const fresh = await env.startApp({}, undefined, logger)
    try {
      const logged = lines.map(l => JSON.parse(l)).find(l => l.setupUrl)
      assert.ok(logged, 'setup link printed')
      const token = /^\/admin\/#setup=([A-Za-z0-9_-]{32})$/.exec(logged.setupUrl)![1]!
      const body = { token, email: 'first@city.example', name: 'First Admin', password: 'the first password' }
      assertError(await fresh.app.inject({ method: 'POST', url: '/v1/admin/setup', payload: { ...body, token: `${token}x` } }), 401, 'INVALID_SETUP_TOKEN')
      assertError(await fresh.app.inject({ method: 'POST', url: '/v1/admin/setup', payload: { ...body, password: 'short' } }), 422, 'INVALID_USER')
      const created = ok(await fresh.app.inject({ method: 'POST', url: '/v1/admin/setup', payload: body }), 201)
      assert.equal(created.role, 'admin')
      assertError(await fresh.app.inject({ method: 'POST', url: '/v1/admin/setup', payload: { ...body, email: 'second@city.example' } }), 401, 'INVALID_SETUP_TOKEN')
      ok(await login(fresh.app, 'first@city.example', 'the first password'))
      // Later starts print no link.
      await fresh.app.close()
      lines.length = 0
      const again = await env.startApp({}, fresh.storage, logger)
      await again.close()
      assert.equal(lines.some(l => l.includes('setupUrl')), false)
    } finally { await fresh.db.close() }
  })

  test('the CLI creates an admin who can sign in (npm run admin -- create-admin)', async () => {
    const storage = await env.storage()
    const email = 'cli-admin@city.example'
    const made = await cli(storage.serverEnv, ['create-admin', '--email', email, '--name', 'CLI Admin', '--password-stdin'], 'cli password 123\n')
    assert.equal(made.code, 0, made.out)
    assert.match(made.out, /Created admin cli-admin@city\.example/)
    const dup = await cli(storage.serverEnv, ['create-admin', '--email', email, '--name', 'Again', '--password-stdin'], 'cli password 123\n')
    assert.equal(dup.code, 1)
    assert.match(dup.out, /exists/)
    const reset = await cli(storage.serverEnv, ['reset-password', '--email', email, '--password-stdin'], 'reset password 456\n')
    assert.equal(reset.code, 0, reset.out)
    const s = await env.startApp({}, storage)
    try {
      assertError(await login(s.app, email, 'cli password 123'), 401, 'INVALID_CREDENTIALS')
      assert.equal(ok(await login(s.app, email, 'reset password 456')).user.role, 'admin')
      const stored = await s.db.kysely.selectFrom('users').select('password_hash').where('email', '=', email).executeTakeFirstOrThrow()
      assert.match(stored.password_hash, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{86}$/)
    } finally { await s.close() }
  })

  test('demo mode seeds three demo users once, with one generated password', async () => {
    const s = await env.startApp()
    try {
      const password = await ensureDemoUsers(s.db)
      assert.ok(password && password.length >= 20)
      assert.equal(await ensureDemoUsers(s.db), undefined, 'not again')
      for (const [email, role] of [['demo-admin@riverton.example', 'admin'], ['demo-editor@riverton.example', 'editor'], ['demo-moderator@riverton.example', 'moderator']]) {
        assert.equal(ok(await login(s.app, email!, password)).user.role, role)
      }
      const hashes = await s.db.kysely.selectFrom('users').select('password_hash').execute()
      assert.equal(hashes.some(h => h.password_hash.includes(password)), false)
    } finally { await s.close() }
  })
})
