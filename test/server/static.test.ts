import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import { Writable } from 'node:stream'
import zlib from 'node:zlib'
import { after, before, test } from 'node:test'
import Fastify from 'fastify'
import { ngoFiles, STRICT_CSP } from '../../server/plugins/static-files.ts'
import { forEachDb, testConfig } from './helpers/harness.ts'
import type { TestApp } from './helpers/harness.ts'
import { assertError } from './helpers/api.ts'

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'civic-static-'))
const cdnDir = path.join(root, 'cdn')
const demoDir = path.join(root, 'demo')
function write (file: string, text: string) {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, text)
}
write(path.join(cdnDir, 'civic.js'), 'export const loader = 1\n')
write(path.join(cdnDir, 'civic-poll-Bx7dK2pQ.js'), 'export const poll = 1\n')
write(path.join(demoDir, 'index.html'), '<!doctype html><title>Riverton</title>')
write(path.join(demoDir, 'strict.html'), '<!doctype html><title>Strict</title>')
write(path.join(demoDir, 'ngo', 'index.html'), '<!doctype html><title>NGO</title>')
// A chunk big enough to be worth compressing, with the copies `npm run build` makes beside it.
const mapChunk = `export const layers = ${JSON.stringify(Array.from({ length: 300 }, (_, i) => ({ id: `layer-${i}`, type: 'line' })))}\n`
write(path.join(cdnDir, 'chunks', 'map-view-CYilv90i.js'), mapChunk)
execFileSync(process.execPath, [path.join(import.meta.dirname, '../../scripts/precompress.mjs'), cdnDir])
after(() => fs.rmSync(root, { recursive: true, force: true }))

forEachDb('static files', env => {
  let t: TestApp
  before(async () => { t = await env.startApp({ cdnDir, demoDir, demo: true }) })
  after(() => t.close())

  test('/civic.js: public to every origin, short cache', async () => {
    for (const url of ['/civic.js', '/cdn/civic.js']) {
      const res = await t.app.inject({ method: 'GET', url })
      assert.equal(res.statusCode, 200, url)
      assert.match(String(res.headers['content-type']), /javascript/)
      assert.equal(res.headers['access-control-allow-origin'], '*')
      assert.equal(res.headers['cache-control'], 'public, max-age=300')
      assert.equal(res.body, 'export const loader = 1\n')
    }
  })

  test('hashed chunks beside the loader (at / and under /cdn/): long, immutable cache', async () => {
    for (const url of ['/cdn/civic-poll-Bx7dK2pQ.js', '/civic-poll-Bx7dK2pQ.js']) {
      const res = await t.app.inject({ method: 'GET', url })
      assert.equal(res.statusCode, 200, url)
      assert.equal(res.headers['access-control-allow-origin'], '*')
      assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable')
    }
    assertError(await t.app.inject({ method: 'GET', url: '/cdn/missing-Aa11Bb22.js' }), 404, 'NOT_FOUND')
    assertError(await t.app.inject({ method: 'GET', url: '/cdn/../demo/index.html' }), 404, 'NOT_FOUND')
  })

  test('build-time brotli and gzip copies go to browsers that accept them, with the headers of the file they stand for', async () => {
    assert.ok(fs.existsSync(path.join(cdnDir, 'chunks', 'map-view-CYilv90i.js.br')))
    assert.ok(!fs.existsSync(path.join(cdnDir, 'civic.js.br')), 'a file under 1 KiB has no copy')
    const decode = { br: zlib.brotliDecompressSync, gzip: zlib.gunzipSync }
    for (const [accept, encoding] of [['gzip, deflate, br', 'br'], ['gzip, deflate', 'gzip'], ['', undefined]] as const) {
      for (const url of ['/cdn/chunks/map-view-CYilv90i.js', '/chunks/map-view-CYilv90i.js']) {
        const res = await t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': accept } })
        const what = `${url} with accept-encoding "${accept}"`
        assert.equal(res.statusCode, 200, what)
        assert.equal(res.headers['content-encoding'], encoding, what)
        assert.match(String(res.headers.vary), /accept-encoding/i, what)
        assert.match(String(res.headers['content-type']), /javascript/, what)
        assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable', what)
        assert.equal(res.headers['access-control-allow-origin'], '*', what)
        assert.equal((encoding ? decode[encoding](res.rawPayload) : res.rawPayload).toString(), mapChunk, what)
        if (encoding) assert.ok(res.rawPayload.length * 5 < mapChunk.length, `${what}: ${res.rawPayload.length} of ${mapChunk.length} bytes`)
      }
    }
    const loader = await t.app.inject({ method: 'GET', url: '/civic.js', headers: { 'accept-encoding': 'br' } })
    assert.equal(loader.headers['content-encoding'], undefined)
    assert.equal(loader.headers['cache-control'], 'public, max-age=300')
    assert.equal(loader.body, 'export const loader = 1\n')
  })

  test('the demo site at /, strict.html with its CSP (also to browsers that accept compressed copies)', async () => {
    for (const accept of ['', 'gzip, deflate, br']) {
      const headers = { 'accept-encoding': accept }
      const index = await t.app.inject({ method: 'GET', url: '/', headers })
      assert.equal(index.statusCode, 200, `/ with accept-encoding "${accept}"`)
      assert.match(index.body, /Riverton/)
      assert.equal(index.headers['content-security-policy'], undefined)
      const strict = await t.app.inject({ method: 'GET', url: '/strict.html', headers })
      assert.equal(strict.statusCode, 200)
      assert.equal(strict.headers['content-security-policy'], STRICT_CSP)
      assert.match(strict.body, /Strict/)
    }
    assert.equal(STRICT_CSP, "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:")
    // The API still wins over the catch-all static route.
    assert.equal((await t.app.inject({ method: 'GET', url: '/health' })).json().status, 'ok')
  })

  test('the NGO origin serves only demo/ngo/', async () => {
    const ngo = Fastify()
    await ngo.register(ngoFiles, { config: testConfig({ demoDir }) })
    try {
      const res = await ngo.inject({ method: 'GET', url: '/' })
      assert.equal(res.statusCode, 200)
      assert.match(res.body, /NGO/)
      assert.equal((await ngo.inject({ method: 'GET', url: '/strict.html' })).statusCode, 404)
      assert.equal((await ngo.inject({ method: 'GET', url: '/v1/polls/x' })).statusCode, 404)
    } finally {
      await ngo.close()
    }
  })

  test('DEMO off: no demo pages; a missing bundle logs "run npm run build" and answers 404', async () => {
    const lines: string[] = []
    const stream = new Writable({ write (chunk, _enc, cb) { lines.push(String(chunk)); cb() } })
    const bare = await env.startApp({ demo: false, cdnDir: path.join(root, 'nope'), demoDir }, undefined, { level: 'warn', stream })
    try {
      assertError(await bare.app.inject({ method: 'GET', url: '/' }), 404, 'NOT_FOUND')
      assertError(await bare.app.inject({ method: 'GET', url: '/civic.js' }), 404, 'NOT_FOUND')
      assert.ok(lines.some(l => l.includes('npm run build')), lines.join(''))
    } finally {
      await bare.close()
    }
  })
})
