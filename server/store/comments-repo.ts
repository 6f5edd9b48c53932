import type { Expression, ExpressionBuilder, Kysely, SqlBool } from 'kysely'
import type { CommentBansTable, CommentReportsTable, CommentsTable, DB } from './schema.ts'

export type CommentRow = CommentsTable
export type CommentStatus = 'published' | 'pending' | 'hidden' | 'rejected' | 'deleted'
export type ReportRow = CommentReportsTable
export type BanRow = CommentBansTable

/** Who reads: their own pending and hidden comments are visible to them. */
export interface Reader {
  participantId: string | null
  /** `v:<sub>` when the reader sent a valid identity token. */
  verifiedKey: string | null
}

export type SortOrder = 'newest' | 'oldest' | 'top'

/** Position after which the next page starts (the last row of the previous page). */
export interface PageCursor { score: number; createdAt: string; id: string }

const NOT_PUBLIC: CommentStatus[] = ['pending', 'hidden', 'rejected']

/** The columns a reader's view needs (pages skip the bookkeeping ones). */
const VIEW_COLUMNS = [
  'id', 'parent_id', 'root_id', 'depth', 'reply_to_id', 'reply_to_name', 'participant_id', 'author_key', 'author_name',
  'verified', 'body', 'status', 'held_reason', 'reject_reason', 'up', 'down', 'score', 'created_at', 'edited_at'
] as const

export type ViewRow = Pick<CommentRow, typeof VIEW_COLUMNS[number]>

/**
 * Rows a reader may see in the tree: published ones, placeholders (anything with published
 * replies below it), and the reader's own pending or hidden comments.
 */
function visibleTo (reader: Reader) {
  return (eb: ExpressionBuilder<DB, 'comments'>): Expression<SqlBool> => {
    const mine: Expression<SqlBool>[] = []
    if (reader.participantId) mine.push(eb('participant_id', '=', reader.participantId))
    if (reader.verifiedKey) mine.push(eb('author_key', '=', reader.verifiedKey))
    const terms = [eb('status', '=', 'published'), eb('published_replies', '>', 0)]
    if (mine.length) terms.push(eb.and([eb('status', 'in', NOT_PUBLIC), eb.or(mine)]))
    return eb.or(terms)
  }
}

export async function getComment (db: Kysely<DB>, id: string, lock = false): Promise<CommentRow | undefined> {
  return db.selectFrom('comments').selectAll().where('id', '=', id)
    .$if(lock, q => q.forUpdate())
    .executeTakeFirst()
}

export async function getComments (db: Kysely<DB>, ids: string[]): Promise<CommentRow[]> {
  if (ids.length === 0) return []
  return db.selectFrom('comments').selectAll().where('id', 'in', ids).execute()
}

export async function insertComment (db: Kysely<DB>, row: CommentRow): Promise<void> {
  await db.insertInto('comments').values(row).execute()
}

export async function updateComment (db: Kysely<DB>, id: string, patch: Partial<Omit<CommentRow, 'id'>>): Promise<void> {
  await db.updateTable('comments').set(patch).where('id', '=', id).execute()
}

/** Published replies below these comments (a reply's parent and root) change by `delta`. */
export async function adjustPublishedReplies (db: Kysely<DB>, ids: string[], delta: number): Promise<void> {
  if (ids.length === 0 || delta === 0) return
  await db.updateTable('comments')
    .set(eb => ({ published_replies: eb('published_replies', '+', delta) }))
    .where('id', 'in', ids).execute()
}

/**
 * One page of top-level comments in keyset order (stable under inserts): newest and top descending,
 * oldest ascending, ties broken by id. Returns up to `limit` rows.
 */
