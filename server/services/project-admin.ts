import type { Kysely } from 'kysely'
import type { CreateProjectBody, MapSettingsBody, PutProjectBody } from '../schemas/admin-projects.ts'
import type { Database } from '../store/db.ts'
import { isUniqueViolation } from '../store/db.ts'
import {
  bumpFeedVersion, DEFAULT_MAP_SETTINGS, deleteProject, getMapRow, getProject, getProjects, insertProject, insertProjects, listProjectsPage,
  saveMapSettings, updateProject
} from '../store/projects-repo.ts'
import type { MapSettings, Project, ProjectCursor, ProjectReview } from '../store/projects-repo.ts'
import type { DB } from '../store/schema.ts'
import type { Catalog } from './catalog.ts'
import { AppError, notFound } from './errors.ts'
import { fromCsv, fromGeoJson } from './project-import.ts'
import type { RowError } from './project-import.ts'
import { checkProject, invalidProject, mergeMapSettings, RESERVED_IDS } from './project-rules.ts'
import { newProjectId, publicFeature } from './projects.ts'
import type { ProjectFeed } from './projects.ts'

export const PROJECTS_PAGE = 50
export const PROJECTS_MAX_PAGE = 200

export interface AdminListQuery { site?: string; status?: ProjectReview; q?: string; cursor?: string; limit?: string }

/** Everything staff see of a project, the submitter's email included. */
export function adminFeature (p: Project) {
  const f = publicFeature(p)
  return {
    ...f,
    properties: {
      ...f.properties,
      siteId: p.siteId,
      review: p.review,
      rejectReason: p.rejectReason,
      source: p.source,
      submitterEmail: p.submitterEmail,
      createdAt: p.createdAt,
      reviewedAt: p.reviewedAt
    }
  }
}
export type AdminFeature = ReturnType<typeof adminFeature>

function encodeCursor (p: Project): string {
  return Buffer.from(JSON.stringify([p.createdAt, p.id])).toString('base64url')
}

function decodeCursor (c: string): ProjectCursor {
  try {
    const v = JSON.parse(Buffer.from(c, 'base64url').toString('utf8'))
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(v[0]) &&
      typeof v[1] === 'string' && v[1].length <= 64) return { createdAt: v[0], id: v[1] }
  } catch { /* fall through */ }
  throw new AppError(400, 'BAD_REQUEST', 'Invalid cursor (pass back nextCursor with the same filters)')
}

/** Staff operations on the project map: its settings, projects, the review of suggestions, imports. */
export class ProjectAdminService {
  readonly #db: Database
  readonly #catalog: Catalog
  readonly #feed: ProjectFeed

  constructor (db: Database, catalog: Catalog, feed: ProjectFeed) {
    this.#db = db
    this.#catalog = catalog
    this.#feed = feed
  }

  get #k () { return this.#db.kysely }

  async #assertSite (siteId: string): Promise<void> {
    if (!await this.#catalog.site(siteId)) throw notFound('Site')
  }

  async #settings (siteId: string): Promise<{ settings: MapSettings; version: number }> {
    const row = await getMapRow(this.#k, siteId)
    return { settings: row?.settings ?? { ...DEFAULT_MAP_SETTINGS }, version: row?.version ?? 0 }
  }

  // ── map settings ────────────────────────────────────────────────────────────────────────────

  async getMap (siteId: string): Promise<MapSettings & { version: number }> {
    await this.#assertSite(siteId)
    const { settings, version } = await this.#settings(siteId)
    return { ...settings, version }
  }

