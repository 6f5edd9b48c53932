import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Services } from '../../services/index.ts'
import { adminCommentRoutes } from './comments.ts'
import { adminAuditRoutes } from './audit.ts'
import { adminConsultationRoutes } from './consultations.ts'
import { adminGdprRoutes } from './gdpr.ts'
import { auditTrail, authenticate } from './guard.ts'
import { adminPollRoutes } from './polls.ts'
import { adminProjectRoutes } from './projects.ts'
import { adminSessionRoutes } from './session.ts'
import { adminSetupRoutes } from './setup.ts'
import { adminSiteRoutes } from './sites.ts'
import { adminUserRoutes } from './users.ts'

const ADMIN_BODY_LIMIT = 256 * 1024

/**
 * Everything under /v1/admin needs `Authorization: Bearer <ADMIN_TOKEN>` (role admin) or a console
 * session cookie (+ X-CSRF-Token on writes), and the role its route declares (`config.role`,
 * admin when missing). Only sign-in and setup are public. Writes and exports are audited.
 */
export const adminRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  // Staff bodies (a poll with 50 long options) may exceed the 16 KiB public limit.
  app.addHook('onRoute', route => { route.bodyLimit ??= ADMIN_BODY_LIMIT })
  app.addHook('onRequest', authenticate(services))
  auditTrail(app, services)
  await app.register(adminSessionRoutes, { services })
  await app.register(adminSetupRoutes, { services })
  await app.register(adminUserRoutes, { services })
  await app.register(adminAuditRoutes, { services })
  await app.register(adminSiteRoutes, { services })
  await app.register(adminPollRoutes, { services })
  await app.register(adminCommentRoutes, { services })
  await app.register(adminConsultationRoutes, { services })
  await app.register(adminProjectRoutes, { services })
  await app.register(adminGdprRoutes, { services })
}