export async function listTopLevel (db: Kysely<DB>, threadId: string, sort: SortOrder, after: PageCursor | null,
  reader: Reader, limit: number): Promise<ViewRow[]> {
  let q = db.selectFrom('comments').select(VIEW_COLUMNS)
    .where('thread_id', '=', threadId).where('depth', '=', 0)
    .where(visibleTo(reader))
  if (sort === 'top') {
    if (after) q = q.where(eb => eb(eb.refTuple('score', 'created_at', 'id'), '<', eb.tuple(after.score, after.createdAt, after.id)))
    q = q.orderBy('score', 'desc').orderBy('created_at', 'desc').orderBy('id', 'desc')
  } else if (sort === 'newest') {
    if (after) q = q.where(eb => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(after.createdAt, after.id)))
    q = q.orderBy('created_at', 'desc').orderBy('id', 'desc')
  } else {
    if (after) q = q.where(eb => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(after.createdAt, after.id)))
    q = q.orderBy('created_at', 'asc').orderBy('id', 'asc')
  }
  return q.limit(limit).execute()
}

export interface ReplyRow extends ViewRow { total: number }

/**
 * The first `perRoot` replies (oldest first) of each subtree, with `total` = the visible replies of
 * that subtree. One round trip: a UNION ALL of one `LIMIT perRoot + 1` branch per root, each an
 * ordered walk of (root_id, created_at, id); subtrees with more than `perRoot` get counted after.
 */
export async function listReplies (db: Kysely<DB>, rootIds: string[], reader: Reader, perRoot: number): Promise<ReplyRow[]> {
  if (rootIds.length === 0) return []
  const branch = (rootId: string) => db.selectFrom(
    db.selectFrom('comments').select(VIEW_COLUMNS)
      .where('root_id', '=', rootId).where('depth', '>', 0)
      .where(visibleTo(reader))
      .orderBy('created_at').orderBy('id')
      .limit(perRoot + 1)
      .as('b')
  ).selectAll()
  let q = branch(rootIds[0]!)
  for (const id of rootIds.slice(1)) q = q.unionAll(branch(id))
  const rows = await q.execute()

  const byRoot = new Map<string, ViewRow[]>()
  for (const r of rows) {
    const list = byRoot.get(r.root_id)
    if (list) list.push(r)
    else byRoot.set(r.root_id, [r])
  }
  const crowded = [...byRoot].filter(([, list]) => list.length > perRoot).map(([id]) => id)
  const totals = new Map<string, number>()
  if (crowded.length > 0) {
    const counts = await db.selectFrom('comments').select(eb => ['root_id', eb.fn.countAll<number>().as('n')])
      .where('root_id', 'in', crowded).where('depth', '>', 0)
      .where(visibleTo(reader))
      .groupBy('root_id').execute()
    for (const c of counts) totals.set(c.root_id, Number(c.n))
  }
  const out: ReplyRow[] = []
  for (const [rootId, list] of byRoot) {
    const total = totals.get(rootId) ?? list.length
    for (const r of list.slice(0, perRoot)) {
      // Set on the row itself: spreading 28 columns per row costs more than the query.
      (r as ReplyRow).total = total
      out.push(r as ReplyRow)
    }
  }
  return out
}

/** Replies of one subtree after a position, oldest first; `limit + 1` tells whether more follow. */
export async function listRepliesAfter (db: Kysely<DB>, rootId: string, after: { createdAt: string; id: string } | null,
  reader: Reader, limit: number): Promise<ViewRow[]> {
  return db.selectFrom('comments').select(VIEW_COLUMNS)
    .where('root_id', '=', rootId).where('depth', '>', 0)
    .where(visibleTo(reader))
    .$if(after !== null, q => q.where(eb => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(after!.createdAt, after!.id))))
    .orderBy('created_at').orderBy('id')
    .limit(limit)
    .execute()
}

export async function countRepliesAfter (db: Kysely<DB>, rootId: string, after: { createdAt: string; id: string } | null, reader: Reader): Promise<number> {
  const r = await db.selectFrom('comments').select(eb => eb.fn.countAll<number>().as('n'))
    .where('root_id', '=', rootId).where('depth', '>', 0)
    .where(visibleTo(reader))
    .$if(after !== null, q => q.where(eb => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(after!.createdAt, after!.id))))
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

