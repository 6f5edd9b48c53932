/**
 * Every string a widget shows. `{name}` placeholders are filled by `fill()`;
 * a `Plural` is chosen with Intl.PluralRules, so Arabic's six forms fit as well as English's two.
 */
export type Plural = { other: string } & Partial<Record<Intl.LDMLPluralRule, string>>;

/** The strings every widget shares: loading, retry and error messages. */
export interface Translation {
  loading: string;
  retry: string;
  /** A vote, answer or comment kept on the device while the server cannot be reached. */
  queued: string;
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
}
