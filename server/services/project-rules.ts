import type { Bounds, Category, Geometry, GeometryType, MapSettings, Project, ProjectStatus } from '../store/projects-repo.ts'
import { ICONS } from '../store/projects-repo.ts'
import { codePoints } from './comment-rules.ts'
import { AppError } from './errors.ts'

export const STATUSES: readonly ProjectStatus[] = ['planned', 'in_progress', 'completed']
export const MAX_TITLE = 200
export const MAX_DESCRIPTION = 5000
export const MAX_ADDRESS = 300
/** Points in one geometry: a detailed park outline has hundreds; this stops abuse, not maps. */
export const MAX_POINTS = 10_000
const GEOMETRY_TYPES: readonly GeometryType[] = ['Point', 'LineString', 'Polygon', 'MultiLineString', 'MultiPolygon']

export const invalidProject = (field: string, message: string) => new AppError(400, 'INVALID_PROJECT', message, { field })
/** Ids a project cannot have: routes of their own under /v1/admin/projects. */
export const RESERVED_IDS: ReadonlySet<string> = new Set(['map', 'submissions', 'import'])
const invalidGeometry = (reason: string) => new AppError(400, 'INVALID_GEOMETRY', `Invalid geometry: ${reason}`, { reason })

// ── dates ─────────────────────────────────────────────────────────────────────────────────────

