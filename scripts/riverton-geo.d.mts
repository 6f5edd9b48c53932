/** Types for scripts/riverton-geo.mjs. */
export const BOUNDS: [number, number, number, number]
export const CENTER: [number, number]
export const riverton: { type: 'FeatureCollection'; bbox: number[]; features: Array<{ type: 'Feature'; properties: Record<string, string>; geometry: { type: string; coordinates: any } }> }
export function serialize (fc: unknown): string
