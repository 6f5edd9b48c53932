import type { Kysely } from 'kysely'
import type { DB, SessionsTable } from './schema.ts'

export type SessionRow = SessionsTable

export async function insertSession (db: Kysely<DB>, row: SessionRow): Promise<void> {
  await db.insertInto('sessions').values(row).execute()
}

export async function getSession (db: Kysely<DB>, tokenHash: string): Promise<SessionRow | undefined> {
  return db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()
}

export async function touchSession (db: Kysely<DB>, tokenHash: string, at: string): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: at }).where('token_hash', '=', tokenHash).execute()
}

export async function deleteSession (db: Kysely<DB>, tokenHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute()
}

/** Every sign-in of one user (a password change or role change ends them), except `keep`. */
export async function deleteUserSessions (db: Kysely<DB>, userId: string, keep?: string): Promise<void> {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId)
  if (keep) q = q.where('token_hash', '!=', keep)
  await q.execute()
}

/** Sessions past their absolute end or idle since `idleBefore`. */
export async function deleteStaleSessions (db: Kysely<DB>, now: string, idleBefore: string): Promise<void> {
  await db.deleteFrom('sessions').where(eb => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleBefore)])).execute()
}
