import type { FastifyBaseLogger } from 'fastify'
import type { Kysely } from 'kysely'
import { foldAndDeleteResponses } from '../store/consultations-repo.ts'
import type { Database } from '../store/db.ts'
import type { DB } from '../store/schema.ts'
import { listRetentionSites } from '../store/sites-repo.ts'
import { foldAndDeleteVotes } from '../store/votes-repo.ts'
import type { AuditLog } from './audit.ts'

export interface RetentionCounts {
  votes: number
  consultationResponses: number
  projectSubmissions: number
}

export interface RetentionReport extends RetentionCounts {
  at: string
  /** Audit log entries older than AUDIT_RETENTION_MONTHS deleted in this run. */
  auditEntries: number
  /** Sites with a retention setting, each with what it lost in this run. */
  sites: Array<RetentionCounts & { siteId: string; months: number; cutoff: string }>
}

export interface RetentionOptions {
  /** Between runs; 0: no automatic runs (the admin API can still run it). */
  intervalMs: number
  /** Months the audit log keeps its entries; 0 or unset: kept for ever. */
  auditMonths?: number
  log: FastifyBaseLogger
  audit: AuditLog
}

/** The audit log's actor for what the server does by itself. */
export const SYSTEM_ACTOR = { id: 'system', email: 'system' } as const

/** `months` calendar months before `now` (UTC), the day clamped to the month's end (31 March − 1 = 28/29 February). */
export function monthsBefore (now: Date, months: number): Date {
  const y = now.getUTCFullYear()
  const m = now.getUTCMonth() - months
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate()
  return new Date(Date.UTC(y, m, Math.min(now.getUTCDate(), last), now.getUTCHours(), now.getUTCMinutes(), now.getUTCSeconds(), now.getUTCMilliseconds()))
}

type Closable = 'polls' | 'consultations'

/**
 * Ids of a site's polls or consultations that closed before `cutoff`: when closed by hand (or by a
 * closing date moved into the past, which stamps `closed_at` too), that moment; else the closing date.
 * A typo that moves a closing date years back so deletes nothing before N months have passed. Open and scheduled ones keep their raw rows: they
 * enforce one answer per participant and let residents change it.
 */
async function closedBefore (db: Kysely<DB>, table: Closable, siteId: string, cutoff: string): Promise<string[]> {
  const rows = await db.selectFrom(table).select('id')
    .where('site_id', '=', siteId)
    .where(eb => eb(eb.fn.coalesce('closed_at', 'closes_at'), '<', cutoff))
    .orderBy('id')
    .execute()
  return rows.map(r => r.id)
}

/** Still closed before the cutoff, read under a row lock (PostgreSQL), so a reopening staff member wins or waits. */
async function stillClosed (db: Database, trx: Kysely<DB>, table: Closable, id: string, cutoff: string): Promise<boolean> {
  const row = await trx.selectFrom(table).select(['closed_at', 'closes_at']).where('id', '=', id)
    .$if(db.dialect === 'postgres', q => q.forUpdate())
    .executeTakeFirst()
  const at = row?.closed_at ?? row?.closes_at ?? null
  return at !== null && at < cutoff
}

/**
 * Deletes raw responses after each site's `retentionMonths`, keeping every aggregate:
 * - poll votes of polls closed more than N months ago (results live on in `poll_tallies`, votes per
 *   day and by page in its `kept_activity`);
 * - consultation answers with their follow-ups of consultations closed more than N months ago,
 *   after folding their counts into `consultation_aggregates` in the same transaction;
 * - residents' project submissions rejected more than N months ago.
 * Runs at start and every `intervalMs`; runs never overlap.
 */
export class RetentionService {
  readonly #db: Database
  readonly #o: RetentionOptions
  #timer: NodeJS.Timeout | undefined
  #running: Promise<RetentionReport> | undefined
  #closed = false
  lastRun: RetentionReport | null = null

  constructor (db: Database, opts: RetentionOptions) {
    this.#db = db
    this.#o = opts
  }

