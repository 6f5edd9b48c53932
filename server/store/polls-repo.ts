import type { Kysely } from 'kysely'
import type { DB, PollsTable } from './schema.ts'

export type PollType = 'single' | 'multiple' | 'ranked'
export type ResultsVisibility = 'always' | 'after-vote' | 'after-close' | 'staff'
export interface PollOption { id: string; label: string }

export interface Poll {
  id: string
  siteId: string
  question: string
  description: string | null
  type: PollType
  maxChoices: number | null
  options: PollOption[]
  opensAt: string | null
  closesAt: string | null
  closedAt: string | null
  resultsVisibility: ResultsVisibility
  allowChange: boolean
  verifiedOnly: boolean
  createdAt: string
  updatedAt: string
}

export function toPoll (r: PollsTable): Poll {
  return {
    id: r.id,
    siteId: r.site_id,
    question: r.question,
    description: r.description,
    type: r.type as PollType,
    maxChoices: r.max_choices,
    options: JSON.parse(r.options),
    opensAt: r.opens_at,
    closesAt: r.closes_at,
    closedAt: r.closed_at,
    resultsVisibility: r.results_visibility as ResultsVisibility,
    allowChange: r.allow_change === 1,
    verifiedOnly: r.verified_only === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at
  }
}

function toRow (p: Poll): PollsTable {
  return {
    id: p.id,
    site_id: p.siteId,
    question: p.question,
    description: p.description,
    type: p.type,
    max_choices: p.maxChoices,
    options: JSON.stringify(p.options),
    opens_at: p.opensAt,
    closes_at: p.closesAt,
    closed_at: p.closedAt,
    results_visibility: p.resultsVisibility,
    allow_change: p.allowChange ? 1 : 0,
    verified_only: p.verifiedOnly ? 1 : 0,
    created_at: p.createdAt,
    updated_at: p.updatedAt
  }
}

/**
 * `lock` takes a row lock (PostgreSQL `FOR UPDATE`) so vote batches and admin edits of one poll
 * serialise across nodes; SQLite has a single writer anyway.
 */
export async function getPoll (db: Kysely<DB>, id: string, lock = false): Promise<Poll | undefined> {
  const row = await db.selectFrom('polls').selectAll().where('id', '=', id)
    .$if(lock, q => q.forUpdate())
    .executeTakeFirst()
  return row && toPoll(row)
}

export async function listPolls (db: Kysely<DB>, siteId?: string): Promise<Poll[]> {
  const rows = await db.selectFrom('polls').selectAll()
    .$if(siteId !== undefined, q => q.where('site_id', '=', siteId!))
    .orderBy('created_at').orderBy('id')
    .execute()
  return rows.map(toPoll)
}

export async function insertPoll (db: Kysely<DB>, poll: Poll): Promise<void> {
  await db.insertInto('polls').values(toRow(poll)).execute()
}

export async function updatePoll (db: Kysely<DB>, poll: Poll): Promise<void> {
  const { id, created_at: _c, site_id: _s, ...rest } = toRow(poll)
  await db.updateTable('polls').set(rest).where('id', '=', id).execute()
}
