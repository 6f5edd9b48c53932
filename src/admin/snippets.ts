/** What an editor pastes into a CMS, built from the embed builder's choices. Pure functions: tested directly. */
export type WidgetName = 'poll' | 'consultation' | 'comments' | 'project-map';

export interface EmbedChoice {
  widget: WidgetName;
  /** Poll or consultation id; comment thread key; the project the map opens on. */
  target: string;
  lang: string;
  theme: '' | 'light' | 'dark' | 'auto';
  /** #rrggbb or ''. */
  accent: string;
  /** Project map only: CSS length. */
  height: string;
  /** Project map only: comma-separated filters. */
  category: string;
  status: string;
}

/** The loader's reservations (src/loader.ts), so the page CSS matches what the loader holds. */
const RESERVE: Record<WidgetName, string> = { poll: '20rem', comments: '20rem', consultation: '16rem', 'project-map': '32rem' };

const attrValue = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
export const isHexColour = (v: string) => /^#[0-9a-f]{6}$/i.test(v);
export const isCssLength = (v: string) => /^\d+(\.\d+)?(px|rem|em|vh)$/.test(v);

/** The widget's attributes in order, empty ones left out. */
export function attributes(c: EmbedChoice): [string, string][] {
  const key: Partial<Record<WidgetName, string>> = { poll: 'poll', consultation: 'consultation', comments: 'thread' };
  const list: [string, string][] = [];
  if (key[c.widget] && c.target) list.push([key[c.widget]!, c.target]);
  if (c.widget === 'project-map') {
    if (c.target) list.push(['project', c.target]);
    if (c.category) list.push(['category', c.category]);
    if (c.status) list.push(['status', c.status]);
    if (c.height && isCssLength(c.height)) list.push(['height', c.height]);
  }
  if (c.lang) list.push(['lang', c.lang]);
  if (c.theme) list.push(['theme', c.theme]);
  return list;
}

export const siteScript = (origin: string) => `<script type="module" src="${attrValue(origin)}/civic.js"></script>`;

export const elementSnippet = (c: EmbedChoice) =>
  `<civic-${c.widget}${attributes(c)
    .map(([k, v]) => ` ${k}="${attrValue(v)}"`)
    .join('')}></civic-${c.widget}>`;

/** `data-*` on a div survives the HTML sanitizers of WordPress, Drupal and TinyMCE; the loader turns it into the widget. */
export const divSnippet = (c: EmbedChoice) =>
  `<div data-civic="${c.widget}"${attributes(c)
    .map(([k, v]) => ` data-${k}="${attrValue(v)}"`)
    .join('')}></div>`;

/** Zero layout shift, plus the theme colour, for the site's own stylesheet. */
export function pageCss(c: EmbedChoice): string {
  const w = c.widget;
  const height = w === 'project-map' && isCssLength(c.height) ? c.height : RESERVE[w];
  let css = `civic-${w}:not(:defined), [data-civic="${w}"]:empty { display: block; min-block-size: ${height}; }`;
  if (isHexColour(c.accent)) css += `\ncivic-${w} { --civic-color-accent: ${c.accent}; }`;
  return css;
}
