import type { Kysely } from 'kysely'

/**
 * The page a vote was cast from (absolute http(s) URL without query and fragment), for the staff's
 * breakdown by page. Nullable: votes from before this migration, seeded votes and API clients that
 * send no page have none. varchar(2000) bounds it on PostgreSQL as the API does (SQLite ignores
 * the length; the service checks it). No index: the breakdown groups one poll's votes, which the
 * primary key (poll_id, voter_key) already finds.
 */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('votes').addColumn('page', 'varchar(2000)').execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('votes').dropColumn('page').execute()
}
