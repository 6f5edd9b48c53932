import type { Plural } from '../../../core/i18n/translation.ts';

/** Every string the poll shows; `{name}` placeholders are filled by `fill()`. */
export interface PollStrings {
  vote: string;
  update: string;
  change: string;
  cancel: string;
  /** {n}: how many choices at most */
  chooseUpTo: Plural;
  rankHint: string;
  /** {label}: the option */
  moveUp: string;
  moveDown: string;
  /** {label} {n}: the option and its new rank */
  movedTo: string;
  results: string;
  /** {n} formatted */
  votes: Plural;
  points: Plural;
  voters: Plural;
  /** {label} {pct} {n}: screen-reader sentence for the leader */
  leading: string;
  yourChoice: string;
  /** {when}: a relative time such as "in 3 days" */
  closesIn: string;
  /** {when}: a relative time such as "in 2 hours" */
  opensIn: string;
  /** {date}: a formatted date */
  closedOn: string;
  closed: string;
  thanks: string;
  afterVote: string;
  afterClose: string;
  staffOnly: string;
  verifiedOnly: string;
  live: string;
}
