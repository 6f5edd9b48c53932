import type { Kysely } from 'kysely'

/**
 * Comment threads: a thread per (site, key), comments nested three levels deep, votes, reports,
 * bans, and the sites' comment settings. Counters (published comments, published replies,
 * up/down, open reports) are maintained in the same transactions as the rows they count.
 */
export async function up (db: Kysely<any>): Promise<void> {
  // JSON CommentSettings (partial; defaults are applied when read). Null = all defaults.
  await db.schema.alterTable('sites').addColumn('comment_settings', 'text').execute()

  await db.schema.createTable('comment_threads')
    .addColumn('id', 'text', c => c.primaryKey())
    .addColumn('site_id', 'text', c => c.notNull().references('sites.id'))
    .addColumn('key', 'text', c => c.notNull())
    .addColumn('closes_at', 'text')
    .addColumn('closed_at', 'text')
    // null: the site's default mode.
    .addColumn('moderation', 'text')
    .addColumn('comment_count', 'integer', c => c.notNull().defaultTo(0))
    // Grows by one per change to a comment of the thread: the SSE event id.
    .addColumn('seq', 'integer', c => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', c => c.notNull())
    .addColumn('updated_at', 'text', c => c.notNull())
    .addUniqueConstraint('comment_threads_site_key_uq', ['site_id', 'key'])
    .execute()

  await db.schema.createTable('comments')
    .addColumn('id', 'text', c => c.primaryKey())
    .addColumn('thread_id', 'text', c => c.notNull().references('comment_threads.id'))
    .addColumn('site_id', 'text', c => c.notNull())
    .addColumn('parent_id', 'text')
    // The top-level comment of its subtree (itself at depth 0).
    .addColumn('root_id', 'text', c => c.notNull())
    .addColumn('depth', 'integer', c => c.notNull())
    .addColumn('reply_to_id', 'text')
    .addColumn('reply_to_name', 'text')
    .addColumn('participant_id', 'text')
    // `v:<sub>` for verified authors, `p:<participantId>` otherwise: limits and bans count it.
    .addColumn('author_key', 'text', c => c.notNull())
    .addColumn('author_name', 'text', c => c.notNull())
    .addColumn('verified', 'integer', c => c.notNull())
    .addColumn('body', 'text', c => c.notNull())
    .addColumn('status', 'text', c => c.notNull())
    .addColumn('held_reason', 'text')
    .addColumn('reject_reason', 'text')
    .addColumn('up', 'integer', c => c.notNull().defaultTo(0))
    .addColumn('down', 'integer', c => c.notNull().defaultTo(0))
    .addColumn('score', 'integer', c => c.notNull().defaultTo(0))
    // Published comments below this one: a deleted or hidden comment with some keeps its place.
    .addColumn('published_replies', 'integer', c => c.notNull().defaultTo(0))
    .addColumn('open_reports', 'integer', c => c.notNull().defaultTo(0))
    .addColumn('seq', 'integer', c => c.notNull())
    // The thread seq at which it last became published (null: never): live resume tells new from changed.
    .addColumn('published_seq', 'integer')
    .addColumn('idempotency_key', 'text')
    .addColumn('created_at', 'text', c => c.notNull())
    .addColumn('edited_at', 'text')
    .addColumn('updated_at', 'text', c => c.notNull())
    .execute()
  // Pages of top-level comments (keyset, newest/oldest and top), replies by subtree, live resume.
  await db.schema.createIndex('comments_thread_new_idx').on('comments').columns(['thread_id', 'depth', 'created_at', 'id']).execute()
  await db.schema.createIndex('comments_thread_top_idx').on('comments').columns(['thread_id', 'depth', 'score', 'created_at', 'id']).execute()
  await db.schema.createIndex('comments_root_idx').on('comments').columns(['root_id', 'created_at', 'id']).execute()
  await db.schema.createIndex('comments_seq_idx').on('comments').columns(['thread_id', 'seq']).execute()
  // Rate limit, daily cap and first-comment checks per author and site.
  await db.schema.createIndex('comments_author_idx').on('comments').columns(['site_id', 'author_key', 'created_at']).execute()
  // Moderation queues.
  await db.schema.createIndex('comments_status_idx').on('comments').columns(['status', 'created_at', 'id']).execute()
  await db.schema.createIndex('comments_reported_idx').on('comments').columns(['open_reports', 'created_at'])
    .execute()
  // A retried post (same participant, same Idempotency-Key) finds the stored comment.
  await db.schema.createIndex('comments_idempotency_uq').on('comments').columns(['participant_id', 'idempotency_key']).unique().execute()

  await db.schema.createTable('comment_votes')
    .addColumn('comment_id', 'text', c => c.notNull().references('comments.id'))
    .addColumn('voter_key', 'text', c => c.notNull())
    .addColumn('value', 'integer', c => c.notNull())
    .addColumn('updated_at', 'text', c => c.notNull())
    .addPrimaryKeyConstraint('comment_votes_pk', ['comment_id', 'voter_key'])
    .execute()
  await db.schema.createIndex('comment_votes_voter_idx').on('comment_votes').columns(['voter_key', 'comment_id']).execute()

  await db.schema.createTable('comment_reports')
    .addColumn('comment_id', 'text', c => c.notNull().references('comments.id'))
    .addColumn('reporter_key', 'text', c => c.notNull())
    .addColumn('reason', 'text', c => c.notNull())
    .addColumn('details', 'text')
    .addColumn('created_at', 'text', c => c.notNull())
    .addColumn('resolved_at', 'text')
    .addPrimaryKeyConstraint('comment_reports_pk', ['comment_id', 'reporter_key'])
    .execute()

  await db.schema.createTable('comment_bans')
    .addColumn('id', 'text', c => c.primaryKey())
    .addColumn('site_id', 'text', c => c.notNull().references('sites.id'))
    // The author key banned (`v:<sub>` or `p:<participantId>`).
    .addColumn('subject', 'text', c => c.notNull())
    // The device the banned comment came from (also banned, for verified authors).
    .addColumn('participant_id', 'text')
    .addColumn('comment_id', 'text')
    .addColumn('reason', 'text')
    .addColumn('created_at', 'text', c => c.notNull())
    .addUniqueConstraint('comment_bans_subject_uq', ['site_id', 'subject'])
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  for (const t of ['comment_bans', 'comment_reports', 'comment_votes', 'comments', 'comment_threads']) await db.schema.dropTable(t).execute()
  await db.schema.alterTable('sites').dropColumn('comment_settings').execute()
}
