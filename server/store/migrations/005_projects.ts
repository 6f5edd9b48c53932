import type { Kysely } from 'kysely'

/**
 * The project map: projects (geometry as GeoJSON text, dates as YYYY-MM-DD, a review state for
 * resident submissions) and one row per site with its map settings and the version of its public
 * projects (bumped in the same transaction as every change that may alter them: the ETag).
 */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('projects')
    .addColumn('id', 'text', c => c.primaryKey())
    .addColumn('site_id', 'text', c => c.notNull().references('sites.id'))
    .addColumn('title', 'text', c => c.notNull())
    .addColumn('category', 'text', c => c.notNull())
    .addColumn('status', 'text', c => c.notNull())
    .addColumn('start_date', 'text', c => c.notNull())
    .addColumn('end_date', 'text')
    .addColumn('address', 'text')
    .addColumn('description', 'text', c => c.notNull())
    .addColumn('contact', 'text')
    .addColumn('link', 'text')
    .addColumn('geometry', 'text', c => c.notNull())
    .addColumn('review', 'text', c => c.notNull())
    .addColumn('reject_reason', 'text')
    .addColumn('source', 'text', c => c.notNull())
    .addColumn('submitter_email', 'text')
    .addColumn('participant_id', 'text')
    .addColumn('idempotency_key', 'text')
    .addColumn('created_at', 'text', c => c.notNull())
    .addColumn('updated_at', 'text', c => c.notNull())
    .addColumn('reviewed_at', 'text')
    .execute()
  // The public feed reads one site's approved projects; the staff queue pages by review state.
  await db.schema.createIndex('projects_site_review_idx').on('projects').columns(['site_id', 'review', 'created_at', 'id']).execute()
  // The daily cap counts one participant's recent submissions.
  await db.schema.createIndex('projects_participant_idx').on('projects').columns(['participant_id', 'created_at']).execute()
  // A replayed submission finds its first answer; the key decides between racing requests.
  await db.schema.createIndex('projects_idempotency_uq').on('projects').columns(['participant_id', 'idempotency_key']).unique().execute()

  await db.schema.createTable('project_maps')
    .addColumn('site_id', 'text', c => c.primaryKey().references('sites.id'))
    .addColumn('settings', 'text')
    .addColumn('version', 'integer', c => c.notNull())
    .addColumn('updated_at', 'text', c => c.notNull())
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('project_maps').execute()
  await db.schema.dropTable('projects').execute()
}
