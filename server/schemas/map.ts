import { Type } from 'typebox'
import { Slug } from './common.ts'

export const MapSiteQuery = Type.Object({
  site: Type.Optional(Slug)
}, { additionalProperties: false })

export const BasemapQuery = Type.Object({
  v: Type.Optional(Type.String({ maxLength: 64, description: 'the archive version the style links to; any value serves the current file' }))
}, { additionalProperties: false })

export const MapStyle = Type.Unsafe<Record<string, unknown>>({
  type: 'object',
  description: 'A MapLibre style (version 8) with only this server\'s URLs: no glyphs, no sprite',
  required: ['version', 'sources', 'layers'],
  properties: { version: { const: 8 }, sources: { type: 'object' }, layers: { type: 'array' } }
})

export const ContextCollection = Type.Unsafe<Record<string, unknown>>({
  type: 'object',
  description: 'GeoJSON FeatureCollection; every feature has `properties.layer` (boundary, district, street, river, park, rail) and usually `name`; streets `class` (main, residential)',
  required: ['type', 'features'],
  properties: { type: { const: 'FeatureCollection' }, bbox: { type: 'array', items: { type: 'number' } }, features: { type: 'array' } }
})

export const Unchanged = Type.Null({ description: 'unchanged since the ETag given in If-None-Match' })
