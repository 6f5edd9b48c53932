import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, describe } from 'node:test'
import pg from 'pg'
import { buildApp } from '../../../server/app.ts'
import type { App } from '../../../server/app.ts'
import { loadConfig } from '../../../server/config.ts'
import type { Config } from '../../../server/config.ts'
import { migrateToLatest, openDatabase } from '../../../server/store/db.ts'
import type { Database, DialectName } from '../../../server/store/db.ts'

export const ADMIN_TOKEN = 'test-admin-token'
export const ORIGIN = 'https://city.example'
export const admin = { authorization: `Bearer ${ADMIN_TOKEN}` }

/** Where one test database lives; `open()` may be called again to reopen the same data. */
export interface Storage {
  kind: DialectName
  /** Environment that points server/server.ts at this storage. */
  serverEnv: Record<string, string>
  open (): Promise<Database>
  destroy (): Promise<void>
}

async function sqliteStorage (): Promise<Storage> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'civic-test-'))
  return {
    kind: 'sqlite',
    serverEnv: { DATA_DIR: dir, DATABASE_URL: '' },
    async open () {
      const db = openDatabase({ dataDir: dir })
      await migrateToLatest(db)
      return db
    },
    async destroy () { fs.rmSync(dir, { recursive: true, force: true }) }
  }
}

/** A fresh schema per storage, so parallel test files (and repeated runs) never see each other. */
async function postgresStorage (url: string): Promise<Storage> {
  const schema = `t_${process.pid}_${crypto.randomBytes(4).toString('hex')}`
  return {
    kind: 'postgres',
    serverEnv: { DATABASE_URL: url, DATABASE_SCHEMA: schema },
    async open () {
      const db = openDatabase({ databaseUrl: url, schema, poolSize: 5 })
      await migrateToLatest(db, schema)
      return db
    },
    async destroy () {
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      try { await client.query(`drop schema if exists ${schema} cascade`) } finally { await client.end() }
    }
  }
}

export function testConfig (overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      ADMIN_TOKEN,
      RATE_LIMIT_IP_PER_MIN: '1000000',
      RATE_LIMIT_PARTICIPANT_PER_MIN: '1000000',
      RATE_LIMIT_COMMENT_IP_PER_MIN: '1000000',
      WEBHOOK_RETRY_MS: '50',
      SEED: '0',
      DEMO: '0',
      LIVE_MIN_INTERVAL_MS: '20',
      CDN_DIR: '/nonexistent/cdn'
    }),
    ...overrides
  }
}

export interface TestApp {
  app: App
  db: Database
  storage: Storage
  close (): Promise<void>
}

export interface DbEnv {
  kind: DialectName
  /** A new storage, removed when the suite ends. */
  storage (): Promise<Storage>
  /** An app over a new storage (or the given one); close it yourself, the storage goes at suite end. */
  startApp (overrides?: Partial<Config>, storage?: Storage, logger?: unknown): Promise<TestApp>
}

/** Declares a suite once and runs it against SQLite and, when DATABASE_URL is set, PostgreSQL. */
export function forEachDb (title: string, suite: (env: DbEnv) => void): void {
  const kinds: DialectName[] = ['sqlite']
  if (process.env.DATABASE_URL) kinds.push('postgres')
  // TEST_DATABASES=postgres: npm test's PostgreSQL pass, after a SQLite pass of its own.
  const only = process.env.TEST_DATABASES?.split(',').filter(Boolean)
  if (only?.length) kinds.splice(0, kinds.length, ...kinds.filter(k => only.includes(k)))
  for (const kind of kinds) {
    describe(`${title} [${kind}]`, () => {
      const storages: Storage[] = []
      const env: DbEnv = {
        kind,
        async storage () {
          const s = kind === 'sqlite' ? await sqliteStorage() : await postgresStorage(process.env.DATABASE_URL!)
          storages.push(s)
          return s
        },
        async startApp (overrides = {}, storage, logger) {
          const s = storage ?? await env.storage()
          const db = await s.open()
          const app = await buildApp({ db, config: testConfig(overrides), logger: (logger ?? false) as false })
          await app.ready()
          return { app, db, storage: s, close: async () => { await app.close(); await db.close() } }
        }
      }
      after(async () => { for (const s of storages) await s.destroy() })
      suite(env)
    })
  }
}
