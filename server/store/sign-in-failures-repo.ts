import type { Kysely } from 'kysely'
import type { DB, SignInFailuresTable } from './schema.ts'

/** The failures of `keys` after `since` (epoch ms), oldest first. */
export async function recentFailures (db: Kysely<DB>, keys: string[], since: number): Promise<SignInFailuresTable[]> {
  return db.selectFrom('sign_in_failures').select(['key', 'at'])
    .where('key', 'in', keys).where('at', '>', since).orderBy('at').execute()
}

export async function addFailures (db: Kysely<DB>, keys: string[], at: number): Promise<void> {
  await db.insertInto('sign_in_failures').values(keys.map(key => ({ key, at }))).execute()
}

export async function clearFailures (db: Kysely<DB>, key: string): Promise<void> {
  await db.deleteFrom('sign_in_failures').where('key', '=', key).execute()
}

export async function pruneFailures (db: Kysely<DB>, before: number): Promise<void> {
  await db.deleteFrom('sign_in_failures').where('at', '<=', before).execute()
}
