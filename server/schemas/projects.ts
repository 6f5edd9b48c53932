import { Type } from 'typebox'
import type { Static } from 'typebox'
import { ICONS } from '../store/projects-repo.ts'
import type { IconName } from '../store/projects-repo.ts'
import { Timestamp } from './common.ts'
import { Nullable } from './consultations.ts'

const SiteQuery = Type.String({ minLength: 1, maxLength: 64, description: 'the site; default: the one whose allow-list holds the Origin' })
const Day = Type.String({ pattern: '^\\d{4}-\\d\\d-\\d\\d$', description: 'YYYY-MM-DD' })
const LngLat = Type.Tuple([Type.Number(), Type.Number()], { description: '[longitude, latitude] (WGS84)' })

export const ProjectStatus = Type.Union([Type.Literal('planned'), Type.Literal('in_progress'), Type.Literal('completed')])
export const Icon = Type.Unsafe<IconName>({ type: 'string', enum: [...ICONS], description: 'drawn by the widget itself (no icon URLs)' })
export const BoundsSchema = Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number()], { description: '[west, south, east, north] (WGS84)' })

export const CategorySchema = Type.Object({
  id: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' }),
  label: Type.String({ minLength: 1, maxLength: 100 }),
  color: Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: '#rrggbb' }),
  icon: Icon
}, { additionalProperties: false })

export const mapFields = {
  bounds: Nullable(BoundsSchema),
  center: LngLat,
  zoom: Type.Number({ minimum: 0, maximum: 22 }),
  categories: Type.Array(CategorySchema, { maxItems: 50 }),
  submissions: Type.Object({
    enabled: Type.Boolean(),
    perDay: Type.Integer({ minimum: 1, maximum: 1000, description: 'submissions per participant per 24 h' })
  }, { additionalProperties: false }),
  comments: Type.Boolean({ description: 'a comment thread per project (thread key `project:<id>`)' })
}

export const MapQuery = Type.Object({ site: Type.Optional(SiteQuery) }, { additionalProperties: false })

export const MapView = Type.Object({
  site: Type.String(),
  bounds: Type.Union([BoundsSchema, Type.Null()], { description: 'the area residents may submit in; null = anywhere' }),
  center: mapFields.center,
  zoom: mapFields.zoom,
  categories: mapFields.categories,
  submissions: mapFields.submissions,
  comments: mapFields.comments,
  style: Type.String({ description: 'MapLibre style URL' })
})
export type MapView = Static<typeof MapView>

export const FeedQuery = Type.Object({
  site: Type.Optional(SiteQuery),
  bbox: Type.Optional(Type.String({ maxLength: 200, description: 'west,south,east,north: projects whose extent overlaps it' })),
  category: Type.Optional(Type.String({ maxLength: 2000, description: 'comma-separated category ids' })),
  status: Type.Optional(Type.String({ maxLength: 100, description: 'comma-separated: planned, in_progress, completed' })),
  from: Type.Optional(Day),
  to: Type.Optional(Day),
  q: Type.Optional(Type.String({ maxLength: 200, description: 'in title or address (case-insensitive)' }))
}, { additionalProperties: false })

export const GeometrySchema = Type.Object({
  type: Type.Union([Type.Literal('Point'), Type.Literal('LineString'), Type.Literal('Polygon'), Type.Literal('MultiLineString'), Type.Literal('MultiPolygon')]),
  coordinates: Type.Unknown({ description: 'GeoJSON coordinates (WGS84 [lng, lat])' })
})

const compactProperties = {
  title: Type.String(),
  category: Type.String(),
  status: ProjectStatus,
  start: Day,
  end: Nullable(Day),
  address: Nullable(Type.String())
}

export const FeedFeature = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.String(),
  geometry: GeometrySchema,
  properties: Type.Object(compactProperties)
})

export const FeatureCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(FeedFeature)
}, { description: 'application/geo+json; approved projects only' })

export const fullProperties = {
  ...compactProperties,
  description: Type.String(),
  contact: Nullable(Type.String({ description: 'the city\'s public contact line' })),
  link: Nullable(Type.String({ description: 'http(s)' })),
  updatedAt: Timestamp
}

export const ProjectFeature = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.String(),
  geometry: GeometrySchema,
  properties: Type.Object(fullProperties)
})

export const SubmissionBody = Type.Object({
  // The service checks the real limits (400 INVALID_PROJECT with the field); these bounds only stop abuse.
  title: Type.String({ maxLength: 2000, description: 'at most 200 characters' }),
  category: Type.String({ maxLength: 64, description: 'one of the map\'s categories' }),
  start: Type.String({ maxLength: 20, description: 'YYYY-MM-DD' }),
  end: Type.Optional(Nullable(Type.String({ maxLength: 20, description: 'YYYY-MM-DD, not before start' }))),
  description: Type.String({ maxLength: 20_000, description: 'at most 5000 characters' }),
  email: Type.Optional(Nullable(Type.String({ maxLength: 2000, description: 'for staff only, never public' }))),
  geometry: Type.Unknown({ description: 'a GeoJSON Point inside the map\'s bounds' }),
  address: Type.Optional(Nullable(Type.String({ maxLength: 2000, description: 'at most 300 characters' }))),
  website: Type.Optional(Type.String({ maxLength: 2000, description: 'honeypot: leave empty (any value is 422 SPAM)' }))
}, { additionalProperties: false })
export type SubmissionBody = Static<typeof SubmissionBody>

export const SubmissionHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 100 }))
})

export const SubmissionResponse = Type.Object({
  id: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected')], { description: 'pending when new; a replay tells the current state' })
})
