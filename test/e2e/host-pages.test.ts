// Issue 7 §5, host page hostility: every widget (poll, comment thread and count, consultation
// card, project map) on host pages that fight back — a reset plus `* { all: revert }` on a dark
// page, Bootstrap 5, USWDS, GOV.UK Frontend, an older copy of the elements, the script twice, a
// snippet that went through DOMPurify. On each: the real content shows, the loader's reserved
// boxes hold while the backend answers, no host style hides or shrinks the widgets, axe passes
// (colour contrast included) and the page records no error.
//
// One server and one page server for the whole file (the tests only read), so it stays quick.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, test, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { appears, axeViolations, contextFor, eventually, pageIn, squash, TEST_TIMEOUT, useBrowser } from './journey.ts';
import { startServer, type PageError, type TestServer } from './support.ts';
import {
  allowOrigin, article, BOXES, CONSULTATION_QUESTION, hostPage, POLL_LABELS, serveHostPages, snippets, widgetStates, type WidgetState,
} from './host-page-fixtures.ts';
import { freePort } from '../../scripts/test-server.mjs';

useBrowser();

let server: TestServer;
let site: { url: string; server: Server };
let projects = 0;
const pages: Record<string, () => string> = {};
/** The host pages on which every widget was proven (for the PROVE figures at the end). */
const proven: string[] = [];

before(async () => {
  server = await startServer();
  const port = (await freePort()) as number;
  const http = createServer(serveHostPages(pages));
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  site = { url: `http://127.0.0.1:${port}`, server: http };
  await allowOrigin(server, site.url);
  projects = (await (await fetch(`${server.url}/v1/projects?site=riverton`)).json()).features.length;
  assert.ok(projects > 0, 'the seed has projects');
});
after(async () => {
  site?.server.closeAllConnections();
  site?.server.close();
  await server?.stop();
});

// ---------------------------------------------------------------------------------------------
// the pages

const api = () => server.url;
const elements = () => article(snippets('elements'));

/** A reset of the kind themes ship, `* { all: revert }` on top, on a dark page with 10 px rem. */
const RESET = `<style>
  *, *::before, *::after { box-sizing: border-box; margin: 0; padding: 0; border: 0; font: inherit; vertical-align: baseline; }
  * { all: revert; }
  html { font-size: 62.5%; }
  body { font: 1.6rem/1.4 Georgia, serif; background: #121417; color: #f1f1f1; }
  main { max-width: 72rem; margin: 0 auto; padding: 2rem; }
  a { color: #9ecbff; }
  div, section, article { display: block; }
  button, input, select, textarea { all: unset; }
</style>`;

Object.assign(pages, {
  '/reset.html': () => hostPage({ api: api(), title: 'Reset and all: revert', head: RESET, body: `<main>${elements()}</main>` }),
  '/bootstrap.html': () =>
    hostPage({
      api: api(),
      title: 'Bootstrap 5 city site',
      head: `<link rel="stylesheet" href="/vendor/bootstrap/css/bootstrap.min.css">`,
      body: `<main class="container py-4"><div class="row"><div class="col-lg-8">${article(snippets('elements'), { h1: 'display-5', p: 'lead' })}</div></div></main>`,
    }),
  '/uswds.html': () =>
    hostPage({
      api: api(),
      title: 'USWDS city site',
      head: `<link rel="stylesheet" href="/vendor/uswds/css/uswds.min.css">`,
      body: `<main class="grid-container usa-section"><div class="usa-prose">${elements()}</div></main>`,
    }),
  '/govuk.html': () =>
    hostPage({
      api: api(),
      title: 'GOV.UK Frontend city site',
      htmlClass: 'govuk-template govuk-template--rebranded',
      bodyClass: 'govuk-template__body govuk-frontend-supported',
      head: `<link rel="stylesheet" href="/vendor/govuk/govuk-frontend.min.css">`,
      body: `<div class="govuk-width-container"><main class="govuk-main-wrapper"><div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">${article(snippets('elements'), { h1: 'govuk-heading-xl', p: 'govuk-body' })}</div></div></main></div>`,
    }),
});

// ---------------------------------------------------------------------------------------------
// checks

/**
 * Opens `path` with the backend's answers held back until the loading state is measured: each
 * box widget must keep the room the loader reserved for it (no collapse, no jump when content
 * comes). Then the content: returns the widgets' states once each shows its real content.
 */
