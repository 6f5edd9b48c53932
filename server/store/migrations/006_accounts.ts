import type { Kysely } from 'kysely'

/**
 * Staff accounts for the console: users (scrypt hashes only), cookie sessions (the token is kept
 * as its sha256, never in clear) and the append-only audit log of admin writes and exports.
 * Login throttling lives in memory per process (services/login-limiter.ts), not here.
 */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('users')
    .addColumn('id', 'text', c => c.primaryKey())
    /** Lower-cased, trimmed: one account per address. */
    .addColumn('email', 'text', c => c.notNull().unique())
    .addColumn('name', 'text', c => c.notNull())
    .addColumn('role', 'text', c => c.notNull())
    .addColumn('password_hash', 'text', c => c.notNull())
    .addColumn('created_at', 'text', c => c.notNull())
    .addColumn('updated_at', 'text', c => c.notNull())
    .addColumn('last_login_at', 'text')
    .execute()

  await db.schema.createTable('sessions')
    .addColumn('token_hash', 'text', c => c.primaryKey())
    .addColumn('user_id', 'text', c => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('csrf_secret', 'text', c => c.notNull())
    .addColumn('created_at', 'text', c => c.notNull())
    .addColumn('last_seen_at', 'text', c => c.notNull())
    /** The absolute end (created + 7 days); the idle end is last_seen_at + 12 h. */
    .addColumn('expires_at', 'text', c => c.notNull())
    .execute()
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute()

  await db.schema.createTable('audit_log')
    .addColumn('id', 'text', c => c.primaryKey())
    .addColumn('at', 'text', c => c.notNull())
    /** Null for the ADMIN_TOKEN service credential. */
    .addColumn('actor_id', 'text')
    .addColumn('actor_email', 'text')
    .addColumn('action', 'text', c => c.notNull())
    .addColumn('target_type', 'text', c => c.notNull())
    .addColumn('target_id', 'text')
    /** JSON object: field names, query, status; never values such as passwords. */
    .addColumn('details', 'text')
    .execute()
  // Newest first, keyset-paged; filters by actor and action.
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').columns(['at', 'id']).execute()
  await db.schema.createIndex('audit_log_actor_idx').on('audit_log').columns(['actor_id', 'at']).execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_log').execute()
  await db.schema.dropTable('sessions').execute()
  await db.schema.dropTable('users').execute()
}
