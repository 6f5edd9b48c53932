import { Type } from 'typebox'
import type { Static } from 'typebox'
import { Slug, Timestamp } from './common.ts'
import { Nullable } from './consultations.ts'
import { GeometrySchema, mapFields, fullProperties } from './projects.ts'

const SiteId = Type.String({ minLength: 1, maxLength: 64 })
export const Review = Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected')])

export const SiteParams = Type.Object({ site: SiteId })

export const MapSettingsView = Type.Object({
  ...mapFields,
  style: Nullable(Type.String({ description: 'MapLibre style URL; null = this server\'s /v1/map/style.json' })),
  version: Type.Integer({ description: 'version of the public projects (the feed ETag)' })
})

export const MapSettingsBody = Type.Partial(Type.Object({
  ...mapFields,
  submissions: Type.Partial(mapFields.submissions, { additionalProperties: false }),
  style: Nullable(Type.String({ maxLength: 2000 }))
}), { additionalProperties: false, description: 'omitted fields keep their value' })
export type MapSettingsBody = Static<typeof MapSettingsBody>

const editable = {
  title: Type.String({ maxLength: 2000, description: 'at most 200 characters' }),
  category: Type.String({ maxLength: 64 }),
  status: Type.String({ maxLength: 20, description: 'planned, in_progress or completed' }),
  start: Type.String({ maxLength: 20, description: 'YYYY-MM-DD' }),
  end: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
  address: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  description: Type.Optional(Nullable(Type.String({ maxLength: 20_000 }))),
  contact: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  link: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  geometry: Type.Unknown({ description: 'GeoJSON Point, LineString, Polygon, MultiLineString or MultiPolygon (WGS84)' })
}

export const CreateProjectBody = Type.Object({
  id: Type.Optional(Slug),
  siteId: SiteId,
  ...editable,
  review: Type.Optional(Review)
}, { additionalProperties: false, description: 'staff projects are approved unless `review` says otherwise' })
export type CreateProjectBody = Static<typeof CreateProjectBody>

export const PutProjectBody = Type.Object(editable, { additionalProperties: false, description: 'replaces every field (omitted optional ones become null)' })
export type PutProjectBody = Static<typeof PutProjectBody>

export const AdminProject = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.String(),
  geometry: GeometrySchema,
  properties: Type.Object({
    ...fullProperties,
    siteId: Type.String(),
    review: Review,
    rejectReason: Nullable(Type.String()),
    source: Type.Union([Type.Literal('staff'), Type.Literal('import'), Type.Literal('resident')]),
    submitterEmail: Nullable(Type.String({ description: 'staff only' })),
    createdAt: Timestamp,
    reviewedAt: Nullable(Timestamp)
  })
})

export const ProjectListQuery = Type.Object({
  site: Type.Optional(SiteId),
  status: Type.Optional(Review),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'in title or address (case-insensitive)' })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$', description: '1–200, default 50' }))
}, { additionalProperties: false })

export const ProjectList = Type.Object({ projects: Type.Array(AdminProject), nextCursor: Nullable(Type.String()) })

export const RejectBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false })

export const ImportQuery = Type.Object({ site: SiteId }, { additionalProperties: false })

export const ImportResponse = Type.Object({
  imported: Type.Integer({ description: 'projects created' }),
  updated: Type.Integer({ description: 'existing projects of the site updated (rows whose id is theirs)' }),
  errors: Type.Array(Type.Object({ row: Type.Integer({ description: 'CSV: line number of the row (header = 1); GeoJSON: feature index + 1' }), message: Type.String() }))
})
