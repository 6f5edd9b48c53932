import type { Kysely } from 'kysely'
import type { CommentBansTable, CommentReportsTable, CommentsTable, CommentVotesTable, ConsultationResponsesTable, DB, ProjectsTable, VotesTable } from './schema.ts'

/** Every row a participant is linked to, by participant id or by one of their voter keys. */
export interface ParticipantRows {
  votes: VotesTable[]
  comments: CommentsTable[]
  commentVotes: CommentVotesTable[]
  reports: CommentReportsTable[]
  consultationResponses: ConsultationResponsesTable[]
  projectSubmissions: ProjectsTable[]
  bans: CommentBansTable[]
}

/**
 * The keys a participant writes comment votes and reports under: `p:<id>`, plus the verified keys
 * (`v:<sub>`) their own votes and comments were cast with from this browser.
 */
export async function participantKeys (db: Kysely<DB>, participantId: string): Promise<string[]> {
  const fromVotes = await db.selectFrom('votes').select('voter_key as key')
    .where('participant_id', '=', participantId).where('voter_key', 'like', 'v:%').execute()
  const fromComments = await db.selectFrom('comments').select('author_key as key')
    .where('participant_id', '=', participantId).where('author_key', 'like', 'v:%').execute()
  return [...new Set([`p:${participantId}`, ...fromVotes.map(r => r.key), ...fromComments.map(r => r.key)])].sort()
}

export async function participantRows (db: Kysely<DB>, participantId: string, keys: string[]): Promise<ParticipantRows> {
  return {
    votes: await db.selectFrom('votes').selectAll().where('participant_id', '=', participantId)
      .orderBy('created_at').orderBy('poll_id').execute(),
    comments: await db.selectFrom('comments').selectAll().where('participant_id', '=', participantId)
      .orderBy('created_at').orderBy('id').execute(),
    commentVotes: await db.selectFrom('comment_votes').selectAll().where('voter_key', 'in', keys)
      .orderBy('updated_at').orderBy('comment_id').execute(),
    reports: await db.selectFrom('comment_reports').selectAll().where('reporter_key', 'in', keys)
      .orderBy('created_at').orderBy('comment_id').execute(),
    consultationResponses: await db.selectFrom('consultation_responses').selectAll().where('participant_id', '=', participantId)
      .orderBy('created_at').orderBy('id').execute(),
    projectSubmissions: await db.selectFrom('projects').selectAll().where('participant_id', '=', participantId)
      .orderBy('created_at').orderBy('id').execute(),
    bans: await db.selectFrom('comment_bans').selectAll().where('participant_id', '=', participantId)
      .orderBy('created_at').orderBy('id').execute()
  }
}

/** True when another comment hangs below this one, or a ban points at it: the row must stay. */
export async function commentIsReferenced (db: Kysely<DB>, id: string): Promise<boolean> {
  const child = await db.selectFrom('comments').select('id')
    .where('id', '!=', id)
    .where(eb => eb.or([eb('parent_id', '=', id), eb('root_id', '=', id), eb('reply_to_id', '=', id)]))
    .limit(1).executeTakeFirst()
  if (child) return true
  const ban = await db.selectFrom('comment_bans').select('id').where('comment_id', '=', id).limit(1).executeTakeFirst()
  return ban !== undefined
}

/** Removes a comment row with the votes and reports on it (its counters were settled before). */
export async function purgeComment (db: Kysely<DB>, id: string): Promise<void> {
  await db.deleteFrom('comment_votes').where('comment_id', '=', id).execute()
  await db.deleteFrom('comment_reports').where('comment_id', '=', id).execute()
  await db.deleteFrom('comments').where('id', '=', id).execute()
}

/** Replies that quote a removed author's name drop it. */
export async function forgetReplyNames (db: Kysely<DB>, commentIds: string[]): Promise<void> {
  if (commentIds.length === 0) return
  await db.updateTable('comments').set({ reply_to_name: '' }).where('reply_to_id', 'in', commentIds).execute()
}

/** One open report fewer on a comment (its reporter's data is being erased). */
export async function dropOpenReport (db: Kysely<DB>, commentId: string): Promise<void> {
  await db.updateTable('comments').set(eb => ({ open_reports: eb('open_reports', '-', 1) }))
    .where('id', '=', commentId).where('open_reports', '>', 0).execute()
}

export async function deleteVotesOf (db: Kysely<DB>, pollId: string, participantId: string): Promise<void> {
  await db.deleteFrom('votes').where('poll_id', '=', pollId).where('participant_id', '=', participantId).execute()
}

export async function deleteCommentVote (db: Kysely<DB>, commentId: string, voterKey: string): Promise<void> {
  await db.deleteFrom('comment_votes').where('comment_id', '=', commentId).where('voter_key', '=', voterKey).execute()
}

export async function deleteReport (db: Kysely<DB>, commentId: string, reporterKey: string): Promise<void> {
  await db.deleteFrom('comment_reports').where('comment_id', '=', commentId).where('reporter_key', '=', reporterKey).execute()
}

export async function deleteResponsesOf (db: Kysely<DB>, participantId: string): Promise<number> {
  const r = await db.deleteFrom('consultation_responses').where('participant_id', '=', participantId).executeTakeFirst()
  return Number(r.numDeletedRows)
}

/** Unreviewed and rejected submissions go; approved ones stay public without their submitter. */
export async function forgetSubmissionsOf (db: Kysely<DB>, participantId: string): Promise<{ deleted: number; anonymised: number }> {
  const del = await db.deleteFrom('projects').where('participant_id', '=', participantId).where('review', '!=', 'approved').executeTakeFirst()
  const upd = await db.updateTable('projects').set({ submitter_email: null, participant_id: null, idempotency_key: null })
    .where('participant_id', '=', participantId).executeTakeFirst()
  return { deleted: Number(del.numDeletedRows), anonymised: Number(upd.numUpdatedRows) }
}
