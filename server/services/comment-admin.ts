import crypto from 'node:crypto'
import type { Database } from '../store/db.ts'
import {
  deleteBan, getComment, getComments, insertBan, listBans, listQueue, listThreadPage, reportsOf, resolveReports
} from '../store/comments-repo.ts'
import type { BanRow, CommentRow, QueueFilter, ReportRow } from '../store/comments-repo.ts'
import type { ModerationMode, Site } from '../store/sites-repo.ts'
import { getThread, getThreadById, insertThreadIfAbsent, listThreads, queueCounts, updateThreadSettings } from '../store/threads-repo.ts'
import type { Thread } from '../store/threads-repo.ts'
import type { Catalog } from './catalog.ts'
import { checkKey } from './comment-rules.ts'
import { applyChange, publishChange, threadView } from './comment-tree.ts'
import type { Change } from './comment-tree.ts'
import { csvRow } from './csv.ts'
import { AppError, notFound } from './errors.ts'
import type { LiveBus } from './live.ts'

export interface AdminComment {
  id: string
  siteId: string
  threadKey: string
  parentId: string | null
  depth: number
  inReplyTo: { id: string; name: string } | null
  author: { name: string; verified: boolean; key: string; participantId: string | null }
  body: string
  status: 'published' | 'pending' | 'hidden' | 'rejected' | 'deleted'
  heldReason: string | null
  rejectReason: string | null
  up: number
  down: number
  reports: {
    open: number
    total: number
    reasons: Record<'spam' | 'abuse' | 'off-topic' | 'illegal', number>
    items: Array<{ reason: string; details: string | null; at: string; open: boolean }>
  }
  parent: { id: string; name: string; body: string } | null
  createdAt: string
  editedAt: string | null
}

export interface AdminThread {
  key: string
  siteId: string
  exists: boolean
  status: 'open' | 'closed'
  closesAt: string | null
  closedAt: string | null
  commentCount: number
  moderation: ModerationMode
  moderationOverride: ModerationMode | null
  pending: number
  reported: number
  createdAt: string | null
}

export interface AdminBan {
  id: string
  siteId: string
  participantId: string | null
  authorKey: string
  commentId: string | null
  reason: string | null
  createdAt: string
}

export interface ThreadPatch {
  site: string
  key: string
  status?: 'open' | 'closed'
  closesAt?: string | null
  moderation?: ModerationMode | null
}

const QUEUE_PAGE = 50
const PARTICIPANT_ID = /^[A-Za-z0-9_-]{22}$/

/** Authors in staff views and exports: a stable pseudonym per site, never the raw key. */
const pseudonym = (siteId: string, authorKey: string) =>
  crypto.createHash('sha256').update(`${siteId}\n${authorKey}`).digest('hex').slice(0, 16)

function encodeAfter (r: CommentRow): string {
  return Buffer.from(JSON.stringify([r.created_at, r.id])).toString('base64url')
}

function decodeAfter (c: string): { createdAt: string; id: string } {
  try {
    const v = JSON.parse(Buffer.from(c, 'base64url').toString('utf8'))
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') return { createdAt: v[0], id: v[1] }
  } catch { /* fall through */ }
  throw new AppError(400, 'BAD_REQUEST', 'Invalid cursor')
}

/** Staff side of comments: the moderation queue, approve/reject, bans, thread settings, exports. */
export class CommentAdminService {
  readonly #db: Database
  readonly #catalog: Catalog
  readonly #live: LiveBus

  constructor (db: Database, catalog: Catalog, live: LiveBus) {
    this.#db = db
    this.#catalog = catalog
    this.#live = live
  }

  get #k () { return this.#db.kysely }

