import { sql } from 'kysely'
import type { Kysely } from 'kysely'
import type { ConsultationResponsesTable, ConsultationsTable, DB } from './schema.ts'

export type ConsultationType = 'yes-no' | 'scale' | 'emoji' | 'choice' | 'text'
export type ConsultationVisibility = 'always' | 'after-answer' | 'after-close' | 'staff'
export type OutcomeStatus = 'open' | 'under-review' | 'decided' | 'implemented'
export interface Labelled { id: string; label: string }
export interface ScaleLabels { low: string; mid: string; high: string }
export interface Targeting { paths: string[]; sections: string[]; siteWide: boolean }

/** "You said, we did": what staff made of the answers. */
export interface Outcome {
  status: OutcomeStatus
  text: string
  /** YYYY-MM-DD, as staff give it. */
  date: string
  link: string | null
  updatedAt: string
}

export interface Consultation {
  id: string
  siteId: string
  type: ConsultationType
  question: string
  description: string | null
  options: Labelled[]
  notSure: boolean
  scaleLabels: ScaleLabels | null
  maxLength: number
  followUp: string | null
  areas: Labelled[] | null
  targeting: Targeting
  sampling: number
  capDays: number
  opensAt: string | null
  closesAt: string | null
  closedAt: string | null
  resultsVisibility: ConsultationVisibility
  nextSteps: string | null
  outcome: Outcome | null
  createdAt: string
  updatedAt: string
}

export type ResponseRow = ConsultationResponsesTable

export function toConsultation (r: ConsultationsTable): Consultation {
  return {
    id: r.id,
    siteId: r.site_id,
    type: r.type as ConsultationType,
    question: r.question,
    description: r.description,
    options: JSON.parse(r.options),
    notSure: Number(r.not_sure) === 1,
    scaleLabels: r.scale_labels === null ? null : JSON.parse(r.scale_labels),
    maxLength: Number(r.max_length),
    followUp: r.follow_up,
    areas: r.areas === null ? null : JSON.parse(r.areas),
    targeting: JSON.parse(r.targeting),
    sampling: Number(r.sampling),
    capDays: Number(r.cap_days),
    opensAt: r.opens_at,
    closesAt: r.closes_at,
    closedAt: r.closed_at,
    resultsVisibility: r.results_visibility as ConsultationVisibility,
    nextSteps: r.next_steps,
    outcome: r.outcome_status === null
      ? null
      : { status: r.outcome_status as OutcomeStatus, text: r.outcome_text ?? '', date: r.outcome_date ?? '', link: r.outcome_link, updatedAt: r.outcome_updated_at ?? r.updated_at },
    createdAt: r.created_at,
    updatedAt: r.updated_at
  }
}

function toRow (c: Consultation): ConsultationsTable {
  return {
    id: c.id,
    site_id: c.siteId,
    type: c.type,
    question: c.question,
    description: c.description,
    options: JSON.stringify(c.options),
    not_sure: c.notSure ? 1 : 0,
    scale_labels: c.scaleLabels === null ? null : JSON.stringify(c.scaleLabels),
    max_length: c.maxLength,
    follow_up: c.followUp,
    areas: c.areas === null ? null : JSON.stringify(c.areas),
    targeting: JSON.stringify(c.targeting),
    sampling: c.sampling,
    cap_days: c.capDays,
    opens_at: c.opensAt,
    closes_at: c.closesAt,
    closed_at: c.closedAt,
    results_visibility: c.resultsVisibility,
    next_steps: c.nextSteps,
    outcome_status: c.outcome?.status ?? null,
    outcome_text: c.outcome?.text ?? null,
    outcome_date: c.outcome?.date ?? null,
    outcome_link: c.outcome?.link ?? null,
    outcome_updated_at: c.outcome?.updatedAt ?? null,
    created_at: c.createdAt,
    updated_at: c.updatedAt
  }
}

/**
 * `lock` (PostgreSQL only): `update` for staff edits, `share` for responses, so that a response
 * and a close or a change of type never interleave, while responses do not wait for each other.
 */
export async function getConsultation (db: Kysely<DB>, id: string, lock?: 'update' | 'share'): Promise<Consultation | undefined> {
  const row = await db.selectFrom('consultations').selectAll().where('id', '=', id)
    .$if(lock === 'update', q => q.forUpdate())
    .$if(lock === 'share', q => q.forShare())
    .executeTakeFirst()
  return row && toConsultation(row)
}

