import crypto from 'node:crypto'
import type { Database } from '../store/db.ts'
import { insertAudit, listAudit } from '../store/audit-repo.ts'
import type { AuditRow } from '../store/audit-repo.ts'
import { AppError } from './errors.ts'

/** Who did it: a console user, or the ADMIN_TOKEN service credential. */
export type Actor = { id: string; email: string } | 'token'

export interface AuditEntry {
  id: string
  at: string
  actor: Actor
  action: string
  target: { type: string; id: string | null }
  details: Record<string, unknown> | null
}

export interface AuditListQuery { cursor?: string; limit?: number; actor?: string; action?: string }

function toEntry (r: AuditRow): AuditEntry {
  return {
    id: r.id,
    at: r.at,
    actor: r.actor_id === null ? 'token' : { id: r.actor_id, email: r.actor_email ?? '' },
    action: r.action,
    target: { type: r.target_type, id: r.target_id },
    details: r.details === null ? null : JSON.parse(r.details) as Record<string, unknown>
  }
}

const encodeCursor = (r: AuditRow) => Buffer.from(`${r.at}|${r.id}`).toString('base64url')
function decodeCursor (cursor: string): { at: string; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|')
  if (!at || !id || Number.isNaN(Date.parse(at))) throw new AppError(400, 'BAD_REQUEST', 'Unknown cursor')
  return { at, id }
}

let seq = 0
/** Sorts like insertion order within a process, even for entries of the same millisecond. */
function entryId (now: number): string {
  seq = (seq + 1) % 36 ** 4
  return `${now.toString(36).padStart(9, '0')}${seq.toString(36).padStart(4, '0')}${crypto.randomBytes(4).toString('hex')}`
}

/** The append-only record of admin writes and exports, read by admins in the console. */
export class AuditLog {
  readonly #db: Database

  constructor (db: Database) {
    this.#db = db
  }

  async append (e: { actor: Actor; action: string; target: { type: string; id?: string | null }; details?: Record<string, unknown> | null }): Promise<void> {
    const now = Date.now()
    await insertAudit(this.#db.kysely, {
      id: entryId(now),
      at: new Date(now).toISOString(),
      actor_id: e.actor === 'token' ? null : e.actor.id,
      actor_email: e.actor === 'token' ? null : e.actor.email,
      action: e.action,
      target_type: e.target.type,
      target_id: e.target.id ?? null,
      details: e.details && Object.keys(e.details).length ? JSON.stringify(e.details) : null
    })
  }

  async list (q: AuditListQuery): Promise<{ entries: AuditEntry[]; nextCursor: string | null }> {
    const limit = q.limit ?? 50
    const rows = await listAudit(this.#db.kysely, { limit: limit + 1, actor: q.actor, action: q.action, ...(q.cursor ? { before: decodeCursor(q.cursor) } : {}) })
    const page = rows.slice(0, limit)
    return { entries: page.map(toEntry), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null }
  }
}
