import type { Kysely } from 'kysely'

/**
 * Site settings of the console: a default locale and how long raw responses are kept. Retention
 * deletes raw consultation answers of long-closed consultations; their counts are kept first in
 * `consultation_aggregates` (poll counts already live in `poll_tallies`), so results never change.
 */
export async function up (db: Kysely<any>): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds one at a time.
  /** 'en' | 'fr' | 'de' | 'es' | 'nl' | 'ar', or null. */
  await db.schema.alterTable('sites').addColumn('default_locale', 'text').execute()
  /** Months after a poll or consultation closed that its raw responses are kept; null = keep. */
  await db.schema.alterTable('sites').addColumn('retention_months', 'integer').execute()

  await db.schema.createTable('consultation_aggregates')
    .addColumn('consultation_id', 'text', c => c.primaryKey().references('consultations.id'))
    /** JSON { cells: [area, answer, n][], pages: [page, n][], daily: [date, n][], followUps }. */
    .addColumn('counts', 'text', c => c.notNull())
    /** Raw responses folded into `counts` (and deleted). */
    .addColumn('responses', 'integer', c => c.notNull())
    .addColumn('updated_at', 'text', c => c.notNull())
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('consultation_aggregates').execute()
  await db.schema.alterTable('sites').dropColumn('retention_months').execute()
  await db.schema.alterTable('sites').dropColumn('default_locale').execute()
}
