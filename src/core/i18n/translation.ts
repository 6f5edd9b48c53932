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
}
