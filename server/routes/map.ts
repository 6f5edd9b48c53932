import crypto from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { errorResponses } from '../schemas/common.ts'
import { BasemapQuery, ContextCollection, MapSiteQuery, MapStyle, Unchanged } from '../schemas/map.ts'
import { AppError } from '../services/errors.ts'
import type { Services } from '../services/index.ts'
import { noneMatch, parseRange } from './byte-range.ts'
import { readContext } from './request-context.ts'

const tags = ['public']
const header = (req: FastifyRequest, name: string) => {
  const v = req.headers[name]
  return Array.isArray(v) ? v[0] : v
}

/** The basemap of the project map: an offline style, the city's context layers, a PMTiles archive. */
export const mapRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const map = services.map

  app.get('/v1/map/style.json', {
    schema: {
      summary: 'The default MapLibre style: the context layers, or the PMTiles basemap when the server has one',
      description: 'Needs nothing outside this server (no glyphs, no sprite). URLs in it are absolute, built from the request\'s own origin (X-Forwarded-* when TRUST_PROXY is set).',
      tags,
      querystring: MapSiteQuery,
      response: { 200: MapStyle, 304: Unchanged, ...errorResponses }
    }
  }, async (req, reply) => {
    const body = JSON.stringify(map.style(readContext(req).selfOrigin, req.query.site))
    return sendJson(req, reply, body, 'application/json; charset=utf-8', 'public, max-age=300')
  })

  app.get('/v1/map/context.geojson', {
    schema: {
      summary: 'The city\'s context layers (boundary, districts, streets, river, parks, railway) as GeoJSON',
      description: 'From MAP_CONTEXT; an empty FeatureCollection when none is configured. Strong ETag; If-None-Match → 304.',
      tags,
      querystring: MapSiteQuery,
      produces: ['application/geo+json'],
      response: { 200: ContextCollection, 304: Unchanged, ...errorResponses }
    }
  }, async (req, reply) => {
    const doc = map.context()
    // Two representations, two strong validators (RFC 9110 §8.8.3); either one revalidates.
    const gzip = /\bgzip\b/.test(header(req, 'accept-encoding') ?? '')
    const gzipTag = `${doc.etag.slice(0, -1)}-gzip"`
    const vary = reply.getHeader('vary')
    reply
      .header('etag', gzip ? gzipTag : doc.etag)
      .header('cache-control', 'public, max-age=3600')
      .header('vary', vary ? `${String(vary)}, Accept-Encoding` : 'Accept-Encoding')
    const inm = header(req, 'if-none-match')
    if (noneMatch(inm, doc.etag) || noneMatch(inm, gzipTag)) return reply.code(304).send(null)
    reply.header('content-type', 'application/geo+json; charset=utf-8')
    if (gzip) return reply.header('content-encoding', 'gzip').send(doc.gzip as never)
    return reply.send(doc.json as never)
  })

  app.route({
    method: ['GET', 'HEAD'],
    url: '/v1/map/basemap.pmtiles',
    schema: {
      summary: 'The PMTiles archive at BASEMAP_PMTILES, with byte ranges (206, 416), ETag and If-Range',
      description: 'One range per request (several ranges or an invalid Range header get the whole file, 200). 404 when no archive is configured.',
      tags,
      querystring: BasemapQuery,
      produces: ['application/vnd.pmtiles'],
      response: {
        200: Type.Unsafe({ type: 'string', format: 'binary', description: 'the whole archive' }),
        206: Type.Unsafe({ type: 'string', format: 'binary', description: 'the requested byte range (Content-Range)' }),
        304: Unchanged,
        ...errorResponses
      }
    },
    handler: async (req, reply) => {
      const file = map.basemap().open()
      let streaming = false
      try {
        const v = file.version
        reply
          .header('accept-ranges', 'bytes')
          .header('etag', v.etag)
          .header('last-modified', v.lastModified)
          .header('cache-control', 'public, max-age=3600')
        // RFC 9110 §13.2.2: If-Match, then If-None-Match, then If-Range decides whether Range counts.
        const ifMatch = header(req, 'if-match')
        if (ifMatch !== undefined && ifMatch.trim() !== '*' && !ifMatch.split(',').some(t => t.trim() === v.etag)) {
          throw new AppError(412, 'PRECONDITION_FAILED', 'The basemap archive has changed')
        }
        if (noneMatch(header(req, 'if-none-match'), v.etag)) return reply.code(304).send(null)
        const ifRange = header(req, 'if-range')
        const rangeApplies = ifRange === undefined || ifRange.trim() === v.etag || ifRange.trim() === v.lastModified
        const range = rangeApplies ? parseRange(header(req, 'range'), v.size) : { kind: 'full' as const }
        if (range.kind === 'unsatisfiable') {
          throw new AppError(416, 'RANGE_NOT_SATISFIABLE', `The archive has ${v.size} bytes`, undefined, { 'content-range': `bytes */${v.size}` })
        }
        const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, v.size - 1]
        if (range.kind === 'partial') reply.code(206).header('content-range', `bytes ${start}-${end}/${v.size}`)
        reply.header('content-type', 'application/vnd.pmtiles').header('content-length', end - start + 1)
        // HEAD, and an empty file, have no body to read.
        if (req.method === 'HEAD' || end < start) return reply.send()
        streaming = true
        return reply.send(file.stream(start, end))
      } finally {
        if (!streaming) file.close()
      }
    }
  })
}

/** A JSON body built once per request, with a strong ETag and If-None-Match → 304. */
function sendJson (req: FastifyRequest, reply: FastifyReply, body: string, type: string, cache: string) {
  const etag = `"${crypto.createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`
  reply.header('etag', etag).header('cache-control', cache)
  if (noneMatch(header(req, 'if-none-match'), etag)) return reply.code(304).send(null)
  return reply.header('content-type', type).send(body as never)
}
