import type { Translation } from './i18n/translation.ts';

/**
 * Server codes → the key of the resident-facing message. Raw server text is never shown. A code
 * that is its key in capitals (RATE_LIMITED → rateLimited) needs no entry here.
 */
export const messageKey: Record<string, keyof Translation['errors']> = {
  POLL_NOT_OPEN: 'notOpen',
  POLL_CLOSED: 'closed',
  INVALID_CHOICE: 'invalid',
  INVALID_ANSWER: 'invalid',
  BAD_REQUEST: 'invalid',
  BAD_JSON: 'invalid',
  PAYLOAD_TOO_LARGE: 'tooLarge',
  PARTICIPANT_REQUIRED: 'session',
  PARTICIPANT_INVALID: 'session',
  IDENTITY_REQUIRED: 'identity',
  IDENTITY_INVALID: 'identity',
  ORIGIN_NOT_ALLOWED: 'origin',
  NOT_AUTHOR: 'editWindowOver',
  NOT_EDITABLE: 'editWindowOver',
  INVALID_NAME: 'invalid',
  EMPTY: 'invalid',
  SPAM: 'invalid',
  DETAILS_REQUIRED: 'invalid',
  NOT_PUBLISHED: 'invalid',
  PARENT_UNAVAILABLE: 'notFound',
  THREAD_NOT_FOUND: 'notFound',
};

/** English error texts beside the two the core keeps (i18n/en.ts); other languages carry theirs in their own lazy pack. */
export const enErrors: Omit<Translation['errors'], 'network' | 'server'> = {
  timeout: 'The server took too long to answer. Please try again.',
  notFound: 'This content could not be found. It may have been removed.',
  notOpen: 'This poll is not open yet.',
  closed: 'This poll is closed.',
  alreadyVoted: 'You have already voted in this poll.',
  invalid: 'Your answer was not accepted. Please check it and try again.',
  tooLarge: 'Your answer is too long.',
  session: 'Your session could not be confirmed. Please try again.',
  identity: 'Only verified residents can take part. Please sign in on this site first.',
  origin: 'This website is not allowed to use this service.',
  rateLimited: 'Too many attempts. Please wait a moment and try again.',
  bannedWord: 'Your comment contains a word this site does not allow. Please rephrase it.',
  threadClosed: 'Comments are closed.',
  banned: 'You can no longer comment on this site.',
  dailyLimit: 'You have reached today’s limit of comments. Please come back tomorrow.',
  tooLong: 'Your comment is too long.',
  editWindowOver: 'This comment can no longer be changed.',
};