/** A real calendar day written YYYY-MM-DD (not 2026-02-30). */
export function isDate (s: string): boolean {
  if (!/^\d{4}-\d\d-\d\d$/.test(s)) return false
  const d = new Date(`${s}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s
}

export function checkDates (start: string, end: string | null): void {
  if (!isDate(start)) throw invalidProject('start', 'The start date must be a day written YYYY-MM-DD')
  if (end !== null && !isDate(end)) throw invalidProject('end', 'The end date must be a day written YYYY-MM-DD')
  if (end !== null && end < start) throw new AppError(400, 'INVALID_DATES', 'The end date is before the start date')
}

// ── geometry ──────────────────────────────────────────────────────────────────────────────────

type Position = [number, number]

/** [lng, lat] inside WGS84, rounded to 6 decimals (~10 cm); an altitude is dropped. */
function position (p: unknown): Position {
  if (!Array.isArray(p) || p.length < 2 || p.length > 3 || !p.every(n => typeof n === 'number' && Number.isFinite(n))) {
    throw invalidGeometry('a position must be [longitude, latitude]')
  }
  const [lng, lat] = p as number[]
  if (lng! < -180 || lng! > 180 || lat! < -90 || lat! > 90) throw invalidGeometry('coordinates outside WGS84 (longitude −180…180, latitude −90…90)')
  return [Math.round(lng! * 1e6) / 1e6, Math.round(lat! * 1e6) / 1e6]
}

function line (c: unknown, count: { n: number }): Position[] {
  if (!Array.isArray(c)) throw invalidGeometry('a line is an array of positions')
  if (c.length < 2) throw invalidGeometry('a line needs at least 2 points')
  count.n += c.length
  if (count.n > MAX_POINTS) throw invalidGeometry(`more than ${MAX_POINTS} points`)
  return c.map(position)
}

function polygon (c: unknown, count: { n: number }): Position[][] {
  if (!Array.isArray(c) || c.length === 0) throw invalidGeometry('a polygon is an array of rings')
  return c.map(r => {
    if (!Array.isArray(r) || r.length < 4) throw invalidGeometry('a ring needs at least 4 points (the first repeated at the end)')
    const ring = line(r, count)
    const [a, b] = [ring[0]!, ring[ring.length - 1]!]
    if (a[0] !== b[0] || a[1] !== b[1]) throw invalidGeometry('ring not closed (the last point must repeat the first)')
    return ring
  })
}

function many<T> (c: unknown, what: string, one: (x: unknown) => T): T[] {
  if (!Array.isArray(c) || c.length === 0) throw invalidGeometry(`a ${what} needs at least one part`)
  return c.map(one)
}

/** A GeoJSON geometry we can store and draw, normalised; `pointOnly` for residents' submissions. */
export function checkGeometry (g: unknown, opts: { pointOnly?: boolean } = {}): Geometry {
  if (typeof g !== 'object' || g === null || Array.isArray(g)) throw invalidGeometry('a GeoJSON geometry object is required')
  const { type, coordinates } = g as { type?: unknown; coordinates?: unknown }
  if (typeof type !== 'string' || !GEOMETRY_TYPES.includes(type as GeometryType)) {
    throw invalidGeometry(`unsupported geometry type ${JSON.stringify(type ?? null)} (Point, LineString, Polygon, MultiLineString, MultiPolygon)`)
  }
  if (opts.pointOnly && type !== 'Point') throw invalidGeometry('residents can only suggest a point')
  const count = { n: 0 }
  switch (type as GeometryType) {
    case 'Point': return { type: 'Point', coordinates: position(coordinates) }
    case 'LineString': return { type: 'LineString', coordinates: line(coordinates, count) }
    case 'Polygon': return { type: 'Polygon', coordinates: polygon(coordinates, count) }
    case 'MultiLineString': return { type: 'MultiLineString', coordinates: many(coordinates, 'multi-line', c => line(c, count)) }
    case 'MultiPolygon': return { type: 'MultiPolygon', coordinates: many(coordinates, 'multi-polygon', c => polygon(c, count)) }
  }
}

/** The extent of a checked geometry (a plain recursion: the feed computes it for every project). */
export function geometryBounds (g: Geometry): Bounds {
  const b: Bounds = [Infinity, Infinity, -Infinity, -Infinity]
  const walk = (c: unknown[]): void => {
    if (typeof c[0] === 'number') {
      const x = c[0] as number
      const y = c[1] as number
      if (x < b[0]) b[0] = x
      if (x > b[2]) b[2] = x
      if (y < b[1]) b[1] = y
      if (y > b[3]) b[3] = y
    } else {
      for (let i = 0; i < c.length; i++) walk(c[i] as unknown[])
    }
  }
  walk(g.coordinates as unknown[])
  return b
}

export function boundsOverlap (a: Bounds, b: Bounds): boolean {
  return a[0] <= b[2] && a[2] >= b[0] && a[1] <= b[3] && a[3] >= b[1]
}

/** The whole geometry lies inside the bounds (null = anywhere). */
export function assertInBounds (g: Geometry, bounds: Bounds | null): void {
  if (bounds === null) return
  const [w, s, e, n] = geometryBounds(g)
  if (w < bounds[0] || e > bounds[2] || s < bounds[1] || n > bounds[3]) {
    throw new AppError(400, 'OUT_OF_BOUNDS', 'This location is outside the area this map covers')
  }
}

// ── texts ─────────────────────────────────────────────────────────────────────────────────────

/** Trimmed, non-blank, at most `max` code points, no control characters but newlines in long texts. */
export function checkText (field: string, value: string, max: number, multiline = false): string {
  const v = value.trim()
  if (v === '') throw invalidProject(field, `The ${field} must not be blank`)
  if (codePoints(v) > max) throw invalidProject(field, `The ${field} is longer than ${max} characters`)
  if ((multiline ? /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/ : /[\u0000-\u001f\u007f]/).test(v)) {
    throw invalidProject(field, `The ${field} contains control characters`)
  }
  return v
}

export function optionalText (field: string, value: string | null | undefined, max: number): string | null {
  return value == null || value.trim() === '' ? null : checkText(field, value, max)
}

export function checkEmail (value: string | null | undefined): string | null {
  if (value == null || value.trim() === '') return null
  const v = value.trim()
  if (v.length > 254 || !/^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/.test(v)) {
    throw invalidProject('email', 'The email address does not look valid')
  }
  return v
}

export function checkLink (value: string | null | undefined): string | null {
  if (value == null || value.trim() === '') return null
  try {
    const u = new URL(value.trim())
    if (u.protocol === 'http:' || u.protocol === 'https:') return u.href
  } catch { /* fall through */ }
  throw invalidProject('link', 'The link must be an http(s) URL')
}

export function checkCategory (category: string, settings: MapSettings): string {
  if (!settings.categories.some(c => c.id === category)) {
    throw invalidProject('category', `Unknown category ${JSON.stringify(category)} (this map has: ${settings.categories.map(c => c.id).join(', ') || 'none'})`)
  }
  return category
}

export function checkStatus (status: string): ProjectStatus {
  if (!STATUSES.includes(status as ProjectStatus)) throw invalidProject('status', `The status must be one of ${STATUSES.join(', ')}`)
  return status as ProjectStatus
}

/** What staff and imports give for a project. */
export interface ProjectInput {
  title: string
  category: string
  status: string
  start: string
  end?: string | null
  address?: string | null
  description?: string | null
  contact?: string | null
  link?: string | null
  geometry: unknown
}

export type CheckedProject = Pick<Project, 'title' | 'category' | 'status' | 'start' | 'end' | 'address' | 'description' | 'contact' | 'link' | 'geometry'>

/** Every rule at once, for staff edits and imports (residents have their own, narrower path). */
export function checkProject (input: ProjectInput, settings: MapSettings): CheckedProject {
  const end = input.end == null || input.end === '' ? null : input.end
  checkDates(input.start, end)
  return {
    title: checkText('title', input.title, MAX_TITLE),
    category: checkCategory(input.category, settings),
    status: checkStatus(input.status),
    start: input.start,
    end,
    address: optionalText('address', input.address, MAX_ADDRESS),
    description: input.description == null ? '' : input.description.trim().length === 0 ? '' : checkText('description', input.description, MAX_DESCRIPTION, true),
    contact: optionalText('contact', input.contact, MAX_ADDRESS),
    link: checkLink(input.link),
    geometry: checkGeometry(input.geometry)
  }
}

// ── map settings ──────────────────────────────────────────────────────────────────────────────

const invalidMap = (field: string, message: string) => new AppError(400, 'INVALID_MAP', message, { field })

function checkLngLat (field: string, lng: number, lat: number): void {
  if (!(lng >= -180 && lng <= 180 && lat >= -90 && lat <= 90)) throw invalidMap(field, `${field}: coordinates outside WGS84`)
}

/** Settings staff give, merged over the current ones. */
export function mergeMapSettings (current: MapSettings, patch: Partial<MapSettings>): MapSettings {
  const s: MapSettings = {
    ...current,
    ...patch,
    submissions: { ...current.submissions, ...patch.submissions }
  }
  if (s.bounds !== null) {
    const [w, so, e, n] = s.bounds
    checkLngLat('bounds', w, so)
    checkLngLat('bounds', e, n)
    if (w >= e || so >= n) throw invalidMap('bounds', 'bounds are [west, south, east, north] with west < east and south < north')
  }
  checkLngLat('center', s.center[0], s.center[1])
  if (!(s.zoom >= 0 && s.zoom <= 22)) throw invalidMap('zoom', 'zoom is 0–22')
  const ids = new Set<string>()
  for (const c of s.categories) {
    if (ids.has(c.id)) throw invalidMap('categories', `Category ${c.id} appears twice`)
    ids.add(c.id)
    if (!/^#[0-9a-fA-F]{6}$/.test(c.color)) throw invalidMap('categories', `Category ${c.id}: color must be #rrggbb`)
    if (!ICONS.includes(c.icon)) throw invalidMap('categories', `Category ${c.id}: icon must be one of ${ICONS.join(', ')}`)
  }
  if (s.style !== null) {
    try {
      const u = new URL(s.style)
      if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('scheme')
    } catch {
      throw invalidMap('style', 'style must be an http(s) URL, or null for this server\'s style')
    }
  }
  return s
}

