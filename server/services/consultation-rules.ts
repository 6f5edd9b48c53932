import type { Consultation, Labelled, ResponseRow, Targeting } from '../store/consultations-repo.ts'
import { codePoints } from './comment-rules.ts'
import { AppError } from './errors.ts'

export type ConsultationStatus = 'scheduled' | 'open' | 'closed'

export const DEFAULT_MAX_LENGTH = 500
export const MAX_TEXT = 2000
export const MAX_FOLLOW_UP = 2000
/** `/v1/consultations/active` is a route of its own: no consultation may take that id. */
export const RESERVED_IDS: ReadonlySet<string> = new Set(['active'])

/** Status from the schedule, a manual close and the server clock (never the device's). */
export function consultationStatus (c: Pick<Consultation, 'opensAt' | 'closesAt' | 'closedAt'>, now: Date): ConsultationStatus {
  const t = now.toISOString()
  if (c.closedAt !== null || (c.closesAt !== null && t >= c.closesAt)) return 'closed'
  if (c.opensAt !== null && t < c.opensAt) return 'scheduled'
  return 'open'
}

export function assertOpen (status: ConsultationStatus): void {
  if (status === 'closed') throw new AppError(409, 'CONSULTATION_CLOSED', 'This consultation is closed')
  if (status === 'scheduled') throw new AppError(409, 'CONSULTATION_NOT_OPEN', 'This consultation is not open yet')
}

/** always: everyone; after-answer: whoever answered, and everyone once closed; after-close: everyone once closed; staff: admins only. */
export function canSeeResults (c: Pick<Consultation, 'resultsVisibility'>, status: ConsultationStatus, reader: { staff: boolean; hasAnswered: boolean }): boolean {
  if (reader.staff) return true
  switch (c.resultsVisibility) {
    case 'always': return true
    case 'after-answer': return reader.hasAnswered || status === 'closed'
    case 'after-close': return status === 'closed'
    case 'staff': return false
  }
}

// ── answers ───────────────────────────────────────────────────────────────────────────────────

const FIVE = ['1', '2', '3', '4', '5']
const EMOJI_LABELS = ['Very unhappy', 'Unhappy', 'Neutral', 'Happy', 'Very happy']
const SCALE_LABELS = ['Strongly disagree', 'Disagree', 'Neither agree nor disagree', 'Agree', 'Strongly agree']

/** Every answer the type allows, in display order; [] for free text. */
export function answerValues (c: Pick<Consultation, 'type' | 'notSure' | 'options'>): string[] {
  switch (c.type) {
    case 'yes-no': return c.notSure ? ['yes', 'no', 'not-sure'] : ['yes', 'no']
    case 'scale':
    case 'emoji': return FIVE
    case 'choice': return c.options.map(o => o.id)
    case 'text': return []
  }
}

/** How staff read an answer (results, exports); English, like the rest of the staff API. */
export function answerLabel (c: Pick<Consultation, 'type' | 'options' | 'scaleLabels'>, answer: string): string {
  const n = FIVE.indexOf(answer)
  switch (c.type) {
    case 'yes-no': return answer === 'yes' ? 'Yes' : answer === 'no' ? 'No' : answer === 'not-sure' ? 'Not sure' : answer
    case 'emoji': return n < 0 ? answer : `${answer} – ${EMOJI_LABELS[n]}`
    case 'scale': {
      if (n < 0) return answer
      if (!c.scaleLabels) return `${answer} – ${SCALE_LABELS[n]}`
      const staff = [c.scaleLabels.low, null, c.scaleLabels.mid, null, c.scaleLabels.high][n]
      return staff ? `${answer} – ${staff}` : answer
    }
    case 'choice': return c.options.find(o => o.id === answer)?.label ?? answer
    case 'text': return answer
  }
}

const invalidAnswer = (field: 'answer' | 'followUp' | 'area', message: string, extra: Record<string, unknown> = {}) =>
  new AppError(422, 'INVALID_ANSWER', message, { field, ...extra })

