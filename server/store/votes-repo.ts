import type { Kysely } from 'kysely'
import type { DB, PollTalliesTable, VotesTable } from './schema.ts'

export type VoteRow = VotesTable

/** Maintained counters of one poll: option id → [votes, points]. */
export interface Tally {
  pollId: string
  version: number
  voters: number
  counts: Record<string, [number, number]>
}

const IN_CHUNK = 500

export async function findVotes (db: Kysely<DB>, pollId: string, voterKeys: string[]): Promise<VoteRow[]> {
  const out: VoteRow[] = []
  for (let i = 0; i < voterKeys.length; i += IN_CHUNK) {
    const chunk = voterKeys.slice(i, i + IN_CHUNK)
    out.push(...await db.selectFrom('votes').selectAll()
      .where('poll_id', '=', pollId).where('voter_key', 'in', chunk).execute())
  }
  return out
}

/** Plain multi-row INSERT: a duplicate (poll_id, voter_key) fails on the primary key. */
export async function insertVotes (db: Kysely<DB>, rows: VoteRow[]): Promise<void> {
  // 8 columns a row; chunks keep well under SQLite's and PostgreSQL's parameter limits.
  for (let i = 0; i < rows.length; i += 1000) {
    await db.insertInto('votes').values(rows.slice(i, i + 1000)).execute()
  }
}

/** Replaces a vote, only if it still carries the key we read (optimistic check). */
export async function replaceVote (db: Kysely<DB>, row: VoteRow, previousKey: string): Promise<boolean> {
  const r = await db.updateTable('votes')
    .set({ choices: row.choices, idempotency_key: row.idempotency_key, participant_id: row.participant_id, verified: row.verified, updated_at: row.updated_at })
    .where('poll_id', '=', row.poll_id).where('voter_key', '=', row.voter_key)
    .where('idempotency_key', '=', previousKey)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/**
 * This participant's vote: under its own key, or (verified polls) cast as a resident from this
 * participant's device. Two lookups so each uses an index (the primary key, the partial index).
 */
export async function findMyVote (db: Kysely<DB>, pollId: string, participantId: string, verified: boolean): Promise<VoteRow | undefined> {
  if (!verified) {
    return db.selectFrom('votes').selectAll()
      .where('poll_id', '=', pollId).where('voter_key', '=', `p:${participantId}`)
      .executeTakeFirst()
  }
  return db.selectFrom('votes').selectAll()
    .where('poll_id', '=', pollId).where('verified', '=', 1).where('participant_id', '=', participantId)
    .orderBy('updated_at', 'desc')
    .limit(1)
    .executeTakeFirst()
}

export async function hasVotes (db: Kysely<DB>, pollId: string): Promise<boolean> {
  const r = await db.selectFrom('votes').select('voter_key').where('poll_id', '=', pollId).limit(1).executeTakeFirst()
  return r !== undefined
}

/** A page of votes in key order, for streaming exports without loading everything. */
export async function listVotesPage (db: Kysely<DB>, pollId: string, afterKey: string | null, limit: number): Promise<VoteRow[]> {
  return db.selectFrom('votes').selectAll()
    .where('poll_id', '=', pollId)
    .$if(afterKey !== null, q => q.where('voter_key', '>', afterKey!))
    .orderBy('voter_key')
    .limit(limit)
    .execute()
}

/** Every vote's choices: the slow path for a full recount. */
export async function listChoices (db: Kysely<DB>, pollId: string): Promise<string[][]> {
  const rows = await db.selectFrom('votes').select('choices').where('poll_id', '=', pollId).execute()
  return rows.map(r => JSON.parse(r.choices))
}

function toTally (r: PollTalliesTable): Tally {
  return { pollId: r.poll_id, version: Number(r.version), voters: Number(r.voters), counts: JSON.parse(r.tallies) }
}

export async function getTally (db: Kysely<DB>, pollId: string): Promise<Tally | undefined> {
  const row = await db.selectFrom('poll_tallies').selectAll().where('poll_id', '=', pollId).executeTakeFirst()
  return row && toTally(row)
}

export async function saveTally (db: Kysely<DB>, t: Tally, isNew: boolean): Promise<void> {
  const row = { poll_id: t.pollId, version: t.version, voters: t.voters, tallies: JSON.stringify(t.counts) }
  if (isNew) await db.insertInto('poll_tallies').values(row).execute()
  else await db.updateTable('poll_tallies').set(row).where('poll_id', '=', t.pollId).execute()
}
