import { Type } from 'typebox'
import type { Static, TSchema } from 'typebox'
import { NullableTimestamp, Timestamp } from './common.ts'

export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()])

export const ConsultationType = Type.Union([
  Type.Literal('yes-no'), Type.Literal('scale'), Type.Literal('emoji'), Type.Literal('choice'), Type.Literal('text')
])
export const ConsultationVisibility = Type.Union([
  Type.Literal('always'), Type.Literal('after-answer'), Type.Literal('after-close'), Type.Literal('staff')
])
export const ConsultationStatus = Type.Union([Type.Literal('scheduled'), Type.Literal('open'), Type.Literal('closed')])
export const OutcomeStatus = Type.Union([
  Type.Literal('open'), Type.Literal('under-review'), Type.Literal('decided'), Type.Literal('implemented')
])

export const Labelled = Type.Object({ id: Type.String(), label: Type.String() })
export const ScaleLabels = Type.Object({ low: Type.String(), mid: Type.String(), high: Type.String() })

export const Outcome = Type.Object({
  status: OutcomeStatus,
  text: Type.String(),
  date: Type.String({ format: 'date', description: 'YYYY-MM-DD, as staff give it' }),
  link: Nullable(Type.String({ description: 'http(s) only' })),
  updatedAt: Timestamp
}, { description: '"You said, we did"' })

export const ConsultationResults = Type.Object({
  respondents: Type.Integer(),
  answers: Type.Array(Type.Object({ answer: Type.String(), count: Type.Integer() }), {
    description: 'every possible answer in display order, zero counts included; [] for text (free texts are for staff only)'
  })
})
export type ConsultationResults = Static<typeof ConsultationResults>

export const MyResponse = Type.Object({
  answer: Type.String(),
  followUp: Nullable(Type.String()),
  area: Nullable(Type.String()),
  at: Timestamp
})
export type MyResponse = Static<typeof MyResponse>

/** Fields shared by the public view and the staff view. */
export const consultationFields = {
  id: Type.String(),
  siteId: Type.String(),
  type: ConsultationType,
  question: Type.String(),
  description: Nullable(Type.String()),
  options: Type.Array(Labelled, { description: 'choice only; [] otherwise' }),
  notSure: Type.Boolean({ description: 'yes-no: offer "not sure"' }),
  scaleLabels: Nullable(ScaleLabels),
  maxLength: Type.Integer({ description: 'text: most characters of an answer' }),
  followUp: Nullable(Type.String({ description: 'the optional "why?" question shown after the first answer' })),
  areas: Nullable(Type.Array(Labelled, { description: 'optional area question' })),
  opensAt: NullableTimestamp,
  closesAt: NullableTimestamp,
  status: ConsultationStatus,
  resultsVisibility: ConsultationVisibility,
  nextSteps: Nullable(Type.String()),
  sampling: Type.Integer({ description: 'show to 1 in N visitors (1 = everyone)' }),
  capDays: Type.Integer({ description: 'after answering or dismissing, ask nothing for N days' }),
  outcome: Nullable(Outcome),
  serverTime: Timestamp
}

export const ConsultationView = Type.Object({
  ...consultationFields,
  results: Nullable(ConsultationResults),
  myResponse: Nullable(MyResponse)
})
export type ConsultationView = Static<typeof ConsultationView>

export const ActiveQuery = Type.Object({
  page: Type.String({ minLength: 1, maxLength: 2000, description: 'the page URL (absolute http(s))' }),
  section: Type.Optional(Type.String({ maxLength: 100 })),
  site: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'the site; default: the one whose allow-list holds the Origin' }))
}, { additionalProperties: false })

export const ActiveResponse = Type.Object({ consultation: Nullable(ConsultationView) })

export const RespondBody = Type.Object({
  // Lengths are checked per type by the service (422 INVALID_ANSWER); these bounds only stop abuse.
  answer: Type.String({ maxLength: 20_000 }),
  followUp: Type.Optional(Nullable(Type.String({ maxLength: 20_000 }))),
  area: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
  page: Type.String({ minLength: 1, maxLength: 2000, description: 'the page URL; stored without query and fragment' }),
  section: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
  locale: Type.Optional(Nullable(Type.String({ pattern: '^[A-Za-z0-9_-]{1,35}$', description: 'BCP 47' }))),
  website: Type.Optional(Type.String({ maxLength: 2000, description: 'honeypot: leave empty (any value is 422 SPAM)' }))
}, { additionalProperties: false })
export type RespondBody = Static<typeof RespondBody>

export const RespondHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 100 }))
})

export const RespondResponse = Type.Object({
  response: MyResponse,
  results: Nullable(ConsultationResults)
})