export interface ResponseInput { answer: string; followUp?: string | null; area?: string | null }
export interface CheckedResponse { answer: string; followUp: string | null; area: string | null }

/**
 * The answer must be one the type allows (free text: 1…maxLength code points, not only
 * whitespace); a follow-up only where the consultation asks one (blank counts as none); an area
 * only from its list.
 */
export function checkResponse (c: Consultation, input: ResponseInput): CheckedResponse {
  const { answer } = input
  if (c.type === 'text') {
    const length = codePoints(answer)
    if (answer.trim() === '') throw invalidAnswer('answer', 'Please write an answer')
    if (length > c.maxLength) throw invalidAnswer('answer', `Answers are at most ${c.maxLength} characters`, { max: c.maxLength, length })
  } else if (!answerValues(c).includes(answer)) {
    throw invalidAnswer('answer', `"${answer.slice(0, 100)}" is not an answer to this question`, { allowed: answerValues(c) })
  }
  let followUp: string | null = null
  if (input.followUp != null && input.followUp.trim() !== '') {
    if (c.followUp === null) throw invalidAnswer('followUp', 'This consultation asks no follow-up question')
    const length = codePoints(input.followUp)
    if (length > MAX_FOLLOW_UP) throw invalidAnswer('followUp', `The follow-up answer is at most ${MAX_FOLLOW_UP} characters`, { max: MAX_FOLLOW_UP, length })
    followUp = input.followUp
  }
  let area: string | null = null
  if (input.area != null) {
    if (!c.areas?.some(a => a.id === input.area)) throw invalidAnswer('area', 'Unknown area', { allowed: c.areas?.map(a => a.id) ?? [] })
    area = input.area
  }
  return { answer, followUp, area }
}

/** The page as stored and matched: an absolute http(s) URL without query and fragment. */
export function parsePage (page: string): URL {
  let u: URL | undefined
  try { u = new URL(page) } catch { /* below */ }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) {
    throw new AppError(400, 'BAD_REQUEST', '`page` must be an absolute http(s) URL')
  }
  u.search = ''
  u.hash = ''
  u.username = ''
  u.password = ''
  return u
}

export const pageKey = (u: URL): string => `${u.origin}${u.pathname}`

// ── views and results ─────────────────────────────────────────────────────────────────────────

export interface ConsultationResults { respondents: number; answers: Array<{ answer: string; count: number }> }

/** Every possible answer in display order, zero counts included; [] for free text. */
export function toResults (c: Consultation, counts: ReadonlyMap<string, number> | undefined): ConsultationResults {
  let respondents = 0
  for (const n of counts?.values() ?? []) respondents += n
  return { respondents, answers: answerValues(c).map(answer => ({ answer, count: counts?.get(answer) ?? 0 })) }
}

export function myResponse (r: ResponseRow) {
  return { answer: r.answer, followUp: r.follow_up, area: r.area, at: r.updated_at }
}

/** The fields every reader sees (the public view and the staff view share them). */
export function publicFields (c: Consultation, now: Date) {
  return {
    id: c.id,
    siteId: c.siteId,
    type: c.type,
    question: c.question,
    description: c.description,
    options: c.options,
    notSure: c.notSure,
    scaleLabels: c.scaleLabels,
    maxLength: c.maxLength,
    followUp: c.followUp,
    areas: c.areas,
    opensAt: c.opensAt,
    closesAt: c.closesAt,
    status: consultationStatus(c, now),
    resultsVisibility: c.resultsVisibility,
    nextSteps: c.nextSteps,
    sampling: c.sampling,
    capDays: c.capDays,
    outcome: c.outcome
  }
}

const percent = (n: number, of: number) => (of === 0 ? 0 : Math.round((n * 1000) / of) / 10)

