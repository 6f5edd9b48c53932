import crypto from 'node:crypto'
import fs from 'node:fs'
import zlib from 'node:zlib'
import { AppError } from './errors.ts'
import { buildMapStyle, CONTEXT_LAYERS } from './map-style.ts'

/** What a served file is now; files may be replaced while the server runs (a new extract). */
interface FileVersion { size: number; mtimeMs: number; ino: number }

const sameVersion = (a: FileVersion | undefined, b: fs.Stats) => a !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino

export interface ContextDocument {
  /** Minified JSON and its gzip, computed once per version of the file. */
  json: Buffer
  gzip: Buffer
  etag: string
  bbox: number[]
}

const EMPTY = '{"type":"FeatureCollection","features":[]}'

/**
 * MAP_CONTEXT: a FeatureCollection whose features each say which context layer they belong to.
 * A bad file is refused with the feature that is wrong, at start and whenever it changes.
 */
export function parseContext (text: string, file = 'MAP_CONTEXT'): { json: string; bbox: number[] } {
  let fc: any
  try { fc = JSON.parse(text) } catch (err) { throw new Error(`${file} is not JSON: ${(err as Error).message}`) }
  if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) throw new Error(`${file} must be a GeoJSON FeatureCollection`)
  const bbox = [Infinity, Infinity, -Infinity, -Infinity]
  const walk = (c: unknown): void => {
    if (!Array.isArray(c)) throw new Error('coordinates must be arrays')
    if (typeof c[0] === 'number') {
      const [x, y] = c as number[]
      if (!(Math.abs(x!) <= 180 && Math.abs(y!) <= 90)) throw new Error('coordinates outside WGS84')
      bbox[0] = Math.min(bbox[0]!, x!); bbox[1] = Math.min(bbox[1]!, y!); bbox[2] = Math.max(bbox[2]!, x!); bbox[3] = Math.max(bbox[3]!, y!)
    } else c.forEach(walk)
  }
  fc.features.forEach((f: any, i: number) => {
    const layer = f?.properties?.layer
    if (f?.type !== 'Feature' || !f.geometry) throw new Error(`${file}: feature ${i} is not a GeoJSON Feature with a geometry`)
    if (!(CONTEXT_LAYERS as readonly string[]).includes(layer)) {
      throw new Error(`${file}: feature ${i} has layer ${JSON.stringify(layer)}; expected one of ${CONTEXT_LAYERS.join(', ')}`)
    }
    try { walk(f.geometry.coordinates) } catch (err) { throw new Error(`${file}: feature ${i}: ${(err as Error).message}`) }
  })
  const box = Array.isArray(fc.bbox) && fc.bbox.length === 4 ? fc.bbox : bbox
  return { json: JSON.stringify({ type: 'FeatureCollection', bbox: box, features: fc.features }), bbox: box }
}

