// Host pages for the hostility and outage journeys (issue 7 §4, §5): one article holding every
// widget, dressed in a city's CSS framework or a hostile reset, served with the built bundle
// (dist/cdn) and the frameworks' own files from node_modules by a small server of the test's own
// (no CDN: the network is closed).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { adminFetch, cdnDir } from './journey.ts';
import type { TestServer } from './support.ts';

/** The seeded demo thread (server/seed.ts DEMO_THREAD_KEY): comments and a count to show. */
export const THREAD = 'https://riverton.example/news/bike-lanes';
export const POLL_LABELS = ['Yes', 'No', 'Not sure yet'];
export const CONSULTATION_QUESTION = 'How do you feel about protected bike lanes on Main Street?';

/** The box widgets and the height (rem) the loader reserves for each (src/loader.ts). */
export const BOXES = { poll: 20, comments: 20, consultation: 16, 'project-map': 32 } as const;
export type WidgetName = keyof typeof BOXES | 'comment-count';

const pkgDir = (name: string) => fileURLToPath(new URL(`../../node_modules/${name}`, import.meta.url));
/** URL prefix → folder: the frameworks' dist folders as their docs tell a site to host them. */
const VENDOR: Record<string, string> = {
  '/vendor/bootstrap/': join(pkgDir('bootstrap'), 'dist'),
  '/vendor/uswds/': join(pkgDir('@uswds/uswds'), 'dist'),
  '/vendor/govuk/': join(pkgDir('govuk-frontend'), 'dist', 'govuk'),
  // GOV.UK Frontend's CSS asks for its fonts and images at /assets/ (its default $govuk-assets-path).
  '/assets/': join(pkgDir('govuk-frontend'), 'dist', 'govuk', 'assets'),
  '/vendor/dompurify/': join(pkgDir('dompurify'), 'dist'),
  '/': cdnDir,
};

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Serves `pages` (path → HTML), the bundle at / and the vendored CSS and scripts. */
export function serveHostPages(pages: Record<string, () => string>) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (pages[path]) {
      res.writeHead(200, { 'content-type': TYPES['.html'], 'cache-control': 'no-store' });
      res.end(pages[path]());
      return;
    }
    const prefix = Object.keys(VENDOR).find((p) => path.startsWith(p))!;
    const root = normalize(VENDOR[prefix]).replace(/\/$/, '');
    const file = normalize(join(root, path.slice(prefix.length)));
    if (!file.startsWith(root + sep) || !existsSync(file) || file.endsWith(sep)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  };
}

/** The five widgets as an editor pastes them: custom elements, or the CMS-safe `<div data-civic>` form. */
export function snippets(form: 'elements' | 'divs'): Record<WidgetName, string> {
  if (form === 'divs')
    return {
      'comment-count': `<a href="#comments"><span data-civic="comment-count" data-thread="${THREAD}"></span></a>`,
      consultation: `<div data-civic="consultation" data-section="mobility"></div>`,
      poll: `<div data-civic="poll" data-poll="bike-lanes" data-heading-level="2"></div>`,
      comments: `<div id="comments" data-civic="comments" data-thread="${THREAD}" data-heading-level="2"></div>`,
      'project-map': `<div data-civic="project-map"></div>`,
    };
  // Each in a plain div, so a test measures the room the widget takes in the article's flow.
  return {
    'comment-count': `<a href="#comments"><civic-comment-count thread="${THREAD}">Comments</civic-comment-count></a>`,
    consultation: `<div><civic-consultation section="mobility"></civic-consultation></div>`,
    poll: `<div><civic-poll poll="bike-lanes" heading-level="2"></civic-poll></div>`,
    comments: `<div id="comments"><civic-comments thread="${THREAD}" heading-level="2"></civic-comments></div>`,
    'project-map': `<div><civic-project-map></civic-project-map></div>`,
  };
}

/** The article's body: text around the widgets, as in a city's news page. */
export function article(w: Record<WidgetName, string>, cls: { h1?: string; p?: string } = {}): string {
  const p = cls.p ? ` class="${cls.p}"` : '';
  return `<h1${cls.h1 ? ` class="${cls.h1}"` : ''}>Protected bike lanes coming to Main Street</h1>
    <p${p}>By the Communications Office · ${w['comment-count']}</p>
    <p${p}>The council approved protected bike lanes on Main Street. Work starts next spring.</p>
    ${w.consultation}
    <p${p}>The lanes run from the station to the market square.</p>
    ${w.poll}
    ${w.comments}
    <p${p}>Road works in the city this year:</p>
    ${w['project-map']}`;
}

