/**
 * Every string a widget shows. `{name}` placeholders are filled by `fill()`;
 * a `Plural` is chosen with Intl.PluralRules, so Arabic's six forms fit as well as English's two.
 */
export type Plural = { other: string } & Partial<Record<Intl.LDMLPluralRule, string>>;

export interface Translation {
  loading: string;
  retry: string;
  errors: {
    network: string;
    timeout: string;
    notFound: string;
    notOpen: string;
    closed: string;
    alreadyVoted: string;
    invalid: string;
    tooLarge: string;
    session: string;
    identity: string;
    origin: string;
    rateLimited: string;
    server: string;
    bannedWord: string;
    threadClosed: string;
    banned: string;
    dailyLimit: string;
    tooLong: string;
    editWindowOver: string;
  };
  poll: {
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
  };
  comments: {
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
    /** {n}: new comments waiting; the bar does not move what the reader reads */
    newComments: Plural;
    closed: string;
    /** {name} */
    verifiedAs: string;
    verified: string;
    yours: string;
  };
}
