import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import type { LightMyRequestResponse } from 'fastify'
import type { App } from '../../../server/app.ts'
import { admin, ORIGIN } from './harness.ts'

export type Res = LightMyRequestResponse

export const uid = (prefix = 'x') => `${prefix}-${crypto.randomBytes(5).toString('hex')}`

/** Asserts the error shape `{ error: { code, message } }` with the given status and code. */
export function assertError (res: Res, status: number, code: string): Record<string, unknown> {
  assert.equal(res.statusCode, status, `expected ${status} ${code}, got ${res.statusCode}: ${res.body}`)
  assert.match(String(res.headers['content-type']), /application\/json/)
  const body = res.json()
  assert.equal(body.error?.code, code, res.body)
  assert.equal(typeof body.error.message, 'string')
  return body.error
}

export function ok<T = any> (res: Res, status = 200): T {
  assert.equal(res.statusCode, status, res.body)
  return res.json() as T
}

export async function createSite (app: App, extra: Record<string, unknown> = {}) {
  return ok(await app.inject({
    method: 'POST', url: '/v1/admin/sites', headers: admin,
    payload: { id: uid('site'), name: 'Test City', origins: [ORIGIN], ...extra }
  }), 201)
}

export async function createPoll (app: App, siteId: string, extra: Record<string, unknown> = {}) {
  return ok(await app.inject({
    method: 'POST', url: '/v1/admin/polls', headers: admin,
    payload: { id: uid('poll'), siteId, question: 'Q?', type: 'single', options: ['Yes', 'No', 'Maybe'], ...extra }
  }), 201)
}

export async function mintToken (app: App, origin = ORIGIN): Promise<string> {
  return ok(await app.inject({ method: 'POST', url: '/v1/participants', headers: { origin } }), 201).token
}

export interface VoteOpts {
  key?: string
  origin?: string | null
  identity?: string
  headers?: Record<string, string>
}

export function vote (app: App, pollId: string, token: string | null, choices: unknown, opts: VoteOpts = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers }
  if (opts.origin !== null) headers.origin = opts.origin ?? ORIGIN
  if (token !== null) headers.authorization = `Participant ${token}`
  if (opts.key !== undefined) headers['idempotency-key'] = opts.key
  if (opts.identity !== undefined) headers['x-civic-identity'] = opts.identity
  return app.inject({ method: 'POST', url: `/v1/polls/${pollId}/votes`, headers, payload: JSON.stringify({ choices }) })
}

export async function view (app: App, pollId: string, token?: string) {
  return ok(await app.inject({
    method: 'GET', url: `/v1/polls/${pollId}`,
    headers: token ? { authorization: `Participant ${token}` } : {}
  }))
}

export async function adminResults (app: App, pollId: string) {
  return ok(await app.inject({ method: 'GET', url: `/v1/admin/polls/${pollId}/results`, headers: admin }))
}

export async function countVoteRows (app: App, pollId: string): Promise<number> {
  const r = await app.services.db.kysely.selectFrom('votes').select(eb => eb.fn.countAll<string>().as('n'))
    .where('poll_id', '=', pollId).executeTakeFirstOrThrow()
  return Number(r.n)
}

// ── comments ──────────────────────────────────────────────────────────────────────────────────

/** A site for comment tests: no per-author rate limit or daily cap unless asked (tests post quickly). */
export async function createCommentSite (app: App, comments: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return createSite(app, { comments: { rateLimitSeconds: 0, dailyCap: 0, ...comments }, ...extra })
}

export interface CommentOpts {
  key?: string
  origin?: string | null
  identity?: string
  remoteAddress?: string
}

function writeHeaders (token: string | null, opts: CommentOpts): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (opts.origin !== null) headers.origin = opts.origin ?? ORIGIN
  if (token !== null) headers.authorization = `Participant ${token}`
  if (opts.key !== undefined) headers['idempotency-key'] = opts.key
  if (opts.identity !== undefined) headers['x-civic-identity'] = opts.identity
  return headers
}