export interface AdminResults {
  respondents: number
  answers: Array<{ answer: string; label: string; count: number; percent: number }>
  byArea: Array<{ area: string | null; label: string | null; respondents: number; answers: Array<{ answer: string; count: number }> }>
  byPage: Array<{ page: string; respondents: number }>
  daily: Array<{ date: string; responses: number }>
  followUps: number
}

/**
 * Staff results from grouped counts. Areas: every configured area (zero included) in its order,
 * then areas no longer configured (label null), then responses without an area (area null).
 */
export function toAdminResults (c: Consultation, cells: ReadonlyArray<{ area: string | null; answer: string; n: number }>,
  pages: ReadonlyArray<{ page: string; n: number }>, daily: ReadonlyArray<{ date: string; n: number }>, followUps: number): AdminResults {
  const values = answerValues(c)
  const total = new Map<string, number>()
  const perArea = new Map<string | null, Map<string, number>>()
  let respondents = 0
  for (const { area, answer, n } of cells) {
    respondents += n
    total.set(answer, (total.get(answer) ?? 0) + n)
    let m = perArea.get(area)
    if (!m) perArea.set(area, m = new Map())
    m.set(answer, (m.get(answer) ?? 0) + n)
  }
  const areaRow = (area: string | null, label: string | null) => {
    const m = perArea.get(area)
    let n = 0
    for (const v of m?.values() ?? []) n += v
    return { area, label, respondents: n, answers: values.map(answer => ({ answer, count: m?.get(answer) ?? 0 })) }
  }
  const configured = c.areas ?? []
  const known = new Set(configured.map(a => a.id))
  const byArea = [
    ...configured.map(a => areaRow(a.id, a.label)),
    ...[...perArea.keys()].filter((a): a is string => a !== null && !known.has(a)).sort().map(a => areaRow(a, null)),
    ...(perArea.has(null) ? [areaRow(null, null)] : [])
  ]
  return {
    respondents,
    answers: values.map(answer => {
      const count = total.get(answer) ?? 0
      return { answer, label: answerLabel(c, answer), count, percent: percent(count, respondents) }
    }),
    byArea,
    byPage: [...pages].sort((a, b) => b.n - a.n || (a.page < b.page ? -1 : a.page > b.page ? 1 : 0)).map(p => ({ page: p.page, respondents: p.n })),
    daily: daily.map(d => ({ date: d.date, responses: d.n })),
    followUps
  }
}

// ── targeting ─────────────────────────────────────────────────────────────────────────────────

export interface PageContext {
  /**
   * The page's path (no query). Only the path counts, not the host: canonical URLs often name a
   * host other than the one serving the page.
   */
  path: string
  section: string | null
}

/**
 * How specifically a consultation targets a page: [3, 0] a section, [2, prefix length] a path
 * prefix, [1, 0] site-wide; null when it does not target the page at all.
 */
export function targetRank (t: Targeting, page: PageContext): [number, number] | null {
  const section = page.section?.trim().toLowerCase()
  if (section && t.sections.some(s => s.toLowerCase() === section)) return [3, 0]
  let longest = -1
  for (const p of t.paths) if (page.path.startsWith(p) && p.length > longest) longest = p.length
  if (longest >= 0) return [2, longest]
  return t.siteWide ? [1, 0] : null
}

/**
 * The page's consultation among the open ones: the most specific targeting (section › longest
 * path prefix › site-wide); ties go to the latest opening (or creation when it has no opening date).
 */
export function pickActive (list: readonly Consultation[], page: PageContext, now: Date): Consultation | null {
  let best: { c: Consultation; rank: [number, number]; since: string } | null = null
  for (const c of list) {
    if (consultationStatus(c, now) !== 'open') continue
    const rank = targetRank(c.targeting, page)
    if (!rank) continue
    const since = c.opensAt ?? c.createdAt
    if (!best || compare(rank, since, c, best) > 0) best = { c, rank, since }
  }
  return best?.c ?? null
}

