// Hostile input (issue 7 §3): property-based malformed requests against every route of the live
// route table, sent over raw TCP to the real server process (server/server.ts), so that invalid
// UTF-8, raw bytes in paths, Content-Length games and oversized headers reach Node's parser as
// they would from the internet. Each answer: status < 500, errors are JSON {error:{code,message}},
// and the process is alive and healthy after every batch. Size: 1,000 requests on SQLite and 300
// on PostgreSQL; 10,000 each with PROVE_FULL=1. FUZZ_EXPLORE=<file> collects every problem into
// that file instead of stopping (and shrinking) at the first.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { after, before, test } from 'node:test'
import fc from 'fast-check'
import { SignJWT } from 'jose'
import { buildApp } from '../../server/app.ts'
import { loadConfig } from '../../server/config.ts'
import { ADMIN_TOKEN, forEachDb, ORIGIN } from './helpers/harness.ts'
import { startChildServer } from './helpers/child-server.ts'
import type { ChildServer } from './helpers/child-server.ts'

const FULL = process.env.PROVE_FULL === '1'
const EXPLORE = process.env.FUZZ_EXPLORE
const root = path.resolve(import.meta.dirname, '../..')
const BATCH = 100
const SECRET = 'a-fuzz-identity-secret-of-length'
const ISSUER = 'https://login.fuzz.example'
const PAGE = 'https://city.example/news/fuzz'

// ── a raw HTTP/1.1 client: one connection per request, bytes exactly as generated ──────────────

interface Answer { status: number; headers: Record<string, string>; body: Buffer<ArrayBufferLike>; stream: boolean }

/** An oversized request whose answer the connection's reset overtook (status 0). */
const RESET: Answer = { status: 0, headers: {}, body: Buffer.alloc(0), stream: false }

function rawRequest (port: number, bytes: Buffer, timeoutMs = 20_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    let done = false
    const finish = (fn: () => void) => { if (!done) { done = true; clearTimeout(timer); socket.destroy(); fn() } }
    const timer = setTimeout(() => finish(() => reject(new Error(`no answer within ${timeoutMs} ms`))), timeoutMs)
    socket.on('data', d => {
      chunks.push(d)
      const head = parseHead(Buffer.concat(chunks))
      // A stream that opened is a success: read no further.
      if (head && /text\/event-stream/.test(head.headers['content-type'] ?? '')) finish(() => resolve({ ...head, body: Buffer.alloc(0), stream: true }))
    })
    socket.on('end', () => finish(() => {
      const all = Buffer.concat(chunks)
      const head = parseHead(all)
      if (!head && bytes.length > 16 * 1024) return resolve(RESET)
      if (!head) return reject(new Error(`connection closed without an HTTP answer (${all.length} bytes)`))
      let body: Buffer<ArrayBufferLike> = all.subarray(head.bodyAt)
      if (/chunked/i.test(head.headers['transfer-encoding'] ?? '')) body = dechunk(body)
      else if (head.headers['content-length'] !== undefined) body = body.subarray(0, Number(head.headers['content-length']))
      resolve({ status: head.status, headers: head.headers, body, stream: false })
    }))
    socket.on('error', (err: NodeJS.ErrnoException) => finish(() => {
      // The server may answer and close before reading everything we sent (413, 431): the reset
      // can then overtake its answer. That is TCP, not the server failing: counted apart.
      const head = parseHead(Buffer.concat(chunks))
      if (head) resolve({ status: head.status, headers: head.headers, body: Buffer.concat(chunks).subarray(head.bodyAt), stream: false })
      else if ((err.code === 'ECONNRESET' || err.code === 'EPIPE') && bytes.length > 16 * 1024) resolve(RESET)
      else reject(err)
    }))
    socket.write(bytes)
  })
}

function parseHead (buf: Buffer, from = 0): { status: number; headers: Record<string, string>; bodyAt: number } | null {
  const end = buf.indexOf('\r\n\r\n', from)
  if (end < 0) return null
  const lines = buf.subarray(from, end).toString('latin1').split('\r\n')
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]!)
  if (!m) return null
  // An interim answer (100 Continue to `Expect`) precedes the real one.
  if (m[1]!.startsWith('1')) return parseHead(buf, end + 4)
  const headers: Record<string, string> = {}
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':')
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim()
  }
  return { status: Number(m[1]), headers, bodyAt: end + 4 }
}

