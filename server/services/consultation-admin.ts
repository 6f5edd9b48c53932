import crypto from 'node:crypto'
import type { CreateConsultationBody, ExportedResponse, OutcomeBody, PatchConsultationBody } from '../schemas/admin-consultations.ts'
import type { ConsultationResults } from '../schemas/consultations.ts'
import {
  countAnswers, countResponses, getAggregates, getConsultation, hasResponses,
  insertConsultation, listConsultations, listResponsesPage, updateConsultation
} from '../store/consultations-repo.ts'
import type { Consultation, Outcome, ResponseCursor, ResponseRow, Targeting } from '../store/consultations-repo.ts'
import type { Database } from '../store/db.ts'
import { isUniqueViolation } from '../store/db.ts'
import type { Catalog } from './catalog.ts'
import {
  answerLabel, consultationStatus, DEFAULT_MAX_LENGTH, invalidConsultation, normalizeConsultation, publicFields, structuralChange,
  toAdminResults, toResults
} from './consultation-rules.ts'
import type { AdminResults, ConsultationStatus } from './consultation-rules.ts'
import { csvRow } from './csv.ts'
import { closeNowIfDatePassed } from './closing.ts'
import { AppError, notFound } from './errors.ts'

export interface AdminConsultationView extends ReturnType<typeof publicFields> {
  targeting: Targeting
  closedAt: string | null
  createdAt: string
  updatedAt: string
  results: ConsultationResults
  serverTime: string
}

export interface AdminResponse {
  id: string
  respondent: string
  answer: string
  label: string
  followUp: string | null
  area: string | null
  page: string
  section: string | null
  locale: string | null
  createdAt: string
  updatedAt: string
}

export interface ListFilter { site?: string; q?: string; status?: ConsultationStatus }

export const RESPONSES_PAGE = 50
export const RESPONSES_MAX_PAGE = 200

const iso = (t: string | null | undefined) => (t == null ? null : new Date(t).toISOString())

/** Respondents in staff views and exports: a stable pseudonym per consultation, never the participant id. */
const pseudonym = (consultationId: string, participantId: string) =>
  crypto.createHash('sha256').update(`${consultationId}\n${participantId}`).digest('hex').slice(0, 16)

function encodeCursor (r: ResponseRow): string {
  return Buffer.from(JSON.stringify([r.created_at, r.id])).toString('base64url')
}

function decodeCursor (c: string): ResponseCursor {
  try {
    const v = JSON.parse(Buffer.from(c, 'base64url').toString('utf8'))
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(v[0]) &&
      typeof v[1] === 'string' && /^[0-9a-f]{1,64}$/.test(v[1])) return { createdAt: v[0], id: v[1] }
  } catch { /* fall through */ }
  throw new AppError(400, 'BAD_REQUEST', 'Invalid cursor (pass back nextCursor)')
}

function toTargeting (t: { paths?: string[]; sections?: string[]; siteWide?: boolean } | undefined): Targeting {
  return { paths: t?.paths ?? [], sections: t?.sections ?? [], siteWide: t?.siteWide ?? false }
}

/** Staff operations on consultations: create, edit, open/close, the outcome, results, responses, export. */
export class ConsultationAdminService {
  readonly #db: Database
  readonly #catalog: Catalog

  constructor (db: Database, catalog: Catalog) {
    this.#db = db
    this.#catalog = catalog
  }

  get #k () { return this.#db.kysely }

  async #load (id: string): Promise<Consultation> {
    const c = await getConsultation(this.#k, id)
    if (!c) throw notFound('Consultation')
    return c
  }

