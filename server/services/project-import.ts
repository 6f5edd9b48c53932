import type { MapSettings } from '../store/projects-repo.ts'
import { AppError } from './errors.ts'
import { checkProject } from './project-rules.ts'
import type { CheckedProject, ProjectInput } from './project-rules.ts'

export interface RowError { row: number; message: string }
export interface ParsedImport { projects: CheckedProject[]; errors: RowError[] }

export const CSV_COLUMNS = ['title', 'category', 'status', 'start', 'end', 'address', 'description', 'lat', 'lon'] as const

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

/** CSV with the columns of CSV_COLUMNS (any order, extra columns ignored): one point per row. */
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
  records.slice(1).forEach((r, i) => {
    const row = i + 2
    if (r.every(c => c.trim() === '')) return
    const lat = col(r, 'lat')
    const lon = col(r, 'lon')
    try {
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
      out.projects.push(checkProject(input, settings))
    } catch (err) {
      out.errors.push({ row, message: message(err) })
    }
  })
  return out
}

/** A FeatureCollection whose features carry the project fields as properties; row = feature index + 1. */
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
  features.features.forEach((f: unknown, i: number) => {
    const row = i + 1
    try {
      const feature = f as { type?: unknown; properties?: unknown; geometry?: unknown } | null
      if (!feature || feature.type !== 'Feature') throw new AppError(400, 'BAD_GEOJSON', 'Not a GeoJSON Feature')
      const p = (typeof feature.properties === 'object' && feature.properties !== null ? feature.properties : {}) as Record<string, unknown>
      const str = (k: string) => (typeof p[k] === 'string' ? (p[k] as string) : typeof p[k] === 'number' ? String(p[k]) : null)
      out.projects.push(checkProject({
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
      }, settings))
    } catch (err) {
      out.errors.push({ row, message: message(err) })
    }
  })
  return out
}
