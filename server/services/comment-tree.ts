import type { Kysely } from 'kysely'
import type { CommentView, ThreadView } from '../schemas/comments.ts'
import { adjustPublishedReplies, updateComment } from '../store/comments-repo.ts'
import type { CommentRow, CommentStatus, Reader, ViewRow } from '../store/comments-repo.ts'
import type { DB } from '../store/schema.ts'
import type { Site } from '../store/sites-repo.ts'
import { bumpThread } from '../store/threads-repo.ts'
import type { Thread } from '../store/threads-repo.ts'
import { HELD, heldCode, rejectedReason, threadStatus } from './comment-rules.ts'
import type { LiveBus } from './live.ts'
import { threadChannel } from './live.ts'

/** Shared by the public comment service and the moderation service: views, status changes, events. */

export const NOBODY: Reader = { participantId: null, verifiedKey: null }

export function isMine (row: Pick<ViewRow, 'participant_id' | 'author_key'>, reader: Reader): boolean {
  return (reader.participantId !== null && row.participant_id === reader.participantId) ||
    (reader.verifiedKey !== null && row.author_key === reader.verifiedKey)
}

export function threadView (site: Site, thread: Thread | undefined, key: string, now: Date): ThreadView {
  return {
    key,
    siteId: site.id,
    exists: thread !== undefined,
    status: threadStatus(thread, now),
    closesAt: thread?.closesAt ?? null,
    commentCount: thread?.commentCount ?? 0,
    moderation: thread?.moderation ?? site.comments.moderation
  }
}

export interface ViewOptions {
  reader: Reader
  /** This reader's votes by comment id. */
  votes?: Map<string, number>
  editWindowMinutes: number
  now: number
}

/**
 * A comment as one reader sees it. Published ones in full; the reader's own pending/hidden ones in
 * full with `heldReason`; anything else (shown only because it has published replies) as an
 * empty placeholder that keeps its place in the tree.
 */
export function commentView (row: ViewRow, o: ViewOptions): CommentView {
  // Plain literals, no object spread: on the page path this runs for hundreds of rows, and
  // `{ ...base, more }` costs microseconds each in V8 11 (Node 20).
  const mine = isMine(row, o.reader)
  const status = row.status as CommentStatus
  const inReplyTo = row.reply_to_id === null ? null : { id: row.reply_to_id, name: row.reply_to_name ?? '' }
  if (!(status === 'published' || (mine && status !== 'deleted'))) {
    return {
      id: row.id,
      parentId: row.parent_id,
      depth: row.depth,
      author: { name: '', verified: false },
      body: '',
      createdAt: row.created_at,
      editedAt: null,
      status: status === 'deleted' ? 'deleted' : 'hidden',
      up: 0,
      down: 0,
      myVote: 0,
      mine,
      editableUntil: null,
      inReplyTo,
      replies: [],
      moreReplies: 0
    }
  }
  let editableUntil: string | null = null
  if (mine && (status === 'published' || status === 'pending')) {
    const until = Date.parse(row.created_at) + o.editWindowMinutes * 60_000
    if (until > o.now) editableUntil = new Date(until).toISOString()
  }
  const view: CommentView = {
    id: row.id,
    parentId: row.parent_id,
    depth: row.depth,
    author: { name: row.author_name, verified: row.verified === 1 },
    body: row.body,
    createdAt: row.created_at,
    editedAt: row.edited_at,
    status: status === 'published' || status === 'pending' ? status : 'hidden',
    up: Number(row.up),
    down: Number(row.down),
    myVote: (o.votes?.get(row.id) ?? 0) as -1 | 0 | 1,
    mine,
    editableUntil,
    inReplyTo,
    replies: [],
    moreReplies: 0
  }
  if (mine && status !== 'published') {
    view.heldReason = status === 'rejected'
      ? rejectedReason(row.reject_reason ?? '')
      : status === 'hidden' ? HELD.reported : (row.held_reason ?? HELD.pre)
    view.held = status === 'rejected' ? 'rejected' : status === 'hidden' ? 'reported' : heldCode(row.held_reason)
    if (status === 'rejected') view.rejectReason = row.reject_reason ?? ''
  }
  return view
}

