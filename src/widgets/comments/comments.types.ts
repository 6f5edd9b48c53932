/** Tells count elements on the page that a thread's count changed (internal, not public API). */
export class CountEvent extends Event {
  constructor(readonly thread: ThreadView) {
    super('civic-comment-count-change');
  }
}

/** A thread and its comments as the API serves them (see docs/api.md, "Comments"). */
export interface ThreadView {
  key: string;
  siteId: string;
  status: 'open' | 'closed';
  closesAt: string | null;
  commentCount: number;
  moderation: 'post' | 'pre' | 'first';
  exists?: boolean;
}

export interface CommentView {
  id: string;
  parentId: string | null;
  depth: number;
  author: { name: string; verified: boolean };
  body: string;
  createdAt: string;
  editedAt: string | null;
  status: 'published' | 'pending' | 'hidden' | 'deleted';
  up: number;
  down: number;
  myVote: -1 | 0 | 1;
  mine: boolean;
  editableUntil: string | null;
  inReplyTo: { id: string; name: string } | null;
  replies: CommentView[];
  moreReplies: number;
  heldReason?: string;
  /** heldReason as a code, to say it in the reader's language. */
  held?: 'suspect' | 'links' | 'first' | 'pre' | 'reported' | 'rejected';
  /** With held = rejected: the moderator's own words. */
  rejectReason?: string;
}

export interface CommentsPage {
  thread: ThreadView;
  comments: CommentView[];
  nextCursor: string | null;
  serverTime: string;
}

export interface PostResponse {
  comment: CommentView;
  thread: ThreadView;
}

export type Sort = 'newest' | 'oldest' | 'top';
export type ReportReason = 'spam' | 'abuse' | 'off-topic' | 'illegal';
