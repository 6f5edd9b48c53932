import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses } from '../../schemas/common.ts'
import { ParticipantDeletion, ParticipantExport, ParticipantParams } from '../../schemas/gdpr.ts'
import type { Services } from '../../services/index.ts'

const security: Array<Record<string, string[]>> = [{ admin: [] }, { session: [] }]
const tags = ['admin']

/** A resident's right of access and erasure, by the participant token their browser shows (admins only). */
export const adminGdprRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get('/participants/:token/export', {
    config: { role: 'admin', audit: 'participant.export' },
    schema: { summary: 'Every row linked to a participant (GDPR access)', tags, security, params: ParticipantParams, response: { 200: ParticipantExport, ...errorResponses } }
  }, async req => services.gdpr.export(req.params.token))

  app.delete('/participants/:token', {
    config: { role: 'admin', audit: 'participant.delete' },
    schema: { summary: 'Erase a participant\'s data, keeping tallies and comment trees consistent (GDPR erasure)', tags, security, params: ParticipantParams, response: { 200: ParticipantDeletion, ...errorResponses } }
  }, async req => ({ participant: services.gdpr.participantOf(req.params.token), deleted: await services.gdpr.erase(req.params.token) }))
}