/** The published comments below a comment in the tree: its parent and (at depth 2) its root. */
export function ancestorsOf (row: Pick<CommentRow, 'id' | 'parent_id' | 'root_id'>): string[] {
  return [...new Set([row.parent_id, row.root_id].filter((x): x is string => x !== null && x !== row.id))]
}

export interface Change {
  before: CommentRow
  after: CommentRow
  seq: number
}

/**
 * Applies a change to a comment inside a transaction: bumps the thread's seq (and its published
 * count when the comment enters or leaves `published`), keeps the ancestors' published-reply
 * counters right, and stamps the comment with the new seq.
 */
export async function applyChange (trx: Kysely<DB>, before: CommentRow, patch: Partial<CommentRow>, at: string): Promise<Change> {
  const was = before.status === 'published'
  const is = (patch.status ?? before.status) === 'published'
  const delta = was === is ? 0 : is ? 1 : -1
  const seq = await bumpThread(trx, before.thread_id, delta)
  const after: CommentRow = { ...before, ...patch, seq, updated_at: at }
  if (is && !was) after.published_seq = seq
  const { id: _id, ...rest } = after
  await updateComment(trx, before.id, rest)
  if (delta !== 0 && before.depth > 0) await adjustPublishedReplies(trx, ancestorsOf(before), delta)
  return { before, after, seq }
}

/**
 * Tells live readers about committed changes: `comment` when one became visible to everyone,
 * `update` when one they may show changed. Changes invisible to the public send nothing.
 */
export function publishChange (live: LiveBus, site: Site, threadKey: string, c: Change, editWindowMinutes: number): void {
  const was = c.before.status === 'published'
  const is = c.after.status === 'published'
  // A placeholder (published replies below) is something readers show, too.
  const shown = was || c.before.published_replies > 0
  if (!is && !shown) return
  const now = Date.now()
  live.publishThread({
    channel: threadChannel(site.id, threadKey),
    seq: c.seq,
    kind: is && !was ? 'comment' : 'update',
    comment: commentView(c.after, { reader: NOBODY, editWindowMinutes, now }),
    authorComment: commentView(c.after, { reader: { participantId: c.after.participant_id, verifiedKey: c.after.author_key.startsWith('v:') ? c.after.author_key : null }, editWindowMinutes, now }),
    authorParticipantId: c.after.participant_id,
    authorKey: c.after.author_key
  })
}

/** A change for a brand-new comment (no `before`): `comment` if it was published at once. */
export function insertedChange (row: CommentRow): Change {
  return { before: { ...row, status: 'pending', published_replies: 0 }, after: row, seq: row.seq }
}

/**
 * Nests the replies of a page under their top-level comments: depth 1 under the root, depth 2
 * under its depth-1 parent. A reply whose parent is not visible to this reader hangs under the root.
 */
export function nest (roots: CommentView[], replies: Array<{ row: ViewRow; view: CommentView }>, totals: Map<string, number>): void {
  const nodes = new Map<string, CommentView>(roots.map(r => [r.id, r]))
  for (const { view } of replies) nodes.set(view.id, view)
  const shown = new Map<string, number>()
  for (const { row, view } of replies) {
    const parent = (row.parent_id !== null ? nodes.get(row.parent_id) : undefined) ?? nodes.get(row.root_id)
    if (!parent || parent === view) continue
    parent.replies.push(view)
    shown.set(row.root_id, (shown.get(row.root_id) ?? 0) + 1)
  }
  for (const r of roots) r.moreReplies = Math.max(0, (totals.get(r.id) ?? 0) - (shown.get(r.id) ?? 0))
}
