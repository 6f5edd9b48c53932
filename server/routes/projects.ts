import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses, IdParams } from '../schemas/common.ts'
import {
  FeatureCollection, FeedQuery, MapQuery, MapView, ProjectFeature, SubmissionBody, SubmissionHeaders, SubmissionResponse
} from '../schemas/projects.ts'
import type { Services } from '../services/index.ts'
import { ipLimit } from './rate-limit-hook.ts'
import { readContext, writeContext } from './request-context.ts'

/** A 5000-character description may take 20 KB in UTF-8 (more JSON-escaped). */
const SUBMISSION_BODY_LIMIT = 64 * 1024
const tags = ['public']

export const projectRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const projects = services.projects

  // Static segments: the router prefers them to `/:id` (and no project may take these ids).
  app.get('/v1/projects/map', {
    schema: {
      summary: 'A site\'s project map: bounds, center, zoom, categories, submissions, comments, style URL',
      description: 'The site comes from `site` or the Origin, as for comment threads.',
      tags,
      querystring: MapQuery,
      response: { 200: MapView, ...errorResponses }
    }
  }, async (req, reply) => {
    const view = await projects.map(req.query.site, readContext(req))
    // Set on success only: an error must not be cached.
    reply.header('cache-control', 'public, max-age=60')
    return view
  })

  app.get('/v1/projects', {
    schema: {
      summary: 'Approved projects as a GeoJSON FeatureCollection (compact properties), optionally filtered',
      description: 'Date filter = overlap: `start <= to && (end ?? start) >= from`. Weak ETag from the site\'s projects version; If-None-Match → 304.',
      tags,
      querystring: FeedQuery,
      produces: ['application/geo+json'],
      response: { 200: FeatureCollection, 304: Type.Null({ description: 'unchanged since the ETag given in If-None-Match' }), ...errorResponses }
    }
  }, async (req, reply) => {
    const inm = req.headers['if-none-match']
    const gzipOk = /\bgzip\b/i.test(String(req.headers['accept-encoding'] ?? ''))
    const { etag, body, gzip } = await projects.feed(req.query, inm, gzipOk, readContext(req))
    // Revalidated on every use (a 304 reads only the version): an approved project shows at the next load.
    reply.header('etag', etag).header('cache-control', 'public, no-cache').header('vary', 'Origin, Accept-Encoding')
    if (body === null) return reply.code(304).send(null)
    if (gzip) reply.header('content-encoding', 'gzip')
    // Serialised once per version: sent as bytes, never through the JSON serializer.
    return reply.header('content-type', 'application/geo+json; charset=utf-8').send(body as never)
  })

  app.post('/v1/projects/submissions', {
    onRequest: ipLimit(services),
    bodyLimit: SUBMISSION_BODY_LIMIT,
    schema: {
      summary: 'Suggest a project (a point inside the map\'s bounds); staff review it before it shows',
      description: 'Participant token and Idempotency-Key like comments. Errors: OUT_OF_BOUNDS, INVALID_GEOMETRY, INVALID_DATES, INVALID_PROJECT (400), SUBMISSIONS_CLOSED (403), SPAM (422), DAILY_LIMIT and RATE_LIMITED (429).',
      tags,
      security: [{ participant: [] }],
      querystring: MapQuery,
      headers: SubmissionHeaders,
      body: SubmissionBody,
      response: { 202: SubmissionResponse, ...errorResponses }
    }
  }, async (req, reply) => reply.code(202).send(await projects.submit(req.query.site, req.body, writeContext(req))))

  app.get('/v1/projects/:id', {
    schema: {
      summary: 'One approved project with its full properties',
      tags,
      params: IdParams,
      response: { 200: ProjectFeature, ...errorResponses }
    }
  }, async (req, reply) => {
    // A 404 (pending) must not be cached: it may be approved in a minute.
    const feature = await projects.get(req.params.id, readContext(req))
    reply.header('cache-control', 'public, max-age=60')
    return feature
  })
}
