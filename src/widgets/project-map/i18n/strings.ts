import type { Plural } from '../../../core/i18n/translation.ts';

/** Every string the project map shows; `{name}` placeholders are filled by `fill()`. */
export interface ProjectMapStrings {
  /** The widget's heading. */
  title: string;
  /** {n} shown of {total}: announced when filters change. */
  shown: Plural;
  search: string;
  filters: string;
  category: string;
  status: string;
  statuses: { planned: string; in_progress: string; completed: string };
  when: string;
  anyTime: string;
  onDay: string;
  between: string;
  from: string;
  to: string;
  reset: string;
  empty: string;
  more: string;
  /** Name of the project list (the accessible alternative to the map). */
  list: string;
  showMap: string;
  loadingMap: string;
  noWebgl: string;
  mapFailed: string;
  close: string;
  dates: string;
  /** {start} – {end} */
  range: string;
  ongoing: string;
  address: string;
  contact: string;
  moreInfo: string;
  // The submission form
  report: string;
  picker: string;
}

/** The report form's strings: loaded with the form, when a resident first opens it. */
export interface FormStrings {
  reportIntro: string;
  reportTitle: string;
  description: string;
  start: string;
  end: string;
  email: string;
  emailWhy: string;
  location: string;
  /** {lat} {lng} */
  pickerAt: string;
  pickerHelp: string;
  pickerNoMap: string;
  confirmed: string;
  coordinates: string;
  addressLine: string;
  badCoordinates: string;
  needLocation: string;
  send: string;
  cancel: string;
  received: string;
  outOfBounds: string;
  endBeforeStart: string;
  closed: string;
  dailyLimit: string;
}

/** The map's own strings (its name, keyboard hint, controls, clusters): loaded with maplibre. */
export interface MapStrings {
  /** The map's accessible name and its keyboard hint. */
  map: string;
  mapHint: string;
  /** {n}: a cluster's accessible name */
  cluster: Plural;
  zoomIn: string;
  zoomOut: string;
  resetNorth: string;
}
