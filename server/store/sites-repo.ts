import type { Kysely } from 'kysely'
import type { DB, SitesTable } from './schema.ts'

export interface SiteIdentity {
  issuer?: string
  audience?: string
  /** HS256 shared key. */
  secret?: string
  jwksUrl?: string
}

export type ModerationMode = 'post' | 'pre' | 'first'

/** How a site's comment threads are run. */
export interface CommentSettings {
  /** Default mode of its threads: publish at once, review everything, or review first comments. */
  moderation: ModerationMode
  /** Words that hold a comment for review (case-insensitive, whole words). */
  suspectWords: string[]
  /** Words that refuse a comment. */
  bannedWords: string[]
  /** Hold comments containing links for review. */
  holdLinks: boolean
  /** Open reports that hide a published comment until reviewed. */
  reportThreshold: number
  /** Least time between two comments of one author (0 = off). */
  rateLimitSeconds: number
  /** Most comments per author per 24 h (0 = off). */
  dailyCap: number
  /** How long authors may edit or delete their comment. */
  editWindowMinutes: number
  /** Create a thread at the first comment on an unknown key. */
  threadsAutoCreate: boolean
  /** Staff notifications (Slack/Mattermost/Rocket.Chat incoming webhook). */
  webhookUrl: string | null
}

export const DEFAULT_COMMENT_SETTINGS: Readonly<CommentSettings> = Object.freeze({
  moderation: 'post',
  suspectWords: [],
  bannedWords: [],
  holdLinks: false,
  reportThreshold: 3,
  rateLimitSeconds: 30,
  dailyCap: 50,
  editWindowMinutes: 15,
  threadsAutoCreate: true,
  webhookUrl: null
})

/** Languages the widgets and the console speak. */
export const SITE_LOCALES = ['en', 'fr', 'de', 'es', 'nl', 'ar'] as const
export type SiteLocale = typeof SITE_LOCALES[number]

export interface Site {
  id: string
  name: string
  origins: string[]
  identity: SiteIdentity | null
  comments: CommentSettings
  /** The site's usual language (null: none set). Optional so that older callers need not name it. */
  defaultLocale?: SiteLocale | null
  /** Raw responses are deleted this many months after their poll or consultation closed; null = kept. */
  retentionMonths?: number | null
  createdAt: string
  updatedAt: string
}

function toSite (r: SitesTable): Site {
  return {
    id: r.id,
    name: r.name,
    origins: JSON.parse(r.origins),
    identity: r.identity === null ? null : JSON.parse(r.identity),
    comments: { ...DEFAULT_COMMENT_SETTINGS, ...(r.comment_settings === null ? {} : JSON.parse(r.comment_settings)) },
    defaultLocale: (r.default_locale ?? null) as SiteLocale | null,
    retentionMonths: r.retention_months === null || r.retention_months === undefined ? null : Number(r.retention_months),
    createdAt: r.created_at,
    updatedAt: r.updated_at
  }
}

function toRow (s: Site): SitesTable {
  return {
    id: s.id,
    name: s.name,
    origins: JSON.stringify(s.origins),
    identity: s.identity === null ? null : JSON.stringify(s.identity),
    comment_settings: JSON.stringify(s.comments ?? DEFAULT_COMMENT_SETTINGS),
    default_locale: s.defaultLocale ?? null,
    retention_months: s.retentionMonths ?? null,
    created_at: s.createdAt,
    updated_at: s.updatedAt
  }
}

export async function listSites (db: Kysely<DB>): Promise<Site[]> {
  const rows = await db.selectFrom('sites').selectAll().orderBy('created_at').orderBy('id').execute()
  return rows.map(toSite)
}

export async function getSite (db: Kysely<DB>, id: string): Promise<Site | undefined> {
  const row = await db.selectFrom('sites').selectAll().where('id', '=', id).executeTakeFirst()
  return row && toSite(row)
}

export async function insertSite (db: Kysely<DB>, site: Site): Promise<void> {
  await db.insertInto('sites').values(toRow(site)).execute()
}

export async function updateSite (db: Kysely<DB>, site: Site): Promise<void> {
  const { id, created_at: _c, ...rest } = toRow(site)
  await db.updateTable('sites').set(rest).where('id', '=', id).execute()
}

/** Sites whose raw responses expire, with their retention in months. */
export async function listRetentionSites (db: Kysely<DB>): Promise<Array<{ id: string; months: number }>> {
  const rows = await db.selectFrom('sites').select(['id', 'retention_months']).where('retention_months', 'is not', null).orderBy('id').execute()
  return rows.map(r => ({ id: r.id, months: Number(r.retention_months) }))
}

/** Every site's origin list, for the CORS allow-list. */
export async function listAllOrigins (db: Kysely<DB>): Promise<string[]> {
  const rows = await db.selectFrom('sites').select('origins').execute()
  return rows.flatMap(r => JSON.parse(r.origins) as string[])
}
