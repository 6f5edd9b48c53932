import type { Pack } from '../../../core/i18n/index.ts';
import { en } from './en.ts';
import type { ProjectMapStrings } from './strings.ts';

export type { ProjectMapStrings };

export const projectMapStrings: Pack<ProjectMapStrings> = {
  en,
  lazy: {
    fr: () => import('./fr.ts').then((m) => m.fr),
    de: () => import('./de.ts').then((m) => m.de),
    es: () => import('./es.ts').then((m) => m.es),
    nl: () => import('./nl.ts').then((m) => m.nl),
    ar: () => import('./ar.ts').then((m) => m.ar),
  },
};