/** Comments changed after a thread seq, in seq order (live resume). */
export async function changedSince (db: Kysely<DB>, threadId: string, seq: number, limit = 1000): Promise<CommentRow[]> {
  return db.selectFrom('comments').selectAll()
    .where('thread_id', '=', threadId).where('seq', '>', seq)
    .orderBy('seq').limit(limit).execute()
}

export async function findByIdempotencyKey (db: Kysely<DB>, participantId: string, key: string): Promise<CommentRow | undefined> {
  return db.selectFrom('comments').selectAll()
    .where('participant_id', '=', participantId).where('idempotency_key', '=', key)
    .executeTakeFirst()
}

/** Times of the author's comments on the site since `since`, newest first (limits). */
export async function authorCommentTimes (db: Kysely<DB>, siteId: string, authorKey: string, since: string, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('comments').select('created_at')
    .where('site_id', '=', siteId).where('author_key', '=', authorKey).where('created_at', '>', since)
    .orderBy('created_at', 'desc').limit(limit).execute()
  return rows.map(r => r.created_at)
}

export async function authorHasPublished (db: Kysely<DB>, siteId: string, authorKey: string): Promise<boolean> {
  const r = await db.selectFrom('comments').select('id')
    .where('site_id', '=', siteId).where('author_key', '=', authorKey).where('status', '=', 'published')
    .limit(1).executeTakeFirst()
  return r !== undefined
}

// ── votes ─────────────────────────────────────────────────────────────────────────────────────

/**
 * This voter's votes in one thread. Looked up from the voter's side (the (voter_key, comment_id)
 * index, a voter has few votes) with one fixed SQL text, rather than an IN list of every comment
 * on the page.
 */
export async function myVotes (db: Kysely<DB>, voterKey: string, threadId: string): Promise<Map<string, number>> {
  const rows = await db.selectFrom('comment_votes as v').innerJoin('comments as c', 'c.id', 'v.comment_id')
    .select(['v.comment_id', 'v.value'])
    .where('v.voter_key', '=', voterKey).where('c.thread_id', '=', threadId).execute()
  return new Map(rows.map(r => [r.comment_id, Number(r.value)]))
}

export async function getVote (db: Kysely<DB>, commentId: string, voterKey: string): Promise<number> {
  const r = await db.selectFrom('comment_votes').select('value')
    .where('comment_id', '=', commentId).where('voter_key', '=', voterKey).executeTakeFirst()
  return r ? Number(r.value) : 0
}

export async function setVote (db: Kysely<DB>, commentId: string, voterKey: string, value: number, at: string): Promise<void> {
  if (value === 0) {
    await db.deleteFrom('comment_votes').where('comment_id', '=', commentId).where('voter_key', '=', voterKey).execute()
    return
  }
  await db.insertInto('comment_votes').values({ comment_id: commentId, voter_key: voterKey, value, updated_at: at })
    .onConflict(oc => oc.columns(['comment_id', 'voter_key']).doUpdateSet({ value, updated_at: at }))
    .execute()
}

export async function adjustVoteCounts (db: Kysely<DB>, commentId: string, dUp: number, dDown: number): Promise<{ up: number; down: number }> {
  const r = await db.updateTable('comments')
    .set(eb => ({ up: eb('up', '+', dUp), down: eb('down', '+', dDown), score: eb('score', '+', dUp - dDown) }))
    .where('id', '=', commentId)
    .returning(['up', 'down'])
    .executeTakeFirstOrThrow()
  return { up: Number(r.up), down: Number(r.down) }
}

// ── reports ───────────────────────────────────────────────────────────────────────────────────

/** False when this reporter has reported this comment before. */
export async function insertReport (db: Kysely<DB>, row: ReportRow): Promise<boolean> {
  const r = await db.insertInto('comment_reports').values(row)
    .onConflict(oc => oc.columns(['comment_id', 'reporter_key']).doNothing())
    .executeTakeFirst()
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0
}