async function openHeld(page: Page, errors: PageError[], path: string, { expectPoll = true } = {}): Promise<WidgetState[]> {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await page.route(
    (url) => url.href.startsWith(`${server.url}/v1/`),
    async (route) => {
      await held;
      await route.continue();
    },
  );
  await page.goto(`${site.url}${path}`);
  const loading = page.locator(':is(civic-consultation, civic-comments, civic-project-map) [part=skeleton]');
  await eventually(async () => assert.equal(await loading.count(), 3, 'the box widgets show their skeletons'));
  for (const w of await widgetStates(page)) {
    const reserved = BOXES[w.tag.slice('civic-'.length) as keyof typeof BOXES];
    if (!reserved || (w.tag === 'civic-poll' && !expectPoll)) continue;
    assert.ok(w.room >= reserved * w.rem - 1, `${path}: ${w.tag} takes ${w.room} px while loading, the loader reserved ${reserved * w.rem} px`);
  }
  release();
  await page.unrouteAll({ behavior: 'wait' });
  await appears(page.locator('civic-consultation legend[part=question]'), `${path}: the consultation card never asked`, errors);
  await appears(page.locator('civic-comments article[part=comment]').first(), `${path}: no comment shown`, errors);
  await appears(page.locator('civic-project-map button.item').first(), `${path}: the project list never appeared`, errors);
  if (expectPoll) await appears(page.locator('civic-poll input[type=radio]').first(), `${path}: the poll never showed its options`, errors);
  await eventually(async () => assert.match((await widgetStates(page)).find((w) => w.tag === 'civic-comment-count')!.text, /\d+ comments/));
  return widgetStates(page);
}

/** The widgets' real content, boxes and targets, whatever the host's CSS. */
function assertRendered(path: string, states: WidgetState[], { skip = [] as string[] } = {}) {
  const by = Object.fromEntries(states.map((s) => [s.tag, s]));
  assert.deepEqual(states.map((s) => s.tag).sort(), ['civic-comment-count', 'civic-comments', 'civic-consultation', 'civic-poll', 'civic-project-map']);
  if (!skip.includes('civic-poll')) assert.deepEqual(by['civic-poll'].radios, POLL_LABELS, `${path}: the poll's options`);
  assert.ok(by['civic-consultation'].text.includes(CONSULTATION_QUESTION), `${path}: the consultation's question`);
  assert.equal(by['civic-consultation'].radios.length, 5, `${path}: the consultation's five faces`);
  assert.match(by['civic-comments'].text, /Finally! I cycle down Main Street every day/, `${path}: the seeded comments`);
  assert.equal(by['civic-project-map'].items, projects, `${path}: the project list`);
  for (const s of states) {
    if (skip.includes(s.tag)) continue;
    assert.notEqual(s.hostDisplay, 'none', `${path}: ${s.tag} is hidden`);
    assert.notEqual(s.baseDisplay, 'none', `${path}: ${s.tag}'s content is display:none`);
    assert.equal(s.visibility, 'visible', `${path}: ${s.tag}'s content is not visible`);
    assert.ok(s.fontSize >= 12, `${path}: ${s.tag}'s text is ${s.fontSize} px`);
    assert.deepEqual(s.smallButtons, [], `${path}: ${s.tag} has buttons smaller than 24×24 px`);
    if (s.tag === 'civic-comment-count') continue;
    assert.ok(s.buttons > 0, `${path}: ${s.tag} shows no button`);
    // A box that kept its shape: at least 8rem of content (the map exactly its 32rem).
    assert.ok(s.base >= 8 * s.rem, `${path}: ${s.tag} collapsed to ${s.base} px`);
    if (s.tag === 'civic-project-map') assert.ok(Math.abs(s.room - 32 * s.rem) <= 1, `${path}: the map is ${s.room} px tall, not 32rem`);
  }
}

/** Opens a hostile page and proves every widget on it; returns the page and its console warnings. */
async function hostile(t: TestContext, path: string, { olderPoll = false } = {}) {
  const { page, errors } = await pageIn(await contextFor(t));
  const warnings: string[] = [];
  page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
  const states = await openHeld(page, errors, path, { expectPoll: !olderPoll });
  assertRendered(path, states, { skip: olderPoll ? ['civic-poll'] : [] });
  assert.deepEqual(await axeViolations(page), [], `${path}: axe`);
  assert.deepEqual(errors, []);
  proven.push(path);
  return { page, warnings };
}

// ---------------------------------------------------------------------------------------------

test('a CSS reset with `* { all: revert }` on a dark page with a 10 px rem: the widgets keep their look, boxes and contrast', { timeout: TEST_TIMEOUT }, async (t) => {
  await hostile(t, '/reset.html');
});

test('Bootstrap 5 (5.3.8) host page: widgets render, keep their boxes and pass axe', { timeout: TEST_TIMEOUT }, async (t) => {
  await hostile(t, '/bootstrap.html');
});

test('USWDS (3.14.0) host page: widgets render, keep their boxes and pass axe', { timeout: TEST_TIMEOUT }, async (t) => {
  await hostile(t, '/uswds.html');
});

test('GOV.UK Frontend (6.6.0) host page: widgets render, keep their boxes and pass axe', { timeout: TEST_TIMEOUT }, async (t) => {
  await hostile(t, '/govuk.html');
});

// ---------------------------------------------------------------------------------------------
// the page that already has a copy, the page that has the script twice, the sanitised snippet

