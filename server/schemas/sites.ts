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
  createdAt: Timestamp,
  updatedAt: Timestamp
})

export const CreateSiteBody = Type.Object({
  id: Type.Optional(Slug),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  origins: Type.Array(Origin, { maxItems: 100 }),
  identity: Type.Optional(Type.Union([SiteIdentityInput, Type.Null()])),
  comments: Type.Optional(CommentSettingsInput)
}, { additionalProperties: false })

export const PatchSiteBody = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  origins: Type.Optional(Type.Array(Origin, { maxItems: 100 })),
  identity: Type.Optional(Type.Union([SiteIdentityInput, Type.Null()])),
  comments: Type.Optional(Type.Object(CommentSettingsInput.properties, { additionalProperties: false, description: 'merged field by field' }))
}, { additionalProperties: false })

export const SiteList = Type.Object({ sites: Type.Array(SiteView) })
