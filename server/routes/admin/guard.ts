import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { roleAllows } from '../../services/accounts.ts'
import type { Actor } from '../../services/audit.ts'
import { AppError } from '../../services/errors.ts'
import type { Services } from '../../services/index.ts'
import { csrfMatches, readCookie, SESSION_COOKIE } from '../../services/sessions.ts'
import type { ActiveSession } from '../../services/sessions.ts'
import type { Role } from '../../store/users-repo.ts'

/** Who made an admin request: the ADMIN_TOKEN service credential (role admin) or a signed-in user. */
export interface AdminPrincipal {
  actor: Actor
  role: Role
  session?: ActiveSession
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Least role a route needs; missing means admin (fail closed). */
    role?: Role
    /** Reachable without credentials (sign-in, setup): the route checks what it needs itself. */
    public?: boolean
    /** Audit action; derived from method and URL for writes when missing; false: not logged. GETs are logged only when set (exports). */
    audit?: string | false
    /** Audit target type when it is not the URL's first segment. */
    auditTarget?: string
  }
  interface FastifyRequest { admin?: AdminPrincipal }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

function unauthorized (reply: FastifyReply): AppError {
  reply.header('www-authenticate', 'Bearer')
  return new AppError(401, 'UNAUTHORIZED', 'Sign in, or send a valid admin token')
}

/** onRequest: credentials (bearer or session cookie + CSRF), then the route's role. */
export function authenticate (services: Services) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const config = req.routeOptions.config
    if (config.public) return
    if (req.headers.authorization !== undefined) {
      if (!services.adminAuth.check(req.headers.authorization)) throw unauthorized(reply)
      req.admin = { actor: 'token', role: 'admin' }
    } else {
      const session = await services.sessions.resolve(readCookie(req.headers.cookie, SESSION_COOKIE))
      if (!session) throw unauthorized(reply)
      // The cookie is ambient (the browser sends it); the header proves the page that sent it read our answer.
      if (UNSAFE.has(req.method) && !csrfMatches(req.headers['x-csrf-token'], session.csrfToken)) {
        throw new AppError(403, 'CSRF', 'Missing or wrong X-CSRF-Token header')
      }
      req.admin = { actor: { id: session.user.id, email: session.user.email }, role: session.user.role, session }
    }
    const need = config.role ?? 'admin'
    if (!roleAllows(req.admin.role, need)) throw new AppError(403, 'FORBIDDEN', `Your role (${req.admin.role}) cannot do this`)
  }
}

const singular = (s: string) => s.replace(/ies$/, 'y').replace(/s$/, '')
const VERB: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'update', DELETE: 'delete' }

/** `poll.create`, `poll.open`, `consultation.outcome.delete`…, from the route pattern. */
export function auditAction (method: string, url: string, explicit?: string | false): string | undefined {
  if (explicit !== undefined) return explicit || undefined
  if (!UNSAFE.has(method)) return undefined
  const parts = url.replace(/^\/v1\/admin\/?/, '').split('/').filter(p => p && !p.startsWith(':'))
  const resource = singular(parts[0] ?? 'admin')
  const tail = parts.length > 1 ? parts[parts.length - 1]! : undefined
  if (!tail) return `${resource}.${VERB[method]}`
  return method === 'POST' ? `${resource}.${tail}` : `${resource}.${tail}.${VERB[method]}`
}

const str = (v: unknown) => typeof v === 'string' && v !== '' ? v : undefined

/** The created thing's id from a small JSON answer. */
function responseId (payload: unknown): string | undefined {
  if (typeof payload !== 'string' || payload.length > 64 * 1024 || payload[0] !== '{') return undefined
  try {
    const body = JSON.parse(payload) as Record<string, unknown>
    return str(body.id) ?? str((body.user as Record<string, unknown> | undefined)?.id)
  } catch { return undefined }
}

/** onSend: every successful write and export is recorded before its answer leaves. */
export function auditTrail (app: FastifyInstance, services: Services) {
  app.addHook('onSend', async (req, reply, payload) => {
    // HEAD twins of exports send no data: nothing left the building.
    if (!req.admin || reply.statusCode >= 300 || req.method === 'HEAD') return payload
    const config = req.routeOptions.config
    const url = req.routeOptions.url ?? ''
    const action = auditAction(req.method, url, config.audit)
    if (!action) return payload
    const params = (req.params ?? {}) as Record<string, unknown>
    const query = (req.query ?? {}) as Record<string, unknown>
    const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body as Record<string, unknown> : undefined
    const details: Record<string, unknown> = {}
    // Field names only: values may be passwords, secrets or resident text.
    if (body) details.fields = Object.keys(body).filter(k => k !== 'id').sort()
    for (const k of ['site', 'key', 'format']) if (str(query[k])) details[k] = query[k]
    const targetType = config.auditTarget ?? singular(url.replace(/^\/v1\/admin\/?/, '').split('/')[0] || 'admin')
    const targetId = str(params.id) ?? str(params.site) ?? responseId(payload) ?? str(query.key) ?? str(query.site) ?? str(body?.key) ?? str(body?.siteId)
    await services.audit.append({ actor: req.admin.actor, action, target: { type: targetType, id: targetId }, details })
    return payload
  })
}
