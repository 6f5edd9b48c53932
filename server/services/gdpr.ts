import type { Database } from '../store/db.ts'
import {
  commentIsReferenced, deleteCommentVote, deleteReport, deleteResponsesOf, deleteVotesOf, dropOpenReport,
  forgetReplyNames, forgetSubmissionsOf, participantKeys, participantRows, purgeComment
} from '../store/gdpr-repo.ts'
import type { ParticipantRows } from '../store/gdpr-repo.ts'
import { adjustVoteCounts, getComment, updateComment } from '../store/comments-repo.ts'
import { getPoll } from '../store/polls-repo.ts'
import type { Poll } from '../store/polls-repo.ts'
import { getThreadById } from '../store/threads-repo.ts'
import { getTally, saveTally } from '../store/votes-repo.ts'
import type { PollResults } from '../schemas/polls.ts'
import type { Catalog } from './catalog.ts'
import { applyChange, publishChange } from './comment-tree.ts'
import type { Change } from './comment-tree.ts'
import { AppError } from './errors.ts'
import type { LiveBus } from './live.ts'
import type { ParticipantTokens } from './participants.ts'
import type { ResultsCache } from './results.ts'
import { applyChoices, emptyTally, toResults } from './tally.ts'

const json = (s: string | null): unknown => s === null ? null : JSON.parse(s)

/** Everything stored about one participant, as they would read it (staff-only fields included: it is their data). */
export function exportView (participantId: string, r: ParticipantRows, at: Date) {
  return {
    participant: participantId,
    exportedAt: at.toISOString(),
    votes: r.votes.map(v => ({ pollId: v.poll_id, choices: json(v.choices) as string[], verified: Number(v.verified) === 1, page: v.page ?? null, createdAt: v.created_at, updatedAt: v.updated_at })),
    comments: r.comments.map(c => ({
      id: c.id, threadId: c.thread_id, siteId: c.site_id, parentId: c.parent_id, authorName: c.author_name, body: c.body,
      status: c.status, verified: Number(c.verified) === 1, createdAt: c.created_at, editedAt: c.edited_at
    })),
    commentVotes: r.commentVotes.map(v => ({ commentId: v.comment_id, value: Number(v.value), updatedAt: v.updated_at })),
    reports: r.reports.map(x => ({ commentId: x.comment_id, reason: x.reason, details: x.details, createdAt: x.created_at, resolvedAt: x.resolved_at })),
    consultationResponses: r.consultationResponses.map(x => ({
      consultationId: x.consultation_id, answer: x.answer, followUp: x.follow_up, area: x.area,
      page: x.page, section: x.section, locale: x.locale, createdAt: x.created_at, updatedAt: x.updated_at
    })),
    projectSubmissions: r.projectSubmissions.map(p => ({
      id: p.id, siteId: p.site_id, title: p.title, category: p.category, description: p.description, address: p.address,
      geometry: json(p.geometry), submitterEmail: p.submitter_email, review: p.review, createdAt: p.created_at
    })),
    bans: r.bans.map(b => ({ siteId: b.site_id, commentId: b.comment_id, reason: b.reason, createdAt: b.created_at }))
  }
}

export type ParticipantExport = ReturnType<typeof exportView>

export interface DeletionCounts {
  votes: number
  comments: number
  /** Comments with replies below: they keep their place, without name, text or link to the participant. */
  commentsBlanked: number
  commentVotes: number
  reports: number
  consultationResponses: number
  projectSubmissions: number
  /** Approved projects: they stay on the map without the submitter's email and link. */
  projectSubmissionsAnonymised: number
}

/**
 * GDPR access and erasure for one anonymous participant, named by the token their browser holds
 * (or its id). Erasure runs in one transaction and keeps every maintained counter right: poll
 * tallies, comment vote scores, open reports, thread and reply counts.
 */
export class GdprService {
  readonly #db: Database
  readonly #d: { tokens: ParticipantTokens; catalog: Catalog; results: ResultsCache; live: LiveBus }

  constructor (db: Database, deps: { tokens: ParticipantTokens; catalog: Catalog; results: ResultsCache; live: LiveBus }) {
    this.#db = db
    this.#d = deps
  }

  /** The participant id of a signed `v1.…` token, or a bare id (22 url-safe characters). */
  participantOf (tokenOrId: string): string {
    if (/^[A-Za-z0-9_-]{22}$/.test(tokenOrId)) return tokenOrId
    const id = this.#d.tokens.verify(tokenOrId)
    if (!id) throw new AppError(400, 'TOKEN_INVALID', 'This is not a participant token issued by this server')
    return id
  }