/** An older copy of the library, as a theme might still ship it: its own <civic-poll>. */
const OLDER_POLL = `<script>
  customElements.define('civic-poll', class extends HTMLElement {
    connectedCallback() { this.attachShadow({ mode: 'open' }).innerHTML = '<p>Poll from the older copy</p>'; }
  });
</script>`;

Object.assign(pages, {
  '/older-copy.html': () => hostPage({ api: api(), title: 'A page with an older copy', head: OLDER_POLL, body: `<main>${elements()}</main>` }),
  // The theme and a plugin both add the script, one with a cache-busting query (a second module instance).
  '/twice.html': () =>
    hostPage({
      api: api(),
      title: 'A page with the script twice',
      loader: `<script type="module" src="/civic.js" data-api="${api()}"></script>
        <script type="module" src="/civic.js?ver=2" data-api="${api()}"></script>
        <script type="module" src="/civic.js" data-api="${api()}"></script>`,
      body: `<main>${article(snippets('divs'))}</main>`,
    }),
  // The editor pasted the snippets into a rich-text field, which sanitises with DOMPurify's
  // defaults before saving; the page shows what was saved. <civic-poll> itself does not survive.
  '/sanitised.html': () => {
    const raw = `${article(snippets('divs'))}<civic-poll poll="park-features"></civic-poll><script>window.__ran = 1</script>`;
    return hostPage({
      api: api(),
      title: 'A CMS page with a sanitised snippet',
      body: `<main id="cms"></main><script src="/vendor/dompurify/purify.min.js"></script>
        <script>window.__raw = ${JSON.stringify(raw).replace(/</g, '\\u003c')};
          window.__clean = DOMPurify.sanitize(window.__raw);
          document.getElementById('cms').innerHTML = window.__clean;</script>`,
    });
  },
});

test('a page that already defines an older <civic-poll>: that copy keeps it, with the documented warning; every other widget renders and passes axe', { timeout: TEST_TIMEOUT }, async (t) => {
  const { page, warnings } = await hostile(t, '/older-copy.html', { olderPoll: true });
  assert.equal(squash(await page.locator('civic-poll p').innerText()), 'Poll from the older copy', 'the older copy keeps its element');
  assert.deepEqual(warnings, ['civic-widgets: <civic-poll> is already defined by another copy; using that one.']);
});

test('a page that includes the script twice (and a third time with a query): one loader, one widget per snippet, no warning', { timeout: TEST_TIMEOUT }, async (t) => {
  const { page, warnings } = await hostile(t, '/twice.html');
  // Every placeholder holds exactly one widget, and the loader's reserving sheet is adopted once.
  assert.deepEqual(
    await page.evaluate(`[...document.querySelectorAll('[data-civic]')].map((d) => d.children.length + ' ' + d.firstElementChild.localName)`),
    ['1 civic-comment-count', '1 civic-consultation', '1 civic-poll', '1 civic-comments', '1 civic-project-map'],
  );
  assert.equal(await page.evaluate('document.adoptedStyleSheets.length'), 1);
  assert.equal(
    await page.evaluate(`performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname === '/civic.js').length`),
    2,
    'the test means something only if a second copy of the loader did run (civic.js?ver=2)',
  );
  assert.deepEqual(warnings, []);
});

test('a snippet that went through DOMPurify with default settings: the <div data-civic> placeholders survive and become widgets', { timeout: TEST_TIMEOUT }, async (t) => {
  const { page, warnings } = await hostile(t, '/sanitised.html');
  const clean = (await page.evaluate('window.__clean')) as string;
  for (const [name, snippet] of Object.entries(snippets('divs'))) assert.ok(clean.includes(snippet), `DOMPurify changed the ${name} snippet:\n${clean}`);
  assert.doesNotMatch(clean, /<civic-poll|<script/, 'DOMPurify kept a custom element or a script: the test no longer shows why the div form exists');
  assert.equal(await page.evaluate('window.__ran'), undefined);
  assert.deepEqual(warnings, []);
});

test('figures', (t) => {
  const all = ['/reset.html', '/bootstrap.html', '/uswds.html', '/govuk.html', '/older-copy.html', '/twice.html', '/sanitised.html'];
  assert.deepEqual([...proven].sort(), [...all].sort(), 'a host page was not proven');
  t.diagnostic(
    'PROVE ' +
      JSON.stringify({
        suite: 'host pages',
        tried: `${proven.length} hostile host pages (reset + \`* { all: revert }\`, Bootstrap 5.3.8, USWDS 3.14.0, GOV.UK Frontend 6.6.0, an older copy of <civic-poll>, the script 3 times, a DOMPurify-sanitised snippet) × 5 widgets`,
        held: `${proven.length}/${all.length}: real content shown, reserved boxes held while loading, no widget hidden or shrunk, axe 0 violations, 0 page errors`,
      }),
  );
});
