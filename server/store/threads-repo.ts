import type { Kysely } from 'kysely'
import type { ModerationMode } from './sites-repo.ts'
import type { CommentThreadsTable, DB } from './schema.ts'

export interface Thread {
  id: string
  siteId: string
  key: string
  closesAt: string | null
  closedAt: string | null
  /** null: the site's default. */
  moderation: ModerationMode | null
  commentCount: number
  seq: number
  createdAt: string
  updatedAt: string
}

export function toThread (r: CommentThreadsTable): Thread {
  return {
    id: r.id,
    siteId: r.site_id,
    key: r.key,
    closesAt: r.closes_at,
    closedAt: r.closed_at,
    moderation: r.moderation as ModerationMode | null,
    commentCount: Number(r.comment_count),
    seq: Number(r.seq),
    createdAt: r.created_at,
    updatedAt: r.updated_at
  }
}

/** `lock`: PostgreSQL `FOR UPDATE`, so writers of one thread serialise across nodes. */
export async function getThread (db: Kysely<DB>, siteId: string, key: string, lock = false): Promise<Thread | undefined> {
  const row = await db.selectFrom('comment_threads').selectAll()
    .where('site_id', '=', siteId).where('key', '=', key)
    .$if(lock, q => q.forUpdate())
    .executeTakeFirst()
  return row && toThread(row)
}

export async function getThreadById (db: Kysely<DB>, id: string, lock = false): Promise<Thread | undefined> {
  const row = await db.selectFrom('comment_threads').selectAll().where('id', '=', id)
    .$if(lock, q => q.forUpdate())
    .executeTakeFirst()
  return row && toThread(row)
}

/** Creates the thread unless (site, key) exists already; either way the caller reads it back. */
export async function insertThreadIfAbsent (db: Kysely<DB>, t: Thread): Promise<void> {
  await db.insertInto('comment_threads').values({
    id: t.id,
    site_id: t.siteId,
    key: t.key,
    closes_at: t.closesAt,
    closed_at: t.closedAt,
    moderation: t.moderation,
    comment_count: t.commentCount,
    seq: t.seq,
    created_at: t.createdAt,
    updated_at: t.updatedAt
  }).onConflict(oc => oc.columns(['site_id', 'key']).doNothing()).execute()
}

export async function updateThreadSettings (db: Kysely<DB>, t: Thread): Promise<void> {
  await db.updateTable('comment_threads')
    .set({ closes_at: t.closesAt, closed_at: t.closedAt, moderation: t.moderation, updated_at: t.updatedAt })
    .where('id', '=', t.id).execute()
}

/** One more change to the thread (and `countDelta` published comments): returns the new seq. */
export async function bumpThread (db: Kysely<DB>, threadId: string, countDelta: number): Promise<number> {
  const r = await db.updateTable('comment_threads')
    .set(eb => ({ seq: eb('seq', '+', 1), comment_count: eb('comment_count', '+', countDelta) }))
    .where('id', '=', threadId)
    .returning('seq')
    .executeTakeFirstOrThrow()
  return Number(r.seq)
}

export async function listThreads (db: Kysely<DB>, siteId?: string): Promise<Thread[]> {
  const rows = await db.selectFrom('comment_threads').selectAll()
    .$if(siteId !== undefined, q => q.where('site_id', '=', siteId!))
    .orderBy('created_at', 'desc').orderBy('id')
    .limit(1000)
    .execute()
  return rows.map(toThread)
}

/** Published comments per key (keys without a thread are absent). */
export async function countByKeys (db: Kysely<DB>, siteId: string, keys: string[]): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map()
  const rows = await db.selectFrom('comment_threads').select(['key', 'comment_count'])
    .where('site_id', '=', siteId).where('key', 'in', keys).execute()
  return new Map(rows.map(r => [r.key, Number(r.comment_count)]))
}

/** Pending comments and comments with open reports, per thread (for the staff console). */
export async function queueCounts (db: Kysely<DB>, threadIds: string[]): Promise<Map<string, { pending: number; reported: number }>> {
  const out = new Map<string, { pending: number; reported: number }>()
  if (threadIds.length === 0) return out
  const rows = await db.selectFrom('comments')
    .select(eb => [
      'thread_id',
      eb.fn.sum<number>(eb.case().when('status', '=', 'pending').then(1).else(0).end()).as('pending'),
      eb.fn.sum<number>(eb.case().when('open_reports', '>', 0).then(1).else(0).end()).as('reported')
    ])
    .where('thread_id', 'in', threadIds)
    .where(eb => eb.or([eb('status', '=', 'pending'), eb('open_reports', '>', 0)]))
    .groupBy('thread_id')
    .execute()
  for (const r of rows) out.set(r.thread_id, { pending: Number(r.pending), reported: Number(r.reported) })
  return out
}
