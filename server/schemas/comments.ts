import { Type } from 'typebox'
import type { Static, TSchema } from 'typebox'
import { NullableTimestamp, Timestamp } from './common.ts'
import { ModerationMode } from './sites.ts'

/** Up to 500 characters here; the service canonicalises and checks it. */
const ThreadKey = Type.String({ minLength: 1, maxLength: 2000, description: 'canonical page URL (no query/fragment) or an editor-chosen key, ≤ 500 characters' })
const SiteId = Type.String({ minLength: 1, maxLength: 64, description: 'the site; default: the one whose allow-list holds the Origin' })
const CommentId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })

export const ThreadView = Type.Object({
  key: Type.String(),
  siteId: Type.String(),
  exists: Type.Boolean({ description: 'false: nobody commented (and staff set nothing) on this key yet' }),
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  closesAt: NullableTimestamp,
  commentCount: Type.Integer({ description: 'published comments, replies included' }),
  moderation: ModerationMode
})
export type ThreadView = Static<typeof ThreadView>

const CommentStatus = Type.Union([Type.Literal('published'), Type.Literal('pending'), Type.Literal('hidden'), Type.Literal('deleted')])

const commentFields = {
  id: Type.String(),
  parentId: Type.Union([Type.String(), Type.Null()], { description: 'the comment it is nested under (depth - 1)' }),
  depth: Type.Integer({ minimum: 0, maximum: 2 }),
  author: Type.Object({ name: Type.String(), verified: Type.Boolean() }),
  body: Type.String({ description: 'plain text exactly as written: render as text, never as HTML' }),
  createdAt: Timestamp,
  editedAt: NullableTimestamp,
  status: CommentStatus,
  up: Type.Integer(),
  down: Type.Integer(),
  myVote: Type.Union([Type.Literal(-1), Type.Literal(0), Type.Literal(1)]),
  mine: Type.Boolean(),
  editableUntil: NullableTimestamp,
  inReplyTo: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()], { description: 'flattened replies: the depth-2 comment answered' }),
  moreReplies: Type.Integer({ description: 'depth 0: replies of its subtree not in this answer' }),
  heldReason: Type.Optional(Type.String({ description: 'to the author only: why it is pending or hidden' })),
  held: Type.Optional(Type.Union([
    Type.Literal('suspect'), Type.Literal('links'), Type.Literal('first'),
    Type.Literal('pre'), Type.Literal('reported'), Type.Literal('rejected')
  ], {
    description: 'to the author only: heldReason as a code, for widgets to say it in the reader\'s language'
  })),
  rejectReason: Type.Optional(Type.String({ description: 'with held = rejected: the moderator\'s own words' }))
}

// Three levels at most: spelled out rather than recursive, which keeps the OpenAPI plain.
const commentLevel = (replies: TSchema) => Type.Object({ ...commentFields, replies: Type.Array(replies) })
const Depth2 = Type.Object({ ...commentFields, replies: Type.Array(Type.Unknown(), { maxItems: 0, description: 'always empty at depth 2' }) })
const Depth1 = commentLevel(Depth2)
export const CommentView = commentLevel(Depth1)

export interface CommentView extends Omit<Static<typeof Depth2>, 'replies'> { replies: CommentView[] }

export const CommentListQuery = Type.Object({
  thread: ThreadKey,
  site: Type.Optional(SiteId),
  sort: Type.Optional(Type.Union([Type.Literal('newest'), Type.Literal('oldest'), Type.Literal('top')])),
  cursor: Type.Optional(Type.String({ maxLength: 1000 }))
}, { additionalProperties: false })

export const CommentPage = Type.Object({
  thread: ThreadView,
  comments: Type.Array(CommentView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  serverTime: Timestamp
})

export const RepliesQuery = Type.Object({
  after: Type.Optional(CommentId)
}, { additionalProperties: false })

export const RepliesPage = Type.Object({
  replies: Type.Array(Depth2),
  moreReplies: Type.Integer()
})

export const CountQuery = Type.Object({
  thread: Type.Union([ThreadKey, Type.Array(ThreadKey, { minItems: 1, maxItems: 50 })]),
  site: Type.Optional(SiteId)
}, { additionalProperties: false })

export const CountResponse = Type.Object({
  counts: Type.Record(Type.String(), Type.Integer(), { description: 'published comments per key as sent' })
})

export const CommentIdParams = Type.Object({ id: CommentId })

export const PostCommentBody = Type.Object({
  thread: ThreadKey,
  site: Type.Optional(SiteId),
  parentId: Type.Optional(CommentId),
  name: Type.Optional(Type.String({ maxLength: 500, description: 'guest display name, 1–60 characters; ignored when the identity token has a name' })),
  body: Type.String({ maxLength: 50_000, description: '1–5000 characters (code points); longer is 422 TOO_LONG' }),
  website: Type.Optional(Type.String({ maxLength: 2000, description: 'honeypot: leave empty (any value is 422 SPAM)' }))
}, { additionalProperties: false })

export const EditCommentBody = Type.Object({
  body: PostCommentBody.properties.body
}, { additionalProperties: false })

export const CommentWritten = Type.Object({ comment: CommentView, thread: ThreadView })

export const CommentVoteBody = Type.Object({
  value: Type.Union([Type.Literal(1), Type.Literal(-1), Type.Literal(0)], { description: '0 removes my vote' })
}, { additionalProperties: false })

export const CommentVoteResponse = Type.Object({
  up: Type.Integer(),
  down: Type.Integer(),
  myVote: Type.Union([Type.Literal(-1), Type.Literal(0), Type.Literal(1)])
})

export const ReportReason = Type.Union([Type.Literal('spam'), Type.Literal('abuse'), Type.Literal('off-topic'), Type.Literal('illegal')])

export const ReportBody = Type.Object({
  reason: ReportReason,
  details: Type.Optional(Type.String({ maxLength: 2000, description: 'required for illegal (EU DSA notice)' }))
}, { additionalProperties: false })

export const ReportResponse = Type.Object({ reported: Type.Literal(true) })

export const CommentLiveQuery = Type.Object({
  thread: ThreadKey,
  site: Type.Optional(SiteId),
  participant: Type.Optional(Type.String({ maxLength: 200, description: 'participant token (EventSource cannot send headers)' }))
}, { additionalProperties: false })

export const CommentWriteHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  'x-civic-identity': Type.Optional(Type.String({ minLength: 1, maxLength: 8192 }))
})
