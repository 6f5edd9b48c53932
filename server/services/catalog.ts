import { getConsultation, listUnclosedConsultations } from '../store/consultations-repo.ts'
import type { Consultation } from '../store/consultations-repo.ts'
import type { Database } from '../store/db.ts'
import { getPoll } from '../store/polls-repo.ts'
import type { Poll } from '../store/polls-repo.ts'
import { getSite, listSites } from '../store/sites-repo.ts'
import type { Site } from '../store/sites-repo.ts'
import { TtlMap } from './ttl-map.ts'

export interface PollEntry { poll: Poll; site: Site }
export interface ConsultationEntry { consultation: Consultation; site: Site }

/**
 * Read-through cache of polls with their site: the hot paths (view, vote, live) read it on every
 * request. Local edits invalidate at once; `ttlMs` bounds staleness from other nodes. The vote
 * writer re-reads the poll inside its transaction, so a stale entry can never let a vote through.
 */
export class Catalog {
  readonly #db: Database
  readonly #entries: TtlMap<PollEntry>
  /** Every site, ordered by id (a city has a handful): comments resolve sites by id or by origin. */
  readonly #sites: TtlMap<Site[]>
  readonly #consultations: TtlMap<ConsultationEntry>
  /** Each site's consultations not closed yet: a page's targeted consultation is picked among them on every page view. */
  readonly #siteConsultations: TtlMap<Consultation[]>

  constructor (db: Database, ttlMs = 2000) {
    this.#db = db
    this.#entries = new TtlMap(ttlMs)
    this.#sites = new TtlMap(ttlMs)
    this.#consultations = new TtlMap(ttlMs)
    this.#siteConsultations = new TtlMap(ttlMs)
  }

  async #allSites (): Promise<Site[]> {
    const hit = this.#sites.get('all')
    if (hit) return hit
    const list = (await listSites(this.#db.kysely)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    this.#sites.set('all', list)
    return list
  }

  async site (id: string): Promise<Site | undefined> {
    return (await this.#allSites()).find(s => s.id === id)
  }

  /** The first site (by id) whose allow-list holds this origin. */
  async siteForOrigin (origin: string): Promise<Site | undefined> {
    return (await this.#allSites()).find(s => s.origins.includes(origin))
  }

  async poll (id: string): Promise<PollEntry | undefined> {
    const hit = this.#entries.get(id)
    if (hit) return hit
    const poll = await getPoll(this.#db.kysely, id)
    const site = poll && await getSite(this.#db.kysely, poll.siteId)
    if (!poll || !site) {
      this.#entries.delete(id)
      return undefined
    }
    const entry = { poll, site }
    this.#entries.set(id, entry)
    return entry
  }

  invalidatePoll (id: string): void {
    this.#entries.delete(id)
  }

  /** A consultation with its site; responses re-read it inside their transaction. */
  async consultation (id: string): Promise<ConsultationEntry | undefined> {
    const hit = this.#consultations.get(id)
    if (hit) return hit
    const consultation = await getConsultation(this.#db.kysely, id)
    const site = consultation && await this.site(consultation.siteId)
    if (!consultation || !site) {
      this.#consultations.delete(id)
      return undefined
    }
    const entry = { consultation, site }
    this.#consultations.set(id, entry)
    return entry
  }

  /** Not closed when read (open or scheduled); status is checked again on use, by the clock. */
  async siteConsultations (siteId: string): Promise<Consultation[]> {
    const hit = this.#siteConsultations.get(siteId)
    if (hit) return hit
    const list = await listUnclosedConsultations(this.#db.kysely, siteId, new Date().toISOString())
    this.#siteConsultations.set(siteId, list)
    return list
  }

  /** After a change to a consultation (its site ids: the old and the new one when it moved). */
  invalidateConsultation (id: string, ...siteIds: string[]): void {
    this.#consultations.delete(id)
    for (const s of siteIds) this.#siteConsultations.delete(s)
  }

  invalidateSite (siteId: string): void {
    this.#entries.deleteWhere(entry => entry.site.id === siteId)
    this.#consultations.deleteWhere(entry => entry.site.id === siteId)
    this.#sites.delete('all')
  }
}
