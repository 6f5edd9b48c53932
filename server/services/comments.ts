import crypto from 'node:crypto'
import { sql } from 'kysely'
import type { Kysely } from 'kysely'
import type { CommentView, ThreadView } from '../schemas/comments.ts'
import type { Database } from '../store/db.ts'
import { isUniqueViolation } from '../store/db.ts'
import {
  adjustPublishedReplies, authorCommentTimes, authorHasPublished, adjustVoteCounts, changedSince, countRepliesAfter,
  findBan, findByIdempotencyKey, getComment, getVote, insertComment, insertReport, listReplies, listRepliesAfter,
  listTopLevel, myVotes, setVote, updateComment
} from '../store/comments-repo.ts'
import type { CommentRow, PageCursor, Reader, SortOrder, ViewRow } from '../store/comments-repo.ts'
import type { DB } from '../store/schema.ts'
import type { Site } from '../store/sites-repo.ts'
import { bumpThread, countByKeys, getThread, getThreadById, insertThreadIfAbsent } from '../store/threads-repo.ts'
import type { Thread } from '../store/threads-repo.ts'
import type { Catalog } from './catalog.ts'
import { assertNoBannedWord, assertThreadOpen, checkBody, checkKey, checkName, COMMENT_ID_RE, HELD, moderate } from './comment-rules.ts'
import { applyChange, commentView, insertedChange, isMine, nest, NOBODY, publishChange, threadView } from './comment-tree.ts'
import type { Change } from './comment-tree.ts'
import { AppError, notFound } from './errors.ts'
import type { IdentityVerifier } from './identity.ts'
import type { LiveBus, ThreadEvent } from './live.ts'
import { threadChannel } from './live.ts'
import type { OriginPolicy } from './origins.ts'
import type { ParticipantTokens } from './participants.ts'
import type { ReadContext, WriteContext } from './polls.ts'
import { enforce } from './rate-limit.ts'
import type { RateLimiter } from './rate-limit.ts'
import { siteOfRequest } from './request-site.ts'
import { escapeChat } from './webhooks.ts'
import type { StaffMessage, Webhooks } from './webhooks.ts'

export const PAGE_SIZE = 30
export const REPLIES_PER_PAGE = 50
const DAY_MS = 86_400_000

export interface CommentWriteContext extends WriteContext {
  /** Client IP, for the per-IP comment ceiling. */
  ip: string
}

export interface CommentReadContext extends ReadContext {
  participantToken: string | undefined
  identityToken: string | undefined
}

export interface CommentsDeps {
  db: Database
  catalog: Catalog
  tokens: ParticipantTokens
  identity: IdentityVerifier
  origins: OriginPolicy
  live: LiveBus
  webhooks: Webhooks
  /** Comments per client IP (a ceiling above the per-author limit of each site). */
  ipLimiter: RateLimiter
  /** Votes and reports per participant. */
  participantLimiter: RateLimiter
}

export interface PostInput {
  thread: string
  site?: string
  parentId?: string
  name?: string
  body: string
  website?: string
}

export interface ListQuery { thread: string; site?: string; sort?: SortOrder; cursor?: string }

export interface CommentSubscription { close (): void }

const threadNotFound = () => new AppError(404, 'THREAD_NOT_FOUND', 'Comments are not enabled for this page')

function encodeCursor (sort: SortOrder, r: ViewRow): string {
  return Buffer.from(JSON.stringify([sort, Number(r.score), r.created_at, r.id])).toString('base64url')
}

function decodeCursor (cursor: string, sort: SortOrder): PageCursor {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (Array.isArray(v) && v.length === 4 && v[0] === sort && Number.isSafeInteger(v[1]) &&
      typeof v[2] === 'string' && /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(v[2]) && typeof v[3] === 'string' && COMMENT_ID_RE.test(v[3])) {
      return { score: v[1], createdAt: v[2], id: v[3] }
    }
  } catch { /* fall through */ }
  throw new AppError(400, 'BAD_REQUEST', 'Invalid cursor (pass back nextCursor with the same thread, site and sort)')
}

