import { createHash } from 'node:crypto'
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { errorResponses } from '../schemas/common.ts'
import {
  CommentIdParams, CommentListQuery, CommentLiveQuery, CommentPage, CommentVoteBody, CommentVoteResponse, CommentWriteHeaders,
  CommentWritten, CountQuery, CountResponse, EditCommentBody, PostCommentBody, RepliesPage, RepliesQuery, ReportBody, ReportResponse
} from '../schemas/comments.ts'
import { LiveHeaders } from '../schemas/polls.ts'
import type { CommentReadContext } from '../services/comments.ts'
import type { Services } from '../services/index.ts'
import { ipLimit } from './rate-limit-hook.ts'
import { participantToken, readContext, writeContext } from './request-context.ts'
import { eventStreams, sseFrame } from './sse.ts'

export interface CommentRouteOptions {
  services: Services
  sseHeartbeatMs: number
}

/** 5000 characters may take 20 KB in UTF-8 (more JSON-escaped): room above the public 16 KiB. */
const COMMENT_BODY_LIMIT = 64 * 1024
const tags = ['public']

function commentReadContext (req: FastifyRequest): CommentReadContext {
  const { participantToken: token, identityToken } = writeContext(req)
  return { ...readContext(req), participantToken: token, identityToken }
}

export const commentRoutes: FastifyPluginAsyncTypebox<CommentRouteOptions> = async (app, { services, sseHeartbeatMs }) => {
  const comments = services.comments

  app.get('/v1/comments', {
    schema: {
      summary: 'A page of a thread: 30 top-level comments (newest, oldest or top), each with up to 50 replies nested',
      tags,
      querystring: CommentListQuery,
      response: { 200: CommentPage, ...errorResponses }
    }
  }, async (req, reply) => {
    reply.header('cache-control', 'no-store')
    return comments.list(req.query, commentReadContext(req))
  })

  app.get('/v1/comments/count', {
    schema: {
      summary: 'Published comments per thread key (up to 50 keys)',
      tags,
      querystring: CountQuery,
      response: { 200: CountResponse, 304: Type.Null({ description: 'unchanged since the ETag given in If-None-Match' }), ...errorResponses }
    }
  }, async (req, reply) => {
    const keys = Array.isArray(req.query.thread) ? req.query.thread : [req.query.thread]
    const body = { counts: await comments.counts(keys, req.query.site, readContext(req)) }
    // Revalidated on every use (a 304 is cheap): a resident who just commented must never see an
    // older count next to the thread after a reload.
    const etag = `"${createHash('sha1').update(JSON.stringify(body)).digest('base64url')}"`
    reply.header('cache-control', 'no-cache').header('etag', etag)
    if (req.headers['if-none-match'] === etag) return reply.code(304).send(null)
    return body
  })

  app.get('/v1/comments/:id/replies', {
    schema: {
      summary: 'More replies of a top-level comment, 50 at a time, oldest first, flat',
      tags,
      params: CommentIdParams,
      querystring: RepliesQuery,
      response: { 200: RepliesPage, ...errorResponses }
    }
  }, async (req, reply) => {
    reply.header('cache-control', 'no-store')
    return comments.replies(req.params.id, req.query.after, commentReadContext(req))
  })

  app.post('/v1/comments', {
    onRequest: ipLimit(services),
    bodyLimit: COMMENT_BODY_LIMIT,
    schema: {
      summary: 'Post a comment or a reply (published at once, or held for review with heldReason)',
      tags,
      headers: CommentWriteHeaders,
      body: PostCommentBody,
      response: { 201: CommentWritten, ...errorResponses }
    }
  }, async (req, reply) => reply.code(201).send(await comments.post(req.body, { ...writeContext(req), ip: req.ip })))

  app.patch('/v1/comments/:id', {
    onRequest: ipLimit(services),
    bodyLimit: COMMENT_BODY_LIMIT,
    schema: {
      summary: 'Edit my comment within the edit window (moderation runs again)',
      tags,
      params: CommentIdParams,
      headers: CommentWriteHeaders,
      body: EditCommentBody,
      response: { 200: CommentWritten, ...errorResponses }
    }
  }, async req => comments.edit(req.params.id, req.body.body, writeContext(req)))

  app.delete('/v1/comments/:id', {
    onRequest: ipLimit(services),
    schema: {
      summary: 'Delete my comment within the edit window',
      tags,
      params: CommentIdParams,
      headers: CommentWriteHeaders,
      response: { 200: CommentWritten, ...errorResponses }
    }
  }, async req => comments.remove(req.params.id, writeContext(req)))

  app.post('/v1/comments/:id/vote', {
    onRequest: ipLimit(services),
    schema: {
      summary: 'Vote a comment up (1) or down (-1), or remove my vote (0)',
      tags,
      params: CommentIdParams,
      headers: CommentWriteHeaders,
      body: CommentVoteBody,
      response: { 200: CommentVoteResponse, ...errorResponses }
    }
  }, async req => comments.vote(req.params.id, req.body.value, writeContext(req)))

  app.post('/v1/comments/:id/report', {
    onRequest: ipLimit(services),
    schema: {
      summary: 'Report a comment to the moderators (once per participant)',
      description: '`details` is required for `illegal` (EU Digital Services Act notice).',
      tags,
      params: CommentIdParams,
      headers: CommentWriteHeaders,
      body: ReportBody,
      response: { 202: ReportResponse, ...errorResponses }
    }
  }, async (req, reply) => {
    await comments.report(req.params.id, req.body.reason, req.body.details, writeContext(req))
    return reply.code(202).send({ reported: true as const })
  })

  const openStream = eventStreams(app, sseHeartbeatMs)

  app.get('/v1/comments/live', {
    onRequest: ipLimit(services),
    schema: {
      summary: 'Live comments of a thread as Server-Sent Events (`event: comment` / `event: update`, `id: <seq>`)',
      description: 'With Last-Event-ID, every change after it is sent first. Heartbeat comment every 15 s.',
      tags,
      querystring: CommentLiveQuery,
      headers: LiveHeaders,
      response: { 200: Type.String({ description: 'text/event-stream' }), ...errorResponses }
    }
  }, async (req, reply) => {
    const lastId = req.headers['last-event-id']
    await openStream(req, reply, send => comments.subscribe(req.query, req.query.participant ?? participantToken(req),
      lastId === undefined ? undefined : Number(lastId), (kind, seq, c) => send(sseFrame(kind, seq, c)), readContext(req)))
  })
}