export function categoryOf (settings: MapSettings, id: string): Category | undefined {
  return settings.categories.find(c => c.id === id)
}

// ── query filters ─────────────────────────────────────────────────────────────────────────────

export interface FeedFilter {
  bbox: Bounds | null
  categories: Set<string> | null
  statuses: Set<string> | null
  from: string | null
  to: string | null
  q: string | null
}

const badQuery = (message: string) => new AppError(400, 'BAD_REQUEST', message)

export function parseFilter (q: { bbox?: string; category?: string; status?: string; from?: string; to?: string; q?: string }): FeedFilter {
  let bbox: Bounds | null = null
  if (q.bbox !== undefined) {
    const parts = q.bbox.split(',').map(s => Number(s.trim()))
    if (parts.length !== 4 || parts.some(n => !Number.isFinite(n)) || parts[0]! > parts[2]! || parts[1]! > parts[3]!) {
      throw badQuery('bbox is west,south,east,north (WGS84 degrees)')
    }
    bbox = parts as Bounds
  }
  const list = (s: string | undefined) => s === undefined ? null : new Set(s.split(',').map(x => x.trim()).filter(Boolean))
  const statuses = list(q.status)
  for (const s of statuses ?? []) if (!STATUSES.includes(s as ProjectStatus)) throw badQuery(`status is a list of ${STATUSES.join(', ')}`)
  for (const [name, d] of [['from', q.from], ['to', q.to]] as const) if (d !== undefined && !isDate(d)) throw badQuery(`${name} is a day written YYYY-MM-DD`)
  const text = q.q?.trim().toLowerCase()
  return { bbox, categories: list(q.category), statuses, from: q.from ?? null, to: q.to ?? null, q: text ? text : null }
}

export function isUnfiltered (f: FeedFilter): boolean {
  return f.bbox === null && f.categories === null && f.statuses === null && f.from === null && f.to === null && f.q === null
}
