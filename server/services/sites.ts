import crypto from 'node:crypto'
import type { Database } from '../store/db.ts'
import { DEFAULT_COMMENT_SETTINGS, getSite, insertSite, listSites, SITE_LOCALES, updateSite } from '../store/sites-repo.ts'
import type { CommentSettings, Site, SiteIdentity, SiteLocale } from '../store/sites-repo.ts'
import { isUniqueViolation } from '../store/db.ts'
import type { Catalog } from './catalog.ts'
import { mergeCommentSettings } from './comment-rules.ts'
import { AppError, notFound } from './errors.ts'
import { normalizeOrigin } from './origins.ts'
import type { OriginPolicy } from './origins.ts'
import { escapeChat } from './webhooks.ts'
import type { DeliveryResult, Webhooks } from './webhooks.ts'

export interface SiteInput {
  id?: string
  name: string
  origins: string[]
  identity?: SiteIdentity | null
  /** Comment settings; omitted fields keep their defaults (create) or current values (update). */
  comments?: Partial<CommentSettings>
  /** The site's usual language; null: none. */
  defaultLocale?: SiteLocale | null
  /** Months raw responses are kept after their poll or consultation closed (1–120); null: kept. */
  retentionMonths?: number | null
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

// The schemas check these already; the service checks again for callers that are not HTTP routes.
function checkLocale (l: SiteLocale | null | undefined): SiteLocale | null {
  if (l === undefined || l === null) return null
  if (!(SITE_LOCALES as readonly string[]).includes(l)) throw invalid(`defaultLocale is one of ${SITE_LOCALES.join(', ')}`, { field: 'defaultLocale' })
  return l
}

function checkRetention (m: number | null | undefined): number | null {
  if (m === undefined || m === null) return null
  if (!Number.isInteger(m) || m < 1 || m > 120) throw invalid('retentionMonths is a whole number of months, 1–120 (or null to keep everything)', { field: 'retentionMonths' })
  return m
}

/** Sites (tenants): who may embed, and how their residents are verified. */
export class SiteService {
  readonly #db: Database
  readonly #origins: OriginPolicy
  readonly #catalog: Catalog

  readonly #webhooks: Webhooks
  readonly #webhookTestTimeoutMs: number

  constructor (db: Database, origins: OriginPolicy, catalog: Catalog, webhooks: Webhooks, webhookTestTimeoutMs = 5000) {
    this.#db = db
    this.#origins = origins
    this.#catalog = catalog
    this.#webhooks = webhooks
    this.#webhookTestTimeoutMs = webhookTestTimeoutMs
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
      defaultLocale: checkLocale(input.defaultLocale),
      retentionMonths: checkRetention(input.retentionMonths),
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
    if (patch.defaultLocale !== undefined) site.defaultLocale = checkLocale(patch.defaultLocale)
    if (patch.retentionMonths !== undefined) site.retentionMonths = checkRetention(patch.retentionMonths)
    site.updatedAt = new Date().toISOString()
    await updateSite(this.#db.kysely, site)
    await this.#changed(id)
    return site
  }

  /**
   * Sends one test message to the site's saved webhook and waits for the answer (no retries,
   * bounded timeout), so staff see at once whether notifications arrive.
   */
  async testWebhook (id: string): Promise<DeliveryResult> {
    const site = await getSite(this.#db.kysely, id)
    if (!site) throw notFound('Site')
    const url = site.comments.webhookUrl
    if (!url) throw new AppError(409, 'WEBHOOK_NOT_SET', 'This site has no webhook URL: enter one and save, then send a test')
    const name = escapeChat(site.name)
    return this.#webhooks.test(url, {
      text: `Test message from civic-widgets: staff notifications for ${name} arrive here.`,
      attachments: [{
        fallback: `Test message for ${name}`,
        color: '#2f6f4e',
        title: 'Webhook test',
        text: 'Held comments, reports and project suggestions of this site will be posted to this channel.',
        fields: [{ title: 'Site', value: `${name} (${site.id})`, short: true }, { title: 'Sent at', value: new Date().toISOString(), short: true }]
      }]
    }, this.#webhookTestTimeoutMs)
  }

  async #changed (id: string): Promise<void> {
    this.#catalog.invalidateSite(id)
    await this.#origins.refresh()
  }
}
