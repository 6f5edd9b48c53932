import type { Kysely } from 'kysely'

/**
 * Micro-consultations: one short question per consultation (options, areas, scale labels and
 * targeting as JSON text), the published outcome ("you said, we did") as columns of its own, and
 * one response per participant, upserted.
 */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('consultations')
    .addColumn('id', 'text', c => c.primaryKey())
    .addColumn('site_id', 'text', c => c.notNull().references('sites.id'))
    .addColumn('type', 'text', c => c.notNull())
    .addColumn('question', 'text', c => c.notNull())
    .addColumn('description', 'text')
    .addColumn('options', 'text', c => c.notNull())
    .addColumn('not_sure', 'integer', c => c.notNull())
    .addColumn('scale_labels', 'text')
    .addColumn('max_length', 'integer', c => c.notNull())
    .addColumn('follow_up', 'text')
    .addColumn('areas', 'text')
    .addColumn('targeting', 'text', c => c.notNull())
    .addColumn('sampling', 'integer', c => c.notNull())
    .addColumn('cap_days', 'integer', c => c.notNull())
    .addColumn('opens_at', 'text')
    .addColumn('closes_at', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('results_visibility', 'text', c => c.notNull())
    .addColumn('next_steps', 'text')
    .addColumn('outcome_status', 'text')
    .addColumn('outcome_text', 'text')
    .addColumn('outcome_date', 'text')
    .addColumn('outcome_link', 'text')
    .addColumn('outcome_updated_at', 'text')
    .addColumn('created_at', 'text', c => c.notNull())
    .addColumn('updated_at', 'text', c => c.notNull())
    .execute()
  // The targeting of a page reads one site's consultations; staff lists filter by site.
  await db.schema.createIndex('consultations_site_idx').on('consultations').columns(['site_id', 'created_at']).execute()

  await db.schema.createTable('consultation_responses')
    .addColumn('id', 'text', c => c.primaryKey())
    .addColumn('consultation_id', 'text', c => c.notNull().references('consultations.id'))
    .addColumn('participant_id', 'text', c => c.notNull())
    .addColumn('answer', 'text', c => c.notNull())
    .addColumn('follow_up', 'text')
    .addColumn('area', 'text')
    .addColumn('page', 'text', c => c.notNull())
    .addColumn('section', 'text')
    .addColumn('locale', 'text')
    .addColumn('idempotency_key', 'text', c => c.notNull())
    .addColumn('created_at', 'text', c => c.notNull())
    .addColumn('updated_at', 'text', c => c.notNull())
    // One response per participant: the database enforces it (and the upsert relies on it).
    .addUniqueConstraint('consultation_responses_participant_uq', ['consultation_id', 'participant_id'])
    .execute()
  // Staff pages (newest first, keyset) and the daily series; results group within one consultation.
  await db.schema.createIndex('consultation_responses_created_idx').on('consultation_responses')
    .columns(['consultation_id', 'created_at', 'id']).execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('consultation_responses').execute()
  await db.schema.dropTable('consultations').execute()
}
