import type { Kysely } from 'kysely'
import type { AuditLogTable, DB } from './schema.ts'

export type AuditRow = AuditLogTable

export async function insertAudit (db: Kysely<DB>, row: AuditRow): Promise<void> {
  await db.insertInto('audit_log').values(row).execute()
}

export interface AuditQuery {
  /** Keyset: entries strictly older than (at, id). */
  before?: { at: string; id: string }
  limit: number
  /** A user id, or 'token' for the service credential. */
  actor?: string
  /** Exact action, or a prefix ending with '.' ('poll.'). */
  action?: string
}

/** Newest first. */
export async function listAudit (db: Kysely<DB>, q: AuditQuery): Promise<AuditRow[]> {
  let s = db.selectFrom('audit_log').selectAll()
  if (q.before) {
    const { at, id } = q.before
    s = s.where(eb => eb.or([eb('at', '<', at), eb.and([eb('at', '=', at), eb('id', '<', id)])]))
  }
  if (q.actor === 'token') s = s.where('actor_id', 'is', null)
  else if (q.actor) s = s.where('actor_id', '=', q.actor)
  if (q.action?.endsWith('.')) s = s.where('action', 'like', `${q.action.replace(/[%_\\]/g, '')}%`)
  else if (q.action) s = s.where('action', '=', q.action)
  return s.orderBy('at', 'desc').orderBy('id', 'desc').limit(q.limit).execute()
}
