import { sql } from 'kysely'
import type { Kysely } from 'kysely'
import type { DB, ProjectsTable } from './schema.ts'

export type ProjectStatus = 'planned' | 'in_progress' | 'completed'
export type ProjectReview = 'pending' | 'approved' | 'rejected'
export type ProjectSource = 'staff' | 'import' | 'resident'
export type GeometryType = 'Point' | 'LineString' | 'Polygon' | 'MultiLineString' | 'MultiPolygon'

/** A checked GeoJSON geometry (WGS84 [lng, lat]). */
export interface Geometry { type: GeometryType; coordinates: unknown }

/** Icons the widget draws itself (no icon URLs: strict CSP, air-gapped installs). */
export const ICONS = ['cone', 'detour', 'building', 'tree', 'pipe', 'bus', 'bike', 'water', 'light', 'flag'] as const
export type IconName = typeof ICONS[number]

export interface Category { id: string; label: string; color: string; icon: IconName }
export type Bounds = [west: number, south: number, east: number, north: number]

/** A site's project map. */
export interface MapSettings {
  /** Where residents may submit; null = anywhere. */
  bounds: Bounds | null
  center: [lng: number, lat: number]
  zoom: number
  categories: Category[]
  submissions: { enabled: boolean; perDay: number }
  /** A comment thread per project (key `project:<id>`). */
  comments: boolean
  /** A MapLibre style URL; null = this server's /v1/map/style.json. */
  style: string | null
}

export const DEFAULT_MAP_SETTINGS: Readonly<MapSettings> = Object.freeze<MapSettings>({
  bounds: null,
  center: [0, 20],
  zoom: 2,
  categories: [],
  submissions: { enabled: false, perDay: 5 },
  comments: false,
  style: null
})

export interface Project {
  id: string
  siteId: string
  title: string
  category: string
  status: ProjectStatus
  /** YYYY-MM-DD. */
  start: string
  end: string | null
  address: string | null
  description: string
  contact: string | null
  link: string | null
  geometry: Geometry
  review: ProjectReview
  rejectReason: string | null
  source: ProjectSource
  submitterEmail: string | null
  participantId: string | null
  idempotencyKey: string | null
  createdAt: string
  updatedAt: string
  reviewedAt: string | null
}

export function toProject (r: ProjectsTable): Project {
  return {
    id: r.id,
    siteId: r.site_id,
    title: r.title,
    category: r.category,
    status: r.status as ProjectStatus,
    start: r.start_date,
    end: r.end_date,
    address: r.address,
    description: r.description,
    contact: r.contact,
    link: r.link,
    geometry: JSON.parse(r.geometry),
    review: r.review as ProjectReview,
    rejectReason: r.reject_reason,
    source: r.source as ProjectSource,
    submitterEmail: r.submitter_email,
    participantId: r.participant_id,
    idempotencyKey: r.idempotency_key,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    reviewedAt: r.reviewed_at
  }
}

function toRow (p: Project): ProjectsTable {
  return {
    id: p.id,
    site_id: p.siteId,
    title: p.title,
    category: p.category,
    status: p.status,
    start_date: p.start,
    end_date: p.end,
    address: p.address,
    description: p.description,
    contact: p.contact,
    link: p.link,
    geometry: JSON.stringify(p.geometry),
    review: p.review,
    reject_reason: p.rejectReason,
    source: p.source,
    submitter_email: p.submitterEmail,
    participant_id: p.participantId,
    idempotency_key: p.idempotencyKey,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    reviewed_at: p.reviewedAt
  }
}

/** `lock` (PostgreSQL only): staff changes read the row for update. */
export async function getProject (db: Kysely<DB>, id: string, lock = false): Promise<Project | undefined> {
  const row = await db.selectFrom('projects').selectAll().where('id', '=', id).$if(lock, q => q.forUpdate()).executeTakeFirst()
  return row && toProject(row)
}

/** The projects of these ids that exist (any site), in no particular order; `lock` (PostgreSQL only) as getProject. */
export async function getProjects (db: Kysely<DB>, ids: string[], lock = false): Promise<Project[]> {
  const out: Project[] = []
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.selectFrom('projects').selectAll().where('id', 'in', ids.slice(i, i + 500)).$if(lock, q => q.forUpdate()).execute()
    out.push(...rows.map(toProject))
  }
  return out
}

export async function insertProject (db: Kysely<DB>, p: Project): Promise<void> {
  await db.insertInto('projects').values(toRow(p)).execute()
}

export async function insertProjects (db: Kysely<DB>, list: Project[]): Promise<void> {
  // 21 columns: 500 rows stay below either database's limit of bound parameters.
  for (let i = 0; i < list.length; i += 500) await db.insertInto('projects').values(list.slice(i, i + 500).map(toRow)).execute()
}

export async function updateProject (db: Kysely<DB>, p: Project): Promise<void> {
  const { id, created_at: _c, ...rest } = toRow(p)
  await db.updateTable('projects').set(rest).where('id', '=', id).execute()
}