function compare (rank: [number, number], since: string, c: Consultation, best: { c: Consultation; rank: [number, number]; since: string }): number {
  return (rank[0] - best.rank[0]) || (rank[1] - best.rank[1]) ||
    cmp(since, best.since) || cmp(c.createdAt, best.c.createdAt) || cmp(best.c.id, c.id)
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

// ── staff input ───────────────────────────────────────────────────────────────────────────────

export const invalidConsultation = (field: string, message: string) => new AppError(422, 'INVALID_CONSULTATION', message, { field })

/** Which type-specific fields a request set explicitly (to refuse them on a type that has none). */
export interface Explicit { options?: Labelled[]; notSure?: boolean; scaleLabels?: unknown }

function checkLabelled (list: Labelled[], field: string): Labelled[] {
  const out = list.map(o => ({ id: o.id, label: o.label.trim() }))
  if (out.some(o => o.label === '')) throw invalidConsultation(field, `${field}: labels must not be blank`)
  if (new Set(out.map(o => o.id)).size !== out.length) throw invalidConsultation(field, `${field}: ids must be unique`)
  return out
}

const blankToNull = (s: string | null) => (s === null || s.trim() === '' ? null : s.trim())

/**
 * Puts a consultation, created or edited, into its canonical shape and refuses what cannot be
 * asked: fields of another type are cleared, or refused when the request set them explicitly.
 */
export function normalizeConsultation (c: Consultation, explicit: Explicit): void {
  if (RESERVED_IDS.has(c.id)) throw invalidConsultation('id', `"${c.id}" is reserved`)
  c.question = c.question.trim()
  if (c.question === '') throw invalidConsultation('question', 'The question must not be blank')
  c.description = blankToNull(c.description)
  c.followUp = blankToNull(c.followUp)
  c.nextSteps = blankToNull(c.nextSteps)

  if (c.type === 'choice') {
    c.options = checkLabelled(c.options, 'options')
    if (c.options.length < 2 || c.options.length > 10) throw invalidConsultation('options', 'A choice consultation has 2–10 options')
  } else {
    if (explicit.options?.length) throw invalidConsultation('options', 'Only choice consultations have options')
    c.options = []
  }
  if (c.type !== 'yes-no') {
    if (explicit.notSure === true) throw invalidConsultation('notSure', 'Only yes-no consultations offer "not sure"')
    c.notSure = false
  }
  if (c.type === 'scale' && c.scaleLabels) {
    const { low, mid, high } = c.scaleLabels
    c.scaleLabels = { low: low.trim(), mid: mid.trim(), high: high.trim() }
    if (!c.scaleLabels.low || !c.scaleLabels.mid || !c.scaleLabels.high) throw invalidConsultation('scaleLabels', 'Scale labels must not be blank')
  } else if (c.type !== 'scale') {
    if (explicit.scaleLabels) throw invalidConsultation('scaleLabels', 'Only scale consultations have scale labels')
    c.scaleLabels = null
  }
  c.areas = c.areas === null || c.areas.length === 0 ? null : checkLabelled(c.areas, 'areas')

  const paths = [...new Set(c.targeting.paths)]
  if (paths.some(p => !p.startsWith('/'))) throw invalidConsultation('targeting', 'Target paths start with "/"')
  const sections: string[] = []
  for (const s of c.targeting.sections.map(x => x.trim())) {
    if (s === '') throw invalidConsultation('targeting', 'Target sections must not be blank')
    if (!sections.some(x => x.toLowerCase() === s.toLowerCase())) sections.push(s)
  }
  c.targeting = { paths, sections, siteWide: c.targeting.siteWide }
  if (c.opensAt && c.closesAt && c.opensAt >= c.closesAt) throw invalidConsultation('closesAt', 'closesAt must be after opensAt')
}

/** Type, answers offered (options, "not sure") change only while nobody answered. */
export function structuralChange (before: Consultation, after: Consultation): boolean {
  return before.type !== after.type || before.notSure !== after.notSure ||
    JSON.stringify(before.options) !== JSON.stringify(after.options)
}
