import type { Pack } from '../../../core/i18n/index.ts';
import { enMap } from './map-en.ts';
import type { MapStrings } from './strings.ts';

export type { MapStrings };

/** The map's strings; English comes with the map's chunk, not with the widget. */
export const mapStrings: Pack<MapStrings> = {
  en: enMap,
  lazy: {
    fr: () => import('./fr.ts').then((m) => m.frMap),
    de: () => import('./de.ts').then((m) => m.deMap),
    es: () => import('./es.ts').then((m) => m.esMap),
    nl: () => import('./nl.ts').then((m) => m.nlMap),
    ar: () => import('./ar.ts').then((m) => m.arMap),
  },
};
