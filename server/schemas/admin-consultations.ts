import { Type } from 'typebox'
import type { Static } from 'typebox'
import { NullableTimestamp, Slug, Timestamp } from './common.ts'
import {
  ConsultationResults, ConsultationStatus, ConsultationType, ConsultationVisibility, Nullable, OutcomeStatus, consultationFields
} from './consultations.ts'

const SiteId = Type.String({ minLength: 1, maxLength: 64 })
const Label = Type.String({ minLength: 1, maxLength: 200 })
const LabelledInput = Type.Object({ id: Slug, label: Label }, { additionalProperties: false })

export const Targeting = Type.Object({
  paths: Type.Array(Type.String({ minLength: 1, maxLength: 500 }), { maxItems: 50, description: 'path prefixes, each starting with "/"' }),
  sections: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 50, description: 'section names (case-insensitive)' }),
  siteWide: Type.Boolean()
})

const TargetingInput = Type.Object({
  paths: Type.Optional(Targeting.properties.paths),
  sections: Type.Optional(Targeting.properties.sections),
  siteWide: Type.Optional(Targeting.properties.siteWide)
}, { additionalProperties: false, description: 'omitted fields: [] and false' })

const editable = {
  siteId: SiteId,
  type: ConsultationType,
  question: Type.String({ minLength: 1, maxLength: 300 }),
  description: Nullable(Type.String({ maxLength: 2000 })),
  options: Type.Array(LabelledInput, { maxItems: 10, description: 'choice: 2–10 options' }),
  notSure: Type.Boolean({ description: 'yes-no only' }),
  scaleLabels: Nullable(Type.Object({ low: Type.String({ minLength: 1, maxLength: 100 }), mid: Type.String({ minLength: 1, maxLength: 100 }), high: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false, description: 'scale only' })),
  maxLength: Type.Integer({ minimum: 1, maximum: 2000, description: 'text: default 500' }),
  followUp: Nullable(Type.String({ maxLength: 300 })),
  areas: Nullable(Type.Array(LabelledInput, { maxItems: 100 })),
  targeting: TargetingInput,
  sampling: Type.Integer({ minimum: 1, maximum: 1000 }),
  capDays: Type.Integer({ minimum: 0, maximum: 365 }),
  opensAt: NullableTimestamp,
  closesAt: NullableTimestamp,
  resultsVisibility: ConsultationVisibility,
  nextSteps: Nullable(Type.String({ maxLength: 500 }))
}

export const CreateConsultationBody = Type.Object({
  id: Type.Optional(Slug),
  siteId: editable.siteId,
  type: editable.type,
  question: editable.question,
  description: Type.Optional(editable.description),
  options: Type.Optional(editable.options),
  notSure: Type.Optional(editable.notSure),
  scaleLabels: Type.Optional(editable.scaleLabels),
  maxLength: Type.Optional(editable.maxLength),
  followUp: Type.Optional(editable.followUp),
  areas: Type.Optional(editable.areas),
  targeting: Type.Optional(editable.targeting),
  sampling: Type.Optional(editable.sampling),
  capDays: Type.Optional(editable.capDays),
  opensAt: Type.Optional(editable.opensAt),
  closesAt: Type.Optional(editable.closesAt),
  resultsVisibility: Type.Optional(editable.resultsVisibility),
  nextSteps: Type.Optional(editable.nextSteps)
}, { additionalProperties: false })
export type CreateConsultationBody = Static<typeof CreateConsultationBody>

export const PatchConsultationBody = Type.Partial(Type.Object(editable), { additionalProperties: false })
export type PatchConsultationBody = Static<typeof PatchConsultationBody>

export const AdminConsultation = Type.Object({
  ...consultationFields,
  targeting: Targeting,
  closedAt: NullableTimestamp,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  results: ConsultationResults
})

export const ConsultationListQuery = Type.Object({
  site: Type.Optional(SiteId),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'search in the question (case-insensitive)' })),
  status: Type.Optional(ConsultationStatus)
}, { additionalProperties: false })

export const ConsultationList = Type.Object({ consultations: Type.Array(AdminConsultation) })

export const OutcomeBody = Type.Object({
  status: OutcomeStatus,
  text: Type.String({ minLength: 1, maxLength: 2000 }),
  date: Type.String({ format: 'date', description: 'YYYY-MM-DD' }),
  link: Type.Optional(Nullable(Type.String({ maxLength: 2000, description: 'http(s)' })))
}, { additionalProperties: false })
export type OutcomeBody = Static<typeof OutcomeBody>

const Counted = Type.Array(Type.Object({ answer: Type.String(), count: Type.Integer() }))

export const AdminResults = Type.Object({
  respondents: Type.Integer(),
  answers: Type.Array(Type.Object({
    answer: Type.String(),
    label: Type.String(),
    count: Type.Integer(),
    percent: Type.Number({ description: 'of respondents, 1 decimal' })
  })),
  byArea: Type.Array(Type.Object({
    area: Nullable(Type.String()),
    label: Nullable(Type.String()),
    respondents: Type.Integer(),
    answers: Counted
  }), { description: 'configured areas in order (zero included), then areas no longer configured (label null), then no area (area null)' }),
  byPage: Type.Array(Type.Object({ page: Type.String(), respondents: Type.Integer() }), { description: 'most respondents first' }),
  daily: Type.Array(Type.Object({ date: Type.String(), responses: Type.Integer() }), { description: 'YYYY-MM-DD (UTC) of first answers, days with responses' }),
  followUps: Type.Integer({ description: 'responses with a follow-up text' })
})

export const ResponsesQuery = Type.Object({
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$', description: '1–200, default 50' }))
}, { additionalProperties: false })

export const AdminResponse = Type.Object({
  id: Type.String(),
  respondent: Type.String({ description: 'a pseudonym of the participant, stable per consultation' }),
  answer: Type.String(),
  label: Type.String({ description: 'the answer as staff read it (text: the text itself)' }),
  followUp: Nullable(Type.String()),
  area: Nullable(Type.String()),
  page: Type.String(),
  section: Nullable(Type.String()),
  locale: Nullable(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp
})

export const ResponsesPage = Type.Object({
  responses: Type.Array(AdminResponse),
  nextCursor: Nullable(Type.String())
})

/** One response as both exports write it (the JSON's `responses`, the CSV's columns in this order). */
export const ExportedResponse = Type.Object({
  respondent: Type.String({ description: 'a pseudonym: a hash of the consultation and the participant' }),
  answer: Type.String(),
  answerLabel: Nullable(Type.String()),
  followUp: Nullable(Type.String()),
  area: Nullable(Type.String()),
  areaLabel: Nullable(Type.String()),
  page: Type.String(),
  section: Nullable(Type.String()),
  locale: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String()
})

export type ExportedResponse = Static<typeof ExportedResponse>

export const ConsultationExport = Type.Object({
  consultation: Type.Object({ id: Type.String(), question: Type.String(), type: Type.String() }),
  exportedAt: Type.String({ format: 'date-time' }),
  responses: Type.Array(ExportedResponse)
})
