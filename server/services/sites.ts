import crypto from 'node:crypto'
import type { Database } from '../store/db.ts'
import { DEFAULT_COMMENT_SETTINGS, getSite, insertSite, listSites, updateSite } from '../store/sites-repo.ts'
import type { CommentSettings, Site, SiteIdentity } from '../store/sites-repo.ts'
import { isUniqueViolation } from '../store/db.ts'
import type { Catalog } from './catalog.ts'
import { mergeCommentSettings } from './comment-rules.ts'
import { AppError, notFound } from './errors.ts'
import { normalizeOrigin } from './origins.ts'
import type { OriginPolicy } from './origins.ts'

export interface SiteInput {
  id?: string
  name: string
  origins: string[]
  identity?: SiteIdentity | null
  /** Comment settings; omitted fields keep their defaults (create) or current values (update). */
  comments?: Partial<CommentSettings>
}

export type SitePatch = Partial<Omit<SiteInput, 'id'>>

const invalid = (message: string, details?: unknown) => new AppError(422, 'INVALID_SITE', message, details)

function normalizeOrigins (list: string[]): string[] {
  const bad = list.filter(o => normalizeOrigin(o) === null)
  if (bad.length) throw invalid('Origins must look like https://example.org (scheme, host, optional port; no path)', { origins: bad })
  return [...new Set(list.map(o => normalizeOrigin(o)!))]
}

function checkIdentity (id: SiteIdentity | null | undefined): SiteIdentity | null {
  if (!id) return null
  if (!id.secret && !id.jwksUrl) throw invalid('identity needs a secret (HS256) or a jwksUrl')
  if (id.jwksUrl) {
    let u: URL
    try { u = new URL(id.jwksUrl) } catch { throw invalid('jwksUrl is not a URL') }
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname)
    if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) throw invalid('jwksUrl must use https')
  }
  return { ...id }
}

/** Sites (tenants): who may embed, and how their residents are verified. */
export class SiteService {
  readonly #db: Database
  readonly #origins: OriginPolicy
  readonly #catalog: Catalog

  constructor (db: Database, origins: OriginPolicy, catalog: Catalog) {
    this.#db = db
    this.#origins = origins
    this.#catalog = catalog
  }

  list (): Promise<Site[]> {
    return listSites(this.#db.kysely)
  }

  async create (input: SiteInput): Promise<Site> {
    const now = new Date().toISOString()
    const site: Site = {
      id: input.id ?? crypto.randomBytes(6).toString('hex'),
      name: input.name.trim(),
      origins: normalizeOrigins(input.origins),
      identity: checkIdentity(input.identity),
      comments: mergeCommentSettings(DEFAULT_COMMENT_SETTINGS, input.comments),
      createdAt: now,
      updatedAt: now
    }
    try {
      await insertSite(this.#db.kysely, site)
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError(409, 'ALREADY_EXISTS', `Site ${site.id} exists already`)
      throw err
    }
    await this.#changed(site.id)
    return site
  }

  async update (id: string, patch: SitePatch): Promise<Site> {
    const site = await getSite(this.#db.kysely, id)
    if (!site) throw notFound('Site')
    if (patch.name !== undefined) site.name = patch.name.trim()
    if (patch.origins !== undefined) site.origins = normalizeOrigins(patch.origins)
    if (patch.identity !== undefined) site.identity = checkIdentity(patch.identity)
    if (patch.comments !== undefined) site.comments = mergeCommentSettings(site.comments, patch.comments)
    site.updatedAt = new Date().toISOString()
    await updateSite(this.#db.kysely, site)
    await this.#changed(id)
    return site
  }

  async #changed (id: string): Promise<void> {
    this.#catalog.invalidateSite(id)
    await this.#origins.refresh()
  }
}
