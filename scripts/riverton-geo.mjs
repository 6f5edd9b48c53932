#!/usr/bin/env node
// The fictional city of Riverton as GeoJSON: boundary, four districts, a river, streets, parks
// and a railway, drawn from a fixed seed so every run writes the same bytes (no internet, no data).
//   node scripts/riverton-geo.mjs [out.geojson]   (default demo/geo/riverton.geojson)
// Every feature has `layer` (boundary|district|street|river|park|rail) and `name`; streets also
// `class` (main|residential). The demo's consultations use the district names; projects are
// seeded inside BOUNDS around CENTER.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const BOUNDS = [5.06, 52.055, 5.18, 52.125]
export const CENTER = [5.12, 52.09]
const [CX, CY] = CENTER
/** Metres per degree here, for widths and offsets given in metres. */
const M_LNG = 111_320 * Math.cos(CY * Math.PI / 180)
const M_LAT = 110_990

/** mulberry32: a tiny seeded PRNG, so the city is the same on every machine. */
function rng (seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const rand = rng(20260305)
const between = (lo, hi) => lo + (hi - lo) * rand()

/** Smooth 1-D noise in about [-1, 1]: a few sines with seeded phases. */
function wave (octaves = 3) {
  const parts = Array.from({ length: octaves }, (_, i) => ({ f: (i + 1) * between(0.8, 1.3), p: between(0, 2 * Math.PI), a: 1 / (i + 1) }))
  const norm = parts.reduce((s, p) => s + p.a, 0)
  return t => parts.reduce((s, p) => s + p.a * Math.sin(t * p.f * Math.PI * 2 + p.p), 0) / norm
}

const round = n => Math.round(n * 1e6) / 1e6
const pt = (x, y) => [round(x), round(y)]
const range = (a, b, step) => { const out = []; for (let v = a; v <= b + 1e-12; v += step) out.push(v); return out }

// City boundary: an x-monotone blob, top T(x) and bottom B(x) meeting at its west and east tips.
const X0 = CX - 0.049
const X1 = CX + 0.047
const RY = 0.0275
const topWave = wave(3)
const bottomWave = wave(3)
const u = x => (2 * (x - X0) / (X1 - X0)) - 1
const swell = x => Math.pow(Math.max(0, 1 - u(x) ** 2), 0.42)
const T = x => CY + 0.001 + RY * swell(x) * (1 + 0.07 * topWave(u(x)))
const B = x => CY - 0.001 - RY * swell(x) * (1 + 0.07 * bottomWave(u(x)))

// The river Wend: west to east across the whole map, south of the centre.
const riverWave = wave(3)
const river = x => 52.0805 + 0.0032 * riverWave((x - BOUNDS[0]) / (BOUNDS[2] - BOUNDS[0])) - 0.02 * (x - CX)
const RIVER_HALF = 38 / M_LAT // a 76 m wide river
// District borders: Riverside is the band within ~480 m of the river; Centre and North split on a wavy line.
const bandWave = wave(2)
const southEdge = x => river(x) - 0.0043 - 0.0006 * bandWave(u(x))
const northEdge = x => river(x) + 0.0045 + 0.0006 * bandWave(u(x) + 0.5)
const northWave = wave(2)
const northSplit = x => 52.1012 + 0.0013 * northWave(u(x))

const XS = range(X0, X1, (X1 - X0) / 240)

/** The polygon between two curves, clamped to the city; empty where they cross. */
function band (lower, upper) {
  const lo = []
  const hi = []
  for (const x of XS) {
    const l = Math.max(B(x), lower(x))
    const h = Math.min(T(x), upper(x))
    if (h - l <= 1e-7) continue
    lo.push(pt(x, l))
    hi.push(pt(x, h))
  }
  return ring([...lo, ...hi.reverse()])
}

/** Closes a ring and drops points a rounding made equal. */
function ring (points) {
  const out = points.filter((p, i) => i === 0 || p[0] !== points[i - 1][0] || p[1] !== points[i - 1][1])
  out.push(out[0])
  return out
}

const districtEdges = {
  North: [northSplit, T],
  Centre: [northEdge, northSplit],
  Riverside: [southEdge, northEdge],
  South: [B, southEdge]
}

const features = []
const add = (layer, name, geometry, extra = {}) => features.push({ type: 'Feature', properties: { layer, name, ...extra }, geometry })

add('boundary', 'Riverton', { type: 'Polygon', coordinates: [band(B, T)] })
for (const [name, [lower, upper]] of Object.entries(districtEdges)) {
  add('district', name, { type: 'Polygon', coordinates: [band(lower, upper)] })
}

// River polygon: the centre line offset by half its width along its normal (in metres).
{
  const xs = range(BOUNDS[0], BOUNDS[2], 0.0008)
  const left = []
  const right = []
  for (const x of xs) {
    const dx = 0.0004
    const slope = ((river(x + dx) - river(x - dx)) * M_LAT) / (2 * dx * M_LNG)
    const len = Math.hypot(1, slope)
    const nx = (-slope / len) * (RIVER_HALF * M_LAT) / M_LNG
    const ny = (1 / len) * RIVER_HALF
    const xl = Math.min(BOUNDS[2], Math.max(BOUNDS[0], x + nx))
    const xr = Math.min(BOUNDS[2], Math.max(BOUNDS[0], x - nx))
    left.push(pt(xl, river(x) + ny))
    right.push(pt(xr, river(x) - ny))
  }
  add('river', 'River Wend', { type: 'Polygon', coordinates: [ring([...right, ...left.reverse()])] })
}

const inCity = (x, y) => x > X0 && x < X1 && y > B(x) && y < T(x)
const bankNorth = x => river(x) + RIVER_HALF + 12 / M_LAT
const bankSouth = x => river(x) - RIVER_HALF - 12 / M_LAT

/** An east-west street along a curve, kept to the part inside the city. */
function alongCurve (curve, x0 = X0, x1 = X1) {
  const pts = []
  for (const x of range(x0, x1, Math.min(0.0012, (x1 - x0) / 3))) {
    const y = curve(x)
    if (inCity(x, y) && Math.min(T(x) - y, y - B(x)) > 90 / M_LAT) pts.push(pt(x, y))
  }
  return pts
}

/** A gently winding north-south street at about `x` from y0 to y1. */
function northSouth (x, y0, y1, wobble = 0.00045) {
  const w = wave(2)
  const pts = []
  const n = Math.max(2, Math.ceil(Math.abs(y1 - y0) / 0.0009))
  for (let i = 0; i <= n; i++) {
    const y = y0 + (y1 - y0) * i / n
    pts.push(pt(x + wobble * w(i / n), y))
  }
  return pts
}

const street = (name, coords, cls = 'residential') => {
  if (coords.length >= 2) add('street', name, { type: 'LineString', coordinates: coords }, { class: cls })
  return coords
}

/** `t` of the way from a district's lower edge to its upper edge. */
const within = (district, t) => x => {
  const [lower, upper] = districtEdges[district]
  const l = Math.max(B(x), lower(x))
  const h = Math.min(T(x), upper(x))
  return l + t * (h - l)
}

// Main streets.
const STATION_X = 5.1172
const rail = x => 52.1046 + 0.0021 * Math.sin((x - BOUNDS[0]) / 0.12 * Math.PI * 1.3) + 0.012 * (x - CX)
const market = within('Centre', 0.42)
street('Market Street', alongCurve(market), 'main')
street('Riverside Avenue', alongCurve(x => river(x) + 150 / M_LAT), 'main')
street('Kingsway', alongCurve(within('North', 0.45)), 'main')
street('Harbour Way', alongCurve(within('South', 0.5)), 'main')
street('Station Road', northSouth(STATION_X, market(STATION_X), rail(STATION_X) - 25 / M_LAT, 0.0002), 'main')
street('North Road', northSouth(STATION_X + 0.0008, rail(STATION_X) + 25 / M_LAT, BOUNDS[3], 0.0006), 'main')
street('Bridge Street', northSouth(5.1232, market(5.1232), B(5.1232) + 60 / M_LAT, 0.0003), 'main')
street('Southgate', northSouth(5.1236, B(5.1236) + 60 / M_LAT, BOUNDS[1], 0.0007), 'main')
{
  // Ring Road: a loop of about 1.3 km around the centre; it crosses the river on two bridges.
  const w = wave(2)
  const pts = []
  for (let i = 0; i <= 72; i++) {
    const a = (i / 72) * 2 * Math.PI
    const r = 1300 * (1 + 0.08 * w(i / 72))
    pts.push(pt(CX + (r * Math.cos(a)) / M_LNG, CY - 0.002 + (r * Math.sin(a)) / M_LAT))
  }
  pts[pts.length - 1] = pts[0]
  street('Ring Road', pts, 'main')
}

// Residential streets: a grid-ish net that follows the districts' curves.
const TREES = ['Elm', 'Oak', 'Birch', 'Willow', 'Alder', 'Hazel', 'Linden', 'Maple', 'Ash', 'Rowan', 'Beech', 'Poplar', 'Chestnut', 'Holly', 'Juniper', 'Laurel']
const PEOPLE = ['Miller', 'Cooper', 'Fletcher', 'Mason', 'Tanner', 'Weaver', 'Thatcher', 'Potter', 'Chandler', 'Carter', 'Baker', 'Fisher', 'Turner', 'Dyer', 'Glover', 'Sawyer']
const SUFFIX_NS = ['Street', 'Lane', 'Road', 'Way']
const SUFFIX_EW = ['Road', 'Street', 'Avenue', 'Terrace']
let nsCount = 0
/** The points of each column's streets, so closes can start exactly on them. */
const columnPoints = []
const BRIDGES = new Set([5, 10])
const columns = range(X0 + 0.0055, X1 - 0.004, 0.0061).map(x => x + between(-0.0008, 0.0008))
columns.forEach((x, i) => {
  if (Math.abs(x - STATION_X) < 0.002 || Math.abs(x - 5.1232) < 0.002) return
  const name = `${TREES[nsCount % TREES.length]} ${SUFFIX_NS[nsCount % SUFFIX_NS.length]}`
  nsCount++
  const top = T(x) - 40 / M_LAT
  const bottom = B(x) + 40 / M_LAT
  const pts = columnPoints[i] = []
  if (BRIDGES.has(i)) {
    pts.push(...street(name, northSouth(x, bottom, top)))
  } else {
    if (top - bankNorth(x) > 200 / M_LAT) pts.push(...street(name, northSouth(x, bankNorth(x), top)))
    if (bankSouth(x) - bottom > 200 / M_LAT) pts.push(...street(`${name} South`, northSouth(x, bottom, bankSouth(x))))
  }
})
const rows = { North: [0.2, 0.75], Centre: [0.15, 0.72], Riverside: [0.2], South: [0.22, 0.78] }
let ewCount = 0
for (const [district, ts] of Object.entries(rows)) {
  for (const t of ts) {
    street(`${PEOPLE[ewCount % PEOPLE.length]} ${SUFFIX_EW[ewCount % SUFFIX_EW.length]}`, alongCurve(within(district, t)))
    ewCount++
  }
}
// Short closes off the north-south streets, midway between two rows, so the net does not look like graph paper.
const closes = [[2, 'North', 0.6], [6, 'North', 0.3], [9, 'North', 0.6], [1, 'Centre', 0.3], [4, 'Centre', 0.86], [11, 'Centre', 0.3],
  [12, 'Centre', 0.55], [3, 'South', 0.36], [7, 'South', 0.66], [10, 'South', 0.36], [8, 'Riverside', 0.1]]
closes.forEach(([i, district, t], n) => {
  const curve = within(district, t)
  const start = (columnPoints[i] ?? columnPoints[i + 1]).reduce((a, b) => Math.abs(b[1] - curve(b[0])) < Math.abs(a[1] - curve(a[0])) ? b : a)
  const len = between(0.0022, 0.0034) * (n % 2 ? 1 : -1)
  const rest = alongCurve(curve, Math.min(start[0], start[0] + len), Math.max(start[0], start[0] + len)).filter(p => p[0] !== start[0])
  street(`${PEOPLE[(ewCount + n) % PEOPLE.length]} Close`, len > 0 ? [start, ...rest] : [...rest, start])
})

// Parks: blocks of the grid, inset from the streets around them.
function park (name, x0, x1, lower, upper) {
  const inset = 40 / M_LNG
  const lo = []
  const hi = []
  for (const x of range(x0 + inset, x1 - inset, 0.0004)) {
    lo.push(pt(x, lower(x) + 40 / M_LAT))
    hi.push(pt(x, upper(x) - 40 / M_LAT))
  }
  add('park', name, { type: 'Polygon', coordinates: [ring([...lo, ...hi.reverse()])] })
}
const col = i => columns[i]
park('Central Park', col(7) + 0.0006, col(8) - 0.0006, within('Centre', 0.42), within('Centre', 0.72))
park('Castle Gardens', col(9) + 0.0006, col(10) - 0.0006, within('Centre', 0.15), within('Centre', 0.42))
park('Riverside Park', col(3) + 0.0006, col(6) - 0.0006, x => river(x) + RIVER_HALF, x => river(x) + 150 / M_LAT)
park('North Woods', col(4) + 0.0006, col(6) - 0.0006, within('North', 0.45), within('North', 0.75))
park('Station Gardens', STATION_X + 0.0012, col(9) - 0.0006, x => rail(x) + 30 / M_LAT, x => rail(x) + 260 / M_LAT)
park('Mill Green', col(11) + 0.0006, col(12) - 0.0006, within('South', 0.5), within('South', 0.78))
park('South Common', col(4) + 0.0006, col(6) - 0.0006, within('South', 0.22), within('South', 0.5))

// Railway: west to east across the whole map, north of the centre, with the station on Station Road.
add('rail', 'Riverton Line', { type: 'LineString', coordinates: range(BOUNDS[0], BOUNDS[2], 0.0015).map(x => pt(x, rail(x))) })

export const riverton = { type: 'FeatureCollection', bbox: BOUNDS, features }

/** One feature per line: small, and diffs stay readable. */
export function serialize (fc) {
  return `{"type":"FeatureCollection","bbox":${JSON.stringify(fc.bbox)},"features":[\n${fc.features.map(f => JSON.stringify(f)).join(',\n')}\n]}\n`
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url))
  const out = path.resolve(process.argv[2] ?? path.join(root, 'demo/geo/riverton.geojson'))
  fs.mkdirSync(path.dirname(out), { recursive: true })
  const text = serialize(riverton)
  fs.writeFileSync(out, text)
  const count = layer => features.filter(f => f.properties.layer === layer).length
  console.log(`${path.relative(process.cwd(), out)}: ${features.length} features (${count('street')} streets, ${count('park')} parks), ${(text.length / 1024).toFixed(1)} KB`)
}
