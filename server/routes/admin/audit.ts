import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AuditPage, AuditQuery } from '../../schemas/audit.ts'
import { errorResponses } from '../../schemas/common.ts'
import type { Services } from '../../services/index.ts'

/** Who changed, approved, exported or deleted what, and when (admins only). */
export const adminAuditRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get('/audit', {
    config: { role: 'admin' },
    schema: { summary: 'The audit log, newest first, keyset-paged; filter by actor and action', tags: ['admin'], security: [{ admin: [] as string[] }, { session: [] as string[] }], querystring: AuditQuery, response: { 200: AuditPage, ...errorResponses } }
  }, async req => services.audit.list({ ...req.query, limit: req.query.limit === undefined ? undefined : Math.min(200, Math.max(1, Number(req.query.limit))) }))
}
