import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { after, before, describe, test } from 'node:test'
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec'
import { VectorTile } from '@mapbox/vector-tile'
import { PbfReader } from 'pbf'
import { PMTiles } from 'pmtiles'
import { buildBasemap, DEFAULT_INPUT, LAYERS } from '../../scripts/basemap-pmtiles.mjs'
import { writePmtiles } from '../../scripts/pmtiles-writer.mjs'
import { BOUNDS, riverton, serialize } from '../../scripts/riverton-geo.mjs'
import type { App } from '../../server/app.ts'
import { loadConfig } from '../../server/config.ts'
import { parseRange } from '../../server/routes/byte-range.ts'
import { forEachDb, ORIGIN } from './helpers/harness.ts'
import type { TestApp } from './helpers/harness.ts'
import { assertError, createSite, ok } from './helpers/api.ts'

const HOST = 'api.city.example'
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'civic-map-'))
const archivePath = path.join(dir, 'riverton.pmtiles')
const built = buildBasemap({ output: archivePath })
const archive = fs.readFileSync(archivePath)
after(() => fs.rmSync(dir, { recursive: true, force: true }))

const get = (app: App, url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers: { host: HOST, ...headers } })

/** Every http(s) URL anywhere in a JSON value. */
function urlsIn (value: unknown): string[] {
  return [...JSON.stringify(value).matchAll(/https?:\/\/[^"\s]*/g)].map(m => m[0])
}

/** The point a tile covers at the middle of Riverton. */
function tileAt (z: number, lng = 5.12, lat = 52.09) {
  const r = lat * Math.PI / 180
  return {
    x: Math.floor((lng + 180) / 360 * 2 ** z),
    y: Math.floor((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2 * 2 ** z)
  }
}

describe('Riverton geography', () => {
  test('the committed GeoJSON is exactly what the generator writes', () => {
    assert.equal(serialize(riverton), fs.readFileSync(DEFAULT_INPUT, 'utf8'))
  })

  test('has a boundary, the four districts, a river, 40–80 streets, 5–8 parks and a railway inside the bounds', () => {
    const of = (layer: string) => riverton.features.filter(f => f.properties.layer === layer)
    assert.equal(of('boundary').length, 1)
    assert.deepEqual(of('district').map(f => f.properties.name).sort(), ['Centre', 'North', 'Riverside', 'South'])
    assert.equal(of('river').length, 1)
    const streets = of('street')
    assert.ok(streets.length >= 40 && streets.length <= 80, `${streets.length} streets`)
    for (const name of ['Station Road', 'Market Street', 'Riverside Avenue']) {
      assert.equal(streets.find(s => s.properties.name === name)?.properties.class, 'main', name)
    }
    assert.ok(of('park').length >= 5 && of('park').length <= 8)
    assert.equal(of('rail').length, 1)
    const [w, s, e, n] = BOUNDS
    for (const f of riverton.features) {
      for (const [x, y] of f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : f.geometry.coordinates) {
        assert.ok(x >= w && x <= e && y >= s && y <= n, `${f.properties.name} at ${x},${y}`)
      }
      if (f.geometry.type === 'Polygon') {
        const ring = f.geometry.coordinates[0]
        assert.deepEqual(ring[0], ring.at(-1), `${f.properties.name}: ring closed`)
        let area = 0
        for (let i = 0; i < ring.length - 1; i++) area += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1]
        assert.ok(area > 0, `${f.properties.name}: exterior ring counterclockwise (RFC 7946)`)
      }
    }
    assert.ok(fs.statSync(DEFAULT_INPUT).size < 300 * 1024)
  })
})

/** A PMTiles source over bytes in memory. */
const memorySource = (buf: Buffer) => ({
  getKey: () => 'memory',
  getBytes: async (offset: number, length: number) => ({ data: buf.buffer.slice(buf.byteOffset + offset, buf.byteOffset + offset + length) as ArrayBuffer })
})

describe('PMTiles writer', () => {
  test('stores repeated tiles once, as runs or back-references, and the pmtiles reader finds every tile', async () => {
    const blob = (s: string) => new TextEncoder().encode(s)
    // z2: (0,0) (1,0) (1,1) (0,1) are consecutive on the Hilbert curve; three share one blob.
    const tiles = [
      { z: 2, x: 0, y: 0, data: blob('sea') }, { z: 2, x: 1, y: 0, data: blob('sea') }, { z: 2, x: 1, y: 1, data: blob('sea') },
      { z: 2, x: 0, y: 1, data: blob('land') }, { z: 2, x: 3, y: 3, data: blob('sea') }, { z: 3, x: 5, y: 2, data: blob('town') }
    ]
    const buf = writePmtiles({ tiles, metadata: { vector_layers: [] }, bounds: [-180, -85, 180, 85], center: [0, 0, 2], tileCompression: 'none', internalCompression: 'none' })
    const pm = new PMTiles(memorySource(buf))
    const h = await pm.getHeader()
    assert.equal(h.numAddressedTiles, 6)
    assert.equal(h.numTileEntries, 4, 'three consecutive sea tiles are one run')
    assert.equal(h.numTileContents, 3, 'sea, land, town')
    assert.equal(h.tileDataLength, 'sealandtown'.length)
    assert.equal(h.minZoom, 2)
    assert.equal(h.maxZoom, 3)
    for (const t of tiles) {
      const got = await pm.getZxy(t.z, t.x, t.y)
      assert.equal(new TextDecoder().decode(got!.data), new TextDecoder().decode(t.data), `${t.z}/${t.x}/${t.y}`)
    }
    assert.equal(await pm.getZxy(2, 2, 2), undefined)
  })
})

describe('map configuration', () => {
  test('the demo uses Riverton\'s files; explicit paths win; `off` turns a default off; production has none', () => {
    assert.equal(loadConfig({ DEMO: '1' }).mapContext, DEFAULT_INPUT)
    assert.equal(loadConfig({ DEMO: '1', MAP_CONTEXT: 'off' }).mapContext, undefined)
    assert.equal(loadConfig({ DEMO: '1', BASEMAP_PMTILES: 'off' }).basemapPmtiles, undefined)
    assert.equal(loadConfig({ DEMO: '0', BASEMAP_PMTILES: 'maps/city.pmtiles' }).basemapPmtiles, path.resolve('maps/city.pmtiles'))
    const production = loadConfig({ NODE_ENV: 'production' })
    assert.equal(production.mapContext, undefined)
    assert.equal(production.basemapPmtiles, undefined)
  })
})

describe('byte ranges (RFC 9110)', () => {
  test('one range is read; several, invalid or other units are ignored', () => {
    assert.deepEqual(parseRange(undefined, 100), { kind: 'full' })
    assert.deepEqual(parseRange('bytes=0-9', 100), { kind: 'partial', start: 0, end: 9 })
    assert.deepEqual(parseRange('bytes=90-', 100), { kind: 'partial', start: 90, end: 99 })
    assert.deepEqual(parseRange('bytes=-10', 100), { kind: 'partial', start: 90, end: 99 })
    assert.deepEqual(parseRange('bytes=-500', 100), { kind: 'partial', start: 0, end: 99 })
    assert.deepEqual(parseRange('bytes=50-16383', 100), { kind: 'partial', start: 50, end: 99 })
    assert.deepEqual(parseRange('bytes=100-', 100), { kind: 'unsatisfiable' })
    assert.deepEqual(parseRange('bytes=-0', 100), { kind: 'unsatisfiable' })
    assert.deepEqual(parseRange('bytes=0-0', 0), { kind: 'unsatisfiable' })
    for (const h of ['bytes=0-1,5-6', 'bytes=9-2', 'items=0-5', 'bytes=x-1', 'bytes=-', 'bytes 0-5']) {
      assert.deepEqual(parseRange(h, 100), { kind: 'full' }, h)
    }
  })
})

forEachDb('Map basemap', env => {
  let plain: TestApp
  let withArchive: TestApp
  let bare: TestApp
  before(async () => {
    plain = await env.startApp({ mapContext: DEFAULT_INPUT })
    withArchive = await env.startApp({ mapContext: DEFAULT_INPUT, basemapPmtiles: archivePath })
    bare = await env.startApp()
    await createSite(withArchive.app)
  })
  after(async () => { await plain.close(); await withArchive.close(); await bare.close() })

  test('the default style is a valid MapLibre style over the context GeoJSON, with no URL but the server\'s own', async () => {
    const res = await get(plain.app, '/v1/map/style.json?site=riverton')
    const style = ok(res)
    assert.deepEqual(validateStyleMin(style as never), [])
    assert.equal(style.version, 8)
    assert.equal(style.glyphs, undefined)
    assert.equal(style.sprite, undefined)
    assert.equal(style.sources.context.type, 'geojson')
    assert.equal(style.sources.context.data, `http://${HOST}/v1/map/context.geojson?site=riverton`)
    assert.deepEqual(urlsIn(style).filter(u => !u.startsWith(`http://${HOST}/`)), [])
    const ids = style.layers.map((l: { id: string }) => l.id)
    for (const id of ['background', 'boundary-fill', 'park-fill', 'water-fill', 'district-line', 'street', 'rail', 'boundary-line']) assert.ok(ids.includes(id), id)
    assert.equal(style.layers.some((l: { type: string }) => l.type === 'symbol'), false, 'no text: no glyphs needed')
    // Opens on the city.
    assert.ok(Math.abs(style.center[0] - 5.12) < 0.01 && Math.abs(style.center[1] - 52.09) < 0.01)
    assert.match(String(res.headers.etag), /^"[\w-]+"$/)
    assert.equal(res.headers['cache-control'], 'public, max-age=300')
    const again = await get(plain.app, '/v1/map/style.json?site=riverton', { 'if-none-match': String(res.headers.etag) })
    assert.equal(again.statusCode, 304)
    assert.equal(again.body, '')
  })

  test('behind a trusted proxy the style\'s URLs use the forwarded origin; otherwise the Host', async () => {
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'maps.city.example' }
    const direct = ok(await get(plain.app, '/v1/map/style.json', forwarded))
    assert.equal(direct.sources.context.data, `http://${HOST}/v1/map/context.geojson`)
    const proxied = await env.startApp({ mapContext: DEFAULT_INPUT, basemapPmtiles: archivePath, trustProxy: true })
    try {
      const style = ok(await get(proxied.app, '/v1/map/style.json', forwarded))
      assert.match(style.sources.basemap.url, /^pmtiles:\/\/https:\/\/maps\.city\.example\/v1\/map\/basemap\.pmtiles\?v=[0-9a-f]+$/)
    } finally { await proxied.close() }
  })

  test('with BASEMAP_PMTILES the style reads the archive through pmtiles://, one layer set per source-layer', async () => {
    const style = ok(await get(withArchive.app, '/v1/map/style.json'))
    assert.deepEqual(validateStyleMin(style as never), [])
    assert.equal(style.sources.basemap.type, 'vector')
    assert.match(style.sources.basemap.url, new RegExp(`^pmtiles://http://${HOST}/v1/map/basemap\\.pmtiles\\?v=[0-9a-f]+$`))
    assert.equal(style.sources.context, undefined)
    const used = new Set(style.layers.filter((l: { type: string }) => l.type !== 'background').map((l: Record<string, string>) => {
      assert.equal(l.source, 'basemap')
      return l['source-layer']
    }))
    assert.deepEqual([...used].sort(), [...LAYERS].sort())
    assert.deepEqual(urlsIn(style).filter(u => !u.startsWith(`http://${HOST}/`)), [])
    // Without a context file the style opens on the archive's bounds.
    const alone = await env.startApp({ basemapPmtiles: archivePath })
    try {
      const { center } = ok(await get(alone.app, '/v1/map/style.json'))
      assert.deepEqual(center, [5.12, 52.09])
    } finally { await alone.close() }
  })

  test('context.geojson: the FeatureCollection with a strong ETag, an hour of caching, 304 and gzip', async () => {
    const res = await get(plain.app, '/v1/map/context.geojson?site=riverton')
    assert.equal(res.statusCode, 200)
    assert.match(String(res.headers['content-type']), /^application\/geo\+json/)
    assert.equal(res.headers['cache-control'], 'public, max-age=3600')
    const etag = String(res.headers.etag)
    assert.match(etag, /^"[\w-]+"$/)
    const fc = res.json()
    assert.equal(fc.type, 'FeatureCollection')
    assert.deepEqual(fc.bbox, BOUNDS)
    assert.equal(fc.features.length, riverton.features.length)
    assert.deepEqual(new Set(fc.features.map((f: any) => f.properties.layer)), new Set(LAYERS))
    for (const f of fc.features) assert.equal(f.type, 'Feature')

    assert.equal((await get(plain.app, '/v1/map/context.geojson', { 'if-none-match': `W/${etag}` })).statusCode, 304)
    const gz = await get(plain.app, '/v1/map/context.geojson', { 'accept-encoding': 'gzip, br' })
    assert.equal(gz.headers['content-encoding'], 'gzip')
    assert.match(String(gz.headers.vary), /Accept-Encoding/)
    assert.notEqual(gz.headers.etag, etag, 'the gzip representation has its own validator')
    assert.equal((await get(plain.app, '/v1/map/context.geojson', { 'if-none-match': String(gz.headers.etag) })).statusCode, 304)
    const cross = await get(plain.app, '/v1/map/context.geojson', { origin: ORIGIN, 'accept-encoding': 'gzip' })
    assert.match(String(cross.headers.vary), /Origin.*Accept-Encoding|Accept-Encoding.*Origin/)
    assert.ok(gz.rawPayload.length < res.rawPayload.length / 2)
    assert.deepEqual(JSON.parse(zlib.gunzipSync(gz.rawPayload).toString('utf8')), fc)
  })

  test('a replaced MAP_CONTEXT is served at the next request; a broken replacement keeps the last good one', async () => {
    const file = path.join(dir, 'context.geojson')
    fs.copyFileSync(DEFAULT_INPUT, file)
    const t = await env.startApp({ mapContext: file })
    try {
      const first = await get(t.app, '/v1/map/context.geojson')
      const parks = riverton.features.filter(f => f.properties.layer === 'park')
      fs.writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: parks }))
      const second = await get(t.app, '/v1/map/context.geojson')
      assert.notEqual(second.headers.etag, first.headers.etag)
      assert.equal(second.json().features.length, parks.length)
      fs.writeFileSync(file, '{"type":"FeatureCollection","features":[{"type":"Feature"')
      const third = await get(t.app, '/v1/map/context.geojson')
      assert.equal(third.headers.etag, second.headers.etag)
      assert.equal(third.json().features.length, parks.length)
    } finally { await t.close() }
  })

  test('without MAP_CONTEXT the context is an empty collection and the style still validates', async () => {
    assert.deepEqual(ok(await get(bare.app, '/v1/map/context.geojson')), { type: 'FeatureCollection', features: [] })
    const style = ok(await get(bare.app, '/v1/map/style.json'))
    assert.deepEqual(validateStyleMin(style as never), [])
    assert.equal(style.center, undefined)
  })

  test('a MAP_CONTEXT with a feature of an unknown layer stops the server at start, naming the feature', async () => {
    const bad = path.join(dir, 'bad.geojson')
    fs.writeFileSync(bad, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { layer: 'building' }, geometry: { type: 'Point', coordinates: [5.1, 52.1] } }] }))
    await assert.rejects(env.startApp({ mapContext: bad }), /feature 0 has layer "building"/)
    await assert.rejects(env.startApp({ basemapPmtiles: path.join(dir, 'missing.pmtiles') }), /BASEMAP_PMTILES: .* does not exist/)
  })

  test('basemap.pmtiles: the whole file, or one byte range (206), with ETag, 304 and If-Range', async () => {
    const url = '/v1/map/basemap.pmtiles'
    const full = await get(withArchive.app, url)
    assert.equal(full.statusCode, 200)
    assert.equal(full.headers['accept-ranges'], 'bytes')
    assert.equal(full.headers['content-type'], 'application/vnd.pmtiles')
    assert.equal(Number(full.headers['content-length']), archive.length)
    assert.ok(full.rawPayload.equals(archive))
    const etag = String(full.headers.etag)
    assert.match(etag, /^"[0-9a-f-]+"$/, 'strong: pmtiles ignores weak ETags')

    const head = await get(withArchive.app, url, { range: 'bytes=0-126' })
    assert.equal(head.statusCode, 206)
    assert.equal(head.headers['content-range'], `bytes 0-126/${archive.length}`)
    assert.equal(Number(head.headers['content-length']), 127)
    assert.equal(head.rawPayload.toString('ascii', 0, 7), 'PMTiles')
    assert.ok(head.rawPayload.equals(archive.subarray(0, 127)))
    // pmtiles asks for the first 16 KiB whatever the size; the end is cut to the file.
    const tail = await get(withArchive.app, url, { range: `bytes=${archive.length - 5}-${archive.length + 16_000}` })
    assert.equal(tail.statusCode, 206)
    assert.ok(tail.rawPayload.equals(archive.subarray(archive.length - 5)))
    const suffix = await get(withArchive.app, url, { range: 'bytes=-3' })
    assert.ok(suffix.rawPayload.equals(archive.subarray(archive.length - 3)))

    const beyond = await get(withArchive.app, url, { range: `bytes=${archive.length}-` })
    assertError(beyond, 416, 'RANGE_NOT_SATISFIABLE')
    assert.equal(beyond.headers['content-range'], `bytes */${archive.length}`)
    for (const range of ['bytes=0-1,5-6', 'bytes=9-2', 'lines=1-2']) {
      const res = await get(withArchive.app, url, { range })
      assert.equal(res.statusCode, 200, range)
      assert.equal(res.rawPayload.length, archive.length, range)
    }

    assert.equal((await get(withArchive.app, url, { 'if-none-match': etag })).statusCode, 304)
    assert.equal((await get(withArchive.app, url, { 'if-none-match': `"other", ${etag}`, range: 'bytes=0-9' })).statusCode, 304)
    assert.equal((await get(withArchive.app, url, { 'if-range': etag, range: 'bytes=0-9' })).statusCode, 206)
    const stale = await get(withArchive.app, url, { 'if-range': '"old"', range: 'bytes=0-9' })
    assert.equal(stale.statusCode, 200, 'a changed file is sent whole')
    assert.equal(stale.rawPayload.length, archive.length)
    assertError(await get(withArchive.app, url, { 'if-match': '"old"', range: 'bytes=0-9' }), 412, 'PRECONDITION_FAILED')

    const headReq = await withArchive.app.inject({ method: 'HEAD', url, headers: { host: HOST } })
    assert.equal(headReq.statusCode, 200)
    assert.equal(Number(headReq.headers['content-length']), archive.length)
    assert.equal(headReq.rawPayload.length, 0)
  })

  test('basemap.pmtiles is a JSON 404 when BASEMAP_PMTILES is not set', async () => {
    assertError(await get(plain.app, '/v1/map/basemap.pmtiles'), 404, 'NOT_FOUND')
    assertError(await get(plain.app, '/v1/map/basemap.pmtiles', { range: 'bytes=0-9' }), 404, 'NOT_FOUND')
  })

  test('CORS: a widget\'s origin may send Range and read Content-Range and ETag', async () => {
    const pre = await withArchive.app.inject({
      method: 'OPTIONS', url: '/v1/map/basemap.pmtiles',
      headers: { host: HOST, origin: ORIGIN, 'access-control-request-method': 'GET', 'access-control-request-headers': 'range,if-none-match' }
    })
    assert.equal(pre.statusCode, 204)
    assert.equal(pre.headers['access-control-allow-origin'], ORIGIN)
    assert.match(String(pre.headers['access-control-allow-headers']), /Range/)
    assert.match(String(pre.headers['access-control-allow-headers']), /If-None-Match/)
    const res = await get(withArchive.app, '/v1/map/basemap.pmtiles', { origin: ORIGIN, range: 'bytes=0-9' })
    assert.equal(res.statusCode, 206)
    assert.equal(res.headers['access-control-allow-origin'], ORIGIN)
    for (const h of ['Content-Range', 'Accept-Ranges', 'ETag']) assert.match(String(res.headers['access-control-expose-headers']), new RegExp(h))
    const stranger = await get(withArchive.app, '/v1/map/basemap.pmtiles', { origin: 'https://elsewhere.example', range: 'bytes=0-9' })
    assert.equal(stranger.headers['access-control-allow-origin'], undefined)
  })

  test('the archive reads back with the pmtiles library over HTTP ranges: tiles at z10–16 with the expected layers', async () => {
    const source = {
      getKey: () => 'riverton',
      async getBytes (offset: number, length: number) {
        const res = await get(withArchive.app, '/v1/map/basemap.pmtiles', { range: `bytes=${offset}-${offset + length - 1}` })
        assert.equal(res.statusCode, 206)
        const data = res.rawPayload
        return { data: data.buffer.slice(data.byteOffset, data.byteOffset + data.length) as ArrayBuffer, etag: String(res.headers.etag) }
      }
    }
    const pm = new PMTiles(source)
    const header = await pm.getHeader()
    assert.equal(header.specVersion, 3)
    assert.equal(header.tileType, 1)
    assert.equal(header.minZoom, 10)
    assert.equal(header.maxZoom, 16)
    assert.equal(header.numAddressedTiles, built.tiles)
    assert.ok(Math.abs(header.centerLon - 5.12) < 1e-6 && Math.abs(header.centerLat - 52.09) < 1e-6)
    const meta = await pm.getMetadata() as { vector_layers: Array<{ id: string }> }
    assert.deepEqual(meta.vector_layers.map(l => l.id), LAYERS)
    for (let z = 10; z <= 16; z++) {
      const { x, y } = tileAt(z)
      const tile = await pm.getZxy(z, x, y)
      assert.ok(tile, `tile ${z}/${x}/${y}`)
      const layers = new VectorTile(new PbfReader(new Uint8Array(tile.data))).layers
      for (const l of ['boundary', 'district', 'street']) assert.ok(layers[l]?.length, `${l} at z${z}`)
      if (z <= 13) for (const l of ['river', 'park', 'rail']) assert.ok(layers[l]?.length, `${l} at z${z}`)
    }
    // Outside the map's area there is nothing.
    assert.equal(await pm.getZxy(14, 0, 0), undefined)
    assert.ok(built.bytes < 3 * 1024 * 1024)
  })
})