export async function resolveReports (db: Kysely<DB>, commentId: string, at: string): Promise<void> {
  await db.updateTable('comment_reports').set({ resolved_at: at })
    .where('comment_id', '=', commentId).where('resolved_at', 'is', null).execute()
}

export async function reportsOf (db: Kysely<DB>, commentIds: string[]): Promise<ReportRow[]> {
  if (commentIds.length === 0) return []
  return db.selectFrom('comment_reports').selectAll()
    .where('comment_id', 'in', commentIds).orderBy('created_at').execute()
}

// ── moderation queue and export ───────────────────────────────────────────────────────────────

export type QueueFilter = 'pending' | 'reported' | 'hidden' | 'all'

export interface QueueRow extends CommentRow { thread_key: string }

/** Oldest first, keyset on (created_at, id). */
export async function listQueue (db: Kysely<DB>, opts: { filter: QueueFilter; siteId?: string; threadId?: string; after: { createdAt: string; id: string } | null; limit: number }): Promise<QueueRow[]> {
  let q = db.selectFrom('comments').innerJoin('comment_threads as t', 't.id', 'comments.thread_id')
    .selectAll('comments').select('t.key as thread_key')
  if (opts.filter === 'pending') q = q.where('comments.status', '=', 'pending')
  else if (opts.filter === 'hidden') q = q.where('comments.status', 'in', ['hidden', 'rejected'])
  else if (opts.filter === 'reported') q = q.where('comments.open_reports', '>', 0)
  if (opts.siteId !== undefined) q = q.where('comments.site_id', '=', opts.siteId)
  if (opts.threadId !== undefined) q = q.where('comments.thread_id', '=', opts.threadId)
  if (opts.after) q = q.where(eb => eb(eb.refTuple('comments.created_at', 'comments.id'), '>', eb.tuple(opts.after!.createdAt, opts.after!.id)))
  return q.orderBy('comments.created_at').orderBy('comments.id').limit(opts.limit).execute()
}

/** Every comment of a thread in (created_at, id) order, a page at a time (exports). */
export async function listThreadPage (db: Kysely<DB>, threadId: string, after: { createdAt: string; id: string } | null, limit: number): Promise<CommentRow[]> {
  return db.selectFrom('comments').selectAll()
    .where('thread_id', '=', threadId)
    .$if(after !== null, q => q.where(eb => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(after!.createdAt, after!.id))))
    .orderBy('created_at').orderBy('id')
    .limit(limit).execute()
}

// ── bans ──────────────────────────────────────────────────────────────────────────────────────

/** A ban on this author key, or on this device. */
export async function findBan (db: Kysely<DB>, siteId: string, authorKey: string, participantId: string): Promise<BanRow | undefined> {
  return db.selectFrom('comment_bans').selectAll()
    .where('site_id', '=', siteId)
    .where(eb => eb.or([eb('subject', 'in', [authorKey, `p:${participantId}`]), eb('participant_id', '=', participantId)]))
    .limit(1).executeTakeFirst()
}

export async function insertBan (db: Kysely<DB>, row: BanRow): Promise<BanRow> {
  await db.insertInto('comment_bans').values(row)
    .onConflict(oc => oc.columns(['site_id', 'subject']).doNothing()).execute()
  return (await db.selectFrom('comment_bans').selectAll()
    .where('site_id', '=', row.site_id).where('subject', '=', row.subject).executeTakeFirstOrThrow())
}

export async function listBans (db: Kysely<DB>, siteId: string): Promise<BanRow[]> {
  return db.selectFrom('comment_bans').selectAll().where('site_id', '=', siteId).orderBy('created_at').orderBy('id').execute()
}

export async function deleteBan (db: Kysely<DB>, siteId: string, id: string): Promise<boolean> {
  const r = await db.deleteFrom('comment_bans').where('site_id', '=', siteId).where('id', '=', id).executeTakeFirst()
  return Number(r.numDeletedRows) > 0
}
