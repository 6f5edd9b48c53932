import { Type } from 'typebox'
import { NullableTimestamp, Timestamp } from './common.ts'
import { ThreadView } from './comments.ts'
import { ModerationMode } from './sites.ts'

const SiteId = Type.String({ minLength: 1, maxLength: 64 })
const ThreadKey = Type.String({ minLength: 1, maxLength: 2000 })

export const AdminComment = Type.Object({
  id: Type.String(),
  siteId: Type.String(),
  threadKey: Type.String(),
  parentId: Type.Union([Type.String(), Type.Null()]),
  depth: Type.Integer(),
  inReplyTo: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]),
  author: Type.Object({
    name: Type.String(),
    verified: Type.Boolean(),
    key: Type.String({ description: 'a pseudonym of the author, stable per site' }),
    participantId: Type.Union([Type.String(), Type.Null()], { description: 'for bans by participant' })
  }),
  body: Type.String(),
  status: Type.Union([Type.Literal('published'), Type.Literal('pending'), Type.Literal('hidden'), Type.Literal('rejected'), Type.Literal('deleted')]),
  heldReason: Type.Union([Type.String(), Type.Null()]),
  rejectReason: Type.Union([Type.String(), Type.Null()]),
  up: Type.Integer(),
  down: Type.Integer(),
  reports: Type.Object({
    open: Type.Integer(),
    total: Type.Integer(),
    reasons: Type.Object({ spam: Type.Integer(), abuse: Type.Integer(), 'off-topic': Type.Integer(), illegal: Type.Integer() }, { description: 'open reports by reason' }),
    items: Type.Array(Type.Object({ reason: Type.String(), details: Type.Union([Type.String(), Type.Null()]), at: Timestamp, open: Type.Boolean() }))
  }),
  parent: Type.Union([Type.Object({ id: Type.String(), name: Type.String(), body: Type.String() }), Type.Null()], { description: 'the comment it answers' }),
  createdAt: Timestamp,
  editedAt: NullableTimestamp
})

export const QueueQuery = Type.Object({
  status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('reported'), Type.Literal('hidden'), Type.Literal('all')])),
  site: Type.Optional(SiteId),
  thread: Type.Optional(ThreadKey),
  cursor: Type.Optional(Type.String({ maxLength: 500 }))
}, { additionalProperties: false })

export const QueuePage = Type.Object({
  comments: Type.Array(AdminComment),
  nextCursor: Type.Union([Type.String(), Type.Null()])
})

export const RejectBody = Type.Object({
  reason: Type.String({ minLength: 1, maxLength: 500, description: 'shown to the author' })
}, { additionalProperties: false })

export const BanBody = Type.Object({
  commentId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  participantId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  reason: Type.Optional(Type.String({ maxLength: 500 }))
}, { additionalProperties: false, description: 'commentId (ban its author) or participantId' })

export const Ban = Type.Object({
  id: Type.String(),
  siteId: Type.String(),
  participantId: Type.Union([Type.String(), Type.Null()]),
  authorKey: Type.String({ description: 'pseudonym of the banned author' }),
  commentId: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp
})

export const BanList = Type.Object({ bans: Type.Array(Ban) })

export const BanParams = Type.Object({ id: SiteId, banId: Type.String({ minLength: 1, maxLength: 64 }) })

export const AdminThread = Type.Object({
  ...ThreadView.properties,
  closedAt: NullableTimestamp,
  moderationOverride: Type.Union([ModerationMode, Type.Null()], { description: 'null: the site default' }),
  pending: Type.Integer(),
  reported: Type.Integer(),
  createdAt: NullableTimestamp
})

export const ThreadListQuery = Type.Object({ site: Type.Optional(SiteId) }, { additionalProperties: false })
export const ThreadList = Type.Object({ threads: Type.Array(AdminThread) })

export const PatchThreadBody = Type.Object({
  site: SiteId,
  key: ThreadKey,
  status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
  closesAt: Type.Optional(NullableTimestamp),
  moderation: Type.Optional(Type.Union([ModerationMode, Type.Null()]))
}, { additionalProperties: false })

export const ExportQuery = Type.Object({ site: SiteId, key: ThreadKey }, { additionalProperties: false })

export const ThreadExport = Type.Object({ thread: AdminThread, comments: Type.Array(AdminComment) })
