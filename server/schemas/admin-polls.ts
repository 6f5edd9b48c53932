import { Type } from 'typebox'
import { Slug, Timestamp } from './common.ts'
import { PollResults, PollType, ResultsVisibility, pollFields } from './polls.ts'

const Label = Type.String({ minLength: 1, maxLength: 200 })

export const OptionInput = Type.Union([
  Label,
  Type.Object({ id: Slug, label: Label }, { additionalProperties: false })
], { description: 'a label (the id is derived from it) or {id, label}' })

const NullableTime = Type.Union([Timestamp, Type.Null()])

const editable = {
  question: Type.String({ minLength: 1, maxLength: 500 }),
  description: Type.Union([Type.String({ maxLength: 5000 }), Type.Null()]),
  type: PollType,
  options: Type.Array(OptionInput, { minItems: 2, maxItems: 50 }),
  maxChoices: Type.Union([Type.Integer({ minimum: 1, maximum: 50 }), Type.Null()]),
  opensAt: NullableTime,
  closesAt: NullableTime,
  resultsVisibility: ResultsVisibility,
  allowChange: Type.Boolean(),
  verifiedOnly: Type.Boolean()
}

export const CreatePollBody = Type.Object({
  id: Type.Optional(Slug),
  siteId: Type.String({ minLength: 1, maxLength: 64 }),
  question: editable.question,
  description: Type.Optional(editable.description),
  type: editable.type,
  options: editable.options,
  maxChoices: Type.Optional(editable.maxChoices),
  opensAt: Type.Optional(editable.opensAt),
  closesAt: Type.Optional(editable.closesAt),
  resultsVisibility: Type.Optional(editable.resultsVisibility),
  allowChange: Type.Optional(editable.allowChange),
  verifiedOnly: Type.Optional(editable.verifiedOnly)
}, { additionalProperties: false })

export const PatchPollBody = Type.Partial(Type.Object(editable), { additionalProperties: false })

export const AdminPoll = Type.Object({
  ...pollFields,
  closedAt: NullableTime,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  results: PollResults
})

export const PollListQuery = Type.Object({
  site: Type.Optional(Type.String({ minLength: 1, maxLength: 64 }))
}, { additionalProperties: false })

export const PollList = Type.Object({ polls: Type.Array(AdminPoll) })
