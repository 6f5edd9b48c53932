import type { Plural } from '../../../core/i18n/translation.ts';

/** Every string the comment thread shows; `{name}` placeholders are filled by `fill()`. */
export interface CommentsStrings {
  /** The widget's heading. */
  title: string;
  count: Plural;
  empty: string;
  sort: string;
  newest: string;
  oldest: string;
  top: string;
  more: string;
  moreReplies: Plural;
  reply: string;
  /** {name}: the author replied to */
  inReplyTo: string;
  /** {name} {time}: the accessible name of a comment */
  byline: string;
  edited: string;
  edit: string;
  save: string;
  delete: string;
  confirmDelete: string;
  deleted: string;
  helpful: string;
  unhelpful: string;
  report: string;
  reportReason: string;
  reasons: { spam: string; abuse: string; offTopic: string; illegal: string };
  /** Shown for 'illegal' (EU Digital Services Act): the explanation is required. */
  reportDetails: string;
  sendReport: string;
  reported: string;
  name: string;
  body: string;
  post: string;
  cancel: string;
  /** {n} formatted */
  charsLeft: Plural;
  /** Shown to the author when their comment waits for review. */
  pending: string;
  /** Why, shown to the author under `pending`; `rejected` has {reason}, the moderator's own words. */
  held: { suspect: string; links: string; first: string; pre: string; reported: string; rejected: string };
  /** {n}: new comments waiting; the bar does not move what the reader reads */
  newComments: Plural;
  closed: string;
  /** {name} */
  verifiedAs: string;
  verified: string;
  yours: string;
}
