import type { Pack } from '../../../core/i18n/index.ts';
import type { CommentsStrings } from './strings.ts';

/**
 * What `<civic-comment-count>` says: a pack of its own, so that a list of teasers with counts does
 * not download the comment thread's strings (nor share a chunk with it). The English count is the
 * thread's (`en.ts`, keep them equal); other languages load the thread's translations.
 */
export const countStrings: Pack<Pick<CommentsStrings, 'count'>> = {
  en: { count: { one: '{n} comment', other: '{n} comments' } },
  lazy: {
    fr: () => import('./fr.ts').then((m) => m.fr),
    de: () => import('./de.ts').then((m) => m.de),
    es: () => import('./es.ts').then((m) => m.es),
    nl: () => import('./nl.ts').then((m) => m.nl),
    ar: () => import('./ar.ts').then((m) => m.ar),
  },
};
