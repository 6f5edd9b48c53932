import { Type } from 'typebox'
import { Slug, Timestamp } from './common.ts'
import { PollOption, PollResults, PollType, ResultsVisibility, pollFields } from './polls.ts'

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

const Day = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'YYYY-MM-DD (UTC)' })

export const PollActivity = Type.Object({
  voters: Type.Integer({ description: 'every vote counted, once each (a changed vote is still one)' }),
  from: Type.Union([Day, Type.Null()], { description: 'first day of `daily`; null before the first vote' }),
  to: Type.Union([Day, Type.Null()], { description: 'last day of `daily`: today, or the day the poll closed' }),
  daily: Type.Array(Type.Object({ date: Day, votes: Type.Integer() }), {
    maxItems: 366,
    description: 'votes by the UTC day they were first cast, every day from the first vote to `to` (zeros included), at most 366 days'
  }),
  earlier: Type.Integer({ description: 'votes cast before `from` (a poll open longer than 366 days)' }),
  byPage: Type.Array(Type.Object({
    page: Type.Union([Type.String(), Type.Null()], { description: 'the page of the latest vote (no query or fragment); null: sent without a page' }),
    votes: Type.Integer()
  }), { maxItems: 50, description: 'the 50 pages with most votes, most first' }),
  otherPages: Type.Object({ pages: Type.Integer(), votes: Type.Integer() }, { description: 'the pages beyond the first 50, summed' })
})

export const ExportedVote = Type.Object({
  voter: Type.String({ description: 'a pseudonym: hash of poll and voter key (as in the CSV)' }),
  verified: Type.Boolean(),
  choices: Type.Array(Type.String(), { description: 'labels, ranked in order' }),
  choiceIds: Type.Array(Type.String()),
  votedAt: Timestamp,
  updatedAt: Timestamp,
  page: Type.Union([Type.String(), Type.Null()], { description: 'the page of the latest vote; null when none was sent' })
})

export const PollExport = Type.Object({
  poll: Type.Object({ id: Type.String(), question: Type.String(), type: PollType, options: Type.Array(PollOption) }),
  exportedAt: Timestamp,
  votes: Type.Array(ExportedVote)
})
