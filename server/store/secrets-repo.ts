import type { Kysely } from 'kysely'
import type { DB } from './schema.ts'

export async function getSecret (db: Kysely<DB>, name: string): Promise<string | undefined> {
  const row = await db.selectFrom('secrets').select('value').where('name', '=', name).executeTakeFirst()
  return row?.value
}

/**
 * Stores `value` under `name` unless a value is there already, and returns the stored one,
 * so several nodes starting at once all end up with the same secret.
 */
export async function putSecretIfAbsent (db: Kysely<DB>, name: string, value: string): Promise<{ value: string; created: boolean }> {
  const inserted = await db.insertInto('secrets').values({ name, value })
    .onConflict(oc => oc.column('name').doNothing())
    .executeTakeFirst()
  const stored = await getSecret(db, name)
  if (stored === undefined) throw new Error(`secret ${name} vanished`)
  return { value: stored, created: Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0 && stored === value }
}
