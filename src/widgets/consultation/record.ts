/**
 * What the card keeps on the device, one record per site, to decide without cookies whether to
 * ask (docs/api.md: `civic-widgets.consultations.<siteId>`). Only these non-identifying flags.
 */
export interface ConsultationRecord {
  /** Until this time (ms since 1970) no new question is asked: set on answer or dismiss. */
  quietUntil?: number;
  /** Consultations the resident said "Not now" to. */
  dismissed?: string[];
  /** The sampling draw per consultation, in [0, 1): shown when draw × sampling < 1. */
  draws?: Record<string, number>;
  /** The outcome `updatedAt` the resident has seen, per consultation. */
  seen?: Record<string, string>;
}

const prefix = 'civic-widgets.consultations.';
// localStorage can throw (storage disabled, sandboxed frames): this page's memory then keeps it.
const memory: Record<string, string> = {};

/** Reads a site's record, lets `change` edit it, and writes it back only if something changed. */
export function updateRecord(site: string, change: (r: ConsultationRecord) => void) {
  const k = prefix + site;
  let raw: string | null;
  try {
    raw = localStorage.getItem(k);
  } catch {
    raw = memory[k] ?? null;
  }
  let r: ConsultationRecord = {};
  try {
    const v = JSON.parse(raw ?? '{}');
    if (v && typeof v == 'object') r = v;
  } catch {
    /* a damaged record starts afresh */
  }
  change(r);
  const out = JSON.stringify(r);
  if (out === (raw ?? '{}')) return;
  try {
    localStorage.setItem(k, out);
  } catch {
    memory[k] = out; // storage disabled: this page still remembers
  }
}
