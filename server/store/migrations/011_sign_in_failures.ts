import type { Kysely } from 'kysely'

/**
 * Failed staff sign-ins, one row per failure and key (`email:…`, `ip:…`), at epoch milliseconds:
 * in the database so that every node, and a restarted one, counts the same failures (in memory an
 * attacker got the limit once per process). Rows older than the window are pruned.
 */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('sign_in_failures')
    .addColumn('key', 'text', c => c.notNull())
    .addColumn('at', 'double precision', c => c.notNull())
    .execute()
  await db.schema.createIndex('sign_in_failures_key_at_idx').on('sign_in_failures').columns(['key', 'at']).execute()
  await db.schema.createIndex('sign_in_failures_at_idx').on('sign_in_failures').column('at').execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sign_in_failures').execute()
}