/** Newest first; `q` searches the question (case-insensitive, literally). */
export async function listConsultations (db: Kysely<DB>, f: { siteId?: string; q?: string } = {}): Promise<Consultation[]> {
  const like = f.q === undefined ? undefined : `%${f.q.toLowerCase().replace(/[\\%_]/g, m => `\\${m}`)}%`
  const rows = await db.selectFrom('consultations').selectAll()
    .$if(f.siteId !== undefined, q => q.where('site_id', '=', f.siteId!))
    .$if(like !== undefined, q => q.where(sql<boolean>`lower(question) like ${like} escape '\\'`))
    .orderBy('created_at', 'desc').orderBy('id', 'desc')
    .execute()
  return rows.map(toConsultation)
}

/**
 * A site's consultations that are not closed at `now` (open or scheduled): the candidates of a
 * page's targeting. The index on (site_id, created_at) finds them; the filter keeps years of
 * closed ones out of every page view.
 */
export async function listUnclosedConsultations (db: Kysely<DB>, siteId: string, now: string): Promise<Consultation[]> {
  const rows = await db.selectFrom('consultations').selectAll()
    .where('site_id', '=', siteId)
    .where('closed_at', 'is', null)
    .where(eb => eb.or([eb('closes_at', 'is', null), eb('closes_at', '>', now)]))
    .execute()
  return rows.map(toConsultation)
}

export async function insertConsultation (db: Kysely<DB>, c: Consultation): Promise<void> {
  await db.insertInto('consultations').values(toRow(c)).execute()
}

export async function updateConsultation (db: Kysely<DB>, c: Consultation): Promise<void> {
  const { id, created_at: _c, ...rest } = toRow(c)
  await db.updateTable('consultations').set(rest).where('id', '=', id).execute()
}

// ── responses ─────────────────────────────────────────────────────────────────────────────────

export async function findResponse (db: Kysely<DB>, consultationId: string, participantId: string): Promise<ResponseRow | undefined> {
  return db.selectFrom('consultation_responses').selectAll()
    .where('consultation_id', '=', consultationId).where('participant_id', '=', participantId)
    .executeTakeFirst()
}

/**
 * One response per participant: a second one replaces answer, follow-up, area, page, section,
 * locale and key, keeps its id and creation time. The unique key decides between racing requests.
 */