  async putMap (siteId: string, body: MapSettingsBody): Promise<MapSettings & { version: number }> {
    await this.#assertSite(siteId)
    const { settings } = await this.#settings(siteId)
    const next = mergeMapSettings(settings, body as Partial<MapSettings>)
    await saveMapSettings(this.#k, siteId, next, new Date().toISOString())
    return this.getMap(siteId)
  }

  // ── projects ────────────────────────────────────────────────────────────────────────────────

  async list (q: AdminListQuery): Promise<{ projects: AdminFeature[]; nextCursor: string | null }> {
    const n = q.limit === undefined ? PROJECTS_PAGE : Number(q.limit)
    if (!Number.isInteger(n) || n < 1 || n > PROJECTS_MAX_PAGE) throw new AppError(400, 'BAD_REQUEST', `limit is 1–${PROJECTS_MAX_PAGE}`)
    const after = q.cursor === undefined ? null : decodeCursor(q.cursor)
    const rows = await listProjectsPage(this.#k, { siteId: q.site, review: q.status, q: q.q }, after, n + 1)
    const page = rows.slice(0, n)
    return { projects: page.map(adminFeature), nextCursor: rows.length > n ? encodeCursor(page[page.length - 1]!) : null }
  }

  async get (id: string): Promise<AdminFeature> {
    const p = await getProject(this.#k, id)
    if (!p) throw notFound('Project')
    return adminFeature(p)
  }

  async create (body: CreateProjectBody): Promise<AdminFeature> {
    await this.#assertSite(body.siteId)
    if (body.id !== undefined && RESERVED_IDS.has(body.id)) throw invalidProject('id', `${body.id} is reserved (a route of its own)`)
    const { settings } = await this.#settings(body.siteId)
    const checked = checkProject(body, settings)
    const at = new Date().toISOString()
    const review = body.review ?? 'approved'
    const p: Project = {
      id: body.id ?? newProjectId(),
      siteId: body.siteId,
      ...checked,
      review,
      rejectReason: null,
      source: 'staff',
      submitterEmail: null,
      participantId: null,
      idempotencyKey: null,
      createdAt: at,
      updatedAt: at,
      reviewedAt: review === 'pending' ? null : at
    }
    try {
      await this.#k.transaction().execute(async trx => {
        await insertProject(trx, p)
        if (review === 'approved') await bumpFeedVersion(trx, p.siteId, at)
      })
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError(409, 'ALREADY_EXISTS', `Project ${p.id} exists already`)
      throw err
    }
    this.#feed.changed(p.siteId)
    return adminFeature(p)
  }

  /** Replaces the project's fields; its review state, source and submitter stay. */
  async update (id: string, body: PutProjectBody): Promise<AdminFeature> {
    const current = await getProject(this.#k, id)
    if (!current) throw notFound('Project')
    const { settings } = await this.#settings(current.siteId)
    // A resident's suggestion keeps its category even if staff since removed it from the map.
    const keepOld = body.category === current.category && !settings.categories.some(c => c.id === current.category)
    const allowed: MapSettings = keepOld
      ? { ...settings, categories: [...settings.categories, { id: current.category, label: current.category, color: '#000000', icon: 'flag' }] }
      : settings
    const checked = checkProject(body, allowed)
    return adminFeature(await this.#change(id, p => Object.assign(p, checked)))
  }

  async remove (id: string): Promise<void> {
    const p = await getProject(this.#k, id)
    if (!p) throw notFound('Project')
    const at = new Date().toISOString()
    await this.#k.transaction().execute(async trx => {
      const cur = await getProject(trx, id, this.#db.dialect === 'postgres')
      if (!cur) return
      await deleteProject(trx, id)
      if (cur.review === 'approved') await bumpFeedVersion(trx, cur.siteId, at)
    })
    this.#feed.changed(p.siteId)
  }

  async approve (id: string): Promise<AdminFeature> {
    return adminFeature(await this.#change(id, (p, at) => {
      if (p.review !== 'approved') p.reviewedAt = at
      p.review = 'approved'
      p.rejectReason = null
    }))
  }

  async reject (id: string, reason: string): Promise<AdminFeature> {
    const text = reason.trim()
    if (text === '') throw invalidProject('reason', 'The reason must not be blank')
    return adminFeature(await this.#change(id, (p, at) => {
      p.review = 'rejected'
      p.rejectReason = text
      p.reviewedAt = at
    }))
  }

  /** Reads the row under a lock, applies `fn`, writes it back; the feed version moves when the public set may change. */
  async #change (id: string, fn: (p: Project, at: string) => void): Promise<Project> {
    const out = await this.#k.transaction().execute(async trx => {
      const p = await getProject(trx, id, this.#db.dialect === 'postgres')
      if (!p) throw notFound('Project')
      const wasPublic = p.review === 'approved'
      const at = new Date().toISOString()
      fn(p, at)
      p.updatedAt = at
      await updateProject(trx, p)
      if (wasPublic || p.review === 'approved') await bumpFeedVersion(trx, p.siteId, at)
      return p
    })
    this.#feed.changed(out.siteId)
    return out
  }

  // ── import ──────────────────────────────────────────────────────────────────────────────────

  /**
   * Valid rows go in at once (approved, in one transaction). A row whose id is an existing project
   * of the site updates its fields (review state, source and submitter stay), so a city re-imports
   * its GIS export without doubles; an id of another site's project is refused for that row.
   */
  async import (siteId: string, format: 'csv' | 'geojson', body: unknown): Promise<{ imported: number; updated: number; errors: RowError[] }> {
    await this.#assertSite(siteId)
    const { settings } = await this.#settings(siteId)
    const parsed = format === 'csv' ? fromCsv(String(body ?? ''), settings) : fromGeoJson(body, settings)
    const errors = [...parsed.errors]
    const ids = parsed.projects.flatMap(r => (r.id ? [r.id] : []))
    const at = new Date().toISOString()
    let counts = { imported: 0, updated: 0 }
    try {
      counts = await this.#k.transaction().execute(async (trx: Kysely<DB>) => {
        // Read under the rows' locks (PostgreSQL): a staff change made meanwhile is not written over.
        const existing = new Map((await getProjects(trx, ids, this.#db.dialect === 'postgres')).map(p => [p.id, p]))
        const created: Project[] = []
        const updated: Project[] = []
        for (const { row, id, project } of parsed.projects) {
          const old = id ? existing.get(id) : undefined
          if (old && old.siteId !== siteId) errors.push({ row, message: `id: ${id} is a project of another site` })
          // CSV has no contact or link column: an update from CSV keeps what staff set there.
          else if (old) updated.push({ ...old, ...project, ...(format === 'csv' ? { contact: old.contact, link: old.link } : {}), updatedAt: at })
          else {
            created.push({
              id: id ?? newProjectId(), siteId, ...project, review: 'approved', rejectReason: null, source: 'import', submitterEmail: null,
              participantId: null, idempotencyKey: null, createdAt: at, updatedAt: at, reviewedAt: at
            })
          }
        }
        if (created.length + updated.length === 0) return { imported: 0, updated: 0 }
        await insertProjects(trx, created)
        for (const p of updated) await updateProject(trx, p)
        await bumpFeedVersion(trx, siteId, at)
        return { imported: created.length, updated: updated.length }
      })
    } catch (err) {
      // Another import (or a staff member) created one of these ids meanwhile: nothing went in.
      if (isUniqueViolation(err)) throw new AppError(409, 'ALREADY_EXISTS', 'A project with one of these ids was created meanwhile; import the file again')
      throw err
    }
    if (counts.imported + counts.updated > 0) this.#feed.changed(siteId)
    return { ...counts, errors: errors.sort((a, b) => a.row - b.row) }
  }
}