  async export (tokenOrId: string): Promise<ParticipantExport> {
    const id = this.participantOf(tokenOrId)
    const k = this.#db.kysely
    return exportView(id, await participantRows(k, id, await participantKeys(k, id)), new Date())
  }

  async erase (tokenOrId: string): Promise<DeletionCounts> {
    const id = this.participantOf(tokenOrId)
    const pg = this.#db.dialect === 'postgres'
    const at = new Date().toISOString()
    const polls: Array<{ poll: Poll; results: PollResults }> = []
    const changes: Change[] = []
    const counts = await this.#db.kysely.transaction().execute(async trx => {
      const keys = await participantKeys(trx, id)
      const rows = await participantRows(trx, id, keys)
      const n: DeletionCounts = {
        votes: 0, comments: 0, commentsBlanked: 0, commentVotes: 0, reports: 0,
        consultationResponses: 0, projectSubmissions: 0, projectSubmissionsAnonymised: 0
      }

      // Polls: the row lock serialises with the vote writer; counters go down by exactly these votes.
      for (const pollId of [...new Set(rows.votes.map(v => v.poll_id))].sort()) {
        const poll = await getPoll(trx, pollId, pg)
        if (!poll) continue
        const stored = await getTally(trx, pollId)
        const tally = stored ?? emptyTally(pollId)
        const mine = rows.votes.filter(v => v.poll_id === pollId)
        for (const v of mine) applyChoices(tally, poll, JSON.parse(v.choices), -1)
        tally.version++
        await deleteVotesOf(trx, pollId, id)
        await saveTally(trx, tally, stored === undefined)
        polls.push({ poll, results: toResults(tally, poll) })
        n.votes += mine.length
      }

      // Threads first, then comments: the lock order of every comment change.
      const threadIds = new Set([...rows.comments.map(c => c.thread_id)])
      const touched = await Promise.all([...rows.commentVotes.map(v => v.comment_id), ...rows.reports.map(r => r.comment_id)]
        .map(cid => getComment(trx, cid)))
      for (const c of touched) if (c) threadIds.add(c.thread_id)
      if (pg) for (const t of [...threadIds].sort()) await getThreadById(trx, t, true)

      for (const v of rows.commentVotes) {
        await deleteCommentVote(trx, v.comment_id, v.voter_key)
        await adjustVoteCounts(trx, v.comment_id, Number(v.value) === 1 ? -1 : 0, Number(v.value) === -1 ? -1 : 0)
        n.commentVotes++
      }
      for (const r of rows.reports) {
        await deleteReport(trx, r.comment_id, r.reporter_key)
        if (r.resolved_at === null) await dropOpenReport(trx, r.comment_id)
        n.reports++
      }

      // Deepest first, so a reply of theirs goes before the comment it answered is checked for replies.
      const comments = [...rows.comments].sort((a, b) => Number(b.depth) - Number(a.depth) || a.id.localeCompare(b.id))
      await forgetReplyNames(trx, comments.map(c => c.id))
      for (const c of comments) {
        const cur = (await getComment(trx, c.id, pg))!
        // As when an author deletes: the text and name go, the row keeps its place for the replies.
        const patch = { status: 'deleted', body: '', author_name: '', held_reason: null, reject_reason: null, participant_id: null, author_key: `gone:${c.id}`, idempotency_key: null }
        if (cur.status !== 'deleted') changes.push(await applyChange(trx, cur, patch, at))
        else await updateComment(trx, c.id, { body: '', author_name: '', participant_id: null, author_key: `gone:${c.id}`, idempotency_key: null })
        if (await commentIsReferenced(trx, c.id)) {
          n.commentsBlanked++
        } else {
          await purgeComment(trx, c.id)
          n.comments++
        }
      }

      n.consultationResponses = await deleteResponsesOf(trx, id)
      const p = await forgetSubmissionsOf(trx, id)
      n.projectSubmissions = p.deleted
      n.projectSubmissionsAnonymised = p.anonymised
      return n
    })

    // Committed: readers of this node see the new results and the blanked comments at once.
    for (const { poll, results } of polls) {
      this.#d.results.offer(poll.id, results)
      this.#d.live.publish({ pollId: poll.id, results, participantIds: [] })
    }
    for (const c of changes) {
      const site = await this.#d.catalog.site(c.after.site_id)
      const thread = await getThreadById(this.#db.kysely, c.after.thread_id)
      if (site && thread) publishChange(this.#d.live, site, thread.key, c, site.comments.editWindowMinutes)
    }
    return counts
  }
}
