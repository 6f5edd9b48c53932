import { Readable } from 'node:stream'
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  AdminComment, AdminThread, Ban, BanBody, BanList, BanParams, ExportQuery, PatchThreadBody, QueuePage, QueueQuery,
  RejectBody, ThreadExport, ThreadList, ThreadListQuery
} from '../../schemas/admin-comments.ts'
import { CommentIdParams } from '../../schemas/comments.ts'
import { errorResponses, IdParams } from '../../schemas/common.ts'
import type { Services } from '../../services/index.ts'
import { download } from './download.ts'

const security = [{ admin: [] }]
const tags = ['admin']

/** Moderation: the queue, approve/reject, bans, thread settings and exports. */
export const adminCommentRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const mod = services.commentAdmin

  app.get('/comments', {
    config: { role: 'moderator' },
    schema: { summary: 'Moderation queue (pending by default), oldest first, with thread and parent', tags, security, querystring: QueueQuery, response: { 200: QueuePage, ...errorResponses } }
  }, async req => mod.queue(req.query))

  app.get('/comments/:id', {
    config: { role: 'moderator' },
    schema: { summary: 'A comment with its reports', tags, security, params: CommentIdParams, response: { 200: AdminComment, ...errorResponses } }
  }, async req => mod.get(req.params.id))

  app.post('/comments/:id/approve', {
    config: { role: 'moderator' },
    schema: { summary: 'Publish a comment and close its reports', tags, security, params: CommentIdParams, response: { 200: AdminComment, ...errorResponses } }
  }, async req => mod.approve(req.params.id))

  app.post('/comments/:id/reject', {
    config: { role: 'moderator' },
    schema: { summary: 'Hide a comment from everyone but its author, who is told the reason', tags, security, params: CommentIdParams, body: RejectBody, response: { 200: AdminComment, ...errorResponses } }
  }, async req => mod.reject(req.params.id, req.body.reason))

  app.get('/sites/:id/bans', {
    config: { role: 'moderator' },
    schema: { summary: 'Authors banned from commenting on a site', tags, security, params: IdParams, response: { 200: BanList, ...errorResponses } }
  }, async req => ({ bans: await mod.bans(req.params.id) }))

  app.post('/sites/:id/bans', {
    config: { role: 'moderator', audit: 'comment.ban', auditTarget: 'site' },
    schema: { summary: 'Ban the author of a comment (or a participant) from commenting on a site', tags, security, params: IdParams, body: BanBody, response: { 201: Ban, ...errorResponses } }
  }, async (req, reply) => reply.code(201).send(await mod.ban(req.params.id, req.body)))

  app.delete('/sites/:id/bans/:banId', {
    config: { role: 'moderator', audit: 'comment.unban', auditTarget: 'site' },
    schema: { summary: 'Lift a ban', tags, security, params: BanParams, response: { 204: Type.Null(), ...errorResponses } }
  }, async (req, reply) => {
    await mod.unban(req.params.id, req.params.banId)
    return reply.code(204).send(null)
  })

  app.get('/threads', {
    config: { role: 'moderator' },
    schema: { summary: 'Comment threads (newest first) with their queue sizes', tags, security, querystring: ThreadListQuery, response: { 200: ThreadList, ...errorResponses } }
  }, async req => ({ threads: await mod.threads(req.query.site) }))

  app.patch('/threads', {
    config: { role: 'editor' },
    schema: { summary: 'Close/open a thread, set its closing date or moderation mode (creates it if needed)', tags, security, body: PatchThreadBody, response: { 200: AdminThread, ...errorResponses } }
  }, async req => mod.patchThread(req.body))

  app.get('/threads/export.json', {
    config: { role: 'editor', audit: 'export' },
    schema: { summary: 'A thread with every comment (all statuses), oldest first', tags, security, querystring: ExportQuery, response: { 200: ThreadExport, ...errorResponses } }
  }, async (req, reply) => {
    reply.header('content-disposition', `attachment; filename="${fileName(req.query.key)}.json"`)
    return mod.exportJson(req.query.site, req.query.key)
  })

  app.get('/threads/export.csv', {
    config: { role: 'editor', audit: 'export' },
    schema: { summary: 'One CSV row a comment (formula-safe cells)', tags, security, querystring: ExportQuery, produces: ['text/csv'], response: { 200: Type.Unsafe<Readable>({ type: 'string', description: 'text/csv' }), ...errorResponses } }
  }, async (req, reply) => download(reply, mod.exportCsv(req.query.site, req.query.key), 'text/csv', `${fileName(req.query.key)}.csv`))
}

function fileName (key: string): string {
  return `comments-${key.replace(/^https?:\/\//, '').replace(/[^a-zA-Z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'thread'}`
}
