/**
 * The default MapLibre style (v8): calm, light colours that sit under coloured project features,
 * and nothing fetched from anywhere but this server — no glyphs, no sprite, no text layers.
 */

/** The context layers a city describes its area with (`layer` of each MAP_CONTEXT feature). */
export const CONTEXT_LAYERS = ['boundary', 'district', 'river', 'park', 'street', 'rail'] as const
export type ContextLayer = typeof CONTEXT_LAYERS[number]

export interface StyleInput {
  /** This server's own origin as the client sees it, e.g. `https://api.city.example`. */
  origin: string
  site?: string
  /** West, south, east, north of the area; the style opens centred on it. */
  bbox?: readonly number[]
  /** Set when BASEMAP_PMTILES is served: its version and the source-layers it has. */
  basemap?: { version: string; layers: readonly string[] }
}

type Layer = Record<string, unknown>

const round6 = (n: number) => Math.round(n * 1e6) / 1e6

const COLORS = {
  background: '#eeebe5',
  land: '#f8f6f1',
  park: '#dbe9cf',
  parkLine: '#c2d9b0',
  water: '#c4dbec',
  waterLine: '#a9c9e2',
  district: '#d8cfe0',
  casing: '#d6cfc2',
  street: '#ffffff',
  mainStreet: '#fcf3dc',
  mainCasing: '#d9c9a3',
  rail: '#b1aba1',
  boundary: '#8d8577'
}

/** Widths grow with zoom; main streets are about twice as wide as the others. */
const streetWidth = (main: number[], other: number[]) => ['interpolate', ['exponential', 1.5], ['zoom'],
  11, ['match', ['get', 'class'], 'main', main[0]!, other[0]!],
  14, ['match', ['get', 'class'], 'main', main[1]!, other[1]!],
  17, ['match', ['get', 'class'], 'main', main[2]!, other[2]!]]

/** The layers, each drawn from `from(layer)`: a filtered GeoJSON source or a vector source-layer. */
function layers (from: (layer: ContextLayer) => Layer, has: (layer: ContextLayer) => boolean): Layer[] {
  const all: Array<[ContextLayer, Layer]> = [
    ['boundary', { id: 'boundary-fill', type: 'fill', paint: { 'fill-color': COLORS.land } }],
    ['park', { id: 'park-fill', type: 'fill', paint: { 'fill-color': COLORS.park, 'fill-outline-color': COLORS.parkLine } }],
    ['river', { id: 'water-fill', type: 'fill', paint: { 'fill-color': COLORS.water } }],
    ['river', { id: 'water-line', type: 'line', paint: { 'line-color': COLORS.waterLine, 'line-width': 1 } }],
    // Solid: two neighbouring districts both draw their shared edge, and dashes out of phase would look broken.
    ['district', { id: 'district-line', type: 'line', paint: { 'line-color': COLORS.district, 'line-width': ['interpolate', ['linear'], ['zoom'], 11, 1, 16, 3], 'line-opacity': 0.8 } }],
    ['street', { id: 'street-casing', type: 'line', layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': ['match', ['get', 'class'], 'main', COLORS.mainCasing, COLORS.casing], 'line-width': streetWidth([2.5, 6.5, 19], [1, 3, 11]) } }],
    ['street', { id: 'street', type: 'line', layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': ['match', ['get', 'class'], 'main', COLORS.mainStreet, COLORS.street], 'line-width': streetWidth([1.6, 5, 16], [0.5, 1.8, 8.5]) } }],
    ['rail', { id: 'rail', type: 'line', paint: { 'line-color': COLORS.rail, 'line-width': ['interpolate', ['linear'], ['zoom'], 11, 1, 16, 3] } }],
    ['rail', { id: 'rail-ties', type: 'line', minzoom: 13, paint: { 'line-color': COLORS.rail, 'line-width': ['interpolate', ['linear'], ['zoom'], 13, 3, 16, 7], 'line-dasharray': [0.2, 2] } }],
    ['boundary', { id: 'boundary-line', type: 'line', paint: { 'line-color': COLORS.boundary, 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 1, 16, 2.5], 'line-dasharray': [4, 2], 'line-opacity': 0.7 } }]
  ]
  return all.filter(([layer]) => has(layer)).map(([layer, def]) => ({ ...def, ...from(layer) }))
}

export function buildMapStyle ({ origin, site, bbox, basemap }: StyleInput): Record<string, unknown> {
  const query = site ? `?site=${encodeURIComponent(site)}` : ''
  const style: Record<string, unknown> = {
    version: 8,
    name: 'civic-widgets offline',
    metadata: { 'civic:basemap': basemap ? 'pmtiles' : 'context' }
  }
  if (bbox && bbox.length === 4) {
    style.center = [round6((bbox[0]! + bbox[2]!) / 2), round6((bbox[1]! + bbox[3]!) / 2)]
    style.zoom = 12
  }
  const background = { id: 'background', type: 'background', paint: { 'background-color': COLORS.background } }
  if (basemap) {
    const has = new Set(basemap.layers)
    style.sources = {
      basemap: {
        type: 'vector',
        // The version makes browsers fetch a replaced archive instead of mixing cached ranges of two files.
        url: `pmtiles://${origin}/v1/map/basemap.pmtiles?v=${encodeURIComponent(basemap.version)}`
      }
    }
    style.layers = [background, ...layers(layer => ({ source: 'basemap', 'source-layer': layer }), layer => has.has(layer))]
  } else {
    style.sources = { context: { type: 'geojson', data: `${origin}/v1/map/context.geojson${query}` } }
    style.layers = [background, ...layers(layer => ({ source: 'context', filter: ['==', ['get', 'layer'], layer] }), () => true)]
  }
  return style
}
