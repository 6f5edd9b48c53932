import { Readable } from 'node:stream'
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses, IdParams } from '../../schemas/common.ts'
import { AdminPoll, CreatePollBody, PatchPollBody, PollActivity, PollExport, PollList, PollListQuery } from '../../schemas/admin-polls.ts'
import { PollResults } from '../../schemas/polls.ts'
import type { Services } from '../../services/index.ts'
import { download, safeName } from './download.ts'

const security = [{ admin: [] }]
const tags = ['admin']

export const adminPollRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const polls = services.pollAdmin

  app.get('/polls', {
    config: { role: 'moderator' },
    schema: { summary: 'List polls, optionally of one site', tags, security, querystring: PollListQuery, response: { 200: PollList, ...errorResponses } }
  }, async req => ({ polls: await polls.list(req.query.site) }))

  app.post('/polls', {
    config: { role: 'editor' },
    schema: { summary: 'Create a poll', tags, security, body: CreatePollBody, response: { 201: AdminPoll, ...errorResponses } }
  }, async (req, reply) => reply.code(201).send(await polls.create(req.body)))

  app.get('/polls/:id', {
    config: { role: 'moderator' },
    schema: { summary: 'A poll with its results, whatever their visibility', tags, security, params: IdParams, response: { 200: AdminPoll, ...errorResponses } }
  }, async req => polls.get(req.params.id))

  app.patch('/polls/:id', {
    config: { role: 'editor' },
    schema: { summary: 'Change a poll (type, options, maxChoices only while nobody voted)', tags, security, params: IdParams, body: PatchPollBody, response: { 200: AdminPoll, ...errorResponses } }
  }, async req => polls.update(req.params.id, req.body))

  app.post('/polls/:id/open', {
    config: { role: 'editor' },
    schema: { summary: 'Open a poll now', tags, security, params: IdParams, response: { 200: AdminPoll, ...errorResponses } }
  }, async req => polls.setOpen(req.params.id, true))

  app.post('/polls/:id/close', {
    config: { role: 'editor' },
    schema: { summary: 'Close a poll now', tags, security, params: IdParams, response: { 200: AdminPoll, ...errorResponses } }
  }, async req => polls.setOpen(req.params.id, false))

  app.get('/polls/:id/results', {
    config: { role: 'moderator' },
    schema: { summary: 'Results, whatever their visibility', tags, security, params: IdParams, response: { 200: PollResults, ...errorResponses } }
  }, async req => polls.results(req.params.id))

  app.get('/polls/:id/activity', {
    config: { role: 'moderator' },
    schema: { summary: 'Participation: votes per UTC day and by page, whatever the visibility', tags, security, params: IdParams, response: { 200: PollActivity, ...errorResponses } }
  }, async req => polls.activity(req.params.id))

  app.get('/polls/:id/export.csv', {
    config: { role: 'editor', audit: 'export' },
    schema: { summary: 'One CSV row a vote (formula-safe cells)', tags, security, params: IdParams, produces: ['text/csv'], response: { 200: Type.Unsafe<Readable>({ type: 'string', description: 'text/csv' }), ...errorResponses } }
  }, async (req, reply) => download(reply, polls.exportCsv(req.params.id), 'text/csv', `poll-${safeName(req.params.id)}.csv`))

  app.get('/polls/:id/export.json', {
    config: { role: 'editor', audit: 'export' },
    schema: { summary: 'The CSV export\'s votes as JSON, with the page of each vote', tags, security, params: IdParams, response: { 200: PollExport, ...errorResponses } }
  }, async (req, reply) => download(reply, polls.exportJson(req.params.id), 'application/json', `poll-${safeName(req.params.id)}.json`))
}
