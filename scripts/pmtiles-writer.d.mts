/** Types for scripts/pmtiles-writer.mjs. */
export const HEADER_BYTES: number
export function serializeDirectory (entries: Array<{ tileId: number; offset: number; length: number; runLength: number }>): Uint8Array
export function writePmtiles (o: {
  tiles: Array<{ z: number; x: number; y: number; data: Uint8Array }>
  metadata: unknown
  bounds: number[]
  center: number[]
  tileType?: 'mvt' | 'png' | 'jpeg' | 'webp' | 'avif'
  tileCompression?: 'none' | 'gzip'
  internalCompression?: 'none' | 'gzip'
}): Buffer
