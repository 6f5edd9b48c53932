import type { Database } from '../store/db.ts'
import { changedSince } from '../store/comments-repo.ts'
import { getThread } from '../store/threads-repo.ts'
import { getTally } from '../store/votes-repo.ts'
import type { Catalog } from './catalog.ts'
import { commentView, NOBODY } from './comment-tree.ts'
import type { ThreadEvent } from './live.ts'
import type { LiveSource } from './pg-live-bus.ts'
import type { ResultsCache } from './results.ts'
import { emptyTally, toResults } from './tally.ts'

const PAGE = 1000

function parseChannel (channel: string): { siteId: string; key: string } {
  const i = channel.indexOf('\n')
  return { siteId: channel.slice(0, i), key: channel.slice(i + 1) }
}

/**
 * What a node reads when another node notifies a change: the poll's maintained counters (bypassing
 * this node's 1 s results cache, which it refreshes), and a thread's changed comments after a seq,
 * turned into the events the writing node published (the same rules as a `Last-Event-ID` replay).
 */
export function databaseLiveSource (db: Database, catalog: Catalog, cache: ResultsCache): LiveSource {
  const k = db.kysely
  return {
    async results (pollId) {
      const entry = await catalog.poll(pollId)
      if (!entry) return null
      const results = toResults(await getTally(k, pollId) ?? emptyTally(pollId), entry.poll)
      cache.offer(pollId, results)
      return results
    },

    async threadSeq (channel) {
      const { siteId, key } = parseChannel(channel)
      return (await getThread(k, siteId, key))?.seq ?? 0
    },

    async threadChanges (channel, since) {
      const { siteId, key } = parseChannel(channel)
      const [thread, site] = await Promise.all([getThread(k, siteId, key), catalog.site(siteId)])
      if (!thread || !site) return { events: [], seq: thread?.seq ?? 0 }
      const editWindowMinutes = site.comments.editWindowMinutes
      const now = Date.now()
      const events: ThreadEvent[] = []
      for (let after = since; ;) {
        const rows = await changedSince(k, thread.id, after, PAGE)
        for (const row of rows) {
          const published = row.status === 'published'
          const hadIt = row.published_seq !== null && Number(row.published_seq) <= since
          if (!published && !hadIt && Number(row.published_replies) === 0) continue
          events.push({
            channel,
            seq: Number(row.seq),
            kind: published && !hadIt ? 'comment' : 'update',
            comment: commentView(row, { reader: NOBODY, editWindowMinutes, now }),
            authorComment: commentView(row, {
              reader: { participantId: row.participant_id, verifiedKey: row.author_key.startsWith('v:') ? row.author_key : null },
              editWindowMinutes,
              now
            }),
            authorParticipantId: row.participant_id,
            authorKey: row.author_key
          })
        }
        if (rows.length < PAGE) break
        after = Number(rows[rows.length - 1]!.seq)
      }
      return { events, seq: thread.seq }
    }
  }
}
