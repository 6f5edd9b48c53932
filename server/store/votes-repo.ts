import { sql } from 'kysely'
import type { Kysely } from 'kysely'
import type { DB, PollTalliesTable, VotesTable } from './schema.ts'

/** A vote row; `page` may be left out where there is none (seeded votes). */
export type VoteRow = Omit<VotesTable, 'page'> & { page?: string | null }

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
  // 9 columns a row; chunks keep well under SQLite's and PostgreSQL's parameter limits.
  for (let i = 0; i < rows.length; i += 1000) {
    await db.insertInto('votes').values(rows.slice(i, i + 1000)).execute()
  }
}

/** Replaces a vote, only if it still carries the key we read (optimistic check). */
export async function replaceVote (db: Kysely<DB>, row: VoteRow, previousKey: string): Promise<boolean> {
  const r = await db.updateTable('votes')
    .set({ choices: row.choices, idempotency_key: row.idempotency_key, participant_id: row.participant_id, verified: row.verified, page: row.page ?? null, updated_at: row.updated_at })
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

/** Voted on by anyone: vote rows, or counted votes whose rows retention deleted. */
export async function hasVotes (db: Kysely<DB>, pollId: string): Promise<boolean> {
  const r = await db.selectFrom('votes').select('voter_key').where('poll_id', '=', pollId).limit(1).executeTakeFirst()
  if (r !== undefined) return true
  const t = await db.selectFrom('poll_tallies').select('voters').where('poll_id', '=', pollId).executeTakeFirst()
  return t !== undefined && Number(t.voters) > 0
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

/** Votes per UTC day of their first casting (ISO timestamps: the day is the first 10 characters). */
export async function countVotesDaily (db: Kysely<DB>, pollId: string): Promise<Array<{ date: string; n: number }>> {
  const day = sql<string>`substr(created_at, 1, 10)`
  const rows = await db.selectFrom('votes')
    .select(eb => [day.as('day'), eb.fn.countAll<string | number>().as('n')])
    .where('poll_id', '=', pollId)
    .groupBy(day)
    .orderBy(day)
    .execute()
  return rows.map(r => ({ date: r.day, n: Number(r.n) }))
}

export interface PageCounts {
  /** The pages with most votes, most first (ties by address); page null: votes that carry none. */
  top: Array<{ page: string | null; n: number }>
  /** All votes, and the distinct groups (pages, plus one for votes without a page). */
  votes: number
  groups: number
}

/** Votes grouped by page, only the first `limit` groups returned: a poll embedded site-wide may have thousands. */
export async function countVotesByPage (db: Kysely<DB>, pollId: string, limit: number): Promise<PageCounts> {
  const [top, totals] = await Promise.all([
    db.selectFrom('votes')
      .select(eb => ['page', eb.fn.countAll<string | number>().as('n')])
      .where('poll_id', '=', pollId)
      .groupBy('page')
      // coalesce: SQLite sorts NULL first, PostgreSQL last; the same order on both.
      .orderBy(sql`count(*)`, 'desc').orderBy(sql`coalesce(page, '')`)
      .limit(limit)
      .execute(),
    db.selectFrom('votes')
      .select(eb => [
        eb.fn.countAll<string | number>().as('votes'),
        eb.fn.count<string | number>('page').as('paged'),
        eb.fn.count<string | number>('page').distinct().as('pages')
      ])
      .where('poll_id', '=', pollId)
      .executeTakeFirstOrThrow()
  ])
  const votes = Number(totals.votes)
  return {
    top: top.map(r => ({ page: r.page, n: Number(r.n) })),
    votes,
    groups: Number(totals.pages) + (votes > Number(totals.paged) ? 1 : 0)
  }
}

/** Votes per day and by page of votes retention deleted (their option counts stay in the tally). */
export interface KeptActivity {
  votes: number
  daily: Array<[string, number]>
  pages: Array<[string | null, number]>
}

/** No limit on page groups: retention and merged readings need them all. */
const ALL_PAGES = 1_000_000_000

export async function getKeptActivity (db: Kysely<DB>, pollId: string): Promise<KeptActivity | null> {
  const r = await db.selectFrom('poll_tallies').select('kept_activity').where('poll_id', '=', pollId).executeTakeFirst()
  return r?.kept_activity ? JSON.parse(r.kept_activity) as KeptActivity : null
}

const sumBy = <K> (xs: Array<[K, number]>, ys: Array<[K, number]>): Array<[K, number]> => {
  const m = new Map<K, number>()
  for (const [k, n] of [...xs, ...ys]) m.set(k, (m.get(k) ?? 0) + n)
  return [...m]
}

/** What staff read: the raw votes' days and pages plus the kept ones, in countVotesByPage's order. */
export async function countActivity (db: Kysely<DB>, pollId: string, topPages: number): Promise<{ daily: Array<{ date: string; n: number }>; pages: PageCounts }> {
  const kept = await getKeptActivity(db, pollId)
  const [daily, pages] = await Promise.all([countVotesDaily(db, pollId), countVotesByPage(db, pollId, kept ? ALL_PAGES : topPages)])
  if (!kept) return { daily, pages }
  const days = sumBy(kept.daily, daily.map(d => [d.date, d.n])).sort(([a], [b]) => (a < b ? -1 : 1))
  const byPage = sumBy(kept.pages, pages.top.map(p => [p.page, p.n]))
    .sort(([a, x], [b, y]) => y - x || ((a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0))
  return {
    daily: days.map(([date, n]) => ({ date, n })),
    pages: { top: byPage.slice(0, topPages).map(([page, n]) => ({ page, n })), votes: kept.votes + pages.votes, groups: byPage.length }
  }
}

/**
 * Retention: folds a poll's raw votes into its kept activity, then deletes them. Run inside a
 * transaction that holds the poll's row, so no vote arrives in between.
 */
export async function foldAndDeleteVotes (db: Kysely<DB>, pollId: string): Promise<number> {
  const { daily, pages } = await countActivity(db, pollId, ALL_PAGES)
  const raw = await db.selectFrom('votes').select(eb => eb.fn.countAll<string | number>().as('n')).where('poll_id', '=', pollId).executeTakeFirstOrThrow()
  if (Number(raw.n) === 0) return 0
  const kept: KeptActivity = { votes: pages.votes, daily: daily.map(d => [d.date, d.n]), pages: pages.top.map(p => [p.page, p.n]) }
  await db.updateTable('poll_tallies').set({ kept_activity: JSON.stringify(kept) }).where('poll_id', '=', pollId).execute()
  const r = await db.deleteFrom('votes').where('poll_id', '=', pollId).executeTakeFirst()
  return Number(r.numDeletedRows)
}
