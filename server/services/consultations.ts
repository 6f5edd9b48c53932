import crypto from 'node:crypto'
import type { ConsultationResults, ConsultationView, MyResponse, RespondBody } from '../schemas/consultations.ts'
import { countAnswers, findResponse, getConsultation, upsertResponse } from '../store/consultations-repo.ts'
import type { Consultation, ResponseRow } from '../store/consultations-repo.ts'
import type { Database } from '../store/db.ts'
import type { Catalog, ConsultationEntry } from './catalog.ts'
import {
  assertOpen, canSeeResults, checkResponse, consultationStatus, myResponse, pageKey, parsePage, pickActive, publicFields,
  toResults
} from './consultation-rules.ts'
import { AppError, notFound } from './errors.ts'
import type { OriginPolicy } from './origins.ts'
import type { ParticipantTokens } from './participants.ts'
import type { ReadContext, WriteContext } from './polls.ts'
import { enforce } from './rate-limit.ts'
import type { RateLimiter } from './rate-limit.ts'
import { siteOfRequest } from './request-site.ts'
import { TtlMap } from './ttl-map.ts'

export interface ConsultationsDeps {
  db: Database
  catalog: Catalog
  tokens: ParticipantTokens
  origins: OriginPolicy
  /** Shared with votes (RATE_LIMIT_PARTICIPANT_PER_MIN). */
  participantLimiter: RateLimiter
}

export interface ActiveQuery { page: string; section?: string; site?: string }

/** The public side of consultations: a consultation by id, the one a page is targeted with, responding. */
export class ConsultationService {
  readonly #d: ConsultationsDeps
  /**
   * Results are counted (GROUP BY), not maintained: consultations are small, and staff breakdowns
   * group anyway. A popular article shows the results to every reader who answered, so each
   * node counts a consultation at most once per `resultsTtlMs`; an answer recounts at once.
   */
  readonly #resultsCache: TtlMap<{ version: string; results: ConsultationResults }>

  constructor (deps: ConsultationsDeps, resultsTtlMs = 1000) {
    this.#d = deps
    this.#resultsCache = new TtlMap(resultsTtlMs)
  }

  get #kysely () { return this.#d.db.kysely }

  async #entry (id: string): Promise<ConsultationEntry> {
    const e = await this.#d.catalog.consultation(id)
    if (!e) throw notFound('Consultation')
    return e
  }

  /** Reads ignore a bad token (the widget mints a new one on its next write). */
  #reader (token: string | undefined): string | null {
    return token ? this.#d.tokens.verify(token) : null
  }

  async #results (c: Consultation, fresh = false): Promise<ConsultationResults> {
    // A staff edit (options changed before any answer, a close) shows at once.
    const hit = fresh ? undefined : this.#resultsCache.get(c.id)
    if (hit && hit.version === c.updatedAt) return hit.results
    const results = toResults(c, (await countAnswers(this.#kysely, [c.id])).get(c.id))
    this.#resultsCache.set(c.id, { version: c.updatedAt, results })
    return results
  }

  async #view (c: Consultation, participantId: string | null): Promise<ConsultationView> {
    const now = new Date()
    const fields = publicFields(c, now)
    const mine = participantId ? await findResponse(this.#kysely, c.id, participantId) : undefined
    const visible = canSeeResults(c, fields.status, { staff: false, hasAnswered: mine !== undefined })
    return {
      ...fields,
      results: visible ? await this.#results(c) : null,
      myResponse: mine ? myResponse(mine) : null,
      serverTime: now.toISOString()
    }
  }

  async view (id: string, participantToken: string | undefined, from: ReadContext): Promise<ConsultationView> {
    const { consultation, site } = await this.#entry(id)
    this.#d.origins.assertRead(from.origin, site.origins, from.selfOrigin)
    return this.#view(consultation, this.#reader(participantToken))
  }

  /**
   * The consultation a page is targeted with, among its site's open ones: a matching section ›
   * the longest matching prefix of the page's path (whatever its host) › site-wide.
   */
  async active (q: ActiveQuery, participantToken: string | undefined, from: ReadContext): Promise<{ consultation: ConsultationView | null }> {
    const site = await siteOfRequest(this.#d.catalog, this.#d.origins, q.site, from, false)
    const page = parsePage(q.page)
    const now = new Date()
    const chosen = pickActive(await this.#d.catalog.siteConsultations(site.id), { path: page.pathname, section: q.section ?? null }, now)
    return { consultation: chosen ? await this.#view(chosen, this.#reader(participantToken)) : null }
  }

  /**
   * One response per participant, upserted. Checked in this order: consultation, origin,
   * participant token, rate limit, replay of the Idempotency-Key (answered even once closed),
   * honeypot, page, status, answer.
   */
  async respond (id: string, body: RespondBody, ctx: WriteContext): Promise<{ response: MyResponse; results: ConsultationResults | null }> {
    const { consultation, site } = await this.#entry(id)
    this.#d.origins.assertWrite(ctx.origin, site.origins, ctx.selfOrigin)
    if (!ctx.participantToken) throw new AppError(401, 'PARTICIPANT_REQUIRED', 'A participant token is required (POST /v1/participants)')
    const participantId = this.#d.tokens.verifyFrom(ctx.participantToken, ctx.origin)
    if (!participantId) throw new AppError(401, 'PARTICIPANT_INVALID', 'The participant token is not valid')
    await enforce(this.#d.participantLimiter, participantId)
    if (ctx.idempotencyKey) {
      const prior = await findResponse(this.#kysely, id, participantId)
      if (prior && prior.idempotency_key === ctx.idempotencyKey) return this.#answered(consultation, prior)
    }
    if (body.website !== undefined && body.website !== '') {
      throw new AppError(422, 'SPAM', 'This answer looks automated and was not accepted')
    }
    const page = pageKey(parsePage(body.page))
    // Fail fast on the cached consultation; the transaction checks again against the row it reads.
    assertOpen(consultationStatus(consultation, new Date()))
    checkResponse(consultation, body)

    const { row, current } = await this.#kysely.transaction().execute(async trx => {
      const c = await getConsultation(trx, id, this.#d.db.dialect === 'postgres' ? 'share' : undefined)
      if (!c) throw notFound('Consultation')
      const key = ctx.idempotencyKey ?? `auto:${crypto.randomUUID()}`
      const prior = await findResponse(trx, id, participantId)
      // The same key raced in twice: the first one stored it.
      if (prior && prior.idempotency_key === key) return { row: prior, current: c }
      const now = new Date()
      assertOpen(consultationStatus(c, now))
      const checked = checkResponse(c, body)
      const at = now.toISOString()
      const stored = await upsertResponse(trx, {
        id: crypto.randomBytes(10).toString('hex'),
        consultation_id: id,
        participant_id: participantId,
        answer: checked.answer,
        follow_up: checked.followUp,
        area: checked.area,
        page,
        section: body.section?.trim() || null,
        locale: body.locale ?? null,
        idempotency_key: key,
        created_at: at,
        updated_at: at
      })
      return { row: stored, current: c }
    })
    return this.#answered(current, row, true)
  }

  /** A respondent always sees their own answer counted (`fresh`). */
  async #answered (c: Consultation, row: ResponseRow, fresh = false): Promise<{ response: MyResponse; results: ConsultationResults | null }> {
    const visible = canSeeResults(c, consultationStatus(c, new Date()), { staff: false, hasAnswered: true })
    return { response: myResponse(row), results: visible ? await this.#results(c, fresh) : null }
  }
}
