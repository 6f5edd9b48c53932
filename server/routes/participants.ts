import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses } from '../schemas/common.ts'
import { ParticipantCreated } from '../schemas/participants.ts'
import type { Services } from '../services/index.ts'
import { ipLimit } from './rate-limit-hook.ts'
import { writeContext } from './request-context.ts'

export const participantRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.post('/v1/participants', {
    onRequest: ipLimit(services),
    schema: {
      summary: 'Get an anonymous participant token',
      tags: ['public'],
      response: { 201: ParticipantCreated, ...errorResponses }
    }
  }, async (req, reply) => {
    const ctx = writeContext(req)
    services.origins.assertWrite(ctx.origin, 'any-site', ctx.selfOrigin)
    return reply.code(201).send({ token: services.tokens.mint(ctx.origin ?? '') })
  })
}