function dechunk (buf: Buffer<ArrayBufferLike>): Buffer<ArrayBufferLike> {
  const out: Buffer[] = []
  let i = 0
  while (i < buf.length) {
    const eol = buf.indexOf('\r\n', i)
    if (eol < 0) break
    const size = parseInt(buf.subarray(i, eol).toString('latin1'), 16)
    if (!size) break
    out.push(buf.subarray(eol + 2, eol + 2 + size))
    i = eol + 2 + size + 2
  }
  return Buffer.concat(out)
}

// ── the request model ──────────────────────────────────────────────────────────────────────────

interface Route { method: string; url: string }
type Framing = 'normal' | 'cl-short' | 'cl-and-te' | 'bad-chunk' | 'huge-header' | 'raw-bytes-in-path' | 'obs-fold'
interface FuzzRequest {
  route: Route
  path: string
  headers: Array<[string, string]>
  body: Buffer | null
  framing: Framing
  admin: boolean
}

function encode (r: FuzzRequest): Buffer {
  let target = r.path
  if (r.framing === 'raw-bytes-in-path') target += '/\xff\xfe caf\xe9'
  const head: string[] = [`${r.route.method} ${target} HTTP/1.1`, 'host: 127.0.0.1', 'connection: close']
  for (const [k, v] of r.headers) head.push(`${k}: ${v}`)
  if (r.framing === 'huge-header') head.push(`x-filler: ${'a'.repeat(20_000)}`)
  if (r.framing === 'obs-fold') head.push('x-folded: one', ' two')
  const body = r.body ?? Buffer.alloc(0)
  if (r.framing === 'bad-chunk') {
    head.push('transfer-encoding: chunked')
    return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), Buffer.from('zz\r\n'), body, Buffer.from('\r\n0\r\n\r\n')])
  }
  if (r.framing === 'cl-and-te') head.push('transfer-encoding: chunked')
  const declared = r.framing === 'cl-short' ? Math.max(0, body.length - 3) : body.length
  if (r.body !== null || r.framing === 'cl-short') head.push(`content-length: ${declared}`)
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), body])
}

function describeRequest (r: FuzzRequest): string {
  const body = r.body === null ? 'no body' : `${r.body.length} B body ${JSON.stringify(r.body.subarray(0, 120).toString('latin1'))}`
  return `${r.route.method} ${r.path.slice(0, 300)} [${r.framing}] headers ${JSON.stringify(r.headers.map(([k, v]) => [k, v.slice(0, 80)]))}, ${body}`
}

const deep = (n: number, open: string, close: string, leaf = '1') => `${open.repeat(n)}${leaf}${close.repeat(n)}`

/** Ids that reach deeper than random ones (filled in once the fixtures exist). */
interface Fixtures {
  ids: Record<string, string[]>
  participant: string
  cookie: string
  csrf: string
  endedCookie: string
  identity: { good: string; expired: string; badSig: string; wrongIssuer: string }
}

const HOSTILE_SEGMENTS = [
  '..', '../..', '..%2f..%2f..%2fetc%2fpasswd', '%2e%2e', '%2e%2e%2f%2e%2e%2fpackage.json', '..%5c..%5cwindows', '%00', 'a%00b',
  '%ff%fe', '%c0%af', '%ed%a0%80', '%', '%zz', '%2', 'x'.repeat(300), 'y'.repeat(7000), '%20', '%0d%0aset-cookie:%20a=b', 'active',
  'map', 'import', 'submissions', '%F0%9F%92%A9', "'%20OR%201=1--", '%3Cscript%3Ealert(1)%3C%2Fscript%3E', '-1', '0', '1e309',
  'null', 'undefined', '__proto__', 'constructor', 'prototype', '.', '~', '%u0000', 'v1.AAAA.BBBB', '*', '%2F', ';x=1', 'a%2Fb',
  '\\..\\..', '%252e%252e', 'CON', 'a'.repeat(64), 'A'.repeat(65)
]
const HOSTILE_STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', '../../etc/passwd', '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "' OR 1=1 --",
  '${7*7}', '{{7*7}}', '\ud800', '\udfff', '\u202e', '\ufeff', '𝕏'.repeat(50), 'x'.repeat(70_000), 'é'.repeat(3000), '%00', '\r\nX: y',
  'javascript:alert(1)', 'http://', 'https://evil.example/', '2026-13-45', '9999-99-99', 'NaN', 'Infinity', '-0', '1e309', 'true',
  'null', '[]', '{}', '__proto__', 'constructor', 'v1.AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB'
]
const QUERY_KEYS = [
  'site', 'thread', 'sort', 'cursor', 'page', 'section', 'bbox', 'category', 'status', 'from', 'to', 'q', 'limit', 'after',
  'participant', 'actor', 'action', 'id', 'v', '__proto__', 'constructor[prototype][x]', 'thread[]', 'site[a]'
]
const BODY_FIELDS = [
  'choices', 'page', 'thread', 'site', 'parentId', 'name', 'body', 'website', 'value', 'reason', 'details', 'answer', 'followUp',
  'area', 'section', 'locale', 'title', 'category', 'start', 'end', 'description', 'email', 'geometry', 'address', 'id', 'siteId',
  'question', 'type', 'options', 'maxChoices', 'opensAt', 'closesAt', 'resultsVisibility', 'allowChange', 'verifiedOnly', 'origins',
  'identity', 'comments', 'defaultLocale', 'retentionMonths', 'password', 'role', 'token', 'status', 'text', 'date', 'link',
  'targeting', 'bounds', 'center', 'zoom', 'categories', 'submissions', 'style', 'key', 'moderation', '__proto__', 'constructor'
]

