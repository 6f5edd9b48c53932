import fs from 'node:fs'
import path from 'node:path'
import type { FastifyInstance, FastifyReply } from 'fastify'
import fastifyStatic from '@fastify/static'
import type { Config } from '../config.ts'

/** The demo page that proves the widgets work under a strict Content-Security-Policy. */
export const STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:"

/** The staff console's policy: its own scripts, styles and API only, and never framed (clickjacking). */
export const CONSOLE_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'"

/** Vite names chunks `name-<hash>.js`: such a file never changes, so it may be cached for a year. */
const HASHED = /-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/

/** The file a response stands for: `x.js` also when its build-time copy `x.js.br` or `x.js.gz` is sent. */
const logicalPath = (file: string) => path.resolve(file).replace(/\.(br|gz)$/, '')
const logicalName = (file: string) => path.basename(logicalPath(file))

function cdnHeaders (reply: FastifyReply, file: string) {
  // Public scripts imported cross-origin as modules: any page may load them.
  reply.header('access-control-allow-origin', '*')
  reply.header('cross-origin-resource-policy', 'cross-origin')
  const name = logicalName(file)
  reply.header('cache-control', name !== 'civic.js' && HASHED.test(name)
    ? 'public, max-age=31536000, immutable'
    : 'public, max-age=300')
}

/**
 * The client bundle at / (`/civic.js`, `/poll.js`, `/chunks/*`: the loader imports its chunks by
 * relative URL, so they must sit beside it) and again under /cdn/ (a CDN-like path, `/cdn/civic.js`
 * with its chunks beside it); with DEMO, the demo site from the same root.
 */
export async function staticFiles (app: FastifyInstance, opts: { config: Config }) {
  const { cdnDir, demoDir, demo } = opts.config
  await adminFiles(app, opts.config)
  // The demo first: with compressed copies, @fastify/static looks for a folder's index.html in the
  // first root only (the bundle has none), so `/` would answer 404 to every browser.
  const roots: string[] = []
  if (demo && fs.existsSync(demoDir)) roots.push(demoDir)
  else if (demo) app.log.warn({ demoDir }, 'DEMO is on but the demo folder is missing')
  const hasCdn = fs.existsSync(cdnDir)
  if (hasCdn) roots.push(cdnDir)
  else app.log.warn({ cdnDir }, 'client bundle not found: /civic.js will answer 404 until you run npm run build')
  if (!roots.length) return
  const cdnRoot = path.resolve(cdnDir) + path.sep
  if (hasCdn) {
    await app.register(fastifyStatic, {
      root: cdnDir,
      prefix: '/cdn/',
      cacheControl: false,
      preCompressed: true,
      decorateReply: false,
      setHeaders: cdnHeaders
    })
  }
  await app.register(fastifyStatic, {
    root: roots,
    prefix: '/',
    cacheControl: false,
    preCompressed: true,
    setHeaders: (reply, file) => {
      if (logicalPath(file).startsWith(cdnRoot)) return cdnHeaders(reply, file)
      reply.header('cache-control', 'no-cache')
      if (logicalPath(file) === path.join(demoDir, 'strict.html')) reply.header('content-security-policy', STRICT_CSP)
    }
  })
}

/** The second demo origin (an "NGO site"): only demo/ngo/, to prove cross-origin embedding. */
export async function ngoFiles (app: FastifyInstance, opts: { config: Config }) {
  const root = path.join(opts.config.demoDir, 'ngo')
  if (!fs.existsSync(root)) {
    app.log.warn({ root }, 'demo/ngo is missing; the NGO demo origin serves nothing')
    return
  }
  await app.register(fastifyStatic, {
    root,
    cacheControl: false,
    setHeaders: reply => { reply.header('cache-control', 'no-cache') }
  })
}

/** The staff console at /admin/ (`/admin` redirects there), under its strict policy. */
async function adminFiles (app: FastifyInstance, config: Config) {
  if (!fs.existsSync(path.join(config.adminDir, 'index.html'))) {
    app.log.warn({ adminDir: config.adminDir }, 'console bundle not found: /admin will answer 404 until you run npm run build')
    return
  }
  app.get('/admin', { schema: { hide: true } }, (_req, reply) => reply.redirect('/admin/'))
  await app.register(fastifyStatic, {
    root: config.adminDir,
    prefix: '/admin/',
    cacheControl: false,
    preCompressed: true,
    decorateReply: false,
    setHeaders: (reply, file) => {
      reply.header('content-security-policy', CONSOLE_CSP)
      reply.header('x-content-type-options', 'nosniff')
      reply.header('referrer-policy', 'same-origin')
      reply.header('cache-control', HASHED.test(logicalName(file)) ? 'public, max-age=31536000, immutable' : 'no-cache')
    }
  })
}
