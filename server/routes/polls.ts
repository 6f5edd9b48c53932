import type { OutgoingHttpHeaders, ServerResponse } from 'node:http'
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses, IdParams } from '../schemas/common.ts'
import { LiveHeaders, LiveQuery, PollView, VoteBody, VoteHeaders, VoteResponse } from '../schemas/polls.ts'
import type { PollResults } from '../schemas/polls.ts'
import type { Services } from '../services/index.ts'
import { ipLimit } from './rate-limit-hook.ts'
import { participantToken, readContext, writeContext } from './request-context.ts'

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
  }, async req => services.polls.vote(req.params.id, req.body.choices, writeContext(req)))

  // Open streams, ended when the server shuts down (otherwise close would wait for them forever).
  const streams = new Set<ServerResponse>()
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
    for (const res of streams) res.end()
  })

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
    const pending: string[] = []
    let res: ServerResponse | null = null
    const write = (r: PollResults) => {
      const frame = `event: results\nid: ${r.version}\ndata: ${JSON.stringify(r)}\n\n`
      if (res) res.write(frame)
      else pending.push(frame)
    }
    // Subscribing first turns an unknown poll into a normal JSON 404.
    const sub = await services.polls.subscribe(req.params.id, req.query.participant ?? participantToken(req),
      lastId === undefined ? undefined : Number(lastId), write, readContext(req))

    reply.hijack()
    res = reply.raw
    res.writeHead(200, {
      ...reply.getHeaders() as OutgoingHttpHeaders, // CORS headers set by the hook
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no' // nginx: do not buffer the stream
    })
    res.write(`retry: 3000\n\n${pending.join('')}`)
    streams.add(res)
    const heartbeat = setInterval(() => {
      res!.write(': heartbeat\n\n')
      sub.recheck().catch(err => req.log.warn({ err }, 'live recheck failed'))
    }, sseHeartbeatMs)
    let ended = false
    const done = () => {
      if (ended) return
      ended = true
      clearInterval(heartbeat)
      sub.close()
      streams.delete(res!)
    }
    res.on('close', done)
    res.on('error', done)
    // The reader may have gone while we subscribed (then 'close' has fired already),
    // or the server began shutting down meanwhile.
    if (res.destroyed || req.raw.destroyed) done()
    else if (closing) res.end()
  })
}
