import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { CONSOLE_CSP } from '../../server/plugins/static-files.ts'
import { forEachDb } from './helpers/harness.ts'
import type { TestApp } from './helpers/harness.ts'

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'civic-console-'))
const adminDir = path.join(root, 'admin')
const cdnDir = path.join(root, 'cdn')
fs.mkdirSync(path.join(adminDir, 'chunks'), { recursive: true })
fs.mkdirSync(cdnDir, { recursive: true })
fs.writeFileSync(path.join(adminDir, 'index.html'), '<!doctype html><title>Console</title><civic-admin-app></civic-admin-app>')
fs.writeFileSync(path.join(adminDir, 'admin.js'), 'export const admin = 1\n')
fs.writeFileSync(path.join(adminDir, 'chunks', 'fr-Df65XJXn.js'), 'export const fr = 1\n')
fs.writeFileSync(path.join(cdnDir, 'civic.js'), 'export const loader = 1\n')
// A chunk worth compressing, with the copies `npm run build` makes beside it.
const tableChunk = `export const columns = ${JSON.stringify(Array.from({ length: 200 }, (_, i) => `column ${i}`))}\n`
fs.writeFileSync(path.join(adminDir, 'chunks', 'table-Q2w3E4r5.js'), tableChunk)
execFileSync(process.execPath, [path.join(import.meta.dirname, '../../scripts/precompress.mjs'), adminDir])
after(() => fs.rmSync(root, { recursive: true, force: true }))

forEachDb('staff console files', env => {
  let t: TestApp
  before(async () => { t = await env.startApp({ adminDir, cdnDir, demo: false }) })
  after(() => t.close())

  test('/admin redirects to /admin/, which is the console page under the strict policy, never framed', async () => {
    const bare = await t.app.inject({ method: 'GET', url: '/admin' })
    assert.equal(bare.statusCode, 302)
    assert.equal(bare.headers.location, '/admin/')
    const page = await t.app.inject({ method: 'GET', url: '/admin/', headers: { 'accept-encoding': 'gzip, deflate, br' } })
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /<civic-admin-app>/)
    assert.equal(page.headers['content-security-policy'], CONSOLE_CSP)
    assert.match(CONSOLE_CSP, /frame-ancestors 'none'/)
    assert.match(CONSOLE_CSP, /script-src 'self';/)
    assert.equal(page.headers['x-content-type-options'], 'nosniff')
    assert.equal(page.headers['cache-control'], 'no-cache')
  })

  test('console scripts: same policy; hashed chunks cached for a year; not public to other origins', async () => {
    const entry = await t.app.inject({ method: 'GET', url: '/admin/admin.js' })
    assert.equal(entry.statusCode, 200)
    assert.match(String(entry.headers['content-type']), /javascript/)
    assert.equal(entry.headers['cache-control'], 'no-cache')
    assert.equal(entry.headers['access-control-allow-origin'], undefined)
    const chunk = await t.app.inject({ method: 'GET', url: '/admin/chunks/fr-Df65XJXn.js' })
    assert.equal(chunk.headers['cache-control'], 'public, max-age=31536000, immutable')
    assert.equal(chunk.headers['content-security-policy'], CONSOLE_CSP)
    // Its build-time brotli copy keeps the headers of the file it stands for.
    const packed = await t.app.inject({ method: 'GET', url: '/admin/chunks/table-Q2w3E4r5.js', headers: { 'accept-encoding': 'br' } })
    assert.equal(packed.headers['content-encoding'], 'br')
    assert.equal(packed.headers['cache-control'], 'public, max-age=31536000, immutable')
    assert.equal(packed.headers['content-security-policy'], CONSOLE_CSP)
    assert.match(String(packed.headers['content-type']), /javascript/)
  })

  test('the widget bundle does not serve the console', async () => {
    assert.equal((await t.app.inject({ method: 'GET', url: '/cdn/admin.js' })).statusCode, 404)
    assert.equal((await t.app.inject({ method: 'GET', url: '/admin.js' })).statusCode, 404)
  })
})
