import fs from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import pg from 'pg'
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely'
import type { DB } from './schema.ts'
import { migrationProvider } from './migrations/index.ts'

export type DialectName = 'sqlite' | 'postgres'

export interface Database {
  kysely: Kysely<DB>
  dialect: DialectName
  /** PostgreSQL only: where to open a connection of one's own (the live bus's LISTEN connection). */
  postgres?: { url: string; schema: string | undefined }
  close (): Promise<void>
}

export interface OpenOptions {
  /** postgres://… selects PostgreSQL. */
  databaseUrl?: string
  /** SQLite: the file is `<dataDir>/civic.sqlite`. */
  dataDir?: string
  /** PostgreSQL: use this schema (created if missing) via search_path; tests use one per run. */
  schema?: string
  poolSize?: number
}

export const SQLITE_FILE = 'civic.sqlite'

export function openDatabase (opts: OpenOptions): Database {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts)
  const dir = opts.dataDir ?? './data'
  fs.mkdirSync(dir, { recursive: true })
  const sqlite = new SQLite(path.join(dir, SQLITE_FILE))
  sqlite.pragma('journal_mode = WAL')
  // FULL: the WAL is fsynced at every commit, so an acknowledged vote survives a power cut.
  sqlite.pragma('synchronous = FULL')
  sqlite.pragma('busy_timeout = 5000')
  sqlite.pragma('foreign_keys = ON')
  const kysely = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) })
  return { kysely, dialect: 'sqlite', close: () => kysely.destroy() }
}

/**
 * Kysely prepares every query anew; on the vote path that costs more than running it. Reusing
 * prepared statements by SQL text is safe here: Kysely runs one query at a time on this
 * connection and reads results eagerly (no iterators are kept open). Bounded, oldest dropped.
 */
function withStatementCache (sqlite: SQLite.Database, size = 200) {
  const cache = new Map<string, SQLite.Statement>()
  return {
    close: () => { cache.clear(); sqlite.close() },
    prepare (text: string) {
      let stmt = cache.get(text)
      if (stmt) {
        cache.delete(text)
      } else {
        stmt = sqlite.prepare(text)
        if (cache.size >= size) cache.delete(cache.keys().next().value!)
      }
      cache.set(text, stmt)
      return stmt
    }
  }
}

function openPostgres (url: string, opts: OpenOptions): Database {
  const schema = opts.schema
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name ${schema}`)
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    // A database that cannot be reached (or a pool that stays full) is a 503 within 5 s, well
    // before a widget's 10 s timeout, rather than a request that hangs.
    connectionTimeoutMillis: 5_000,
    // TCP keepalive: a connection to a vanished host fails instead of waiting forever.
    keepAlive: true,
    ...(schema ? { options: `-c search_path=${schema}` } : {})
  })
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {})
  // Nor may a checked-out one (a database restart between two queries of a transaction): its
  // query fails on its own, and the pool discards the broken client on release.
  pool.on('connect', client => { client.on('error', () => {}) })
  const kysely = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
  return { kysely, dialect: 'postgres', postgres: { url, schema }, close: () => kysely.destroy() }
}

export async function migrateToLatest (db: Database, schema?: string): Promise<void> {
  if (schema && db.dialect === 'postgres') {
    // Two nodes starting at once would race on `create schema if not exists` (a unique violation
    // in pg_namespace); a transaction-scoped advisory lock makes the second wait. The migrations
    // themselves run under Kysely's own advisory lock, so each is applied exactly once.
    await db.kysely.transaction().execute(async trx => {
      await sql`select pg_advisory_xact_lock(hashtext('civic-widgets:create-schema'))`.execute(trx)
      await sql`create schema if not exists ${sql.id(schema)}`.execute(trx)
    })
  }
  const migrator = new Migrator({
    db: db.kysely,
    provider: migrationProvider,
    ...(schema && db.dialect === 'postgres' ? { migrationTableSchema: schema } : {})
  })
  const { error, results } = await migrator.migrateToLatest()
  const failed = results?.find(r => r.status === 'Error')
  if (error || failed) throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error })
}

/** A trivial round trip, for /health. */
export async function ping (db: Database): Promise<void> {
  await sql`select 1`.execute(db.kysely)
}

/** Connection-level failures: the database is restarting, unreachable or busy, not wrong. */
const UNAVAILABLE = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  // admin_shutdown, crash_shutdown, cannot_connect_now, connection_exception…, too_many_connections
  '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300',
  'SQLITE_BUSY'
])

/** True when a retry a moment later may well succeed (answered 503 + Retry-After, not 500). */
export function isDatabaseUnavailable (err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null
  if (typeof e?.code === 'string' && UNAVAILABLE.has(e.code)) return true
  // node-postgres names a lost connection only in its message.
  return typeof e?.message === 'string' && /^Connection terminated|is not queryable|timeout exceeded when trying to connect/.test(e.message)
}

/** A duplicate key, in either dialect's words. */
export function isUniqueViolation (err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE'
}