export function postComment (app: App, token: string | null, payload: Record<string, unknown>, opts: CommentOpts = {}) {
  return app.inject({
    method: 'POST', url: '/v1/comments', headers: writeHeaders(token, opts), payload: JSON.stringify({ name: 'Resident', ...payload }),
    ...(opts.remoteAddress ? { remoteAddress: opts.remoteAddress } : {})
  })
}

/** Posts and expects 201; returns the comment view. */
export async function comment (app: App, token: string, thread: string, body: string, extra: Record<string, unknown> = {}, opts: CommentOpts = {}) {
  return ok(await postComment(app, token, { thread, body, ...extra }, opts), 201).comment
}

export function commentWrite (app: App, method: 'PATCH' | 'DELETE' | 'POST', url: string, token: string | null, payload?: unknown, opts: CommentOpts = {}) {
  const headers = writeHeaders(token, opts)
  if (payload === undefined) delete headers['content-type']
  return app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }) })
}

export function listComments (app: App, query: Record<string, string>, token?: string, headers: Record<string, string> = {}) {
  const qs = new URLSearchParams(query).toString()
  return app.inject({
    method: 'GET', url: `/v1/comments?${qs}`,
    headers: { ...(token ? { authorization: `Participant ${token}` } : {}), ...headers }
  })
}

/** The page as the given reader sees it (site `siteId`), expecting 200. */
export async function page (app: App, siteId: string, thread: string, token?: string, extra: Record<string, string> = {}) {
  return ok(await listComments(app, { thread, site: siteId, ...extra }, token))
}

export function adminReq (app: App, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) {
  return app.inject({ method, url: `/v1/admin${url}`, headers: admin, ...(payload === undefined ? {} : { payload: payload as object }) })
}

/** Moves a comment's creation time into the past (edit windows, rate limits). */
export async function ageComment (app: App, id: string, minutes: number) {
  const row = await app.services.db.kysely.selectFrom('comments').select('created_at').where('id', '=', id).executeTakeFirstOrThrow()
  await app.services.db.kysely.updateTable('comments')
    .set({ created_at: new Date(Date.parse(row.created_at) - minutes * 60_000).toISOString() })
    .where('id', '=', id).execute()
}

// ── consultations ─────────────────────────────────────────────────────────────────────────────

export const PAGE = 'https://city.example/news/bike-lanes'

export async function createConsultation (app: App, siteId: string, extra: Record<string, unknown> = {}) {
  return ok(await app.inject({
    method: 'POST', url: '/v1/admin/consultations', headers: admin,
    payload: { id: uid('c'), siteId, type: 'yes-no', question: 'Q?', ...extra }
  }), 201)
}

export interface RespondOpts {
  key?: string
  origin?: string | null
  remoteAddress?: string
}

/** POST /v1/consultations/:id/responses; `page` defaults to PAGE. */
export function respond (app: App, id: string, token: string | null, body: Record<string, unknown>, opts: RespondOpts = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (opts.origin !== null) headers.origin = opts.origin ?? ORIGIN
  if (token !== null) headers.authorization = `Participant ${token}`
  if (opts.key !== undefined) headers['idempotency-key'] = opts.key
  return app.inject({
    method: 'POST', url: `/v1/consultations/${id}/responses`, headers, payload: JSON.stringify({ page: PAGE, ...body }),
    ...(opts.remoteAddress ? { remoteAddress: opts.remoteAddress } : {})
  })
}

export function readConsultation (app: App, id: string, token?: string, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'GET', url: `/v1/consultations/${encodeURIComponent(id)}`,
    headers: { ...(token ? { authorization: `Participant ${token}` } : {}), ...headers }
  })
}

export function activeConsultation (app: App, query: Record<string, string>, headers: Record<string, string> = {}) {
  return app.inject({ method: 'GET', url: `/v1/consultations/active?${new URLSearchParams(query)}`, headers })
}