  #view (c: Consultation, counts: ReadonlyMap<string, number> | undefined): AdminConsultationView {
    const now = new Date()
    return {
      ...publicFields(c, now),
      targeting: c.targeting,
      closedAt: c.closedAt,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      results: toResults(c, counts),
      serverTime: now.toISOString()
    }
  }

  async #views (list: Consultation[]): Promise<AdminConsultationView[]> {
    const counts = await countAnswers(this.#k, list.map(c => c.id))
    return list.map(c => this.#view(c, counts.get(c.id)))
  }

  async list (f: ListFilter): Promise<AdminConsultationView[]> {
    const now = new Date()
    const list = (await listConsultations(this.#k, { siteId: f.site, q: f.q }))
      .filter(c => f.status === undefined || consultationStatus(c, now) === f.status)
    return this.#views(list)
  }

  async get (id: string): Promise<AdminConsultationView> {
    return (await this.#views([await this.#load(id)]))[0]!
  }

  async #assertSite (siteId: string): Promise<void> {
    if (!await this.#catalog.site(siteId)) throw invalidConsultation('siteId', `Site ${siteId} does not exist`)
  }

  async create (input: CreateConsultationBody): Promise<AdminConsultationView> {
    await this.#assertSite(input.siteId)
    const now = new Date().toISOString()
    const c: Consultation = {
      id: input.id ?? crypto.randomBytes(6).toString('hex'),
      siteId: input.siteId,
      type: input.type,
      question: input.question,
      description: input.description ?? null,
      options: input.options ?? [],
      notSure: input.notSure ?? false,
      scaleLabels: input.scaleLabels ?? null,
      maxLength: input.maxLength ?? DEFAULT_MAX_LENGTH,
      followUp: input.followUp ?? null,
      areas: input.areas ?? null,
      targeting: toTargeting(input.targeting),
      sampling: input.sampling ?? 1,
      capDays: input.capDays ?? 30,
      opensAt: iso(input.opensAt),
      closesAt: iso(input.closesAt),
      closedAt: null,
      resultsVisibility: input.resultsVisibility ?? 'after-answer',
      nextSteps: input.nextSteps ?? null,
      outcome: null,
      createdAt: now,
      updatedAt: now
    }
    normalizeConsultation(c, input)
    try {
      await insertConsultation(this.#k, c)
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError(409, 'ALREADY_EXISTS', `Consultation ${c.id} exists already`)
      throw err
    }
    this.#catalog.invalidateConsultation(c.id, c.siteId)
    return this.#view(c, undefined)
  }

  /** Any field; type, options and "not sure" (the answers offered) only while nobody answered. */
  async update (id: string, edit: PatchConsultationBody): Promise<AdminConsultationView> {
    if (edit.siteId !== undefined) await this.#assertSite(edit.siteId)
    const { before, after } = await this.#change(id, async (c, trx) => {
      const was = structuredClone(c)
      if (edit.siteId !== undefined) c.siteId = edit.siteId
      if (edit.type !== undefined) c.type = edit.type
      if (edit.question !== undefined) c.question = edit.question
      if (edit.description !== undefined) c.description = edit.description
      if (edit.options !== undefined) c.options = edit.options
      if (edit.notSure !== undefined) c.notSure = edit.notSure
      if (edit.scaleLabels !== undefined) c.scaleLabels = edit.scaleLabels
      if (edit.maxLength !== undefined) c.maxLength = edit.maxLength
      if (edit.followUp !== undefined) c.followUp = edit.followUp
      if (edit.areas !== undefined) c.areas = edit.areas
      if (edit.targeting !== undefined) c.targeting = toTargeting(edit.targeting)
      if (edit.sampling !== undefined) c.sampling = edit.sampling
      if (edit.capDays !== undefined) c.capDays = edit.capDays
      if (edit.opensAt !== undefined) c.opensAt = iso(edit.opensAt)
      if (edit.closesAt !== undefined) c.closesAt = iso(edit.closesAt)
      closeNowIfDatePassed(c, edit.closesAt)
      if (edit.resultsVisibility !== undefined) c.resultsVisibility = edit.resultsVisibility
      if (edit.nextSteps !== undefined) c.nextSteps = edit.nextSteps
      normalizeConsultation(c, edit)
      if (structuralChange(was, c) && await hasResponses(trx, id)) {
        throw new AppError(409, 'HAS_RESPONSES', 'Type, options and "not sure" can change only while nobody has answered')
      }
      return was
    })
    this.#catalog.invalidateConsultation(id, before.siteId, after.siteId)
    return this.get(id)
  }

  /** open: clears a manual close and moves a future opening or a past closing out of the way. */
  async setOpen (id: string, open: boolean): Promise<AdminConsultationView> {
    await this.#change(id, async c => {
      const now = new Date().toISOString()
      if (open) {
        c.closedAt = null
        if (c.opensAt && c.opensAt > now) c.opensAt = now
        if (c.closesAt && c.closesAt <= now) c.closesAt = null
      } else {
        c.closedAt ??= now
      }
    })
    return this.get(id)
  }

  /** Publishes or updates "You said, we did"; `updatedAt` tells widgets it is new. */
  async putOutcome (id: string, body: OutcomeBody): Promise<Outcome> {
    const text = body.text.trim()
    if (text === '') throw invalidConsultation('text', 'The outcome text must not be blank')
    const link = body.link ?? null
    if (link !== null && !isHttpUrl(link)) throw invalidConsultation('link', 'The link must be an http(s) URL')
    const { after } = await this.#change(id, async (c, _trx, now) => {
      c.outcome = { status: body.status, text, date: body.date, link, updatedAt: now }
    })
    return after.outcome!
  }

  async deleteOutcome (id: string): Promise<void> {
    await this.#change(id, async c => { c.outcome = null })
  }

  /**
   * Reads the row under a lock (PostgreSQL: responses take a share lock, so a change and a
   * response never interleave), applies `fn`, writes it back and drops the cached copies.
   */
  async #change<T> (id: string, fn: (c: Consultation, trx: Database['kysely'], now: string) => Promise<T>): Promise<{ before: T; after: Consultation }> {
    const out = await this.#k.transaction().execute(async trx => {
      const c = await getConsultation(trx, id, this.#db.dialect === 'postgres' ? 'update' : undefined)
      if (!c) throw notFound('Consultation')
      const now = new Date().toISOString()
      const before = await fn(c, trx, now)
      // Retention deleted its answers: it cannot open again, nothing would stop a second answer.
      if (consultationStatus(c, new Date(now)) !== 'closed' && (await getAggregates(trx, [id])).has(id)) {
        throw new AppError(409, 'RESPONSES_DELETED', 'Retention deleted this consultation\'s answers, so it stays closed; duplicate it to ask again')
      }
      c.updatedAt = now
      await updateConsultation(trx, c)
      return { before, after: c }
    })
    this.#catalog.invalidateConsultation(id, out.after.siteId)
    return out
  }

  async results (id: string): Promise<AdminResults> {
    const c = await this.#load(id)
    // Raw answers plus the counts kept when retention deleted older ones: the same results either way.
    const k = await countResponses(this.#k, id)
    return toAdminResults(c, k.cells.map(([area, answer, n]) => ({ area, answer, n })), k.pages.map(([page, n]) => ({ page, n })),
      k.daily.map(([date, n]) => ({ date, n })), k.followUps)
  }

  #response (c: Consultation, r: ResponseRow): AdminResponse {
    return {
      id: r.id,
      respondent: pseudonym(c.id, r.participant_id),
      answer: r.answer,
      label: answerLabel(c, r.answer),
      followUp: r.follow_up,
      area: r.area,
      page: r.page,
      section: r.section,
      locale: r.locale,
      createdAt: r.created_at,
      updatedAt: r.updated_at
    }
  }

  /** Newest first (by first answer), keyset-paged: answers arriving meanwhile never shift a page. */
  async responses (id: string, cursor: string | undefined, limit: string | undefined): Promise<{ responses: AdminResponse[]; nextCursor: string | null }> {
    const n = limit === undefined ? RESPONSES_PAGE : Number(limit)
    if (!Number.isInteger(n) || n < 1 || n > RESPONSES_MAX_PAGE) throw new AppError(400, 'BAD_REQUEST', `limit is 1–${RESPONSES_MAX_PAGE}`)
    const after = cursor === undefined ? null : decodeCursor(cursor)
    const c = await this.#load(id)
    const rows = await listResponsesPage(this.#k, id, after, n + 1, 'desc')
    const page = rows.slice(0, n)
    return {
      responses: page.map(r => this.#response(c, r)),
      nextCursor: rows.length > n ? encodeCursor(page[page.length - 1]!) : null
    }
  }

  /** Every response, oldest first, read 1000 at a time: what both exports write. */
  async * #exportRows (c: Consultation): AsyncGenerator<ExportedResponse> {
    const areas = new Map((c.areas ?? []).map(a => [a.id, a.label]))
    let after: ResponseCursor | null = null
    for (;;) {
      const page = await listResponsesPage(this.#k, c.id, after, 1000, 'asc')
      for (const r of page) {
        yield {
          respondent: pseudonym(c.id, r.participant_id),
          answer: r.answer,
          answerLabel: answerLabel(c, r.answer),
          followUp: r.follow_up,
          area: r.area,
          areaLabel: r.area === null ? null : areas.get(r.area) ?? null,
          page: r.page,
          section: r.section,
          locale: r.locale,
          createdAt: r.created_at,
          updatedAt: r.updated_at
        }
      }
      if (page.length < 1000) return
      const last = page[page.length - 1]!
      after = { createdAt: last.created_at, id: last.id }
    }
  }

  /** One CSV row per response, streamed; cells formula-safe. */
  async * exportCsv (id: string): AsyncGenerator<string> {
    const c = await this.#load(id)
    yield '\ufeff' + csvRow(['respondent', 'answer', 'answer_label', 'follow_up', 'area', 'area_label', 'page', 'section', 'locale', 'created_at', 'updated_at'])
    for await (const r of this.#exportRows(c)) {
      yield csvRow([r.respondent, r.answer, r.answerLabel, r.followUp, r.area, r.areaLabel, r.page, r.section, r.locale, r.createdAt, r.updatedAt])
    }
  }

  /** The CSV's rows as JSON, streamed: `{"consultation":…,"exportedAt":…,"responses":[…]}` (JSON needs no formula quoting). */
  async * exportJson (id: string): AsyncGenerator<string> {
    const c = await this.#load(id)
    yield `{"consultation":${JSON.stringify({ id: c.id, question: c.question, type: c.type })},"exportedAt":${JSON.stringify(new Date().toISOString())},"responses":[`
    let first = true
    for await (const r of this.#exportRows(c)) {
      yield (first ? '\n' : ',\n') + JSON.stringify(r)
      first = false
    }
    yield '\n]}\n'
  }
}

function isHttpUrl (s: string): boolean {
  try {
    const u = new URL(s)
    return u.protocol === 'http:' || u.protocol === 'https:'
  } catch {
    return false
  }
}
