// A minimal PMTiles v3 writer (the `pmtiles` package only reads): header, one root directory,
// JSON metadata, tile data. Enough for small archives such as the demo basemap; a city's real
// extract comes from tippecanoe or planetiler. Spec: github.com/protomaps/PMTiles spec/v3/spec.md
import crypto from 'node:crypto'
import zlib from 'node:zlib'
import { zxyToTileId } from 'pmtiles'

export const HEADER_BYTES = 127
/** The header and the root directory must fit in the first 16 KiB (clients fetch that much first). */
const ROOT_LIMIT = 16_384
const COMPRESSION = { none: 1, gzip: 2 }
const TILE_TYPE = { mvt: 1, png: 2, jpeg: 3, webp: 4, avif: 5 }

function varint (n, out) {
  // Entries hold offsets up to 2^53; plain arithmetic keeps them exact beyond 32 bits.
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80)
    n = Math.floor(n / 0x80)
  }
  out.push(n)
}

/** Columnar varint encoding: count, tile-id deltas, run lengths, lengths, offsets (0 = contiguous). */
export function serializeDirectory (entries) {
  const out = []
  varint(entries.length, out)
  let last = 0
  for (const e of entries) { varint(e.tileId - last, out); last = e.tileId }
  for (const e of entries) varint(e.runLength, out)
  for (const e of entries) varint(e.length, out)
  entries.forEach((e, i) => {
    const prev = entries[i - 1]
    varint(prev && e.offset === prev.offset + prev.length ? 0 : e.offset + 1, out)
  })
  return Uint8Array.from(out)
}

// gzip with a zero mtime (Node's default), so the same tiles give the same archive bytes.
const compress = (bytes, how) => how === 'gzip' ? zlib.gzipSync(bytes, { level: 9 }) : Buffer.from(bytes)

/**
 * @param {object} o
 * @param {{ z: number, x: number, y: number, data: Uint8Array }[]} o.tiles  encoded tiles (already compressed with o.tileCompression)
 * @param {object} o.metadata  JSON metadata (vector_layers, name, ...)
 * @param {[number, number, number, number]} o.bounds  w, s, e, n
 * @param {[number, number, number]} o.center  lng, lat, zoom
 * @returns {Buffer} the whole archive
 */
export function writePmtiles ({ tiles, metadata, bounds, center, tileType = 'mvt', tileCompression = 'gzip', internalCompression = 'gzip' }) {
  if (!tiles.length) throw new Error('a PMTiles archive needs at least one tile')
  const sorted = tiles.map(t => ({ ...t, tileId: zxyToTileId(t.z, t.x, t.y) })).sort((a, b) => a.tileId - b.tileId)
  // Identical tiles (empty water, inside a park) are stored once; consecutive repeats become runs.
  const blobs = []
  const seen = new Map()
  let dataLength = 0
  const entries = []
  for (const t of sorted) {
    const hash = crypto.createHash('sha256').update(t.data).digest('hex')
    let offset = seen.get(hash)
    if (offset === undefined) {
      offset = dataLength
      seen.set(hash, offset)
      blobs.push(t.data)
      dataLength += t.data.length
    }
    const prev = entries.at(-1)
    if (prev && prev.offset === offset && prev.tileId + prev.runLength === t.tileId) prev.runLength++
    else entries.push({ tileId: t.tileId, offset, length: t.data.length, runLength: 1 })
  }
  const root = compress(serializeDirectory(entries), internalCompression)
  if (HEADER_BYTES + root.length > ROOT_LIMIT) throw new Error(`root directory of ${root.length} bytes does not fit in 16 KiB; this writer has no leaf directories`)
  const meta = compress(new TextEncoder().encode(JSON.stringify(metadata)), internalCompression)
  const rootOffset = HEADER_BYTES
  const metaOffset = rootOffset + root.length
  const dataOffset = metaOffset + meta.length

  const header = Buffer.alloc(HEADER_BYTES)
  header.write('PMTiles', 0, 'ascii')
  header.writeUInt8(3, 7)
  const u64 = (v, at) => header.writeBigUInt64LE(BigInt(v), at)
  u64(rootOffset, 8); u64(root.length, 16)
  u64(metaOffset, 24); u64(meta.length, 32)
  u64(dataOffset, 40); u64(0, 48) // no leaf directories
  u64(dataOffset, 56); u64(dataLength, 64)
  u64(sorted.length, 72) // addressed tiles
  u64(entries.length, 80) // tile entries
  u64(blobs.length, 88) // tile contents
  header.writeUInt8(1, 96) // clustered: blobs in tile-id order, repeats point back
  header.writeUInt8(COMPRESSION[internalCompression], 97)
  header.writeUInt8(COMPRESSION[tileCompression], 98)
  header.writeUInt8(TILE_TYPE[tileType], 99)
  header.writeUInt8(Math.min(...sorted.map(t => t.z)), 100)
  header.writeUInt8(Math.max(...sorted.map(t => t.z)), 101)
  const e7 = v => Math.round(v * 1e7)
  header.writeInt32LE(e7(bounds[0]), 102)
  header.writeInt32LE(e7(bounds[1]), 106)
  header.writeInt32LE(e7(bounds[2]), 110)
  header.writeInt32LE(e7(bounds[3]), 114)
  header.writeUInt8(center[2], 118)
  header.writeInt32LE(e7(center[0]), 119)
  header.writeInt32LE(e7(center[1]), 123)
  return Buffer.concat([header, root, meta, ...blobs])
}
