/** The consultation as the API serves it (see docs/api.md, "Consultations (public)"). */
export interface ConsultationView {
  id: string;
  siteId: string;
  type: 'yes-no' | 'scale' | 'emoji' | 'choice' | 'text';
  question: string;
  description: string | null;
  /** choice only; [] otherwise */
  options: { id: string; label: string }[];
  /** yes-no: offer "not sure" */
  notSure: boolean;
  /** scale: the staff's wording for 1, 3 and 5; null: the widget's own */
  scaleLabels: { low: string; mid: string; high: string } | null;
  /** text: the longest answer */
  maxLength: number;
  /** The optional "why?" question shown after the first answer. */
  followUp: string | null;
  /** The optional area question (districts, postcode areas). */
  areas: { id: string; label: string }[] | null;
  opensAt: string | null;
  closesAt: string | null;
  status: 'scheduled' | 'open' | 'closed';
  resultsVisibility: 'always' | 'after-answer' | 'after-close' | 'staff';
  nextSteps: string | null;
  /** Show to 1 in N visitors (1 = everyone). */
  sampling: number;
  /** After answering or dismissing, ask nothing new for N days. */
  capDays: number;
  outcome: Outcome | null;
  /** null when hidden from this reader */
  results: ConsultationResults | null;
  myResponse: MyResponse | null;
  serverTime: string;
}

/** "You said, we did". */
export interface Outcome {
  status: 'open' | 'under-review' | 'decided' | 'implemented';
  text: string;
  /** YYYY-MM-DD */
  date: string;
  link: string | null;
  updatedAt: string;
}

export interface ConsultationResults {
  respondents: number;
  /** Every possible answer in display order, zero counts included; [] for text. */
  answers: { answer: string; count: number }[];
}

export interface MyResponse {
  answer: string;
  followUp: string | null;
  area: string | null;
  at: string;
}

export interface ResponseResult {
  response: MyResponse;
  results: ConsultationResults | null;
}
