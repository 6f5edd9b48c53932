import crypto from 'node:crypto'
import type { Database } from './store/db.ts'
import { isUniqueViolation } from './store/db.ts'
import { generatePassword, hashPassword } from './services/passwords.ts'
import { countUsers, insertUser } from './store/users-repo.ts'
import type { Role } from './store/users-repo.ts'

export const DEMO_USERS: ReadonlyArray<{ email: string; name: string; role: Role }> = [
  { email: 'demo-admin@riverton.example', name: 'Demo Admin', role: 'admin' },
  { email: 'demo-editor@riverton.example', name: 'Demo Editor', role: 'editor' },
  { email: 'demo-moderator@riverton.example', name: 'Demo Moderator', role: 'moderator' }
]

/**
 * Demo mode, first start: the three demo accounts with one generated password, returned so the
 * caller prints it once (only its scrypt hash is stored). Undefined when any user exists already.
 */
export async function ensureDemoUsers (db: Database): Promise<string | undefined> {
  if (await countUsers(db.kysely) > 0) return undefined
  const password = generatePassword()
  const passwordHash = await hashPassword(password)
  const at = new Date().toISOString()
  try {
    await db.kysely.transaction().execute(async trx => {
      for (const u of DEMO_USERS) {
        await insertUser(trx, { id: crypto.randomBytes(8).toString('hex'), ...u, createdAt: at, lastLoginAt: null, passwordHash })
      }
    })
  } catch (err) {
    // Another node seeded them at the same moment: it printed its password.
    if (isUniqueViolation(err)) return undefined
    throw err
  }
  return password
}