  get intervalMinutes (): number {
    return Math.round(this.#o.intervalMs / 60_000)
  }

  /** The first run now, then one every interval (timers unref'd: they never keep the process alive). */
  start (): void {
    if (this.#o.intervalMs <= 0 || this.#closed || this.#timer) return
    const tick = () => { this.run().catch(err => this.#o.log.error({ err }, 'retention run failed')) }
    this.#timer = setInterval(tick, this.#o.intervalMs)
    this.#timer.unref()
    tick()
  }

  /** One run (after the one in progress, if any). `now` is for tests. */
  run (now = new Date()): Promise<RetentionReport> {
    const next = (this.#running ?? Promise.resolve()).catch(() => {}).then(() => this.#runOnce(now))
    this.#running = next
    return next
  }

  /** Stops the timer and waits for a run in progress (before the database closes). */
  async close (): Promise<void> {
    this.#closed = true
    clearInterval(this.#timer)
    this.#timer = undefined
    await this.#running?.catch(() => {})
  }

  async #runOnce (now: Date): Promise<RetentionReport> {
    const report: RetentionReport = { at: now.toISOString(), sites: [], votes: 0, consultationResponses: 0, projectSubmissions: 0, auditEntries: 0 }
    if (this.#closed) return report
    for (const { id, months } of await listRetentionSites(this.#db.kysely)) {
      const cutoff = monthsBefore(now, months).toISOString()
      const counts = await this.#site(id, cutoff, now.toISOString())
      report.sites.push({ siteId: id, months, cutoff, ...counts })
      report.votes += counts.votes
      report.consultationResponses += counts.consultationResponses
      report.projectSubmissions += counts.projectSubmissions
      if (counts.votes + counts.consultationResponses + counts.projectSubmissions === 0) continue
      this.#o.log.info({ site: id, months, cutoff, ...counts }, 'retention: deleted raw responses (aggregates kept)')
      await this.#o.audit.append({ actor: SYSTEM_ACTOR, action: 'retention.delete', target: { type: 'site', id }, details: { months, ...counts } })
    }
    report.auditEntries = await this.#audit(now)
    this.lastRun = report
    return report
  }

  /** Staff names and addresses in old audit entries go too (storage limitation); the pruning itself is an entry. */
  async #audit (now: Date): Promise<number> {
    const months = this.#o.auditMonths ?? 0
    if (months <= 0) return 0
    const cutoff = monthsBefore(now, months).toISOString()
    const r = await this.#db.kysely.deleteFrom('audit_log').where('at', '<', cutoff).executeTakeFirst()
    const deleted = Number(r.numDeletedRows)
    if (deleted > 0) {
      this.#o.log.info({ months, cutoff, deleted }, 'retention: deleted old audit log entries')
      await this.#o.audit.append({ actor: SYSTEM_ACTOR, action: 'retention.audit', target: { type: 'audit', id: null }, details: { months, cutoff, deleted } })
    }
    return deleted
  }

  async #site (siteId: string, cutoff: string, now: string): Promise<RetentionCounts> {
    const k = this.#db.kysely
    let votes = 0
    for (const pollId of await closedBefore(k, 'polls', siteId, cutoff)) {
      votes += await k.transaction().execute(async trx => {
        if (!await stillClosed(this.#db, trx, 'polls', pollId, cutoff)) return 0
        return foldAndDeleteVotes(trx, pollId)
      })
    }
    let consultationResponses = 0
    for (const cId of await closedBefore(k, 'consultations', siteId, cutoff)) {
      consultationResponses += await k.transaction().execute(async trx => {
        if (!await stillClosed(this.#db, trx, 'consultations', cId, cutoff)) return 0
        return foldAndDeleteResponses(trx, cId, now)
      })
    }
    // Rejected suggestions were never public: nothing counts them.
    const r = await k.deleteFrom('projects')
      .where('site_id', '=', siteId).where('source', '=', 'resident').where('review', '=', 'rejected')
      .where(eb => eb(eb.fn.coalesce('reviewed_at', 'updated_at'), '<', cutoff))
      .executeTakeFirst()
    return { votes, consultationResponses, projectSubmissions: Number(r.numDeletedRows) }
  }
}
