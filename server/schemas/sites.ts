import { Type } from 'typebox'
import { Slug, Timestamp } from './common.ts'

const Origin = Type.String({ minLength: 1, maxLength: 300, description: 'scheme://host[:port]' })

export const SiteIdentityInput = Type.Object({
  issuer: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
  audience: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
  secret: Type.Optional(Type.String({ minLength: 16, maxLength: 512, description: 'HS256 shared key (write-only)' })),
  jwksUrl: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 }))
}, { additionalProperties: false })

export const SiteView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  origins: Type.Array(Type.String()),
  identity: Type.Union([Type.Object({
    issuer: Type.Optional(Type.String()),
    audience: Type.Optional(Type.String()),
    jwksUrl: Type.Optional(Type.String()),
    hasSecret: Type.Boolean({ description: 'the HS256 key is write-only' })
  }), Type.Null()]),
  createdAt: Timestamp,
  updatedAt: Timestamp
})

export const CreateSiteBody = Type.Object({
  id: Type.Optional(Slug),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  origins: Type.Array(Origin, { maxItems: 100 }),
  identity: Type.Optional(Type.Union([SiteIdentityInput, Type.Null()]))
}, { additionalProperties: false })

export const PatchSiteBody = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  origins: Type.Optional(Type.Array(Origin, { maxItems: 100 })),
  identity: Type.Optional(Type.Union([SiteIdentityInput, Type.Null()]))
}, { additionalProperties: false })

export const SiteList = Type.Object({ sites: Type.Array(SiteView) })