export interface HostPage {
  /** Backend URL for the loader's data-api. */
  api: string;
  title: string;
  lang?: string;
  htmlClass?: string;
  bodyClass?: string;
  /** Inside <head>, before the loader: stylesheets, older copies of the elements … */
  head?: string;
  /** The whole content of <body> (usually <main>…</main>). */
  body: string;
  /** Script tags that load the bundle (default: one loader tag). */
  loader?: string;
}

export function hostPage(o: HostPage): string {
  return `<!doctype html><html lang="${o.lang ?? 'en'}"${o.htmlClass ? ` class="${o.htmlClass}"` : ''}><head>
    <meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${o.title}</title><link rel="icon" href="data:,">
    ${o.head ?? ''}
    ${o.loader ?? `<script type="module" src="/civic.js" data-api="${o.api}"></script>`}
  </head><body${o.bodyClass ? ` class="${o.bodyClass}"` : ''}>${o.body}</body></html>`;
}

/** Lets the test's origin read and write on the seeded site (the server only knows its own origins). */
export async function allowOrigin(server: TestServer, origin: string): Promise<void> {
  const { sites } = await adminFetch(server, 'sites');
  const riverton = sites.find((s: { id: string }) => s.id === 'riverton');
  assert.ok(riverton, 'no riverton site in the seed');
  await adminFetch(server, 'sites/riverton', { method: 'PATCH', body: JSON.stringify({ origins: [...riverton.origins, origin] }) });
}

/** What each widget on the page shows and how it is laid out, read through its shadow roots. */
export interface WidgetState {
  tag: string;
  /** Computed display of the host and of its [part=base] (an inline count has none: the host again). */
  hostDisplay: string;
  baseDisplay: string;
  visibility: string;
  /** Height of the room the widget takes in the page: its parent's box (px). */
  room: number;
  /** Height of its [part=base] (px). */
  base: number;
  fontSize: number;
  /** All its text, shadow roots included. */
  text: string;
  /** Every rendered button (nested shadow roots too) smaller than 24×24 px. */
  smallButtons: string[];
  buttons: number;
  radios: string[];
  items: number;
  rem: number;
}

// A string, not a function: tsx would inject its __name helper, unknown in the page.
const STATE_SCRIPT = `(() => {
  const deep = (root, sel, out = []) => {
    out.push(...root.querySelectorAll(sel));
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) deep(el.shadowRoot, sel, out);
    return out;
  };
  const text = (node) => node.nodeType === 3 ? node.data
    : [...(node.shadowRoot ? node.shadowRoot.childNodes : []), ...node.childNodes].map(text).join(' ');
  const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
  return [...document.querySelectorAll('civic-poll, civic-comments, civic-consultation, civic-project-map, civic-comment-count')].map((el) => {
    const root = el.shadowRoot;
    const base = root && root.querySelector('[part=base]');
    const bs = getComputedStyle(base || el);
    const buttons = root ? deep(root, 'button').filter((b) => b.getClientRects().length && getComputedStyle(b).visibility !== 'hidden') : [];
    return {
      tag: el.localName,
      hostDisplay: getComputedStyle(el).display,
      baseDisplay: bs.display,
      visibility: bs.visibility,
      room: el.parentElement.getBoundingClientRect().height,
      base: base ? base.getBoundingClientRect().height : 0,
      fontSize: parseFloat(getComputedStyle(base || el).fontSize),
      text: text(el).replace(/\\s+/g, ' ').trim(),
      smallButtons: buttons.map((b) => [b, b.getBoundingClientRect()]).filter(([, r]) => r.width < 24 || r.height < 24)
        .map(([b, r]) => (b.getAttribute('aria-label') || b.textContent.trim()).slice(0, 30) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height)),
      buttons: buttons.length,
      radios: root ? deep(root, 'input[type=radio]').map((r) => (r.labels && r.labels[0] ? r.labels[0].textContent : r.getAttribute('aria-label') || '').replace(/\\s+/g, ' ').trim()) : [],
      items: root ? deep(root, 'button.item').length : 0,
      rem,
    };
  });
})()`;

export const widgetStates = (page: Page): Promise<WidgetState[]> => page.evaluate(STATE_SCRIPT);
