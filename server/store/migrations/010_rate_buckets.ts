import { PostgresAdapter, sql } from 'kysely'
import type { Kysely } from 'kysely'

/**
 * Token buckets shared by every node on PostgreSQL (one row per limiter and key, e.g. `ip:…`,
 * `pp:…`), so a client spreading its requests over several nodes meets one limit, not one per node.
 * Times are epoch milliseconds as double precision (exact to 2^53); `cap` and `per_ms` are the
 * limiter's capacity and refill rate, `granted` how many requests the last update let through.
 * `full_at` is when the bucket would be full again: past it the row behaves like an absent one
 * and is pruned. UNLOGGED on PostgreSQL: no WAL and no fsync per request (a crash empties the
 * table, which only forgives some throttling). SQLite (one process) keeps buckets in memory.
 */
export async function up (db: Kysely<any>): Promise<void> {
  const unlogged = db.getExecutor().adapter instanceof PostgresAdapter
  await db.schema.createTable('rate_buckets')
    .$call(b => unlogged ? b.modifyFront(sql`unlogged`) : b)
    .addColumn('key', 'text', c => c.primaryKey())
    .addColumn('tokens', 'double precision', c => c.notNull())
    .addColumn('at', 'double precision', c => c.notNull())
    .addColumn('full_at', 'double precision', c => c.notNull())
    .addColumn('granted', 'integer', c => c.notNull())
    .addColumn('cap', 'double precision', c => c.notNull())
    .addColumn('per_ms', 'double precision', c => c.notNull())
    .execute()
  await db.schema.createIndex('rate_buckets_full_at_idx').on('rate_buckets').column('full_at').execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rate_buckets').execute()
}
