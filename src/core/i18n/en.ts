import type { Translation } from './translation.ts';

export const en: Translation = {
  loading: 'Loading…',
  retry: 'Try again',
  queued: 'Not sent yet: it will be sent when the connection returns.',
  // The rest arrive with core/errors.ts (loadErrors), fetched while the content loads.
  errors: {
    network: 'We could not reach the server. Check your connection and try again.',
    server: 'Something went wrong on our side. Please try again later.',
  } as Translation['errors'],
};
