import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses, IdParams } from '../schemas/common.ts'
import { ActiveQuery, ActiveResponse, ConsultationView, RespondBody, RespondHeaders, RespondResponse } from '../schemas/consultations.ts'
import type { Services } from '../services/index.ts'
import { ipLimit } from './rate-limit-hook.ts'
import { participantToken, readContext, writeContext } from './request-context.ts'

/** Free text and a follow-up of 2000 characters each may take 16 KB in UTF-8 (more JSON-escaped). */
const RESPONSE_BODY_LIMIT = 64 * 1024
const tags = ['public']

export const consultationRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const consultations = services.consultations

  // A static segment: the router prefers it to `/:id` whatever the order of registration
  // (and no consultation may take the id `active`).
  app.get('/v1/consultations/active', {
    schema: {
      summary: 'The consultation a page is targeted with (section › longest path prefix › site-wide), or null',
      description: 'The site comes from `site` or the Origin, as for comment threads.',
      tags,
      querystring: ActiveQuery,
      response: { 200: ActiveResponse, ...errorResponses }
    }
  }, async (req, reply) => {
    reply.header('cache-control', 'no-store')
    return consultations.active(req.query, participantToken(req), readContext(req))
  })

  app.get('/v1/consultations/:id', {
    schema: {
      summary: 'A consultation with its status, outcome, results (when visible to this reader) and my response',
      tags,
      params: IdParams,
      response: { 200: ConsultationView, ...errorResponses }
    }
  }, async (req, reply) => {
    reply.header('cache-control', 'no-store')
    return consultations.view(req.params.id, participantToken(req), readContext(req))
  })

  app.post('/v1/consultations/:id/responses', {
    onRequest: ipLimit(services),
    bodyLimit: RESPONSE_BODY_LIMIT,
    schema: {
      summary: 'Answer a consultation, or replace my answer (one response per participant; same Idempotency-Key replays)',
      tags,
      params: IdParams,
      headers: RespondHeaders,
      body: RespondBody,
      response: { 200: RespondResponse, ...errorResponses }
    }
  }, async req => consultations.respond(req.params.id, req.body, writeContext(req)))
}
