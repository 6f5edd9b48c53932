import crypto from 'node:crypto'
import type { Database } from '../store/db.ts'
import { deleteSession, deleteStaleSessions, deleteUserSessions, getSession, insertSession, touchSession } from '../store/sessions-repo.ts'
import { getUser } from '../store/users-repo.ts'
import type { User } from '../store/users-repo.ts'

export const SESSION_COOKIE = 'civic_session'
export const SESSION_IDLE_MS = 12 * 3600_000
export const SESSION_MAX_MS = 7 * 24 * 3600_000
/** last_seen_at is written at most this often: a console polling every second costs no writes. */
const TOUCH_EVERY_MS = 60_000

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('base64url')

export interface ActiveSession {
  user: User
  csrfToken: string
  tokenHash: string
}

/** Console sign-ins: opaque 32-byte cookie tokens, stored as their sha256, each with its CSRF secret. */
export class SessionService {
  readonly #db: Database
  readonly #now: () => number

  constructor (db: Database, now: () => number = Date.now) {
    this.#db = db
    this.#now = now
  }

  async create (userId: string): Promise<{ token: string; csrfToken: string }> {
    const token = crypto.randomBytes(32).toString('base64url')
    const csrfToken = crypto.randomBytes(32).toString('base64url')
    const now = this.#now()
    const at = new Date(now).toISOString()
    await insertSession(this.#db.kysely, {
      token_hash: sha256(token), user_id: userId, csrf_secret: csrfToken,
      created_at: at, last_seen_at: at, expires_at: new Date(now + SESSION_MAX_MS).toISOString()
    })
    // Housekeeping rides on sign-ins: rare enough to be free, frequent enough to keep the table small.
    await deleteStaleSessions(this.#db.kysely, at, new Date(now - SESSION_IDLE_MS).toISOString())
    return { token, csrfToken }
  }

  /** The signed-in user of a cookie token, or undefined when unknown, idle too long or expired. */
  async resolve (token: string | undefined): Promise<ActiveSession | undefined> {
    if (!token || token.length > 100) return undefined
    const tokenHash = sha256(token)
    const row = await getSession(this.#db.kysely, tokenHash)
    if (!row) return undefined
    const now = this.#now()
    const lastSeen = Date.parse(row.last_seen_at)
    if (now >= Date.parse(row.expires_at) || now - lastSeen >= SESSION_IDLE_MS) {
      await deleteSession(this.#db.kysely, tokenHash)
      return undefined
    }
    const user = await getUser(this.#db.kysely, row.user_id)
    if (!user) return undefined
    if (now - lastSeen >= TOUCH_EVERY_MS) await touchSession(this.#db.kysely, tokenHash, new Date(now).toISOString())
    const { passwordHash: _, ...view } = user
    return { user: view, csrfToken: row.csrf_secret, tokenHash }
  }

  async end (token: string | undefined): Promise<void> {
    if (token && token.length <= 100) await deleteSession(this.#db.kysely, sha256(token))
  }

  /** Signs a user out everywhere (password change, deletion), optionally keeping one session. */
  async endAllOf (userId: string, keepTokenHash?: string): Promise<void> {
    await deleteUserSessions(this.#db.kysely, userId, keepTokenHash)
  }
}

/** Constant-time check of the X-CSRF-Token header against the session's secret. */
export function csrfMatches (given: string | string[] | undefined, expected: string): boolean {
  const g = Buffer.from(sha256(Array.isArray(given) ? given[0] ?? '' : given ?? ''))
  return crypto.timingSafeEqual(g, Buffer.from(sha256(expected))) && given !== undefined && given !== ''
}

/** The value of one cookie in a Cookie header (no dependency needed for one name). */
export function readCookie (header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=')
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim() || undefined
  }
  return undefined
}

/** Set-Cookie for a session (empty token + Max-Age=0 clears it). Secure when the request came over https. */
export function sessionCookie (token: string, secure: boolean): string {
  const attrs = [`${SESSION_COOKIE}=${token}`, 'HttpOnly', 'SameSite=Strict', 'Path=/v1/admin']
  if (secure) attrs.push('Secure')
  if (token === '') attrs.push('Max-Age=0')
  return attrs.join('; ')
}