  async #site (id: string): Promise<Site> {
    const site = await this.#catalog.site(id)
    if (!site) throw notFound('Site')
    return site
  }

  /** Staff views of rows, with their parents and reports fetched in two queries. */
  async #views (rows: Array<CommentRow & { thread_key?: string }>, threadKey?: string): Promise<AdminComment[]> {
    const parentIds = [...new Set(rows.map(r => r.reply_to_id ?? r.parent_id).filter((x): x is string => x !== null))]
    const parents = new Map((await getComments(this.#k, parentIds)).map(p => [p.id, p]))
    const reports = new Map<string, ReportRow[]>()
    for (const r of await reportsOf(this.#k, rows.map(r => r.id))) {
      const list = reports.get(r.comment_id)
      if (list) list.push(r)
      else reports.set(r.comment_id, [r])
    }
    return rows.map(r => {
      const parent = parents.get(r.reply_to_id ?? r.parent_id ?? '')
      const reps = reports.get(r.id) ?? []
      const reasons = { spam: 0, abuse: 0, 'off-topic': 0, illegal: 0 }
      for (const x of reps) if (x.resolved_at === null) reasons[x.reason as keyof typeof reasons]++
      return {
        id: r.id,
        siteId: r.site_id,
        threadKey: r.thread_key ?? threadKey ?? '',
        parentId: r.parent_id,
        depth: r.depth,
        inReplyTo: r.reply_to_id === null ? null : { id: r.reply_to_id, name: r.reply_to_name ?? '' },
        author: { name: r.author_name, verified: r.verified === 1, key: pseudonym(r.site_id, r.author_key), participantId: r.participant_id },
        body: r.body,
        status: r.status as AdminComment['status'],
        heldReason: r.held_reason,
        rejectReason: r.reject_reason,
        up: Number(r.up),
        down: Number(r.down),
        reports: {
          open: Number(r.open_reports),
          total: reps.length,
          reasons,
          items: reps.map(x => ({ reason: x.reason, details: x.details, at: x.created_at, open: x.resolved_at === null }))
        },
        parent: parent ? { id: parent.id, name: parent.author_name, body: parent.body } : null,
        createdAt: r.created_at,
        editedAt: r.edited_at
      }
    })
  }

  async queue (q: { status?: QueueFilter; site?: string; thread?: string; cursor?: string }): Promise<{ comments: AdminComment[]; nextCursor: string | null }> {
    let threadId: string | undefined
    if (q.thread !== undefined) {
      if (q.site === undefined) throw new AppError(400, 'BAD_REQUEST', 'thread needs site')
      const t = await getThread(this.#k, (await this.#site(q.site)).id, checkKey(q.thread))
      if (!t) return { comments: [], nextCursor: null }
      threadId = t.id
    }
    const rows = await listQueue(this.#k, {
      filter: q.status ?? 'pending',
      siteId: q.site,
      threadId,
      after: q.cursor ? decodeAfter(q.cursor) : null,
      limit: QUEUE_PAGE + 1
    })
    const page = rows.slice(0, QUEUE_PAGE)
    return { comments: await this.#views(page), nextCursor: rows.length > QUEUE_PAGE ? encodeAfter(page[page.length - 1]!) : null }
  }

  async get (id: string): Promise<AdminComment> {
    const row = await getComment(this.#k, id)
    if (!row) throw notFound('Comment')
    const thread = await getThreadById(this.#k, row.thread_id)
    return (await this.#views([row], thread?.key))[0]!
  }

  /** Publishes the comment (from pending, hidden or rejected) and closes its open reports. */
  approve (id: string): Promise<AdminComment> {
    return this.#decide(id, cur => {
      if (cur.status === 'deleted') throw new AppError(409, 'COMMENT_DELETED', 'Its author deleted this comment')
      return { status: 'published', held_reason: null, reject_reason: null, open_reports: 0 }
    })
  }

  /** Hides the comment from everyone but its author, who is told `reason`. */
  reject (id: string, reason: string): Promise<AdminComment> {
    const why = reason.trim()
    if (why === '') throw new AppError(422, 'INVALID_REASON', 'Give the author a reason')
    return this.#decide(id, cur => {
      if (cur.status === 'deleted') throw new AppError(409, 'COMMENT_DELETED', 'Its author deleted this comment')
      return { status: 'rejected', held_reason: null, reject_reason: why, open_reports: 0 }
    })
  }

  async #decide (id: string, patchOf: (cur: CommentRow) => Partial<CommentRow>): Promise<AdminComment> {
    const at = new Date().toISOString()
    const known = await getComment(this.#k, id)
    if (!known) throw notFound('Comment')
    const change: Change = await this.#k.transaction().execute(async trx => {
      // Thread row first, then the comment: the lock order of every comment change (no deadlocks).
      if (this.#db.dialect === 'postgres') await getThreadById(trx, known.thread_id, true)
      const cur = await getComment(trx, id, this.#db.dialect === 'postgres')
      if (!cur) throw notFound('Comment')
      const c = await applyChange(trx, cur, patchOf(cur), at)
      await resolveReports(trx, id, at)
      return c
    })
    const site = await this.#site(change.after.site_id)
    const thread = (await getThreadById(this.#k, change.after.thread_id))!
    publishChange(this.#live, site, thread.key, change, site.comments.editWindowMinutes)
    return (await this.#views([change.after], thread.key))[0]!
  }

  // ── bans ────────────────────────────────────────────────────────────────────────────────────

  #banView (b: BanRow): AdminBan {
    return {
      id: b.id,
      siteId: b.site_id,
      participantId: b.participant_id,
      authorKey: pseudonym(b.site_id, b.subject),
      commentId: b.comment_id,
      reason: b.reason,
      createdAt: b.created_at
    }
  }

  async bans (siteId: string): Promise<AdminBan[]> {
    await this.#site(siteId)
    return (await listBans(this.#k, siteId)).map(b => this.#banView(b))
  }

  async ban (siteId: string, input: { commentId?: string; participantId?: string; reason?: string }): Promise<AdminBan> {
    await this.#site(siteId)
    let subject: string
    let participantId: string | null
    let commentId: string | null = null
    if (input.commentId !== undefined) {
      const row = await getComment(this.#k, input.commentId)
      if (!row || row.site_id !== siteId) throw notFound('Comment')
      subject = row.author_key
      participantId = row.participant_id
      commentId = row.id
    } else if (input.participantId !== undefined) {
      if (!PARTICIPANT_ID.test(input.participantId)) throw new AppError(422, 'INVALID_BAN', 'participantId is the id part of a participant token')
      subject = `p:${input.participantId}`
      participantId = input.participantId
    } else {
      throw new AppError(422, 'INVALID_BAN', 'Give commentId or participantId')
    }
    const row = await insertBan(this.#k, {
      id: crypto.randomBytes(8).toString('hex'),
      site_id: siteId,
      subject,
      participant_id: participantId,
      comment_id: commentId,
      reason: input.reason?.trim() || null,
      created_at: new Date().toISOString()
    })
    return this.#banView(row)
  }

  async unban (siteId: string, banId: string): Promise<void> {
    if (!await deleteBan(this.#k, siteId, banId)) throw notFound('Ban')
  }

  // ── threads ─────────────────────────────────────────────────────────────────────────────────

  async #threadViews (site: Site | undefined, threads: Thread[]): Promise<AdminThread[]> {
    const counts = await queueCounts(this.#k, threads.map(t => t.id))
    const now = new Date()
    const sites = new Map<string, Site>()
    const out: AdminThread[] = []
    for (const t of threads) {
      let s = site ?? sites.get(t.siteId)
      if (!s) {
        s = await this.#site(t.siteId)
        sites.set(s.id, s)
      }
      out.push({
        ...threadView(s, t, t.key, now),
        closedAt: t.closedAt,
        moderationOverride: t.moderation,
        pending: counts.get(t.id)?.pending ?? 0,
        reported: counts.get(t.id)?.reported ?? 0,
        createdAt: t.createdAt
      })
    }
    return out
  }

  async threads (siteId?: string): Promise<AdminThread[]> {
    const site = siteId === undefined ? undefined : await this.#site(siteId)
    return this.#threadViews(site, await listThreads(this.#k, siteId))
  }

  /** Creates the thread if needed, then applies the patch. */
  async patchThread (p: ThreadPatch): Promise<AdminThread> {
    const site = await this.#site(p.site)
    const key = checkKey(p.key)
    const now = new Date().toISOString()
    const thread = await this.#k.transaction().execute(async trx => {
      await insertThreadIfAbsent(trx, {
        id: crypto.randomBytes(12).toString('base64url'), siteId: site.id, key, closesAt: null, closedAt: null,
        moderation: null, commentCount: 0, seq: 0, createdAt: now, updatedAt: now
      })
      const t = (await getThread(trx, site.id, key, this.#db.dialect === 'postgres'))!
      if (p.closesAt !== undefined) t.closesAt = p.closesAt === null ? null : new Date(p.closesAt).toISOString()
      if (p.status === 'closed') t.closedAt ??= now
      if (p.status === 'open') {
        t.closedAt = null
        if (t.closesAt !== null && t.closesAt <= now) t.closesAt = null
      }
      if (p.moderation !== undefined) t.moderation = p.moderation
      t.updatedAt = now
      await updateThreadSettings(trx, t)
      return t
    })
    return (await this.#threadViews(site, [thread]))[0]!
  }

  async #exportThread (siteId: string, rawKey: string): Promise<{ site: Site; thread: Thread }> {
    const site = await this.#site(siteId)
    const thread = await getThread(this.#k, site.id, checkKey(rawKey))
    if (!thread) throw notFound('Thread')
    return { site, thread }
  }

  async exportJson (siteId: string, key: string): Promise<{ thread: AdminThread; comments: AdminComment[] }> {
    const { site, thread } = await this.#exportThread(siteId, key)
    const comments: AdminComment[] = []
    for await (const page of this.#pages(thread.id)) comments.push(...await this.#views(page, thread.key))
    return { thread: (await this.#threadViews(site, [thread]))[0]!, comments }
  }

  /** One CSV row a comment, every status, oldest first; cells are formula-safe. */
  async * exportCsv (siteId: string, key: string): AsyncGenerator<string> {
    const { thread } = await this.#exportThread(siteId, key)
    yield '\ufeff' + csvRow(['id', 'parent_id', 'depth', 'created_at', 'edited_at', 'status', 'author_name', 'verified', 'author', 'body', 'up', 'down', 'reports'])
    for await (const page of this.#pages(thread.id)) {
      const reports = new Map<string, number>()
      for (const r of await reportsOf(this.#k, page.map(c => c.id))) reports.set(r.comment_id, (reports.get(r.comment_id) ?? 0) + 1)
      for (const c of page) {
        yield csvRow([c.id, c.parent_id, c.depth, c.created_at, c.edited_at, c.status, c.author_name, c.verified === 1,
          pseudonym(c.site_id, c.author_key), c.body, Number(c.up), Number(c.down), reports.get(c.id) ?? 0])
      }
    }
  }

  async * #pages (threadId: string): AsyncGenerator<CommentRow[]> {
    let after: { createdAt: string; id: string } | null = null
    for (;;) {
      const page = await listThreadPage(this.#k, threadId, after, 500)
      if (page.length > 0) yield page
      if (page.length < 500) return
      const last = page[page.length - 1]!
      after = { createdAt: last.created_at, id: last.id }
    }
  }
}
