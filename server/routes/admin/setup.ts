import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { SetupBody, UserView } from '../../schemas/accounts.ts'
import { errorResponses } from '../../schemas/common.ts'
import type { Services } from '../../services/index.ts'
import { ipLimit } from '../rate-limit-hook.ts'

/** First admin from the one-time setup link printed at the first start (no session exists yet). */
export const adminSetupRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.post('/setup', {
    config: { public: true, audit: 'user.setup', auditTarget: 'user' },
    onRequest: ipLimit(services),
    schema: { summary: 'Create the first admin with the one-time setup token (void afterwards)', tags: ['admin'], body: SetupBody, response: { 201: UserView, ...errorResponses } }
  }, async (req, reply) => {
    const { token, ...input } = req.body
    const user = await services.accounts.setup(token, input)
    req.admin = { actor: { id: user.id, email: user.email }, role: user.role }
    return reply.code(201).send(user)
  })
}
