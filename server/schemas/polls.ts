import { Type } from 'typebox'
import type { Static } from 'typebox'
import { NullableTimestamp, Timestamp } from './common.ts'

export const PollType = Type.Union([Type.Literal('single'), Type.Literal('multiple'), Type.Literal('ranked')])
export const ResultsVisibility = Type.Union([
  Type.Literal('always'), Type.Literal('after-vote'), Type.Literal('after-close'), Type.Literal('staff')
])
export const PollStatus = Type.Union([Type.Literal('scheduled'), Type.Literal('open'), Type.Literal('closed')])

export const PollOption = Type.Object({ id: Type.String(), label: Type.String() })

export const PollResults = Type.Object({
  voters: Type.Integer({ description: 'participants who voted' }),
  options: Type.Array(Type.Object({
    id: Type.String(),
    votes: Type.Integer({ description: 'voters who chose it (ranked: first preferences)' }),
    points: Type.Integer({ description: 'single/multiple: = votes; ranked: Borda count' })
  })),
  version: Type.Integer({ description: 'grows with every change; the SSE event id' })
})
export type PollResults = Static<typeof PollResults>

export const MyVote = Type.Object({ choices: Type.Array(Type.String()), at: Timestamp })

/** Fields shared by the public view and the admin view. */
export const pollFields = {
  id: Type.String(),
  siteId: Type.String(),
  question: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  type: PollType,
  maxChoices: Type.Union([Type.Integer(), Type.Null()]),
  options: Type.Array(PollOption),
  opensAt: NullableTimestamp,
  closesAt: NullableTimestamp,
  status: PollStatus,
  resultsVisibility: ResultsVisibility,
  allowChange: Type.Boolean(),
  verifiedOnly: Type.Boolean(),
  serverTime: Timestamp
}

export const PollView = Type.Object({
  ...pollFields,
  results: Type.Union([PollResults, Type.Null()], { description: 'null when the visibility rule hides them from this reader' }),
  myVote: Type.Union([MyVote, Type.Null()])
})
export type PollView = Static<typeof PollView>

export const VoteBody = Type.Object({
  choices: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 100, description: 'option ids; ordered for ranked polls' }),
  page: Type.Optional(Type.String({
    minLength: 1,
    maxLength: 2000,
    description: 'the page voted from (absolute http(s) URL; stored without query and fragment, for the staff\'s breakdown by page). ' +
      'Without it a changed vote keeps the page it had.'
  }))
}, { additionalProperties: false })

export const VoteHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  'x-civic-identity': Type.Optional(Type.String({ minLength: 1, maxLength: 8192 }))
})

export const VoteResponse = Type.Object({
  vote: MyVote,
  results: Type.Union([PollResults, Type.Null()])
})

export const LiveQuery = Type.Object({
  participant: Type.Optional(Type.String({ maxLength: 200, description: 'participant token (EventSource cannot send headers)' }))
}, { additionalProperties: false })

export const LiveHeaders = Type.Object({
  'last-event-id': Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' }))
})
