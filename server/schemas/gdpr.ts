import { Type } from 'typebox'

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()])
const Str = Type.String()
const NStr = Nullable(Type.String())

export const ParticipantParams = Type.Object({
  token: Type.String({ minLength: 1, maxLength: 200, description: 'The participant token from the resident\'s browser (`v1.…`), or the bare participant id' })
})

export const ParticipantExport = Type.Object({
  participant: Str,
  exportedAt: Type.String({ format: 'date-time' }),
  votes: Type.Array(Type.Object({ pollId: Str, choices: Type.Array(Str), verified: Type.Boolean(), page: NStr, createdAt: Str, updatedAt: Str })),
  comments: Type.Array(Type.Object({
    id: Str, threadId: Str, siteId: Str, parentId: NStr, authorName: Str, body: Str,
    status: Str, verified: Type.Boolean(), createdAt: Str, editedAt: NStr
  })),
  commentVotes: Type.Array(Type.Object({ commentId: Str, value: Type.Integer(), updatedAt: Str })),
  reports: Type.Array(Type.Object({ commentId: Str, reason: Str, details: NStr, createdAt: Str, resolvedAt: NStr })),
  consultationResponses: Type.Array(Type.Object({
    consultationId: Str, answer: Str, followUp: NStr, area: NStr,
    page: Str, section: NStr, locale: NStr, createdAt: Str, updatedAt: Str
  })),
  projectSubmissions: Type.Array(Type.Object({
    id: Str, siteId: Str, title: Str, category: Str, description: Str, address: NStr,
    geometry: Type.Unknown(), submitterEmail: NStr, review: Str, createdAt: Str
  })),
  bans: Type.Array(Type.Object({ siteId: Str, commentId: NStr, reason: NStr, createdAt: Str }), { description: 'Moderation bans naming this participant (kept on erasure)' })
})

const Count = Type.Integer({ minimum: 0 })

export const ParticipantDeletion = Type.Object({
  participant: Str,
  deleted: Type.Object({
    votes: Count,
    comments: Count,
    commentsBlanked: Type.Integer({ minimum: 0, description: 'Comments with replies: kept as placeholders without name, text or participant' }),
    commentVotes: Count,
    reports: Count,
    consultationResponses: Count,
    projectSubmissions: Count,
    projectSubmissionsAnonymised: Type.Integer({ minimum: 0, description: 'Approved projects: kept, without submitter email and participant' })
  })
})
