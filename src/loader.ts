/**
 * The one script tag: `<script type="module" src=".../civic.js" data-api="https://api.example">`.
 * Finds `<civic-*>` elements and CMS-safe `<div data-civic="…">` placeholders, now and later,
 * and imports only the widgets present. Importing nothing else keeps it under 1 KB.
 */

const widgets: Record<string, () => Promise<unknown>> = {
  poll: () => import('./widgets/poll/define.ts'),
  comments: () => import('./widgets/comments/define.ts'),
  'comment-count': () => import('./widgets/comments/define-count.ts'),
  consultation: () => import('./widgets/consultation/define.ts'),
  'project-map': () => import('./widgets/project-map/define.ts'),
};
/** Widgets that are boxes get their height reserved (rem, as their own styles do); an inline count does not. */
const boxes: Record<string, number> = { poll: 20, comments: 20, consultation: 16, 'project-map': 32 };
const loaded: Record<string, Promise<unknown>> = {};
let config: Promise<unknown> | undefined;
const FLAG = Symbol.for('civic-widgets.loader');
const g = globalThis as Record<symbol, { api?: string } | number | undefined>;

/** `<div data-civic="poll" data-poll="ID" data-lang="fr">` gets a `<civic-poll poll="ID" lang="fr">` inside it. */
function upgrade(div: HTMLElement) {
  const name = div.dataset.civic!;
  if (!widgets[name] || div.querySelector(':scope > civic-' + name)) return;
  const el = document.createElement('civic-' + name);
  for (const [k, v] of Object.entries(div.dataset))
    if (k !== 'civic') el.setAttribute(k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase()), v!);
  div.append(el);
}

function scan(root: ParentNode) {
  root.querySelectorAll<HTMLElement>('[data-civic]').forEach(upgrade);
  // A <civic-config> must be defined before the widgets inside it ask it for their settings.
  if (!config && root.querySelector('civic-config')) config = import('./core/define-config.ts');
  for (const name in widgets)
    if (root.querySelector('civic-' + name))
      loaded[name] ??= Promise.resolve(config)
        .then(widgets[name])
        .catch((e) => console.error('civic-widgets: could not load ' + name, e));
}

if (!g[FLAG]) {
  g[FLAG] = 1;
  const me = [...document.querySelectorAll('script')].find((s) => s.src === import.meta.url);
  // The same record core/page-defaults.ts reads; written here directly so the loader imports nothing.
  const defaults = (g[Symbol.for('civic-widgets.defaults')] ??= {}) as { api?: string };
  defaults.api ??= me?.dataset.api || new URL(import.meta.url).origin;
  // Reserve a widget's height before its code arrives, so the page does not jump. A constructed
  // sheet, not a <style>, so a strict CSP allows it.
  const sheet = new CSSStyleSheet();
  let css = '';
  for (const name in boxes) css += `civic-${name}:not(:defined){display:block;min-block-size:var(--civic-min-block-size,${boxes[name]}rem)}`;
  // The consultation card wraps to more lines in a phone's column.
  css += '@media(max-width:30em){civic-consultation:not(:defined){min-block-size:var(--civic-min-block-size,20rem)}}';
  sheet.replaceSync(css);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  scan(document);
  // Widgets added later (single-page apps, infinite scroll) are picked up as they arrive.
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) if (n instanceof Element) scan(n.parentNode ?? n);
  }).observe(document.documentElement, { childList: true, subtree: true });
}