const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null), fc.boolean(), fc.integer(), fc.double(), fc.constantFrom(1e308, -1, 0, 2 ** 53 + 1, -2147483649),
  fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom(...HOSTILE_STRINGS),
  fc.array(fc.string({ maxLength: 8 }), { maxLength: 60 }), fc.object({ maxDepth: 2 }),
  fc.constantFrom<unknown>({ $gt: '' }, [[[[]]]], { type: 'Point', coordinates: [1e9, -1e9] }, { __proto__: { admin: true } }, [null], ['yes', 'yes'])
)

const TEMPLATES: Record<string, (f: Fixtures) => Record<string, unknown>> = {
  'POST /v1/polls/:id/votes': () => ({ choices: ['yes'], page: PAGE }),
  'POST /v1/comments': () => ({ thread: 'fuzz-thread', site: 'fz-site', name: 'Fuzz', body: 'hello' }),
  'PATCH /v1/comments/:id': () => ({ body: 'edited' }),
  'POST /v1/comments/:id/vote': () => ({ value: 1 }),
  'POST /v1/comments/:id/report': () => ({ reason: 'spam' }),
  'POST /v1/consultations/:id/responses': () => ({ answer: 'yes', page: PAGE }),
  'POST /v1/projects/submissions': () => ({ title: 'Bench', category: 'roadworks', start: '2026-03-01', description: 'A bench', geometry: { type: 'Point', coordinates: [5.12, 52.09] } }),
  'POST /v1/admin/session': () => ({ email: 'nobody@city.example', password: 'not the password' }),
  'POST /v1/admin/setup': () => ({ token: 'guess', email: 'a@b.example', name: 'A', password: 'long enough password' }),
  'POST /v1/admin/users': () => ({ email: 'fz@city.example', name: 'F', role: 'moderator', password: 'long enough password' }),
  'PATCH /v1/admin/users/:id': () => ({ name: 'renamed' }),
  'POST /v1/admin/sites': () => ({ name: 'Fuzz', origins: ['https://fz.example'] }),
  'PATCH /v1/admin/sites/:id': () => ({ name: 'Fuzz site' }),
  'POST /v1/admin/polls': () => ({ siteId: 'fz-site', question: 'Q?', type: 'single', options: ['A', 'B'] }),
  'PATCH /v1/admin/polls/:id': () => ({ question: 'Q2?' }),
  'POST /v1/admin/consultations': () => ({ siteId: 'fz-site', type: 'yes-no', question: 'Q?' }),
  'PATCH /v1/admin/consultations/:id': () => ({ question: 'Q2?' }),
  'PUT /v1/admin/consultations/:id/outcome': () => ({ status: 'decided', text: 'We did', date: '2026-01-01' }),
  'PUT /v1/admin/sites/:site/map': () => ({ zoom: 12 }),
  'POST /v1/admin/projects': () => ({ siteId: 'fz-site', title: 'T', category: 'roadworks', status: 'planned', start: '2026-01-01', geometry: { type: 'Point', coordinates: [5.12, 52.09] } }),
  'PUT /v1/admin/projects/:id': () => ({ title: 'T', category: 'roadworks', status: 'planned', start: '2026-01-01', geometry: { type: 'Point', coordinates: [5.12, 52.09] } }),
  'POST /v1/admin/projects/:id/reject': () => ({ reason: 'no' }),
  'POST /v1/admin/comments/:id/reject': () => ({ reason: 'no' }),
  'POST /v1/admin/sites/:id/bans': () => ({ participant: 'x', reason: 'spam' }),
  'PATCH /v1/admin/threads': () => ({ site: 'fz-site', key: 'fuzz-thread', status: 'open' })
}

