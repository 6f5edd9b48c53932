#!/usr/bin/env node
// Brotli and gzip copies beside each script, style and page of the widget bundle and the console
// (`x.js` → `x.js.br`, `x.js.gz`), which the reference server sends to browsers that accept them
// (@fastify/static `preCompressed`). Compressing once at build time, at the highest levels, costs
// the server nothing per request: the map's maplibre chunk goes out as ~0.25 MB instead of 1.2 MB.
//   node scripts/precompress.mjs [dir ...]   (default dist/cdn dist/admin; part of `npm run build`)
// Vite empties those folders on every build, so a copy is never older than its file.
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import zlib from 'node:zlib'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const dirs = process.argv.length > 2 ? process.argv.slice(2) : ['dist/cdn', 'dist/admin'].map(d => path.join(root, d))
const TEXT = /\.(m?js|css|html|json|svg)$/
/** Below this a compressed copy saves less than a packet. */
const MIN_BYTES = 1024

const brotli = promisify(zlib.brotliCompress)
const gzip = promisify(zlib.gzip)

const walk = dir => fs.readdirSync(dir, { withFileTypes: true })
  .flatMap(d => d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)])

const started = Date.now()
let before = 0
let after = 0
let count = 0
await Promise.all(dirs.filter(d => fs.existsSync(d)).flatMap(walk)
  .filter(f => TEXT.test(f) && fs.statSync(f).size >= MIN_BYTES)
  .map(async file => {
    const raw = fs.readFileSync(file)
    const [br, gz] = await Promise.all([
      brotli(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }),
      gzip(raw, { level: 9 })
    ])
    fs.writeFileSync(`${file}.br`, br)
    fs.writeFileSync(`${file}.gz`, gz)
    before += raw.length
    after += br.length
    count++
  }))
console.log(`precompressed ${count} files: ${Math.round(before / 1024)} KB → ${Math.round(after / 1024)} KB brotli in ${Date.now() - started} ms`)
