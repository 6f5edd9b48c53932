/** Types for scripts/basemap-pmtiles.mjs. */
export const DEFAULT_INPUT: string
export const DEFAULT_OUTPUT: string
export const LAYERS: string[]
export function buildBasemap (opts?: { input?: string; output?: string; minZoom?: number; maxZoom?: number }): {
  output: string; bytes: number; tiles: number; perZoom: Record<number, number>; ms: number
}
