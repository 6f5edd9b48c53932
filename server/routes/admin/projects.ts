import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  AdminProject, CreateProjectBody, ImportQuery, ImportResponse, MapSettingsBody, MapSettingsView, ProjectList, ProjectListQuery,
  PutProjectBody, RejectBody, SiteParams
} from '../../schemas/admin-projects.ts'
import { errorResponses, IdParams } from '../../schemas/common.ts'
import { AppError } from '../../services/errors.ts'
import type { Services } from '../../services/index.ts'

const security = [{ admin: [] }]
const tags = ['admin']
/** A city's whole project register in one file. */
const IMPORT_BODY_LIMIT = 20 * 1024 * 1024

export const adminProjectRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const admin = services.projectAdmin
  // Imports only (this plugin is encapsulated): GeoJSON and CSV arrive as text.
  app.addContentTypeParser(['application/geo+json', 'text/csv'], { parseAs: 'string', bodyLimit: IMPORT_BODY_LIMIT }, (_req, body, done) => {
    if (/\u0000/.test(body as string)) done(new AppError(400, 'BAD_REQUEST', 'NUL characters are not allowed'), undefined)
    else done(null, body)
  })

  app.get('/sites/:site/map', {
    config: { role: 'moderator' },
    schema: { summary: 'A site\'s project map settings', tags, security, params: SiteParams, response: { 200: MapSettingsView, ...errorResponses } }
  }, async req => admin.getMap(req.params.site))

  app.put('/sites/:site/map', {
    config: { role: 'editor', audit: 'map.update', auditTarget: 'site' },
    schema: { summary: 'Change a site\'s project map settings (omitted fields keep their value)', tags, security, params: SiteParams, body: MapSettingsBody, response: { 200: MapSettingsView, ...errorResponses } }
  }, async req => admin.putMap(req.params.site, req.body))

  app.get('/projects', {
    config: { role: 'moderator' },
    schema: { summary: 'Projects, newest first, by site, review status (pending = the moderation queue) and text; keyset-paged', tags, security, querystring: ProjectListQuery, response: { 200: ProjectList, ...errorResponses } }
  }, async req => admin.list(req.query))

  app.post('/projects', {
    config: { role: 'editor' },
    schema: { summary: 'Create a project (approved unless `review` says otherwise)', tags, security, body: CreateProjectBody, response: { 201: AdminProject, ...errorResponses } }
  }, async (req, reply) => reply.code(201).send(await admin.create(req.body)))

  app.post('/projects/import', {
    config: { role: 'editor' },
    bodyLimit: IMPORT_BODY_LIMIT,
    schema: {
      summary: 'Import projects from GeoJSON (application/geo+json) or CSV (text/csv: title,category,status,start,end,address,description,lat,lon)',
      description: 'Valid rows go in (approved); bad rows are reported by number (CSV: record number, header = 1; GeoJSON: feature index + 1). An optional id (CSV column `id`; GeoJSON feature `id` or `properties.id`, lowercased) makes a re-import update the project of that id instead of adding it again.',
      tags,
      security,
      querystring: ImportQuery,
      consumes: ['application/geo+json', 'text/csv', 'application/json'],
      body: Type.Unknown({ description: 'a GeoJSON FeatureCollection, or CSV text with a header row' }),
      response: { 200: ImportResponse, ...errorResponses }
    }
  }, async req => {
    const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
    return admin.import(req.query.site, type === 'text/csv' ? 'csv' : 'geojson', req.body)
  })

  app.get('/projects/:id', {
    config: { role: 'moderator' },
    schema: { summary: 'A project with everything staff see (review state, submitter email)', tags, security, params: IdParams, response: { 200: AdminProject, ...errorResponses } }
  }, async req => admin.get(req.params.id))

  app.put('/projects/:id', {
    config: { role: 'editor' },
    schema: { summary: 'Replace a project\'s fields (review state and submitter stay)', tags, security, params: IdParams, body: PutProjectBody, response: { 200: AdminProject, ...errorResponses } }
  }, async req => admin.update(req.params.id, req.body))

  app.delete('/projects/:id', {
    config: { role: 'editor' },
    schema: { summary: 'Delete a project', tags, security, params: IdParams, response: { 204: Type.Null({ description: 'deleted' }), ...errorResponses } }
  }, async (req, reply) => {
    await admin.remove(req.params.id)
    return reply.code(204).send(null)
  })

  app.post('/projects/:id/approve', {
    config: { role: 'moderator' },
    schema: { summary: 'Approve a project: it shows on the public map', tags, security, params: IdParams, response: { 200: AdminProject, ...errorResponses } }
  }, async req => admin.approve(req.params.id))

  app.post('/projects/:id/reject', {
    config: { role: 'moderator' },
    schema: { summary: 'Reject a project: it never shows publicly', tags, security, params: IdParams, body: RejectBody, response: { 200: AdminProject, ...errorResponses } }
  }, async req => admin.reject(req.params.id, req.body.reason))
}
