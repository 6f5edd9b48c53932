import { SLUG_PATTERN } from '../schemas/common.ts'
import type { MapSettings } from '../store/projects-repo.ts'
import { AppError } from './errors.ts'
import { checkProject, invalidProject, RESERVED_IDS } from './project-rules.ts'
import type { CheckedProject, ProjectInput } from './project-rules.ts'

export interface RowError { row: number; message: string }
/** A valid row: `id` when the file names one (a row with the id of an existing project updates it). */
export interface ImportRow { row: number; id: string | null; project: CheckedProject }
export interface ParsedImport { projects: ImportRow[]; errors: RowError[] }

export const CSV_COLUMNS = ['title', 'category', 'status', 'start', 'end', 'address', 'description', 'lat', 'lon'] as const

/**
 * The id a file gives a row (a GIS export's own key, such as `RW-2026-014` or 17), as a project
 * id: lowercased, the characters of a slug. Re-importing next week's export then updates the
 * same projects instead of adding them again. None given: null (a new project each time).
 */
const SLUG = new RegExp(SLUG_PATTERN)

function importId (raw: unknown, seen: Set<string>): string | null {
  if (raw === undefined || raw === null || raw === '') return null
  const id = (typeof raw === 'number' && Number.isSafeInteger(raw) ? String(raw) : typeof raw === 'string' ? raw.trim() : '').toLowerCase()
  if (!SLUG.test(id)) throw invalidProject('id', 'id: letters, digits, - and _ only (at most 64)')
  if (RESERVED_IDS.has(id)) throw invalidProject('id', `id: ${id} is reserved (a route of its own)`)
  if (seen.has(id)) throw invalidProject('id', `id: ${id} is on an earlier row of this file`)
  seen.add(id)
  return id
}

/**
 * RFC 4180 records: quoted cells may hold commas, quotes ("") and line breaks; CRLF or LF; a
 * leading BOM is dropped. Each record comes with its 1-based number (the header is record 1).
 */
export function parseCsv (text: string): string[][] {
  const records: string[][] = []
  let record: string[] = []
  let cell = ''
  let quoted = false
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0
  let atCellStart = true
  for (; i < text.length; i++) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { cell += '"'; i++ } else quoted = false
      } else cell += ch
      continue
    }
    if (ch === '"' && atCellStart) { quoted = true; atCellStart = false; continue }
    if (ch === ',') { record.push(cell); cell = ''; atCellStart = true; continue }
    if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      record.push(cell)
      records.push(record)
      record = []
      cell = ''
      atCellStart = true
      continue
    }
    cell += ch
    atCellStart = false
  }
  if (quoted) throw new AppError(400, 'BAD_CSV', 'A quoted cell is not closed')
  if (cell !== '' || record.length > 0) {
    record.push(cell)
    records.push(record)
  }
  return records
}

const message = (err: unknown) => {
  if (err instanceof AppError) {
    const reason = (err.details as { field?: string } | undefined)?.field
    return reason && !err.message.toLowerCase().includes(reason.toLowerCase()) ? `${reason}: ${err.message}` : err.message
  }
  throw err
}

/** CSV with the columns of CSV_COLUMNS and optionally `id` (any order, extra columns ignored): one point per row. */
export function fromCsv (text: string, settings: MapSettings): ParsedImport {
  const records = parseCsv(text)
  const header = (records[0] ?? []).map(h => h.trim().toLowerCase())
  const missing = CSV_COLUMNS.filter(c => c !== 'end' && c !== 'address' && c !== 'description' && c !== 'status' && !header.includes(c))
  if (records.length === 0 || missing.length > 0) {
    throw new AppError(400, 'BAD_CSV', `The header needs the columns ${CSV_COLUMNS.join(',')} (missing: ${missing.join(', ') || 'all'})`)
  }
  const col = (r: string[], name: string) => {
    const i = header.indexOf(name)
    return i < 0 ? '' : (r[i] ?? '').trim()
  }
  const out: ParsedImport = { projects: [], errors: [] }
  const seen = new Set<string>()
  records.slice(1).forEach((r, i) => {
    const row = i + 2
    if (r.every(c => c.trim() === '')) return
    const lat = col(r, 'lat')
    const lon = col(r, 'lon')
    try {
      const id = importId(col(r, 'id'), seen)
      if (lat === '' || lon === '' || !Number.isFinite(Number(lat)) || !Number.isFinite(Number(lon))) {
        throw new AppError(400, 'INVALID_GEOMETRY', 'lat and lon must be numbers (decimal degrees)')
      }
      const input: ProjectInput = {
        title: col(r, 'title'),
        category: col(r, 'category'),
        status: col(r, 'status') || 'planned',
        start: col(r, 'start'),
        end: col(r, 'end') || null,
        address: col(r, 'address') || null,
        description: col(r, 'description') || null,
        geometry: { type: 'Point', coordinates: [Number(lon), Number(lat)] }
      }
      out.projects.push({ row, id, project: checkProject(input, settings) })
    } catch (err) {
      out.errors.push({ row, message: message(err) })
    }
  })
  return out
}

/** A FeatureCollection whose features carry the project fields as properties (the id: the feature's `id` or `properties.id`); row = feature index + 1. */
export function fromGeoJson (body: string | unknown, settings: MapSettings): ParsedImport {
  let doc: unknown = body
  if (typeof body === 'string') {
    try { doc = JSON.parse(body) } catch { throw new AppError(400, 'BAD_JSON', 'The body is not valid JSON') }
  }
  const features = (doc as { type?: unknown; features?: unknown } | null)
  if (!features || features.type !== 'FeatureCollection' || !Array.isArray(features.features)) {
    throw new AppError(400, 'BAD_GEOJSON', 'Send a GeoJSON FeatureCollection')
  }
  const out: ParsedImport = { projects: [], errors: [] }
  const seen = new Set<string>()
  features.features.forEach((f: unknown, i: number) => {
    const row = i + 1
    try {
      const feature = f as { type?: unknown; id?: unknown; properties?: unknown; geometry?: unknown } | null
      if (!feature || feature.type !== 'Feature') throw new AppError(400, 'BAD_GEOJSON', 'Not a GeoJSON Feature')
      const p = (typeof feature.properties === 'object' && feature.properties !== null ? feature.properties : {}) as Record<string, unknown>
      const str = (k: string) => (typeof p[k] === 'string' ? (p[k] as string) : typeof p[k] === 'number' ? String(p[k]) : null)
      const id = importId(feature.id ?? p.id, seen)
      out.projects.push({ row, id, project: checkProject({
        title: str('title') ?? '',
        category: str('category') ?? '',
        status: str('status') || 'planned',
        start: str('start') ?? '',
        end: str('end'),
        address: str('address'),
        description: str('description'),
        contact: str('contact'),
        link: str('link'),
        geometry: feature.geometry
      }, settings) })
    } catch (err) {
      out.errors.push({ row, message: message(err) })
    }
  })
  return out
}
