import type { Pack } from '../../../core/i18n/index.ts';
import { enForm } from './form-en.ts';
import type { FormStrings } from './strings.ts';

export type { FormStrings };

/** The report form's strings; English comes with the form's own chunk, not with the widget. */
export const formStrings: Pack<FormStrings> = {
  en: enForm,
  lazy: {
    fr: () => import('./fr.ts').then((m) => m.frForm),
    de: () => import('./de.ts').then((m) => m.deForm),
    es: () => import('./es.ts').then((m) => m.esForm),
    nl: () => import('./nl.ts').then((m) => m.nlForm),
    ar: () => import('./ar.ts').then((m) => m.arForm),
  },
};
