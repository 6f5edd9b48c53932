import type { Kysely } from 'kysely'
import type { DB, SitesTable } from './schema.ts'

export interface SiteIdentity {
  issuer?: string
  audience?: string
  /** HS256 shared key. */
  secret?: string
  jwksUrl?: string
}

export interface Site {
  id: string
  name: string
  origins: string[]
  identity: SiteIdentity | null
  createdAt: string
  updatedAt: string
}

function toSite (r: SitesTable): Site {
  return {
    id: r.id,
    name: r.name,
    origins: JSON.parse(r.origins),
    identity: r.identity === null ? null : JSON.parse(r.identity),
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

/** Every site's origin list, for the CORS allow-list. */
export async function listAllOrigins (db: Kysely<DB>): Promise<string[]> {
  const rows = await db.selectFrom('sites').select('origins').execute()
  return rows.flatMap(r => JSON.parse(r.origins) as string[])
}
