import { html, nothing } from 'lit';

/**
 * A comment's text as a structure: paragraphs of lines of runs. What residents write is data and
 * is rendered through Lit bindings as text; this parser only recognises a few marks.
 */
export type Run = string | { em: string } | { strong: string } | { href: string; text: string };
export type Paragraph = Run[][];

// A link, **strong**, *em* or _em_. Marks hug their text (so `2 * 3 * 4` stays arithmetic) and
// underscores need word boundaries (so snake_case stays).
const MARKS = /(https?:\/\/[^\s<>"']+|www\.[^\s<>"']+)|\*\*(?!\s)([^*\n]+?)(?<!\s)\*\*|\*(?!\s)([^*\n]+?)(?<!\s)\*|(?<!\w)_(?!\s)([^_\n]+?)(?<!\s)_(?!\w)/g;
// Sentence punctuation after a link belongs to the sentence.
const TRAILING = /[.,;:!?'")\]]+$/;

function link(raw: string): Run[] {
  let text = raw.replace(TRAILING, '');
  // Keep a closing parenthesis that closes one opened inside the link (Wikipedia-style URLs).
  if (raw.slice(text.length).startsWith(')') && text.includes('(')) text += ')';
  const href = text.startsWith('www.') ? 'https://' + text : text;
  try {
    if (!/^https?:$/.test(new URL(href).protocol)) return [raw];
  } catch {
    return [raw];
  }
  return [{ href, text }, ...(raw.length > text.length ? [raw.slice(text.length)] : [])];
}

function runs(line: string): Run[] {
  const out: Run[] = [];
  let at = 0;
  for (const m of line.matchAll(MARKS)) {
    if (m.index > at) out.push(line.slice(at, m.index));
    out.push(...(m[1] ? link(m[1]) : m[2] ? [{ strong: m[2] }] : [{ em: m[3] ?? m[4] }]));
    at = m.index + m[0].length;
  }
  if (at < line.length) out.push(line.slice(at));
  return out;
}

export const parse = (text: string): Paragraph[] =>
  text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => p.split('\n').map(runs));

const run = (r: Run) =>
  typeof r === 'string'
    ? r
    : 'href' in r
      ? html`<a href=${r.href} rel="nofollow ugc noopener">${r.text}</a>`
      : 'strong' in r
        ? html`<strong>${r.strong}</strong>`
        : html`<em>${r.em}</em>`;

/** Paragraphs with line breaks, emphasis and links; every character of the text stays text. */
export const renderText = (text: string) =>
  parse(text).map((p) => html`<p dir="auto">${p.map((line, i) => html`${i ? html`<br />` : nothing}${line.map(run)}`)}</p>`);