function bodyArb (route: Route, f: Fixtures): fc.Arbitrary<Buffer | null> {
  const tpl = TEMPLATES[`${route.method} ${route.url}`]
  const json = (v: unknown) => Buffer.from(JSON.stringify(v) ?? 'null')
  const mutated = tpl
    ? fc.tuple(fc.constantFrom(...BODY_FIELDS, ...Object.keys(tpl(f))), wrongValue, fc.boolean()).map(([k, v, drop]) => {
      const b: Record<string, unknown> = { ...tpl(f) }
      if (drop) delete b[k]
      else Object.defineProperty(b, k, { value: v, enumerable: true, configurable: true, writable: true })
      return json(b)
    })
    : fc.dictionary(fc.constantFrom(...BODY_FIELDS), wrongValue, { maxKeys: 5 }).map(json)
  return fc.oneof(
    { weight: 6, arbitrary: mutated },
    { weight: 2, arbitrary: fc.dictionary(fc.constantFrom(...BODY_FIELDS), wrongValue, { maxKeys: 6 }).map(json) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map(json) },
    { weight: 1, arbitrary: fc.constantFrom(100, 1000, 10_000).map(n => Buffer.from(deep(n, '[', ']'))) },
    { weight: 1, arbitrary: fc.constantFrom(100, 1000, 10_000).map(n => Buffer.from(deep(n, '{"a":', '}'))) },
    { weight: 1, arbitrary: fc.constantFrom(20_000, 300_000).map(n => Buffer.from(JSON.stringify({ body: 'x'.repeat(n), choices: ['y'.repeat(n)] }))) },
    {
      weight: 2,
      // Invalid UTF-8: stray continuation bytes, overlong '/', a UTF-8-encoded surrogate, truncated sequences.
      arbitrary: fc.constantFrom([0xff, 0xfe], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]).map(bad => {
        const b = tpl ? JSON.stringify(tpl(f)) : '{"name":"x"}'
        const i = b.indexOf('"', b.indexOf(':')) + 1 || 1
        return Buffer.concat([Buffer.from(b.slice(0, i)), Buffer.from(bad), Buffer.from(b.slice(i))])
      })
    },
    { weight: 1, arbitrary: fc.constantFrom('{"body":"\\ud800"}', '{"name":"a\\u0000"}', 'a\u0000', '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}', '{"value":1e400}', '{"choices":[NaN]}', '{', '{"a":1,}', '\ufeff{}', 'null', '""', '[]', '0').map(s => Buffer.from(s)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map(s => Buffer.from(s)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map(u => Buffer.from(u)) },
    { weight: 1, arbitrary: fc.constant(null) }
  )
}

/** Percent-encodes any string, lone surrogates included (as U+FFFD, like a browser). */
const pct = (s: string) => encodeURIComponent(Buffer.from(s, 'utf8').toString('utf8'))
const latin1 = (s: string) => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?')

function requestArb (routes: Route[], f: Fixtures): fc.Arbitrary<FuzzRequest> {
  const segment = (name: string) => fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...(f.ids[name] ?? f.ids.id!)) },
    { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_SEGMENTS) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }).map(pct) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map(s => pct(s).replace(/%2F/g, '/')) }
  )
  const wildcard = fc.constantFrom('', 'index.html', '../../package.json', '..%2f..%2fpackage.json', '%2e%2e/%2e%2e/server/config.ts',
    '....//....//etc/passwd', 'chunks/../../../package.json', '%00.js', 'civic.js%00.html', 'x'.repeat(2000), '.env', '.git/config')
  const queryValue = fc.oneof(fc.constantFrom(...HOSTILE_STRINGS.filter(s => s.length < 10_000)), fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom('fz-site', 'fuzz-thread', PAGE, 'newest', 'top', '5.0,52.0,5.2,52.2', '1,2,3', '200', '-5', '2026-01-01'))
  const query = fc.array(fc.tuple(fc.constantFrom(...QUERY_KEYS), queryValue, fc.boolean()), { maxLength: 5 })
    .map(kv => kv.length ? `?${kv.map(([k, v, raw]) => `${pct(k)}=${raw ? latin1(v).replace(/[ #?&\r\n\t]/g, '') : pct(v)}`).join('&')}` : '')
  const contentType = fc.oneof(
    { weight: 10, arbitrary: fc.constant('application/json') },
    { weight: 4, arbitrary: fc.constantFrom(null, 'text/plain', 'application/json; charset=utf-16le', 'application/json; charset=latin1',
      'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/csv', 'application/geo+json', 'APPLICATION/JSON',
      'application/json, text/plain', '', 'application/jsonx', '*/*', ';;;', `application/json; ${'a'.repeat(3000)}`, 'application/json; charset="\xff"') }
  )
  const participant = fc.constantFrom<string | null>(null, `Participant ${f.participant}`, `Participant ${f.participant.slice(0, -4)}AAAA`,
    'Participant ', 'Participant a b', `Participant ${'v1.'.repeat(3000)}`, 'participant v1.x.y', 'Bearer wrong', 'Basic YTpi', 'Participant \xff\xfe')
  const adminAuth = fc.constantFrom<Array<[string, string]>>(
    [['authorization', `Bearer ${ADMIN_TOKEN}`]],
    [['cookie', f.cookie], ['x-csrf-token', f.csrf]]
  )
  const badAdmin = fc.constantFrom<Array<[string, string]>>(
    [], [['authorization', 'Bearer wrong-token']], [['authorization', `Bearer ${ADMIN_TOKEN}x`]], [['authorization', 'Bearer ']],
    [['cookie', f.endedCookie], ['x-csrf-token', f.csrf]], [['cookie', `civic_session=${'A'.repeat(43)}`]], [['cookie', f.cookie]],
    [['cookie', f.cookie], ['x-csrf-token', 'forged']], [['cookie', 'civic_session=\xff\xfe; civic_session=x']], [['cookie', `civic_session=${'x'.repeat(5000)}`]]
  )
  const identity = fc.constantFrom<string | null>(null, f.identity.good, f.identity.expired, f.identity.badSig, f.identity.wrongIssuer, 'not-a-jwt', 'a.b.c', 'x'.repeat(9000))
  const idemKey = fc.constantFrom<string | null>(null, null, '', ' ', 'k-1', 'x'.repeat(101), 'x'.repeat(9000), '\x80\xff', '../../x', 'k\x00'.replace('\x00', '%00'))
  const origin = fc.constantFrom<string | null>(ORIGIN, ORIGIN, null, 'https://evil.example', 'null', 'file://', `${ORIGIN}.evil.example`, `${ORIGIN}/`, 'https://CITY.example', '\xff')
  const extra = fc.array(fc.constantFrom<[string, string]>(
    ['last-event-id', '-1'], ['last-event-id', 'abc'], ['last-event-id', '9'.repeat(400)], ['range', 'bytes=0-10'], ['range', 'bytes=-0'],
    ['range', 'bytes=9-2'], ['range', 'bytes=0-1,5-6'], ['range', 'items=0-1'], ['range', 'bytes=99999999999999999999-'], ['if-none-match', '*'],
    ['if-none-match', '"x"'], ['if-range', 'W/"x"'], ['if-match', '"nope"'], ['accept-encoding', 'gzip'], ['accept', 'text/html'],
    ['x-forwarded-for', '1.2.3.4, \xff'], ['x-forwarded-proto', 'gopher'], ['x-forwarded-host', 'evil.example'], ['expect', '100-continue']
  ), { maxLength: 3 })
  const framing = fc.oneof(
    { weight: 18, arbitrary: fc.constant<Framing>('normal') },
    { weight: 2, arbitrary: fc.constantFrom<Framing>('cl-short', 'cl-and-te', 'bad-chunk', 'huge-header', 'raw-bytes-in-path', 'obs-fold') }
  )
  return fc.constantFrom(...routes).chain(route => {
    const names = [...route.url.matchAll(/:([A-Za-z]+)/g)].map(m => m[1]!)
    const isWrite = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method)
    return fc.record({
      segs: fc.tuple(...names.map(segment)),
      star: wildcard,
      query,
      contentType,
      body: isWrite ? bodyArb(route, f) : fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: bodyArb(route, f) }),
      admin: fc.boolean(),
      adminAuth,
      badAdmin,
      participant,
      identity,
      idemKey,
      origin,
      extra,
      framing
    }).map(g => {
      let i = 0
      let p = route.url.replace(/:([A-Za-z]+)/g, () => g.segs[i++] as string)
      if (p.endsWith('*')) p = p.slice(0, -1) + g.star
      p += g.query
      // The valid session is never sent to sign-out (which needs no CSRF token, by design): the
      // fuzzer would end its own credentials. An ended session's cookie goes there instead.
      const signOut = route.method === 'DELETE' && route.url === '/v1/admin/session'
      const chosen = g.admin ? g.adminAuth : g.badAdmin
      const adminHeaders = signOut ? chosen.map(([k, v]): [string, string] => [k, v === f.cookie ? f.endedCookie : v]) : chosen
      const headers: Array<[string, string]> = []
      if (g.origin !== null) headers.push(['origin', g.origin])
      if (route.url.startsWith('/v1/admin')) headers.push(...adminHeaders)
      else if (g.participant !== null) headers.push(['authorization', g.participant])
      if (g.identity !== null) headers.push(['x-civic-identity', g.identity])
      if (g.idemKey !== null) headers.push(['idempotency-key', g.idemKey])
      if (g.body !== null && g.contentType !== null) headers.push(['content-type', g.contentType])
      headers.push(...g.extra)
      const req: FuzzRequest = { route, path: p, headers, body: g.body, framing: g.framing, admin: g.admin }
      // Counterexamples print short: a 300 KB body as bytes would drown the report.
      return Object.assign(req, { [fc.toStringMethod]: () => describeRequest(req) })
    })
  })
}

