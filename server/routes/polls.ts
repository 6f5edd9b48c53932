import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses, IdParams } from '../schemas/common.ts'
import { LiveHeaders, LiveQuery, PollView, VoteBody, VoteHeaders, VoteResponse } from '../schemas/polls.ts'
import type { PollResults } from '../schemas/polls.ts'
import type { Services } from '../services/index.ts'
import { ipLimit } from './rate-limit-hook.ts'
import { participantToken, readContext, writeContext } from './request-context.ts'
import { eventStreams, sseFrame } from './sse.ts'

export interface PollRouteOptions {
  services: Services
  sseHeartbeatMs: number
}

export const pollRoutes: FastifyPluginAsyncTypebox<PollRouteOptions> = async (app, { services, sseHeartbeatMs }) => {
  app.get('/v1/polls/:id', {
    schema: {
      summary: 'A poll with its status, results (when visible to this reader) and my vote',
      tags: ['public'],
      params: IdParams,
      response: { 200: PollView, ...errorResponses }
    }
  }, async (req, reply) => {
    reply.header('cache-control', 'no-store')
    return services.polls.view(req.params.id, participantToken(req), readContext(req))
  })

  app.post('/v1/polls/:id/votes', {
    onRequest: ipLimit(services),
    schema: {
      summary: 'Vote, change a vote, or replay a vote (same Idempotency-Key)',
      tags: ['public'],
      params: IdParams,
      headers: VoteHeaders,
      body: VoteBody,
      response: { 200: VoteResponse, ...errorResponses }
    }
  }, async req => services.polls.vote(req.params.id, req.body.choices, writeContext(req), req.body.page))

  const openStream = eventStreams(app, sseHeartbeatMs)

  app.get('/v1/polls/:id/live', {
    onRequest: ipLimit(services),
    schema: {
      summary: 'Live results as Server-Sent Events (`event: results`, `id: <version>`)',
      description: 'Honours Last-Event-ID. Heartbeat comment every 15 s. Results hidden from this reader are never sent.',
      tags: ['public'],
      params: IdParams,
      querystring: LiveQuery,
      headers: LiveHeaders,
      response: { 200: Type.String({ description: 'text/event-stream' }), ...errorResponses }
    }
  }, async (req, reply) => {
    const lastId = req.headers['last-event-id']
    await openStream(req, reply, send => services.polls.subscribe(req.params.id, req.query.participant ?? participantToken(req),
      lastId === undefined ? undefined : Number(lastId), (r: PollResults) => send(sseFrame('results', r.version, r)), readContext(req)))
  })
}
