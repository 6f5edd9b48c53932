import type { Pack } from '../../core/i18n/index.ts';
import { en, type AdminStrings } from './en.ts';

export { en, type AdminStrings };

/** The console's strings: English bundled, the others fetched when chosen (as the widgets do). */
export const adminPack: Pack<AdminStrings> = {
  en,
  lazy: {
    fr: () => import('./fr.ts').then((m) => m.fr),
    de: () => import('./de.ts').then((m) => m.de),
    es: () => import('./es.ts').then((m) => m.es),
    nl: () => import('./nl.ts').then((m) => m.nl),
    ar: () => import('./ar.ts').then((m) => m.ar),
  },
};

export const consoleLocales: Record<string, string> = {
  en: 'English',
  fr: 'Français',
  de: 'Deutsch',
  es: 'Español',
  nl: 'Nederlands',
  ar: 'العربية',
};
