import { Type } from 'typebox'

export const ErrorResponse = Type.Object({
  error: Type.Object({
    code: Type.String({ description: 'UPPER_SNAKE error code' }),
    message: Type.String(),
    details: Type.Optional(Type.Unknown())
  })
}, { description: 'Every error has this shape' })

/** Error responses every route may give. */
export const errorResponses = {
  '4xx': ErrorResponse,
  '5xx': ErrorResponse
}

/** Ids of sites, polls and options: URL-safe slugs. */
export const SLUG_PATTERN = '^[a-z0-9][a-z0-9_-]{0,63}$'
export const Slug = Type.String({ pattern: SLUG_PATTERN, description: 'lowercase slug' })

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) })

export const Timestamp = Type.String({ format: 'date-time' })
export const NullableTimestamp = Type.Union([Timestamp, Type.Null()])