export async function upsertResponse (db: Kysely<DB>, row: ResponseRow): Promise<ResponseRow> {
  return db.insertInto('consultation_responses').values(row)
    .onConflict(oc => oc.columns(['consultation_id', 'participant_id']).doUpdateSet(eb => ({
      answer: eb.ref('excluded.answer'),
      follow_up: eb.ref('excluded.follow_up'),
      area: eb.ref('excluded.area'),
      page: eb.ref('excluded.page'),
      section: eb.ref('excluded.section'),
      locale: eb.ref('excluded.locale'),
      idempotency_key: eb.ref('excluded.idempotency_key'),
      updated_at: eb.ref('excluded.updated_at')
    })))
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function insertResponses (db: Kysely<DB>, rows: ResponseRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('consultation_responses').values(rows.slice(i, i + 500)).execute()
}

/** Answered by anyone: raw rows, or counts kept after retention deleted them. */
export async function hasResponses (db: Kysely<DB>, consultationId: string): Promise<boolean> {
  const r = await db.selectFrom('consultation_responses').select('id').where('consultation_id', '=', consultationId).limit(1).executeTakeFirst()
  if (r !== undefined) return true
  const kept = await db.selectFrom('consultation_aggregates').select('responses').where('consultation_id', '=', consultationId).executeTakeFirst()
  return kept !== undefined && Number(kept.responses) > 0
}

/** Responses per answer, for each of the given consultations (raw rows plus counts kept by retention). */
export async function countAnswers (db: Kysely<DB>, consultationIds: string[]): Promise<Map<string, Map<string, number>>> {
  const out = new Map<string, Map<string, number>>()
  const add = (id: string, answer: string, n: number) => {
    let m = out.get(id)
    if (!m) out.set(id, m = new Map())
    m.set(answer, (m.get(answer) ?? 0) + n)
  }
  for (let i = 0; i < consultationIds.length; i += 500) {
    const chunk = consultationIds.slice(i, i + 500)
    const { raw: rows, kept } = await withKept(db, chunk, () => db.selectFrom('consultation_responses')
      .select(eb => ['consultation_id', 'answer', eb.fn.countAll<string | number>().as('n')])
      .where('consultation_id', 'in', chunk)
      .groupBy(['consultation_id', 'answer'])
      .execute())
    for (const r of rows) add(r.consultation_id, r.answer, Number(r.n))
    for (const [id, k] of kept) for (const [, answer, n] of k.counts.cells) add(id, answer, n)
  }
  return out
}

export interface AreaAnswerCount { area: string | null; answer: string; n: number }

export async function countByAreaAndAnswer (db: Kysely<DB>, consultationId: string): Promise<AreaAnswerCount[]> {
  const rows = await db.selectFrom('consultation_responses')
    .select(eb => ['area', 'answer', eb.fn.countAll<string | number>().as('n')])
    .where('consultation_id', '=', consultationId)
    .groupBy(['area', 'answer'])
    .execute()
  return rows.map(r => ({ area: r.area, answer: r.answer, n: Number(r.n) }))
}

export async function countByPage (db: Kysely<DB>, consultationId: string): Promise<Array<{ page: string; n: number }>> {
  const rows = await db.selectFrom('consultation_responses')
    .select(eb => ['page', eb.fn.countAll<string | number>().as('n')])
    .where('consultation_id', '=', consultationId)
    .groupBy('page')
    .execute()
  return rows.map(r => ({ page: r.page, n: Number(r.n) }))
}

/** Responses per UTC day of their first answer (ISO timestamps: the date is the first 10 characters). */
export async function countDaily (db: Kysely<DB>, consultationId: string): Promise<Array<{ date: string; n: number }>> {
  const day = sql<string>`substr(created_at, 1, 10)`
  const rows = await db.selectFrom('consultation_responses')
    .select(eb => [day.as('day'), eb.fn.countAll<string | number>().as('n')])
    .where('consultation_id', '=', consultationId)
    .groupBy(day)
    .orderBy(day)
    .execute()
  return rows.map(r => ({ date: r.day, n: Number(r.n) }))
}

export async function countFollowUps (db: Kysely<DB>, consultationId: string): Promise<number> {
  const r = await db.selectFrom('consultation_responses')
    .select(eb => eb.fn.countAll<string | number>().as('n'))
    .where('consultation_id', '=', consultationId).where('follow_up', 'is not', null)
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

// ── counts kept after retention ──────────────────────────────────────────────────────────────

/** Everything staff and public results are made of: responses per (area, answer), page and day, and follow-ups. */
export interface ResponseCounts {
  /** [area, answer, n]. */
  cells: Array<[string | null, string, number]>
  /** [page, n]. */
  pages: Array<[string, number]>
  /** [YYYY-MM-DD, n]. */
  daily: Array<[string, number]>
  followUps: number
}

export const NO_COUNTS: Readonly<ResponseCounts> = Object.freeze({ cells: [], pages: [], daily: [], followUps: 0 })

/** Counts of the raw rows only. */
export async function countRawResponses (db: Kysely<DB>, consultationId: string): Promise<ResponseCounts> {
  // One after the other: inside a transaction the queries share one connection anyway.
  const cells = await countByAreaAndAnswer(db, consultationId)
  const pages = await countByPage(db, consultationId)
  const daily = await countDaily(db, consultationId)
  const followUps = await countFollowUps(db, consultationId)
  return {
    cells: cells.map(c => [c.area, c.answer, c.n]),
    pages: pages.map(p => [p.page, p.n]),
    daily: daily.map(d => [d.date, d.n]),
    followUps
  }
}

/** Sums two sets of counts cell by cell (order: first seen; days sorted). */
export function addCounts (a: ResponseCounts, b: ResponseCounts): ResponseCounts {
  const sum = <K> (xs: Array<[K, number]>, ys: Array<[K, number]>, key: (k: K) => string) => {
    const m = new Map<string, [K, number]>()
    for (const [k, n] of [...xs, ...ys]) {
      const e = m.get(key(k))
      if (e) e[1] += n
      else m.set(key(k), [k, n])
    }
    return [...m.values()]
  }
  const cells = sum<[string | null, string]>(a.cells.map(([area, answer, n]) => [[area, answer], n]), b.cells.map(([area, answer, n]) => [[area, answer], n]), k => JSON.stringify(k))
  return {
    cells: cells.map(([[area, answer], n]) => [area, answer, n]),
    pages: sum(a.pages, b.pages, k => k),
    daily: sum(a.daily, b.daily, k => k).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)),
    followUps: a.followUps + b.followUps
  }
}

