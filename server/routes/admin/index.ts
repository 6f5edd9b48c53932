import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AppError } from '../../services/errors.ts'
import type { Services } from '../../services/index.ts'
import { adminCommentRoutes } from './comments.ts'
import { adminConsultationRoutes } from './consultations.ts'
import { adminPollRoutes } from './polls.ts'
import { adminProjectRoutes } from './projects.ts'
import { adminSiteRoutes } from './sites.ts'

const ADMIN_BODY_LIMIT = 256 * 1024

/** Everything under /v1/admin needs `Authorization: Bearer <ADMIN_TOKEN>`. */
export const adminRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  // Staff bodies (a poll with 50 long options) may exceed the 16 KiB public limit.
  app.addHook('onRoute', route => { route.bodyLimit ??= ADMIN_BODY_LIMIT })
  app.addHook('onRequest', async (req, reply) => {
    if (!services.adminAuth.check(req.headers.authorization)) {
      reply.header('www-authenticate', 'Bearer')
      throw new AppError(401, 'UNAUTHORIZED', 'A valid admin token is required')
    }
  })
  await app.register(adminSiteRoutes, { services })
  await app.register(adminPollRoutes, { services })
  await app.register(adminCommentRoutes, { services })
  await app.register(adminConsultationRoutes, { services })
  await app.register(adminProjectRoutes, { services })
}
