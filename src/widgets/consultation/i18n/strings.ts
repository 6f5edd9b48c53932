import type { Plural } from '../../../core/i18n/translation.ts';

/** Every string the consultation card shows; `{name}` placeholders are filled by `fill()`. */
export interface ConsultationStrings {
  yes: string;
  no: string;
  notSure: string;
  /** The agreement scale's ends and middle (1, 3, 5) when the staff gave no wording. */
  low: string;
  mid: string;
  high: string;
  /** The five faces' labels, very unhappy … very happy. */
  faces: string[];
  /** Tells screen-reader users that choosing sends at once. */
  hint: string;
  send: string;
  notNow: string;
  cancel: string;
  /** {n} formatted */
  charsLeft: Plural;
  /** What is collected and why. */
  privacy: string;
  thanks: string;
  thanksMore: string;
  /** {answer}: the resident's answer, as shown */
  yourAnswer: string;
  change: string;
  area: string;
  noArea: string;
  optional: string;
  results: string;
  /** {n} formatted: how many gave this answer */
  answers: Plural;
  /** {n} formatted: how many answered */
  respondents: Plural;
  mine: string;
  afterClose: string;
  closed: string;
  next: string;
  /** "You said, we did" */
  outcome: string;
  open: string;
  underReview: string;
  decided: string;
  implemented: string;
  new: string;
  more: string;
}