export async function deleteProject (db: Kysely<DB>, id: string): Promise<void> {
  await db.deleteFrom('projects').where('id', '=', id).execute()
}

/** What the public feed shows of a project: the compact columns only. */
export type PublicRow = Pick<ProjectsTable, 'id' | 'title' | 'category' | 'status' | 'start_date' | 'end_date' | 'address' | 'geometry'>

export type PublicPageRow = PublicRow & Pick<ProjectsTable, 'created_at'>

/** A page of a site's approved projects, oldest first (a stable order for the feed), keyset by (created_at, id). */
export async function listPublicRows (db: Kysely<DB>, siteId: string, after: ProjectCursor | null, limit: number): Promise<PublicPageRow[]> {
  return db.selectFrom('projects')
    .select(['id', 'title', 'category', 'status', 'start_date', 'end_date', 'address', 'geometry', 'created_at'])
    .where('site_id', '=', siteId).where('review', '=', 'approved')
    .$if(after !== null, q => q.where(eb => eb.or([
      eb('created_at', '>', after!.createdAt),
      eb.and([eb('created_at', '=', after!.createdAt), eb('id', '>', after!.id)])
    ])))
    .orderBy('created_at').orderBy('id')
    .limit(limit)
    .execute()
}

export interface ProjectCursor { createdAt: string; id: string }
export interface ProjectFilter { siteId?: string; review?: ProjectReview; q?: string }

/** Staff pages: newest first, keyset by (created_at, id); `q` searches title and address literally. */
export async function listProjectsPage (db: Kysely<DB>, f: ProjectFilter, after: ProjectCursor | null, limit: number): Promise<Project[]> {
  const like = f.q === undefined ? undefined : `%${f.q.toLowerCase().replace(/[\\%_]/g, m => `\\${m}`)}%`
  const rows = await db.selectFrom('projects').selectAll()
    .$if(f.siteId !== undefined, q => q.where('site_id', '=', f.siteId!))
    .$if(f.review !== undefined, q => q.where('review', '=', f.review!))
    .$if(like !== undefined, q => q.where(sql<boolean>`(lower(title) like ${like} escape '\\' or lower(coalesce(address, '')) like ${like} escape '\\')`))
    .$if(after !== null, q => q.where(eb => eb.or([
      eb('created_at', '<', after!.createdAt),
      eb.and([eb('created_at', '=', after!.createdAt), eb('id', '<', after!.id)])
    ])))
    .orderBy('created_at', 'desc').orderBy('id', 'desc')
    .limit(limit)
    .execute()
  return rows.map(toProject)
}

export async function findByIdempotencyKey (db: Kysely<DB>, participantId: string, key: string): Promise<Project | undefined> {
  const row = await db.selectFrom('projects').selectAll()
    .where('participant_id', '=', participantId).where('idempotency_key', '=', key)
    .executeTakeFirst()
  return row && toProject(row)
}

/** A participant's submissions to a site since `since` (the daily cap). */
export async function countSubmissionsSince (db: Kysely<DB>, siteId: string, participantId: string, since: string): Promise<number> {
  const r = await db.selectFrom('projects').select(eb => eb.fn.countAll<string | number>().as('n'))
    .where('participant_id', '=', participantId).where('created_at', '>=', since).where('site_id', '=', siteId)
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

// ── map settings and the feed version ─────────────────────────────────────────────────────────

export interface MapRow { settings: MapSettings; version: number; updatedAt: string }

export async function getMapRow (db: Kysely<DB>, siteId: string): Promise<MapRow | undefined> {
  const r = await db.selectFrom('project_maps').selectAll().where('site_id', '=', siteId).executeTakeFirst()
  if (!r) return undefined
  return {
    settings: { ...DEFAULT_MAP_SETTINGS, ...(r.settings === null ? {} : JSON.parse(r.settings)) },
    version: Number(r.version),
    updatedAt: r.updated_at
  }
}

/** The feed version alone (read on every feed request, cached briefly). */
export async function getFeedVersion (db: Kysely<DB>, siteId: string): Promise<number> {
  const r = await db.selectFrom('project_maps').select('version').where('site_id', '=', siteId).executeTakeFirst()
  return r ? Number(r.version) : 0
}

export async function saveMapSettings (db: Kysely<DB>, siteId: string, settings: MapSettings, at: string): Promise<void> {
  const text = JSON.stringify(settings)
  await db.insertInto('project_maps').values({ site_id: siteId, settings: text, version: 1, updated_at: at })
    .onConflict(oc => oc.column('site_id').doUpdateSet({ settings: text, updated_at: at }))
    .execute()
}

/** In the transaction of a change to the site's public projects; returns the new version. */
export async function bumpFeedVersion (db: Kysely<DB>, siteId: string, at: string): Promise<number> {
  const r = await db.insertInto('project_maps').values({ site_id: siteId, settings: null, version: 1, updated_at: at })
    .onConflict(oc => oc.column('site_id').doUpdateSet({ version: sql`project_maps.version + 1`, updated_at: at }))
    .returning('version')
    .executeTakeFirstOrThrow()
  return Number(r.version)
}
