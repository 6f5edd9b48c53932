import type { Translation } from './translation.ts';

export const en: Translation = {
  loading: 'Loading…',
  retry: 'Try again',
  queued: 'Not sent yet: it will be sent when the connection returns.',
  errors: {
    network: 'We could not reach the server. Check your connection and try again.',
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
    server: 'Something went wrong on our side. Please try again later.',
    bannedWord: 'Your comment contains a word this site does not allow. Please rephrase it.',
    threadClosed: 'Comments are closed.',
    banned: 'You can no longer comment on this site.',
    dailyLimit: 'You have reached today’s limit of comments. Please come back tomorrow.',
    tooLong: 'Your comment is too long.',
    editWindowOver: 'This comment can no longer be changed.',
  },
};
