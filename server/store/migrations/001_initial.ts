import type { Kysely } from 'kysely'

export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('sites')
    .addColumn('id', 'text', c => c.primaryKey())
    .addColumn('name', 'text', c => c.notNull())
    .addColumn('origins', 'text', c => c.notNull())
    .addColumn('identity', 'text')
    .addColumn('created_at', 'text', c => c.notNull())
    .addColumn('updated_at', 'text', c => c.notNull())
    .execute()

  await db.schema.createTable('polls')
    .addColumn('id', 'text', c => c.primaryKey())
    .addColumn('site_id', 'text', c => c.notNull().references('sites.id'))
    .addColumn('question', 'text', c => c.notNull())
    .addColumn('description', 'text')
    .addColumn('type', 'text', c => c.notNull())
    .addColumn('max_choices', 'integer')
    .addColumn('options', 'text', c => c.notNull())
    .addColumn('opens_at', 'text')
    .addColumn('closes_at', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('results_visibility', 'text', c => c.notNull())
    .addColumn('allow_change', 'integer', c => c.notNull())
    .addColumn('verified_only', 'integer', c => c.notNull())
    .addColumn('created_at', 'text', c => c.notNull())
    .addColumn('updated_at', 'text', c => c.notNull())
    .execute()
  await db.schema.createIndex('polls_site_idx').on('polls').column('site_id').execute()

  await db.schema.createTable('votes')
    .addColumn('poll_id', 'text', c => c.notNull().references('polls.id'))
    .addColumn('voter_key', 'text', c => c.notNull())
    .addColumn('participant_id', 'text')
    .addColumn('choices', 'text', c => c.notNull())
    .addColumn('idempotency_key', 'text', c => c.notNull())
    .addColumn('verified', 'integer', c => c.notNull())
    .addColumn('created_at', 'text', c => c.notNull())
    .addColumn('updated_at', 'text', c => c.notNull())
    // One vote per voter per poll: the database enforces it, not only the service.
    .addPrimaryKeyConstraint('votes_pk', ['poll_id', 'voter_key'])
    .execute()
  await db.schema.createIndex('votes_participant_idx').on('votes').columns(['poll_id', 'participant_id']).execute()

  await db.schema.createTable('poll_tallies')
    .addColumn('poll_id', 'text', c => c.primaryKey().references('polls.id'))
    .addColumn('version', 'integer', c => c.notNull())
    .addColumn('voters', 'integer', c => c.notNull())
    .addColumn('tallies', 'text', c => c.notNull())
    .execute()

  await db.schema.createTable('secrets')
    .addColumn('name', 'text', c => c.primaryKey())
    .addColumn('value', 'text', c => c.notNull())
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  for (const t of ['secrets', 'poll_tallies', 'votes', 'polls', 'sites']) await db.schema.dropTable(t).execute()
}
