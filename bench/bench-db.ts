// What the server benches share: a fresh database of either kind (SQLite in a temp dir, or a
// throwaway PostgreSQL cluster from scripts/pg.mjs) and cleanups run in reverse at the end.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startPostgres } from '../scripts/pg.mjs'
import { migrateToLatest, openDatabase } from '../server/store/db.ts'
import type { Database } from '../server/store/db.ts'

export const cleanups: Array<() => Promise<void> | void> = []

/** Runs every cleanup, newest first; a failing one is logged and the others still run. */
export async function cleanup () {
  for (const c of cleanups.reverse()) {
    try { await c() } catch (err) { console.error('cleanup:', err) }
  }
}

/** A migrated, empty database of `kind`, removed by `cleanup()`. */
export async function openBenchDb (kind: 'sqlite' | 'postgres', name: string): Promise<Database> {
  if (kind === 'postgres') {
    const pg = await startPostgres({ log: msg => console.log(`[pg] ${msg}`) })
    cleanups.push(() => pg.stop())
    const db = openDatabase({ databaseUrl: pg.url })
    cleanups.push(() => db.close())
    await migrateToLatest(db)
    return db
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `civic-bench-${name}-`))
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }))
  const db = openDatabase({ dataDir: dir })
  cleanups.push(() => db.close())
  await migrateToLatest(db)
  return db
}