function documentOf (json: string, bbox: number[]): ContextDocument {
  const body = Buffer.from(json)
  return {
    json: body,
    gzip: zlib.gzipSync(body),
    etag: `"${crypto.createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    bbox
  }
}

/** The context GeoJSON: read at start, read again when the file changes (a bad new file keeps the old one). */
class ContextFile {
  #version?: FileVersion
  #doc: ContextDocument
  readonly #path?: string
  readonly #onError: (err: Error) => void

  constructor (path: string | undefined, onError: (err: Error) => void) {
    this.#path = path
    this.#onError = onError
    this.#doc = documentOf(EMPTY, [])
    if (path) this.#load(fs.statSync(path), true)
  }

  #load (stat: fs.Stats, strict: boolean) {
    try {
      const parsed = parseContext(fs.readFileSync(this.#path!, 'utf8'))
      this.#doc = documentOf(parsed.json, parsed.bbox)
    } catch (err) {
      if (strict) throw err
      this.#onError(err as Error)
    }
    this.#version = { size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino }
  }

  current (): ContextDocument {
    if (this.#path) {
      try {
        const stat = fs.statSync(this.#path)
        if (!sameVersion(this.#version, stat)) this.#load(stat, false)
      } catch (err) { this.#onError(err as Error) }
    }
    return this.#doc
  }
}

export interface BasemapVersion {
  size: number
  /** Strong (byte-exact) validator: size, mtime and inode of the file. */
  etag: string
  lastModified: string
  /** Source-layers from the archive's metadata (`vector_layers`). */
  layers: string[]
  /** West, south, east, north from the archive's header. */
  bounds: number[]
}

/** Reads the bounds and source-layers of a PMTiles v3 archive: header at 0, JSON metadata where it says. */
export function readPmtilesInfo (fd: number, name = 'BASEMAP_PMTILES'): { layers: string[]; bounds: number[] } {
  const header = Buffer.alloc(127)
  if (fs.readSync(fd, header, 0, 127, 0) < 127 || header.toString('ascii', 0, 7) !== 'PMTiles' || header[7] !== 3) {
    throw new Error(`${name} is not a PMTiles v3 archive`)
  }
  const offset = Number(header.readBigUInt64LE(24))
  const length = Number(header.readBigUInt64LE(32))
  const raw = Buffer.alloc(length)
  fs.readSync(fd, raw, 0, length, offset)
  const compression = header[97]
  const text = compression === 2 ? zlib.gunzipSync(raw) : compression === 3 ? zlib.brotliDecompressSync(raw) : raw
  const meta = JSON.parse(text.toString('utf8'))
  return {
    layers: Array.isArray(meta.vector_layers) ? meta.vector_layers.map((l: { id: string }) => String(l.id)) : [],
    bounds: [102, 106, 110, 114].map(at => header.readInt32LE(at) / 1e7)
  }
}

/** The archive opened for one request: version and bytes from the same file, even if it is replaced meanwhile. */
export interface OpenedBasemap {
  version: BasemapVersion
  /** Inclusive byte range; the stream closes the file when done. */
  stream (start: number, end: number): fs.ReadStream
  /** For answers without a body. */
  close (): void
}

/** The PMTiles archive at BASEMAP_PMTILES, checked on every request so a replaced file is noticed. */
class BasemapFile {
  #version?: FileVersion
  #info?: BasemapVersion
  readonly path: string

  constructor (path: string) {
    this.path = path
    // A wrong path is an operator's mistake: refuse to start rather than serve 404s.
    if (!fs.existsSync(path)) throw new Error(`BASEMAP_PMTILES: ${path} does not exist`)
    this.open().close()
  }

  #versionOf (fd: number): BasemapVersion {
    const stat = fs.fstatSync(fd)
    if (!sameVersion(this.#version, stat) || !this.#info) {
      this.#info = {
        size: stat.size,
        etag: `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}-${stat.ino.toString(16)}"`,
        lastModified: stat.mtime.toUTCString(),
        ...readPmtilesInfo(fd, this.path)
      }
      this.#version = { size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino }
    }
    return this.#info
  }

  open (): OpenedBasemap {
    let fd: number
    try { fd = fs.openSync(this.path, 'r') } catch { throw new AppError(404, 'NOT_FOUND', 'The basemap archive is missing') }
    try {
      return {
        version: this.#versionOf(fd),
        stream: (start, end) => fs.createReadStream('', { fd, start, end, autoClose: true }),
        close: () => fs.closeSync(fd)
      }
    } catch (err) {
      fs.closeSync(fd)
      throw err
    }
  }

  /** The version without keeping the file open (for the style). */
  current (): BasemapVersion {
    const opened = this.open()
    opened.close()
    return opened.version
  }
}

/** The basemap side of the project map: the context layers, the optional PMTiles archive and the style. */
export class MapService {
  readonly #context: ContextFile
  readonly #basemap?: BasemapFile

  constructor (opts: { contextPath?: string; basemapPath?: string }, onError: (err: Error) => void) {
    this.#context = new ContextFile(opts.contextPath, onError)
    this.#basemap = opts.basemapPath ? new BasemapFile(opts.basemapPath) : undefined
  }

  context (): ContextDocument {
    return this.#context.current()
  }

  basemap (): BasemapFile {
    if (!this.#basemap) throw new AppError(404, 'NOT_FOUND', 'No basemap archive is configured (BASEMAP_PMTILES)')
    return this.#basemap
  }

  style (origin: string, site: string | undefined): Record<string, unknown> {
    const b = this.#basemap?.current()
    const context = this.#context.current().bbox
    const bbox = context.length === 4 ? context : b?.bounds
    // The etag's hex digits, without quotes: safe in a URL and changes with the file.
    const basemap = b && { version: b.etag.replace(/[^0-9a-f]/g, '').slice(0, 32), layers: b.layers }
    return buildMapStyle({ origin, site, bbox, basemap })
  }
}