const newId = () => crypto.randomBytes(12).toString('base64url')

/** The public side of comment threads: reading, posting, editing, voting, reporting, live. */
export class CommentService {
  readonly #d: CommentsDeps

  constructor (deps: CommentsDeps) {
    this.#d = deps
  }

  get #kysely () { return this.#d.db.kysely }

  /** The site of a request: `site=`, else the one whose allow-list holds the Origin (see siteOfRequest). */
  #site (siteId: string | undefined, from: ReadContext, write: boolean): Promise<Site> {
    return siteOfRequest(this.#d.catalog, this.#d.origins, siteId, from, write)
  }

  async #siteOf (row: CommentRow): Promise<Site> {
    const site = await this.#d.catalog.site(row.site_id)
    if (!site) throw notFound('Comment')
    return site
  }

  #participant (ctx: WriteContext): string {
    if (!ctx.participantToken) throw new AppError(401, 'PARTICIPANT_REQUIRED', 'A participant token is required (POST /v1/participants)')
    const id = this.#d.tokens.verifyFrom(ctx.participantToken, ctx.origin)
    if (!id) throw new AppError(401, 'PARTICIPANT_INVALID', 'The participant token is not valid')
    return id
  }

  /** On writes a bad identity token is an error; a site without identity cannot verify anyone. */
  async #identity (token: string | undefined, site: Site): Promise<{ sub: string; name?: string } | null> {
    if (!token) return null
    if (!site.identity) throw new AppError(401, 'IDENTITY_INVALID', 'This site has no identity provider configured')
    return this.#d.identity.verify(token, site.identity)
  }

  /** Reads ignore bad tokens: the reader just sees the public view. */
  async #reader (ctx: CommentReadContext, site: Site): Promise<Reader> {
    const participantId = ctx.participantToken ? this.#d.tokens.verify(ctx.participantToken) : null
    let verifiedKey: string | null = null
    if (ctx.identityToken && site.identity) {
      try { verifiedKey = `v:${(await this.#d.identity.verify(ctx.identityToken, site.identity)).sub}` } catch { /* public view */ }
    }
    return { participantId, verifiedKey }
  }

  #voterKey (r: Reader): string | null {
    return r.verifiedKey ?? (r.participantId ? `p:${r.participantId}` : null)
  }

  async #thread (site: Site, rawKey: string): Promise<{ key: string; thread: Thread | undefined }> {
    const key = checkKey(rawKey)
    const thread = await getThread(this.#kysely, site.id, key)
    if (!thread && !site.comments.threadsAutoCreate) throw threadNotFound()
    return { key, thread }
  }

  #views (site: Site, reader: Reader, votes: Map<string, number>, now: number) {
    const o = { reader, votes, editWindowMinutes: site.comments.editWindowMinutes, now }
    return (row: ViewRow) => commentView(row, o)
  }

  // ── reading ─────────────────────────────────────────────────────────────────────────────────

  async list (q: ListQuery, ctx: CommentReadContext): Promise<{ thread: ThreadView; comments: CommentView[]; nextCursor: string | null; serverTime: string }> {
    const site = await this.#site(q.site, ctx, false)
    const { key, thread } = await this.#thread(site, q.thread)
    const sort = q.sort ?? 'newest'
    const after = q.cursor ? decodeCursor(q.cursor, sort) : null
    const now = new Date()
    const tv = threadView(site, thread, key, now)
    if (!thread) return { thread: tv, comments: [], nextCursor: null, serverTime: now.toISOString() }

    const reader = await this.#reader(ctx, site)
    const top = await listTopLevel(this.#kysely, thread.id, sort, after, reader, PAGE_SIZE + 1)
    const page = top.slice(0, PAGE_SIZE)
    const replies = await listReplies(this.#kysely, page.map(r => r.id), reader, REPLIES_PER_PAGE)
    const voterKey = this.#voterKey(reader)
    const votes = voterKey ? await myVotes(this.#kysely, voterKey, thread.id) : new Map()
    const view = this.#views(site, reader, votes, now.getTime())
    const roots = page.map(view)
    const totals = new Map<string, number>()
    for (const r of replies) totals.set(r.root_id, r.total)
    nest(roots, replies.map(row => ({ row, view: view(row) })), totals)
    return {
      thread: tv,
      comments: roots,
      nextCursor: top.length > PAGE_SIZE ? encodeCursor(sort, page[page.length - 1]!) : null,
      serverTime: now.toISOString()
    }
  }

  async replies (rootId: string, afterId: string | undefined, ctx: CommentReadContext): Promise<{ replies: CommentView[]; moreReplies: number }> {
    const root = await getComment(this.#kysely, rootId)
    if (!root) throw notFound('Comment')
    const site = await this.#siteOf(root)
    this.#d.origins.assertRead(ctx.origin, site.origins, ctx.selfOrigin)
    const reader = await this.#reader(ctx, site)
    const visible = root.status === 'published' || Number(root.published_replies) > 0 || (isMine(root, reader) && root.status !== 'deleted')
    if (!visible) throw notFound('Comment')
    if (root.depth !== 0) throw new AppError(400, 'BAD_REQUEST', 'Replies are listed per top-level comment')
    let after: { createdAt: string; id: string } | null = null
    if (afterId !== undefined) {
      const a = await getComment(this.#kysely, afterId)
      if (!a || a.root_id !== root.id || a.depth === 0) throw new AppError(400, 'BAD_REQUEST', '`after` is not a reply of this comment')
      after = { createdAt: a.created_at, id: a.id }
    }
    const rows = await listRepliesAfter(this.#kysely, root.id, after, reader, REPLIES_PER_PAGE)
    const total = await countRepliesAfter(this.#kysely, root.id, after, reader)
    const voterKey = this.#voterKey(reader)
    const votes = voterKey ? await myVotes(this.#kysely, voterKey, root.thread_id) : new Map()
    return { replies: rows.map(this.#views(site, reader, votes, Date.now())), moreReplies: Math.max(0, total - rows.length) }
  }

  async counts (keys: string[], siteId: string | undefined, from: ReadContext): Promise<Record<string, number>> {
    const site = await this.#site(siteId, from, false)
    const canonical = keys.map(checkKey)
    const found = await countByKeys(this.#kysely, site.id, [...new Set(canonical)])
    const out: Record<string, number> = {}
    keys.forEach((k, i) => { out[k] = found.get(canonical[i]!) ?? 0 })
    return out
  }

  // ── posting ─────────────────────────────────────────────────────────────────────────────────

  async post (input: PostInput, ctx: CommentWriteContext): Promise<{ comment: CommentView; thread: ThreadView }> {
    const site = await this.#site(input.site, ctx, true)
    const key = checkKey(input.thread)
    const known = await getThread(this.#kysely, site.id, key)
    if (!known && !site.comments.threadsAutoCreate) throw threadNotFound()
    const participantId = this.#participant(ctx)
    if (ctx.idempotencyKey) {
      const prior = await findByIdempotencyKey(this.#kysely, participantId, ctx.idempotencyKey)
      if (prior) return this.#written(site, prior)
    }
    if (input.website !== undefined && input.website !== '') {
      throw new AppError(422, 'SPAM', 'This comment looks automated and was not accepted')
    }
    const ident = await this.#identity(ctx.identityToken, site)
    const authorKey = ident ? `v:${ident.sub}` : `p:${participantId}`
    await this.#assertNotBanned(site, authorKey, participantId)
    const now = new Date()
    assertThreadOpen(known, now)
    const name = ident?.name ?? checkName(input.name)
    checkBody(input.body)
    const settings = site.comments
    assertNoBannedWord(input.body, settings)
    if (input.parentId !== undefined) {
      const parent = await getComment(this.#kysely, input.parentId)
      if (!parent) throw notFound('Parent comment')
      if (!known || parent.thread_id !== known.id || parent.status !== 'published') throw parentUnavailable()
    }
    await enforce(this.#d.ipLimiter, ctx.ip)

    const mode = known?.moderation ?? settings.moderation
    const authorKnown = mode === 'first' ? await authorHasPublished(this.#kysely, site.id, authorKey) : true
    const verdict = moderate({ body: input.body, settings, mode, authorKnown })
    const at = now.toISOString()

    let row: CommentRow
    let thread: Thread
    try {
      ({ row, thread } = await this.#kysely.transaction().execute(async trx => {
        await this.#lockAuthor(trx, site.id, authorKey)
        await insertThreadIfAbsent(trx, {
          id: newId(), siteId: site.id, key, closesAt: null, closedAt: null, moderation: null,
          commentCount: 0, seq: 0, createdAt: at, updatedAt: at
        })
        const t = (await getThread(trx, site.id, key, this.#d.db.dialect === 'postgres'))!
        assertThreadOpen(t, now)
        await this.#assertRate(trx, site, authorKey, now)

        let parentId: string | null = null
        let rootId: string | null = null
        let depth = 0
        let replyTo: { id: string; name: string } | null = null
        if (input.parentId !== undefined) {
          const parent = await getComment(trx, input.parentId)
          if (!parent || parent.thread_id !== t.id || parent.status !== 'published') throw parentUnavailable()
          if (parent.depth < 2) {
            parentId = parent.id
            rootId = parent.root_id
            depth = parent.depth + 1
          } else {
            // Three levels at most: a reply to a depth-2 comment sits beside it, naming whom it answers.
            parentId = parent.parent_id
            rootId = parent.root_id
            depth = 2
            replyTo = { id: parent.id, name: parent.author_name }
          }
        }
        const published = verdict.status === 'published'
        const seq = await bumpThread(trx, t.id, published ? 1 : 0)
        const id = newId()
        const r: CommentRow = {
          id,
          thread_id: t.id,
          site_id: site.id,
          parent_id: parentId,
          root_id: rootId ?? id,
          depth,
          reply_to_id: replyTo?.id ?? null,
          reply_to_name: replyTo?.name ?? null,
          participant_id: participantId,
          author_key: authorKey,
          author_name: name,
          verified: ident ? 1 : 0,
          body: input.body,
          status: verdict.status,
          held_reason: verdict.heldReason,
          reject_reason: null,
          up: 0,
          down: 0,
          score: 0,
          published_replies: 0,
          open_reports: 0,
          seq,
          published_seq: published ? seq : null,
          idempotency_key: ctx.idempotencyKey ?? null,
          created_at: at,
          edited_at: null,
          updated_at: at
        }
        await insertComment(trx, r)
        if (published && depth > 0) await adjustPublishedReplies(trx, [...new Set([parentId!, rootId!])], 1)
        return { row: r, thread: { ...t, seq, commentCount: t.commentCount + (published ? 1 : 0) } }
      }))
    } catch (err) {
      // The same Idempotency-Key raced in twice: the other request stored it; answer with that one.
      if (isUniqueViolation(err) && ctx.idempotencyKey) {
        const prior = await findByIdempotencyKey(this.#kysely, participantId, ctx.idempotencyKey)
        if (prior) return this.#written(site, prior)
      }
      throw err
    }
    publishChange(this.#d.live, site, key, insertedChange(row), settings.editWindowMinutes)
    if (row.status === 'pending') this.#notifyHeld(site, key, row)
    return {
      comment: commentView(row, { reader: { participantId, verifiedKey: ident ? authorKey : null }, editWindowMinutes: settings.editWindowMinutes, now: now.getTime() }),
      thread: threadView(site, thread, key, now)
    }
  }

  /** The answer to a replayed post: the stored comment as its author sees it now. */
  async #written (site: Site, row: CommentRow): Promise<{ comment: CommentView; thread: ThreadView }> {
    const thread = (await getThreadById(this.#kysely, row.thread_id))!
    const now = new Date()
    const reader = { participantId: row.participant_id, verifiedKey: row.author_key.startsWith('v:') ? row.author_key : null }
    return {
      comment: commentView(row, { reader, editWindowMinutes: site.comments.editWindowMinutes, now: now.getTime() }),
      thread: threadView(site, thread, thread.key, now)
    }
  }

  async #assertNotBanned (site: Site, authorKey: string, participantId: string): Promise<void> {
    if (await findBan(this.#kysely, site.id, authorKey, participantId)) {
      throw new AppError(403, 'BANNED', 'You can no longer comment on this site')
    }
  }

  /**
   * PostgreSQL: every transaction that changes a comment's status locks its thread row first, then
   * the comment: one lock order, so a reply (thread, then parent counters) and a report or edit of
   * that parent can never deadlock.
   */
  async #lockThread (trx: Kysely<DB>, threadId: string): Promise<void> {
    if (this.#d.db.dialect === 'postgres') await getThreadById(trx, threadId, true)
  }

  /** PostgreSQL: one author's posts serialise (the limits below read, then write). SQLite has one writer. */
  async #lockAuthor (trx: Kysely<DB>, siteId: string, authorKey: string): Promise<void> {
    if (this.#d.db.dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${`comment:${siteId}:${authorKey}`}))`.execute(trx)
  }

  /** Per author and site: a least interval between comments, and a cap per rolling 24 hours. */
  async #assertRate (trx: Kysely<DB>, site: Site, authorKey: string, now: Date): Promise<void> {
    const { rateLimitSeconds, dailyCap } = site.comments
    if (rateLimitSeconds === 0 && dailyCap === 0) return
    const since = new Date(now.getTime() - Math.max(DAY_MS, rateLimitSeconds * 1000)).toISOString()
    const times = await authorCommentTimes(trx, site.id, authorKey, since, Math.max(1, dailyCap))
    const t = now.getTime()
    if (rateLimitSeconds > 0 && times.length > 0) {
      const wait = Date.parse(times[0]!) + rateLimitSeconds * 1000 - t
      if (wait > 0) throw limited('RATE_LIMITED', `Please wait ${Math.ceil(wait / 1000)} s before commenting again`, wait)
    }
    if (dailyCap > 0 && times.length >= dailyCap) {
      const wait = Date.parse(times[dailyCap - 1]!) + DAY_MS - t
      if (wait > 0) throw limited('DAILY_LIMIT', `You have reached today's limit of ${dailyCap} comments on this site`, wait)
    }
  }

  // ── editing and deleting ────────────────────────────────────────────────────────────────────

  /** The comment, its site, and proof that the writer is its author. */
  async #own (id: string, ctx: WriteContext): Promise<{ row: CommentRow; site: Site; thread: Thread }> {
    const row = await getComment(this.#kysely, id)
    if (!row) throw notFound('Comment')
    const site = await this.#siteOf(row)
    this.#d.origins.assertWrite(ctx.origin, site.origins, ctx.selfOrigin)
    const participantId = this.#participant(ctx)
    let verifiedKey: string | null = null
    if (ctx.identityToken && row.author_key.startsWith('v:')) verifiedKey = `v:${(await this.#identity(ctx.identityToken, site))!.sub}`
    if (!isMine(row, { participantId, verifiedKey })) throw new AppError(403, 'NOT_AUTHOR', 'Only its author can change this comment')
    const thread = (await getThreadById(this.#kysely, row.thread_id))!
    return { row, site, thread }
  }

  #assertWindow (row: CommentRow, site: Site, now: Date): void {
    if (now.getTime() > Date.parse(row.created_at) + site.comments.editWindowMinutes * 60_000) {
      throw new AppError(409, 'EDIT_WINDOW_OVER', `Comments can be changed for ${site.comments.editWindowMinutes} minutes after posting`)
    }
  }

  async edit (id: string, body: string, ctx: WriteContext): Promise<{ comment: CommentView; thread: ThreadView }> {
    const { row, site, thread } = await this.#own(id, ctx)
    const now = new Date()
    if (row.status !== 'published' && row.status !== 'pending') throw new AppError(409, 'NOT_EDITABLE', 'This comment can no longer be edited')
    this.#assertWindow(row, site, now)
    await this.#assertNotBanned(site, row.author_key, this.#participant(ctx))
    assertThreadOpen(thread, now)
    checkBody(body)
    const mode = thread.moderation ?? site.comments.moderation
    const authorKnown = mode === 'first' ? await authorHasPublished(this.#kysely, site.id, row.author_key) : true
    const verdict = moderate({ body, settings: site.comments, mode, authorKnown })
    const at = now.toISOString()
    const change = await this.#kysely.transaction().execute(async trx => {
      await this.#lockThread(trx, row.thread_id)
      const cur = await getComment(trx, id, this.#d.db.dialect === 'postgres')
      if (!cur || (cur.status !== 'published' && cur.status !== 'pending')) throw new AppError(409, 'NOT_EDITABLE', 'This comment can no longer be edited')
      return applyChange(trx, cur, { body, edited_at: at, status: verdict.status, held_reason: verdict.heldReason }, at)
    })
    return this.#afterOwnChange(site, thread, change, now)
  }

  async remove (id: string, ctx: WriteContext): Promise<{ comment: CommentView; thread: ThreadView }> {
    const { row, site, thread } = await this.#own(id, ctx)
    const now = new Date()
    if (row.status === 'deleted') return this.#afterOwnChange(site, thread, null, now, row)
    this.#assertWindow(row, site, now)
    const at = now.toISOString()
    const change = await this.#kysely.transaction().execute(async trx => {
      await this.#lockThread(trx, row.thread_id)
      const cur = (await getComment(trx, id, this.#d.db.dialect === 'postgres'))!
      if (cur.status === 'deleted') return null
      // The text and the name go for good; the row stays so that replies keep their place.
      return applyChange(trx, cur, { status: 'deleted', body: '', author_name: '', held_reason: null }, at)
    })
    return this.#afterOwnChange(site, thread, change, now, change ? undefined : row)
  }

  async #afterOwnChange (site: Site, thread: Thread, change: Change | null, now: Date, unchanged?: CommentRow): Promise<{ comment: CommentView; thread: ThreadView }> {
    const row = change?.after ?? (await getComment(this.#kysely, unchanged!.id))!
    if (change) {
      publishChange(this.#d.live, site, thread.key, change, site.comments.editWindowMinutes)
      if (change.after.status === 'pending' && change.before.status !== 'pending') this.#notifyHeld(site, thread.key, change.after)
    }
    const fresh = (await getThreadById(this.#kysely, thread.id))!
    const reader = { participantId: row.participant_id, verifiedKey: row.author_key.startsWith('v:') ? row.author_key : null }
    const votes = await myVotes(this.#kysely, row.author_key, row.thread_id)
    return {
      comment: commentView(row, { reader, votes, editWindowMinutes: site.comments.editWindowMinutes, now: now.getTime() }),
      thread: threadView(site, fresh, fresh.key, now)
    }
  }

  // ── votes and reports ───────────────────────────────────────────────────────────────────────

  async #target (id: string, ctx: WriteContext): Promise<{ row: CommentRow; site: Site; participantId: string; voterKey: string }> {
    const row = await getComment(this.#kysely, id)
    if (!row) throw notFound('Comment')
    const site = await this.#siteOf(row)
    this.#d.origins.assertWrite(ctx.origin, site.origins, ctx.selfOrigin)
    const participantId = this.#participant(ctx)
    await enforce(this.#d.participantLimiter, participantId)
    const ident = await this.#identity(ctx.identityToken, site)
    return { row, site, participantId, voterKey: ident ? `v:${ident.sub}` : `p:${participantId}` }
  }

  async vote (id: string, value: -1 | 0 | 1, ctx: WriteContext): Promise<{ up: number; down: number; myVote: -1 | 0 | 1 }> {
    const { row, voterKey } = await this.#target(id, ctx)
    const notPublished = () => new AppError(409, 'NOT_PUBLISHED', 'Only published comments can be voted on')
    if (row.status !== 'published') throw notPublished()
    assertThreadOpen(await getThreadById(this.#kysely, row.thread_id), new Date())
    const at = new Date().toISOString()
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#kysely.transaction().execute(async trx => {
          const cur = (await getComment(trx, id, this.#d.db.dialect === 'postgres'))!
          if (cur.status !== 'published') throw notPublished()
          const before = await getVote(trx, id, voterKey)
          if (before === value) return { up: Number(cur.up), down: Number(cur.down), myVote: value }
          await setVote(trx, id, voterKey, value, at)
          const counts = await adjustVoteCounts(trx, id, (value === 1 ? 1 : 0) - (before === 1 ? 1 : 0), (value === -1 ? 1 : 0) - (before === -1 ? 1 : 0))
          return { ...counts, myVote: value }
        })
      } catch (err) {
        // Two first votes of one voter at once on another node: the primary key decides; read again.
        if (!isUniqueViolation(err) || attempt >= 3) throw err
      }
    }
  }

  async report (id: string, reason: 'spam' | 'abuse' | 'off-topic' | 'illegal', details: string | undefined, ctx: WriteContext): Promise<void> {
    const { row, site, voterKey } = await this.#target(id, ctx)
    const text = details?.trim() ? details.trim() : null
    if (reason === 'illegal' && text === null) {
      throw new AppError(422, 'DETAILS_REQUIRED', 'Please explain why this comment is illegal (which law, and how)')
    }
    if (row.status !== 'published' && row.status !== 'hidden') throw new AppError(409, 'NOT_PUBLISHED', 'Only published comments can be reported')
    const at = new Date().toISOString()
    const threshold = site.comments.reportThreshold
    const outcome = await this.#kysely.transaction().execute(async trx => {
      await this.#lockThread(trx, row.thread_id)
      const inserted = await insertReport(trx, { comment_id: id, reporter_key: voterKey, reason, details: text, created_at: at, resolved_at: null })
      if (!inserted) return null
      const cur = (await getComment(trx, id, this.#d.db.dialect === 'postgres'))!
      const open = Number(cur.open_reports) + 1
      if (cur.status === 'published' && open >= threshold) {
        return { open, change: await applyChange(trx, cur, { open_reports: open, status: 'hidden' }, at) }
      }
      await updateComment(trx, id, { open_reports: open })
      return { open, change: null }
    })
    if (!outcome) return
    const thread = (await getThreadById(this.#kysely, row.thread_id))!
    if (outcome.change) publishChange(this.#d.live, site, thread.key, outcome.change, site.comments.editWindowMinutes)
    this.#notifyReport(site, thread.key, row, reason, text, outcome.open, outcome.change !== null)
  }

  // ── live ────────────────────────────────────────────────────────────────────────────────────

  /**
   * Live changes of one thread for one reader. With `lastEventId`, every change after it is sent
   * first (from the database), then live ones; events are never sent twice or out of order.
   */
  async subscribe (q: { thread: string; site?: string }, participantToken: string | undefined, lastEventId: number | undefined,
    send: (kind: 'comment' | 'update', seq: number, comment: CommentView) => void, from: ReadContext): Promise<CommentSubscription> {
    const site = await this.#site(q.site, from, false)
    const { key, thread } = await this.#thread(site, q.thread)
    const participantId = participantToken ? this.#d.tokens.verify(participantToken) : null
    let lastSent = lastEventId ?? -1
    let replaying = true
    const queued: ThreadEvent[] = []
    const emit = (e: Pick<ThreadEvent, 'seq' | 'kind' | 'comment' | 'authorComment' | 'authorParticipantId'>) => {
      if (e.seq <= lastSent) return
      lastSent = e.seq
      const mine = participantId !== null && e.authorParticipantId === participantId
      send(e.kind, e.seq, mine ? e.authorComment : e.comment)
    }
    const unsubscribe = this.#d.live.subscribeThread(threadChannel(site.id, key), e => {
      if (replaying) queued.push(e)
      else emit(e)
    })
    try {
      // A cluster bus starts serving a new thread from the seq it reads: replay after that read
      // (without Last-Event-ID: from the thread as read above), so no change falls in between.
      if (unsubscribe.ready) await unsubscribe.ready
      const since = lastEventId ?? (unsubscribe.ready ? thread?.seq ?? 0 : undefined)
      const from = since === undefined ? undefined : thread ?? (unsubscribe.ready ? await getThread(this.#kysely, site.id, key) : undefined)
      if (since !== undefined && from) {
        const editWindowMinutes = site.comments.editWindowMinutes
        const now = Date.now()
        for (const row of await changedSince(this.#kysely, from.id, since)) {
          const published = row.status === 'published'
          const hadIt = row.published_seq !== null && Number(row.published_seq) <= since
          if (!published && !hadIt && Number(row.published_replies) === 0) continue
          emit({
            seq: Number(row.seq),
            kind: published && !hadIt ? 'comment' : 'update',
            comment: commentView(row, { reader: NOBODY, editWindowMinutes, now }),
            authorComment: commentView(row, { reader: { participantId: row.participant_id, verifiedKey: null }, editWindowMinutes, now }),
            authorParticipantId: row.participant_id
          })
        }
      }
    } catch (err) {
      unsubscribe()
      throw err
    } finally {
      replaying = false
    }
    for (const e of queued.splice(0)) emit(e)
    return { close: unsubscribe }
  }

  // ── staff notifications ─────────────────────────────────────────────────────────────────────

  #notifyHeld (site: Site, key: string, row: CommentRow): void {
    if (!site.comments.webhookUrl) return
    this.#d.webhooks.send(site.comments.webhookUrl, staffMessage({
      text: `New comment held for review on ${escapeChat(key)} (${escapeChat(site.name)})`,
      color: '#f2c744',
      title: row.held_reason ?? HELD.pre,
      body: row.body,
      fields: [
        { title: 'Author', value: `${row.author_name}${row.verified ? ' (verified)' : ''}`, short: true },
        { title: 'Comment', value: row.id, short: true },
        { title: 'Thread', value: key, short: false }
      ]
    }))
  }

  #notifyReport (site: Site, key: string, row: CommentRow, reason: string, details: string | null, open: number, hidden: boolean): void {
    if (!site.comments.webhookUrl) return
    const fields = [
      { title: 'Reason', value: reason, short: true },
      { title: 'Open reports', value: `${open} (hidden at ${site.comments.reportThreshold})`, short: true },
      { title: 'Author', value: `${row.author_name}${row.verified ? ' (verified)' : ''}`, short: true },
      { title: 'Comment', value: row.id, short: true },
      { title: 'Thread', value: key, short: false }
    ]
    if (details) fields.splice(1, 0, { title: 'Details', value: details, short: false })
    this.#d.webhooks.send(site.comments.webhookUrl, staffMessage({
      text: `Comment reported (${reason}) on ${escapeChat(key)} (${escapeChat(site.name)})${hidden ? ': now hidden until reviewed' : ''}`,
      color: reason === 'illegal' ? '#d0021b' : '#e67e22',
      title: hidden ? 'Hidden after reports' : 'Reported',
      body: row.body,
      fields
    }))
  }
}

function parentUnavailable () {
  return new AppError(409, 'PARENT_UNAVAILABLE', 'The comment you reply to is not available in this discussion')
}

function limited (code: string, message: string, waitMs: number): AppError {
  const retryAfter = Math.max(1, Math.ceil(waitMs / 1000))
  return new AppError(429, code, message, { retryAfter }, { 'retry-after': String(retryAfter) })
}

/** Resident text escaped; excerpts keep staff messages short. */
function staffMessage (m: { text: string; color: string; title: string; body: string; fields: Array<{ title: string; value: string; short: boolean }> }): StaffMessage {
  const excerpt = m.body.length > 600 ? `${m.body.slice(0, 600)}…` : m.body
  const fields = m.fields.map(f => ({ ...f, value: escapeChat(f.value.length > 600 ? `${f.value.slice(0, 600)}…` : f.value) }))
  return {
    text: m.text,
    attachments: [{
      fallback: `${m.text}: ${escapeChat(excerpt)}`,
      color: m.color,
      title: m.title,
      text: escapeChat(excerpt),
      fields
    }]
  }
}
