import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { LoginBody, SessionView } from '../../schemas/accounts.ts'
import { errorResponses } from '../../schemas/common.ts'
import { AppError } from '../../services/errors.ts'
import type { Services } from '../../services/index.ts'
import { readCookie, SESSION_COOKIE, sessionCookie } from '../../services/sessions.ts'
import { ipLimit } from '../rate-limit-hook.ts'

const tags = ['admin']

/** Console sign-in: public by nature, throttled per email and per IP (login) and per IP (all). */
export const adminSessionRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const limit = ipLimit(services)

  app.post('/session', {
    config: { public: true, audit: 'session.login', auditTarget: 'user' },
    onRequest: limit,
    schema: { summary: 'Sign in: sets the HttpOnly session cookie and returns the CSRF token', tags, body: LoginBody, response: { 200: SessionView, ...errorResponses } }
  }, async (req, reply) => {
    const { user, token, csrfToken } = await services.accounts.login(req.body.email, req.body.password, req.ip)
    req.admin = { actor: { id: user.id, email: user.email }, role: user.role }
    reply.header('set-cookie', sessionCookie(token, req.protocol === 'https'))
    reply.header('cache-control', 'no-store')
    return { user, csrfToken }
  })

  app.get('/session', {
    config: { public: true },
    schema: { summary: 'The signed-in user and the CSRF token (401 without a session)', tags, response: { 200: SessionView, ...errorResponses } }
  }, async (req, reply) => {
    const session = await services.sessions.resolve(readCookie(req.headers.cookie, SESSION_COOKIE))
    if (!session) throw new AppError(401, 'UNAUTHORIZED', 'Not signed in')
    reply.header('cache-control', 'no-store')
    return { user: session.user, csrfToken: session.csrfToken }
  })

  app.delete('/session', {
    config: { public: true, audit: 'session.logout', auditTarget: 'user' },
    onRequest: limit,
    schema: { summary: 'Sign out: ends the session and clears the cookie (204 even without one)', tags, response: { 204: Type.Null(), ...errorResponses } }
  }, async (req, reply) => {
    const token = readCookie(req.headers.cookie, SESSION_COOKIE)
    const session = await services.sessions.resolve(token)
    if (session) req.admin = { actor: { id: session.user.id, email: session.user.email }, role: session.user.role }
    await services.sessions.end(token)
    reply.header('set-cookie', sessionCookie('', req.protocol === 'https'))
    return reply.code(204).send(null)
  })
}
