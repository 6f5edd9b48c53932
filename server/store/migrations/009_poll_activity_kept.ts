import type { Kysely } from 'kysely'

/**
 * Retention deletes the raw votes of long-closed polls; their options' counts already live in
 * `poll_tallies`. This keeps the rest of what staff read: votes per day and by page (JSON, or null
 * while every vote is still there).
 */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('poll_tallies').addColumn('kept_activity', 'text').execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('poll_tallies').dropColumn('kept_activity').execute()
}
