import assert from 'node:assert/strict'
import type { App } from '../../../server/app.ts'
import { admin } from './harness.ts'
import { uid } from './api.ts'

export const PASSWORD = 'a long test password'

export interface Signed {
  user: { id: string; email: string; role: string }
  /** `civic_session=…`, for a Cookie header. */
  cookie: string
  csrf: string
  /** Headers of a cookie-authenticated request (with the CSRF token for writes). */
  headers: Record<string, string>
}

/** A console user made with the ADMIN_TOKEN. */
export async function createUser (app: App, role: 'admin' | 'editor' | 'moderator', extra: Record<string, unknown> = {}) {
  const res = await app.inject({
    method: 'POST', url: '/v1/admin/users', headers: admin,
    payload: { email: `${uid(role)}@city.example`, name: `Test ${role}`, role, password: PASSWORD, ...extra }
  })
  assert.equal(res.statusCode, 201, res.body)
  return res.json() as { id: string; email: string; role: string }
}

export function login (app: App, email: string, password = PASSWORD, remoteAddress = '127.0.0.1') {
  return app.inject({ method: 'POST', url: '/v1/admin/session', payload: { email, password }, remoteAddress })
}

export async function signIn (app: App, email: string, password = PASSWORD, remoteAddress?: string): Promise<Signed> {
  const res = await login(app, email, password, remoteAddress)
  assert.equal(res.statusCode, 200, res.body)
  const setCookie = String(res.headers['set-cookie'])
  const cookie = setCookie.split(';')[0]!
  const { user, csrfToken } = res.json()
  return { user, cookie, csrf: csrfToken, headers: { cookie, 'x-csrf-token': csrfToken } }
}

/** A new user of that role, signed in. */
export async function signedInAs (app: App, role: 'admin' | 'editor' | 'moderator'): Promise<Signed> {
  const u = await createUser(app, role)
  return signIn(app, u.email)
}