export async function getAggregates (db: Kysely<DB>, consultationIds: string[]): Promise<Map<string, { counts: ResponseCounts; responses: number }>> {
  const out = new Map<string, { counts: ResponseCounts; responses: number }>()
  if (consultationIds.length === 0) return out
  const rows = await db.selectFrom('consultation_aggregates').selectAll().where('consultation_id', 'in', consultationIds).execute()
  for (const r of rows) out.set(r.consultation_id, { counts: JSON.parse(r.counts) as ResponseCounts, responses: Number(r.responses) })
  return out
}

type Kept = Map<string, { counts: ResponseCounts; responses: number }>
const keptVersion = (k: Kept) => [...k].map(([id, v]) => `${id}:${v.responses}`).sort().join(',')

/**
 * Raw counts and kept counts from one consistent moment: retention moves rows from one to the
 * other in a transaction, so when the kept counts changed while the raw rows were counted, count again.
 */
async function withKept<T> (db: Kysely<DB>, ids: string[], countRaw: () => Promise<T>): Promise<{ raw: T; kept: Kept }> {
  for (let attempt = 0; ; attempt++) {
    const before = await getAggregates(db, ids)
    const raw = await countRaw()
    const kept = await getAggregates(db, ids)
    if (keptVersion(before) === keptVersion(kept) || attempt >= 3) return { raw, kept }
  }
}

/** Raw rows plus the counts retention kept: what every result is computed from. */
export async function countResponses (db: Kysely<DB>, consultationId: string): Promise<ResponseCounts> {
  const { raw, kept } = await withKept(db, [consultationId], () => countRawResponses(db, consultationId))
  const k = kept.get(consultationId)
  return k ? addCounts(k.counts, raw) : raw
}

/**
 * Retention: folds a consultation's raw rows into its kept counts, then deletes them. Run inside a
 * transaction that holds the consultation's row, so no answer arrives in between.
 */
export async function foldAndDeleteResponses (db: Kysely<DB>, consultationId: string, now: string): Promise<number> {
  const raw = await countRawResponses(db, consultationId)
  const n = raw.cells.reduce((t, [, , c]) => t + c, 0)
  if (n === 0) return 0
  const kept = (await getAggregates(db, [consultationId])).get(consultationId)
  const counts = kept ? addCounts(kept.counts, raw) : raw
  const responses = (kept?.responses ?? 0) + n
  if (kept) {
    await db.updateTable('consultation_aggregates').set({ counts: JSON.stringify(counts), responses, updated_at: now })
      .where('consultation_id', '=', consultationId).execute()
  } else {
    await db.insertInto('consultation_aggregates').values({ consultation_id: consultationId, counts: JSON.stringify(counts), responses, updated_at: now }).execute()
  }
  const r = await db.deleteFrom('consultation_responses').where('consultation_id', '=', consultationId).executeTakeFirst()
  return Number(r.numDeletedRows)
}

export interface ResponseCursor { createdAt: string; id: string }

/** A keyset page by (created_at, id): newest first (`desc`) for staff pages, oldest first for exports. */
export async function listResponsesPage (db: Kysely<DB>, consultationId: string, after: ResponseCursor | null, limit: number,
  order: 'asc' | 'desc'): Promise<ResponseRow[]> {
  const op = order === 'desc' ? '<' : '>'
  return db.selectFrom('consultation_responses').selectAll()
    .where('consultation_id', '=', consultationId)
    .$if(after !== null, q => q.where(eb => eb.or([
      eb('created_at', op, after!.createdAt),
      eb.and([eb('created_at', '=', after!.createdAt), eb('id', op, after!.id)])
    ])))
    .orderBy('created_at', order).orderBy('id', order)
    .limit(limit)
    .execute()
}
