import { Readable } from 'node:stream'
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  AdminConsultation, AdminResults, ConsultationExport, ConsultationList, ConsultationListQuery, CreateConsultationBody, OutcomeBody,
  PatchConsultationBody, ResponsesPage, ResponsesQuery
} from '../../schemas/admin-consultations.ts'
import { errorResponses, IdParams } from '../../schemas/common.ts'
import { Outcome } from '../../schemas/consultations.ts'
import type { Services } from '../../services/index.ts'
import { download, safeName } from './download.ts'

const security = [{ admin: [] }]
const tags = ['admin']

export const adminConsultationRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const admin = services.consultationAdmin

  app.get('/consultations', {
    config: { role: 'moderator' },
    schema: { summary: 'List consultations, newest first (by site, question text, status)', tags, security, querystring: ConsultationListQuery, response: { 200: ConsultationList, ...errorResponses } }
  }, async req => ({ consultations: await admin.list(req.query) }))

  app.post('/consultations', {
    config: { role: 'editor' },
    schema: { summary: 'Create a consultation', tags, security, body: CreateConsultationBody, response: { 201: AdminConsultation, ...errorResponses } }
  }, async (req, reply) => reply.code(201).send(await admin.create(req.body)))

  app.get('/consultations/:id', {
    config: { role: 'moderator' },
    schema: { summary: 'A consultation with its targeting and results, whatever its status', tags, security, params: IdParams, response: { 200: AdminConsultation, ...errorResponses } }
  }, async req => admin.get(req.params.id))

  app.patch('/consultations/:id', {
    config: { role: 'editor' },
    schema: { summary: 'Change a consultation (type, options, notSure only while nobody answered)', tags, security, params: IdParams, body: PatchConsultationBody, response: { 200: AdminConsultation, ...errorResponses } }
  }, async req => admin.update(req.params.id, req.body))

  app.post('/consultations/:id/open', {
    config: { role: 'editor' },
    schema: { summary: 'Open a consultation now', tags, security, params: IdParams, response: { 200: AdminConsultation, ...errorResponses } }
  }, async req => admin.setOpen(req.params.id, true))

  app.post('/consultations/:id/close', {
    config: { role: 'editor' },
    schema: { summary: 'Close a consultation now', tags, security, params: IdParams, response: { 200: AdminConsultation, ...errorResponses } }
  }, async req => admin.setOpen(req.params.id, false))

  app.put('/consultations/:id/outcome', {
    config: { role: 'editor' },
    schema: { summary: 'Publish or update "You said, we did"', tags, security, params: IdParams, body: OutcomeBody, response: { 200: Outcome, ...errorResponses } }
  }, async req => admin.putOutcome(req.params.id, req.body))

  app.delete('/consultations/:id/outcome', {
    config: { role: 'editor' },
    schema: { summary: 'Withdraw the outcome', tags, security, params: IdParams, response: { 204: Type.Null({ description: 'withdrawn (or there was none)' }), ...errorResponses } }
  }, async (req, reply) => {
    await admin.deleteOutcome(req.params.id)
    return reply.code(204).send(null)
  })

  app.get('/consultations/:id/results', {
    config: { role: 'moderator' },
    schema: { summary: 'Counts, percentages, breakdown by area and by page, daily series', tags, security, params: IdParams, response: { 200: AdminResults, ...errorResponses } }
  }, async req => admin.results(req.params.id))

  app.get('/consultations/:id/responses', {
    config: { role: 'moderator' },
    schema: { summary: 'Responses with free text and follow-ups, newest first, keyset-paged', tags, security, params: IdParams, querystring: ResponsesQuery, response: { 200: ResponsesPage, ...errorResponses } }
  }, async req => admin.responses(req.params.id, req.query.cursor, req.query.limit))

  app.get('/consultations/:id/export.csv', {
    config: { role: 'editor', audit: 'export' },
    schema: { summary: 'One CSV row per response (formula-safe cells)', tags, security, params: IdParams, produces: ['text/csv'], response: { 200: Type.Unsafe<Readable>({ type: 'string', description: 'text/csv' }), ...errorResponses } }
  }, async (req, reply) => download(reply, admin.exportCsv(req.params.id), 'text/csv', `consultation-${safeName(req.params.id)}.csv`))

  app.get('/consultations/:id/export.json', {
    config: { role: 'editor', audit: 'export' },
    schema: { summary: 'The CSV export\'s responses as JSON', tags, security, params: IdParams, response: { 200: ConsultationExport, ...errorResponses } }
  }, async (req, reply) => download(reply, admin.exportJson(req.params.id), 'application/json', `consultation-${safeName(req.params.id)}.json`))
}
