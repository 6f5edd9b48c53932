import { Type } from 'typebox'
import { Timestamp } from './common.ts'

export const AuditQuery = Type.Object({
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$', description: '1–200, default 50' })),
  actor: Type.Optional(Type.String({ maxLength: 64, description: 'a user id, or `token` for the ADMIN_TOKEN' })),
  action: Type.Optional(Type.String({ maxLength: 64, description: 'exact (`poll.create`) or a prefix ending in a dot (`poll.`)' }))
}, { additionalProperties: false })

export const AuditEntry = Type.Object({
  id: Type.String(),
  at: Timestamp,
  actor: Type.Union([Type.Object({ id: Type.String(), email: Type.String() }), Type.Literal('token')]),
  action: Type.String({ description: '`poll.create`, `comment.approve`, `export`, …' }),
  target: Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }),
  details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()])
})

export const AuditPage = Type.Object({
  entries: Type.Array(AuditEntry),
  nextCursor: Type.Union([Type.String(), Type.Null()])
})