// ── the suite ──────────────────────────────────────────────────────────────────────────────────

forEachDb('fuzzing every route with malformed requests', env => {
  let server: ChildServer
  let port: number
  let routes: Route[]
  let f: Fixtures
  const base = () => `http://127.0.0.1:${port}`
  const bearer = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }
  const call = async (method: string, url: string, body?: unknown, headers: Record<string, string> = bearer) => {
    const res = await fetch(`${base()}${url}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
    const text = await res.text()
    assert.ok(res.status < 300, `${method} ${url}: ${res.status} ${text}`)
    return { res, json: text ? JSON.parse(text) : null }
  }

  before(async () => {
    const storage = await env.storage()
    const files = {
      CDN_DIR: path.join(root, 'dist/cdn'),
      BASEMAP_PMTILES: fs.existsSync(path.join(root, 'dist/basemap/riverton.pmtiles')) ? path.join(root, 'dist/basemap/riverton.pmtiles') : 'off',
      MAP_CONTEXT: path.join(root, 'demo/geo/riverton.geojson')
    }
    const serverEnv = {
      ...storage.serverEnv, ...files, ADMIN_TOKEN, LOG_REQUESTS: '0', WEBHOOK_RETRY_MS: '50', RETENTION_INTERVAL_MINUTES: '0',
      RATE_LIMIT_IP_PER_MIN: '10000000', RATE_LIMIT_PARTICIPANT_PER_MIN: '10000000', RATE_LIMIT_COMMENT_IP_PER_MIN: '10000000'
    }
    // The route table of the very app the child runs (same code, same configuration).
    const db = await storage.open()
    const probe = await buildApp({ db, config: loadConfig({ ...process.env, ...serverEnv, PORT: '0', DEMO: '0', SEED: '0' }) })
    await probe.ready()
    const seen = new Set<string>()
    routes = probe.routeTable.filter(r => r.method !== 'OPTIONS' || r.url !== '*')
      .filter(r => !seen.has(`${r.method} ${r.url}`) && seen.add(`${r.method} ${r.url}`))
      .map(r => ({ method: r.method, url: r.url }))
    await probe.close()
    await db.close()
    // Preflights on every path, too.
    routes.push(...[...new Set(routes.map(r => r.url))].map(url => ({ method: 'OPTIONS', url })))

    server = await startChildServer(serverEnv)
    port = Number(new URL(server.url).port)

    await call('POST', '/v1/admin/sites', { id: 'fz-site', name: 'Fuzz City', origins: [ORIGIN], identity: { secret: SECRET, issuer: ISSUER }, comments: { rateLimitSeconds: 0, dailyCap: 0 } })
    await call('PUT', '/v1/admin/sites/fz-site/map', {
      bounds: [5.06, 52.055, 5.18, 52.125], center: [5.12, 52.09], zoom: 13,
      categories: [{ id: 'roadworks', label: 'Roadworks', color: '#b3261e', icon: 'cone' }], submissions: { enabled: true, perDay: 1000 }, comments: true
    })
    const poll = (await call('POST', '/v1/admin/polls', { id: 'fz-poll', siteId: 'fz-site', question: 'Q?', type: 'single', options: ['Yes', 'No'], allowChange: true })).json
    const verified = (await call('POST', '/v1/admin/polls', { id: 'fz-verified', siteId: 'fz-site', question: 'Q?', type: 'multiple', options: ['Yes', 'No'], verifiedOnly: true })).json
    const consultation = (await call('POST', '/v1/admin/consultations', { id: 'fz-cons', siteId: 'fz-site', type: 'text', question: 'Why?', targeting: { siteWide: true } })).json
    const project = (await call('POST', '/v1/admin/projects', TEMPLATES['POST /v1/admin/projects']!({} as Fixtures))).json
    const participant = (await call('POST', '/v1/participants', undefined, { origin: ORIGIN })).json.token as string
    const posted = (await call('POST', '/v1/comments', { thread: 'fuzz-thread', site: 'fz-site', name: 'Fuzz', body: 'hello' },
      { origin: ORIGIN, authorization: `Participant ${participant}`, 'content-type': 'application/json' })).json
    const user = (await call('POST', '/v1/admin/users', { email: 'fz-admin@city.example', name: 'Fuzz', role: 'admin', password: 'a long fuzz password' })).json
    const signIn = async (email: string) => {
      const { res, json } = await call('POST', '/v1/admin/session', { email, password: 'a long fuzz password' }, { 'content-type': 'application/json' })
      return { cookie: res.headers.get('set-cookie')!.split(';')[0]!, csrf: json.csrfToken as string }
    }
    const session = await signIn(user.email)
    // A session that ended (its user was deleted): the cookie must be refused from then on.
    const gone = (await call('POST', '/v1/admin/users', { email: 'fz-gone@city.example', name: 'Gone', role: 'admin', password: 'a long fuzz password' })).json
    const ended = await signIn(gone.email)
    await call('DELETE', `/v1/admin/users/${gone.id}`)
    const now = Math.floor(Date.now() / 1000)
    const jwt = (claims: Record<string, unknown>, secret = SECRET, exp: number = now + 600) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(exp).sign(new TextEncoder().encode(secret))
    f = {
      ids: {
        id: [poll.id, verified.id, consultation.id, project.id, posted.comment.id, 'fz-site'],
        site: ['fz-site'],
        banId: ['1', 'fz'],
        token: [participant, encodeURIComponent(participant), participant.split('.')[1]!]
      },
      participant,
      cookie: session.cookie,
      csrf: session.csrf,
      endedCookie: ended.cookie,
      identity: {
        good: await jwt({ sub: 'fz-resident', iss: ISSUER }),
        expired: await jwt({ sub: 'fz-resident', iss: ISSUER }, SECRET, now - 60),
        badSig: await jwt({ sub: 'fz-resident', iss: ISSUER }, 'another-secret-of-enough-length'),
        wrongIssuer: await jwt({ sub: 'fz-resident', iss: 'https://elsewhere.example' })
      }
    }
  })
  after(async () => {
    if (server && server.proc.exitCode === null) {
      server.proc.kill('SIGTERM')
      await server.exited
    }
  })

  test('HEAD on a live stream answers at once instead of holding the connection (found by this fuzzer)', async () => {
    for (const url of ['/v1/polls/fz-poll/live', `/v1/comments/live?thread=fuzz-thread&site=fz-site`]) {
      const a = await rawRequest(port, Buffer.from(`HEAD ${url} HTTP/1.1\r\nhost: 127.0.0.1\r\norigin: ${ORIGIN}\r\n\r\n`), 5000)
      assert.equal(a.status, 200, url)
      assert.match(a.headers['content-type'] ?? '', /text\/event-stream/)
    }
  })

  test('every answer is < 500, every error is JSON {error:{code,message}}, and the server stays up', async t => {
    const total = env.kind === 'sqlite' ? (FULL ? 10_000 : 1_000) : (FULL ? 10_000 : 300)
    const stats = { requests: 0, resets: 0, admin: 0, errors: 0, jsonErrors: 0, fiveXX: 0, byStatus: new Map<number, number>(), routes: new Set<string>(), framings: 0 }
    const problems: string[] = []
    const check = async (r: FuzzRequest) => {
      let a: Answer
      try { a = await rawRequest(port, encode(r)) } catch (err) { return `${(err as Error).message}: ${describeRequest(r)}` }
      stats.requests++
      if (a.status === 0) { stats.resets++; return null }
      if (r.admin) stats.admin++
      if (r.framing !== 'normal') stats.framings++
      stats.routes.add(`${r.route.method} ${r.route.url}`)
      stats.byStatus.set(a.status, (stats.byStatus.get(a.status) ?? 0) + 1)
      const label = `${describeRequest(r)} → ${a.status} ${a.body.subarray(0, 300).toString()}`
      if (a.status >= 500) { stats.fiveXX++; return `5xx: ${label}` }
      if (a.status >= 400) {
        stats.errors++
        if (r.route.method === 'HEAD') {
          if (!/^application\/json/.test(a.headers['content-type'] ?? '')) return `HEAD error without a JSON content type: ${label}`
          stats.jsonErrors++
          return null
        }
        let body: any
        try { body = JSON.parse(a.body.toString('utf8')) } catch { return `error body is not JSON: ${label}` }
        if (!/^application\/json/.test(a.headers['content-type'] ?? '')) return `error without a JSON content type (${a.headers['content-type']}): ${label}`
        if (typeof body?.error?.code !== 'string' || !/^[A-Z0-9_]+$/.test(body.error.code) || typeof body.error.message !== 'string') return `error not {error:{code,message}}: ${label}`
        stats.jsonErrors++
      }
      // A traversal that succeeds must not have left the served folders.
      if (a.status < 300 && /\.\.|%2e%2e/i.test(r.path) && /"name": "civic-widgets"|root:x:0:0|\[core\]|loadConfig/.test(a.body.toString('latin1'))) {
        return `path traversal served a file outside the public folders: ${label}`
      }
      return null
    }
    const arb = requestArb(routes, f)
    const started = performance.now()
    for (let done = 0; done < total; done += BATCH) {
      const seed = Date.now() ^ done
      await fc.assert(fc.asyncProperty(arb, async r => {
        const problem = await check(r)
        if (problem) problems.push(problem)
        // Fail fast, and let fast-check shrink towards the smallest failing request.
        if (!EXPLORE) assert.equal(problem, null)
      }), { numRuns: Math.min(BATCH, total - done), seed, includeErrorInReport: true })
      assert.equal(server.proc.exitCode, null, `the server exited after batch ${done / BATCH}:\n${server.logs.slice(-20).join('\n')}`)
      const health = await fetch(`${base()}/health`)
      assert.equal(health.status, 200, `unhealthy after batch ${done / BATCH}`)
      assert.equal((await health.json()).status, 'ok')
    }
    if (EXPLORE) fs.writeFileSync(EXPLORE, problems.join('\n'))
    // The fuzzer's own admin session survived everything it threw (nothing ends it but sign-out).
    assert.equal((await fetch(`${base()}/v1/admin/session`, { headers: { cookie: f.cookie } })).status, 200)
    const unhandled = server.logs.filter(l => /"level":(50|60)/.test(l))
    assert.deepEqual(unhandled.slice(0, 5), [], 'the server logged errors')
    const seconds = (performance.now() - started) / 1000
    assert.equal(stats.fiveXX, 0)
    assert.ok(stats.routes.size >= routes.length * (total >= 1000 ? 0.9 : 0.5), `only ${stats.routes.size} of ${routes.length} routes reached`)
    assert.ok(stats.admin > stats.requests * 0.4, 'about half the requests carry valid admin credentials')
    const statuses = [...stats.byStatus].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ')
    t.diagnostic(`${stats.requests} requests over ${stats.routes.size}/${routes.length} routes in ${seconds.toFixed(1)} s; statuses ${statuses}; ${stats.resets} oversized bodies cut off by a reset before the answer was read`)
    t.diagnostic(`PROVE ${JSON.stringify({
      suite: `fuzz (${env.kind})`,
      tried: `${stats.requests.toLocaleString('en')} malformed requests over ${stats.routes.size} routes (${stats.framings} with broken HTTP framing)`,
      held: `${stats.fiveXX} × 5xx, 0 crashes, 0 hangs, ${Math.round(100 * stats.jsonErrors / Math.max(1, stats.errors))}% of ${stats.errors.toLocaleString('en')} errors JSON` +
        (stats.resets ? ` (${stats.resets} oversized bodies: reset before the answer could be read)` : '')
    })}`)
  })
})
