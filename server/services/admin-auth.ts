import crypto from 'node:crypto'
import type { Database } from '../store/db.ts'
import { putSecretIfAbsent } from '../store/secrets-repo.ts'

const digest = (s: string) => crypto.createHash('sha256').update(s).digest()

/** Bearer check in constant time (hashing first hides the token's length too). */
export class AdminAuth {
  readonly #expected: Buffer

  constructor (token: string) {
    this.#expected = digest(token)
  }

  check (authorization: string | undefined): boolean {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')
    const given = digest(m?.[1] ?? '')
    return crypto.timingSafeEqual(given, this.#expected) && m !== null
  }
}

/** ADMIN_TOKEN when configured; else one generated at first start and kept in the secrets table. */
export async function resolveAdminToken (db: Database, configured?: string): Promise<{ token: string; generated: boolean }> {
  if (configured) return { token: configured, generated: false }
  const { value, created } = await putSecretIfAbsent(db.kysely, 'admin_token', crypto.randomBytes(24).toString('base64url'))
  return { token: value, generated: created }
}
