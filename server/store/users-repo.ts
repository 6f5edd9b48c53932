import type { Kysely } from 'kysely'
import type { DB, UsersTable } from './schema.ts'

export type Role = 'admin' | 'editor' | 'moderator'

export interface User {
  id: string
  email: string
  name: string
  role: Role
  createdAt: string
  lastLoginAt: string | null
}

export interface UserWithHash extends User { passwordHash: string }

function toUser (r: UsersTable): UserWithHash {
  return { id: r.id, email: r.email, name: r.name, role: r.role as Role, createdAt: r.created_at, lastLoginAt: r.last_login_at, passwordHash: r.password_hash }
}

export async function findUserByEmail (db: Kysely<DB>, email: string): Promise<UserWithHash | undefined> {
  const r = await db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst()
  return r && toUser(r)
}

export async function getUser (db: Kysely<DB>, id: string): Promise<UserWithHash | undefined> {
  const r = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
  return r && toUser(r)
}

export async function listUsers (db: Kysely<DB>): Promise<UserWithHash[]> {
  return (await db.selectFrom('users').selectAll().orderBy('email').execute()).map(toUser)
}

export async function countUsers (db: Kysely<DB>, role?: Role): Promise<number> {
  let q = db.selectFrom('users').select(eb => eb.fn.countAll<string>().as('n'))
  if (role) q = q.where('role', '=', role)
  return Number((await q.executeTakeFirstOrThrow()).n)
}

export async function insertUser (db: Kysely<DB>, u: UserWithHash): Promise<void> {
  await db.insertInto('users').values({
    id: u.id, email: u.email, name: u.name, role: u.role, password_hash: u.passwordHash,
    created_at: u.createdAt, updated_at: u.createdAt, last_login_at: u.lastLoginAt
  }).execute()
}

export async function updateUser (db: Kysely<DB>, id: string, patch: { name?: string; role?: Role; passwordHash?: string; lastLoginAt?: string }, at: string): Promise<void> {
  await db.updateTable('users').set({
    updated_at: at,
    ...(patch.name !== undefined ? { name: patch.name } : {}),
    ...(patch.role !== undefined ? { role: patch.role } : {}),
    ...(patch.passwordHash !== undefined ? { password_hash: patch.passwordHash } : {}),
    ...(patch.lastLoginAt !== undefined ? { last_login_at: patch.lastLoginAt } : {})
  }).where('id', '=', id).execute()
}

export async function deleteUser (db: Kysely<DB>, id: string): Promise<boolean> {
  await db.deleteFrom('sessions').where('user_id', '=', id).execute()
  const r = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst()
  return Number(r.numDeletedRows) > 0
}
