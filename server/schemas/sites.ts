import { Type } from 'typebox'
import { Slug, Timestamp } from './common.ts'

const Origin = Type.String({ minLength: 1, maxLength: 300, description: 'scheme://host[:port]' })

export const SiteIdentityInput = Type.Object({
  issuer: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
  audience: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
  secret: Type.Optional(Type.String({ minLength: 16, maxLength: 512, description: 'HS256 shared key (write-only)' })),
  jwksUrl: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 }))
}, { additionalProperties: false })

const Word = Type.String({ minLength: 1, maxLength: 100 })
const WordList = Type.Array(Word, { maxItems: 500 })
export const ModerationMode = Type.Union([Type.Literal('post'), Type.Literal('pre'), Type.Literal('first')],
  { description: 'post: publish at once; pre: review every comment; first: review first comments of each author' })

const commentSettingsFields = {
  moderation: ModerationMode,
  suspectWords: Type.Array(Type.String(), { description: 'hold for review (case-insensitive whole words or phrases)' }),
  bannedWords: Type.Array(Type.String(), { description: 'refuse (case-insensitive whole words or phrases)' }),
  holdLinks: Type.Boolean({ description: 'hold comments containing links for review' }),
  reportThreshold: Type.Integer({ minimum: 1, maximum: 1000, description: 'open reports that hide a comment until reviewed' }),
  rateLimitSeconds: Type.Integer({ minimum: 0, maximum: 3600, description: 'least time between two comments of one author (0 = off)' }),
  dailyCap: Type.Integer({ minimum: 0, maximum: 10000, description: 'most comments per author per 24 h (0 = off)' }),
  editWindowMinutes: Type.Integer({ minimum: 0, maximum: 1440 }),
  threadsAutoCreate: Type.Boolean({ description: 'create a thread at the first comment on an unknown key' }),
  webhookUrl: Type.Union([Type.String({ minLength: 1, maxLength: 1000 }), Type.Null()], { description: 'staff notifications (Slack/Mattermost/Rocket.Chat incoming webhook)' })
}

export const CommentSettings = Type.Object(commentSettingsFields)

export const CommentSettingsInput = Type.Partial(Type.Object({
  ...commentSettingsFields,
  suspectWords: WordList,
  bannedWords: WordList
}), { additionalProperties: false })

export const SiteLocale = Type.Union([Type.Literal('en'), Type.Literal('fr'), Type.Literal('de'), Type.Literal('es'), Type.Literal('nl'), Type.Literal('ar')],
  { description: 'the site\'s usual language' })
const DefaultLocale = Type.Union([SiteLocale, Type.Null()], { description: 'null: none set' })
const RetentionMonths = Type.Union([Type.Integer({ minimum: 1, maximum: 120 }), Type.Null()],
  { description: 'raw responses are deleted this many months after their poll or consultation closed (aggregates are kept); null: kept' })

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
  comments: CommentSettings,
  defaultLocale: DefaultLocale,
  retentionMonths: RetentionMonths,
  createdAt: Timestamp,
  updatedAt: Timestamp
})

export const CreateSiteBody = Type.Object({
  id: Type.Optional(Slug),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  origins: Type.Array(Origin, { maxItems: 100 }),
  identity: Type.Optional(Type.Union([SiteIdentityInput, Type.Null()])),
  comments: Type.Optional(CommentSettingsInput),
  defaultLocale: Type.Optional(DefaultLocale),
  retentionMonths: Type.Optional(RetentionMonths)
}, { additionalProperties: false })

export const PatchSiteBody = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  origins: Type.Optional(Type.Array(Origin, { maxItems: 100 })),
  identity: Type.Optional(Type.Union([SiteIdentityInput, Type.Null()])),
  comments: Type.Optional(Type.Object(CommentSettingsInput.properties, { additionalProperties: false, description: 'merged field by field' })),
  defaultLocale: Type.Optional(DefaultLocale),
  retentionMonths: Type.Optional(RetentionMonths)
}, { additionalProperties: false })

export const SiteList = Type.Object({ sites: Type.Array(SiteView) })

export const WebhookTestResult = Type.Object({
  ok: Type.Boolean({ description: 'the webhook answered 2xx' }),
  status: Type.Optional(Type.Integer({ description: 'the HTTP status it answered' })),
  error: Type.Optional(Type.String({ description: 'why it failed, in words ("connection refused", "HTTP 404")' })),
  reason: Type.Optional(Type.Union([Type.Literal('http'), Type.Literal('refused'), Type.Literal('timeout'), Type.Literal('not-found'), Type.Literal('tls'), Type.Literal('network')],
    { description: 'the failure as a code to translate' }))
})

const RetentionCounts = {
  votes: Type.Integer(),
  consultationResponses: Type.Integer(),
  projectSubmissions: Type.Integer()
}

export const RetentionReport = Type.Object({
  at: Timestamp,
  sites: Type.Array(Type.Object({
    siteId: Type.String(),
    months: Type.Integer(),
    cutoff: Type.String({ description: 'polls and consultations closed before this, and submissions rejected before this, lost their raw rows' }),
    ...RetentionCounts
  })),
  ...RetentionCounts,
  auditEntries: Type.Integer({ description: 'audit log entries older than AUDIT_RETENTION_MONTHS deleted (0 when it is unset)' })
})

export const RetentionStatus = Type.Object({
  intervalMinutes: Type.Integer({ description: 'RETENTION_INTERVAL_MINUTES (0: no automatic runs)' }),
  lastRun: Type.Union([RetentionReport, Type.Null()])
})
