// Issue 7 §4, outages as a resident sees them, for every widget on one article (poll, comment
// thread and count, consultation card, project map): the bundle comes from a CDN of its own (a
// small server of the test's, which stays up), the API from the real server.
//   - backend down when the page loads, in English and in French: each widget says so in the
//     page's language with a retry, the page records no uncaught error and no unhandled
//     rejection; when the backend is back, each Retry loads the widget.
//   - slow backend (+3 s on every request in `npm run prove`, 1.5 s in `npm test`; a delaying
//     proxy in front of the real server): the skeletons show in the reserved boxes, nothing in
//     the article shifts (layout-shift entries with a node of the page: none; the widgets' own
//     CLS under 0.0001), and a vote made while slow, with an impatient second click and Enter,
//     is sent once.
// (poll.test.ts has the poll alone down-then-up in English; the widget tests have each widget
// against an unreachable backend in isolation.)
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import type { PageError } from './support.ts';
import { adminFetch, appears, axeViolations, contextFor, eventually, pageIn, serverFor, squash, staticServer, TEST_TIMEOUT, UI_TIMEOUT, useBrowser } from './journey.ts';
import { allowOrigin, article, BOXES, CONSULTATION_QUESTION, hostPage, POLL_LABELS, serveHostPages, snippets, widgetStates } from './host-page-fixtures.ts';

useBrowser();

const DOWN = {
  en: { network: 'We could not reach the server. Check your connection and try again.', retry: 'Try again' },
  fr: { network: 'Impossible de joindre le serveur. Vérifiez votre connexion, puis réessayez.', retry: 'Réessayer' },
};
const BOX_TAGS = ['civic-consultation', 'civic-poll', 'civic-comments', 'civic-project-map'];

/**
 * What a page recorded, with Chromium's "Failed to load resource" lines for `api` set aside: a
 * backend that is down makes them on purpose. Returns the rest (must stay empty) and how many.
 */
function apart(errors: PageError[], api: string) {
  const refused = (e: PageError) => e.kind === 'console' && e.message.startsWith('Failed to load resource: net::ERR_CONNECTION_REFUSED (' + api + '/v1/');
  return { unexpected: errors.filter((e) => !refused(e)), refused: errors.filter(refused).length };
}

async function recordWidgetErrors(page: Page) {
  await page.addInitScript({ content: `window.__civicErrors = []; document.addEventListener('civic-error', (e) => window.__civicErrors.push(e.target.localName + ':' + (e.error && e.error.code)));` });
}

test('backend down when the page loads: every widget says so in the page language (en, fr) with a retry, no uncaught error; when it is back, Retry loads each one', { timeout: TEST_TIMEOUT }, async (t) => {
  const server = await serverFor(t);
  const pages: Record<string, () => string> = {};
  const cdn = await staticServer(t, serveHostPages(pages));
  for (const lang of ['en', 'fr'])
    pages[`/${lang}.html`] = () => hostPage({ api: server.url, lang, title: lang === 'fr' ? 'Des pistes cyclables' : 'Bike lanes', body: `<main>${article(snippets('elements'))}</main>` });
  await allowOrigin(server, cdn.url);
  await server.halt();
  await assert.rejects(fetch(`${server.url}/health`, { signal: AbortSignal.timeout(2_000) }), 'the backend should be down');

  const opened = await Promise.all(
    (['en', 'fr'] as const).map(async (lang) => {
      const { page, errors } = await pageIn(await contextFor(t));
      await recordWidgetErrors(page);
      await page.goto(`${cdn.url}/${lang}.html`);
      return { lang, page, errors };
    }),
  );
  for (const { lang, page, errors } of opened) {
    for (const tag of BOX_TAGS) {
      const error = page.locator(`${tag} [part=error]`);
      // The client tries three times with backoff before it gives up.
      await appears(error, `${lang}: ${tag} shows no error while the backend is down`, errors, 20_000);
      assert.equal(await error.getAttribute('role'), 'alert', `${lang}: ${tag}`);
      assert.equal(squash(await error.locator('p').innerText()), DOWN[lang].network, `${lang}: ${tag}'s message`);
      assert.equal(squash(await page.locator(`${tag} [part=retry]`).innerText()), DOWN[lang].retry, `${lang}: ${tag}'s retry`);
      assert.equal(await page.locator(`${tag} [part=base]`).getAttribute('aria-busy'), 'false');
    }
    // The inline count keeps the page's own word rather than an error in the middle of a line.
    assert.equal(squash(await page.locator('civic-comment-count').innerText()), 'Comments');
    await eventually(async () =>
      assert.deepEqual(
        ((await page.evaluate('window.__civicErrors')) as string[]).sort(),
        ['civic-comment-count:NETWORK', ...BOX_TAGS.map((tag) => `${tag}:NETWORK`)].sort(),
      ),
    );
    assert.deepEqual(await axeViolations(page), [], `${lang}: axe on the error states`);
    const { unexpected, refused } = apart(errors, server.url);
    assert.deepEqual(unexpected, [], `${lang}: uncaught errors, unhandled rejections or other console errors while the backend is down`);
    assert.ok(refused >= 5, `${lang}: the page tried the backend ${refused} times`);
  }

  await server.resume();
  for (const { lang, page, errors } of opened) {
    for (const tag of BOX_TAGS) await page.locator(`${tag} [part=retry]`).click();
    await appears(page.locator('civic-poll input[type=radio]').first(), `${lang}: Retry did not load the poll`, errors);
    await appears(page.locator('civic-consultation legend[part=question]'), `${lang}: Retry did not load the consultation`, errors);
    await appears(page.locator('civic-comments article[part=comment]').first(), `${lang}: Retry did not load the comments`, errors);
    await appears(page.locator('civic-project-map button.item').first(), `${lang}: Retry did not load the project list`, errors);
    assert.equal(await page.locator(':is(civic-poll, civic-comments, civic-consultation, civic-project-map) [part=error]').count(), 0, `${lang}: an error stayed`);
    const states = Object.fromEntries((await widgetStates(page)).map((s) => [s.tag, s]));
    assert.deepEqual(states['civic-poll'].radios, POLL_LABELS);
    assert.ok(states['civic-consultation'].text.includes(CONSULTATION_QUESTION));
    assert.equal(await page.locator('civic-poll [part=base]').getAttribute('lang'), lang);
    assert.deepEqual(apart(errors, server.url).unexpected, [], `${lang}: errors after the backend came back`);
  }
  t.diagnostic(
    'PROVE ' +
      JSON.stringify({
        suite: 'outages: backend down at page load',
        tried: `${BOX_TAGS.length} box widgets + the comment count, in English and French, backend stopped`,
        held: `each showed its localized error with Retry (role=alert); 0 uncaught errors, 0 unhandled rejections; axe clean; Retry loaded each once the backend was back`,
      }),
  );
});

/** A proxy in front of `target` that holds every request `delay` ms before passing it on; counts POSTs and answers passed back. */
async function slowProxy(t: TestContext, target: string, delay: number) {
  const posts: string[] = [];
  const counts = { answered: 0 };
  const { url } = await staticServer(t, (req, res) => {
    if (req.method === 'POST') posts.push(new URL(req.url ?? '/', 'http://x').pathname);
    const body: Buffer[] = [];
    req.on('data', (c: Buffer) => body.push(c));
    req.on('end', () =>
      setTimeout(() => {
        if (res.destroyed) return;
        const up = request(`${target}${req.url}`, { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (answer) => {
          counts.answered++;
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        up.on('error', () => res.destroy());
        res.on('close', () => up.destroy());
        up.end(Buffer.concat(body));
      }, delay),
    );
  });
  return { url, posts, counts };
}

// Layout shifts from the first paint, with what moved: a node of the article (light DOM), or one
// inside a widget's shadow root (the API gives no node there). A string: see journey.ts.
const SHIFTS = `window.__shifts = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) if (!e.hadRecentInput) window.__shifts.push({ value: e.value, at: Math.round(e.startTime),
    moved: e.sources.map((s) => (s.node ? 'page ' + s.node.nodeName + (s.node.id ? '#' + s.node.id : '') : 'in a widget') + ' ' + JSON.stringify([s.previousRect, s.currentRect])) }); })
    .observe({ type: 'layout-shift', buffered: true });`;
interface Shift {
  value: number;
  at: number;
  moved: string[];
}

// The 3 s in `npm run prove`; 1.5 s in `npm test` (the skeletons must show before the first answer either way).
const DELAY = process.env.PROVE_FULL === '1' ? 3_000 : 1_500;

test(`slow backend (+${DELAY / 1000} s): skeletons in the reserved boxes, the article never moves, and a vote made while slow (clicked again) is sent once`, { timeout: TEST_TIMEOUT }, async (t) => {
  const server = await serverFor(t);
  const proxy = await slowProxy(t, server.url, DELAY);
  const pages: Record<string, () => string> = {};
  const cdn = await staticServer(t, serveHostPages(pages));
  // The article as docs/embedding.md tells an editor to lay it out for zero shift: each box's
  // height reserved from the first paint by a rule in the page's CSS, the poll's set to its usual
  // height (what the editor sees on a fast day: measured below), the growing thread last.
  const w = snippets('elements');
  let pollHeight = '20rem';
  const layout = (api: string) =>
    hostPage({
      api,
      title: 'Bike lanes',
      head: `<style>body { margin: 0; font: 16px/1.5 sans-serif; } main { max-width: 40rem; margin: 0 auto; padding: 1rem; }
        civic-poll { --civic-min-block-size: ${pollHeight}; } civic-consultation { --civic-min-block-size: 16rem; }
        civic-project-map { --civic-min-block-size: 32rem; } civic-comments { --civic-min-block-size: 20rem; }
        :is(civic-poll, civic-consultation, civic-project-map, civic-comments):not(:defined) { display: block; min-block-size: var(--civic-min-block-size); }</style>`,
      body: `<main><h1>Protected bike lanes</h1><p>By the Communications Office · ${w['comment-count']}</p>
        <p>The council approved protected bike lanes.</p>${w.consultation}<p>The lanes run to the market.</p>${w.poll}
        <p>Road works in the city:</p>${w['project-map']}${w.comments}</main>`,
    });
  pages['/fast.html'] = () => layout(server.url);
  pages['/slow.html'] = () => layout(proxy.url);
  await allowOrigin(server, cdn.url);

  {
    const { page, errors } = await pageIn(await contextFor(t));
    await page.setViewportSize({ width: 1000, height: 1800 });
    await page.goto(`${cdn.url}/fast.html`);
    await appears(page.locator('civic-poll input[type=radio]').first(), 'the poll never loaded on the fast page', errors);
    pollHeight = `${(await widgetStates(page)).find((s) => s.tag === 'civic-poll')!.room}px`;
    assert.deepEqual(errors, []);
  }

  const { page, errors } = await pageIn(await contextFor(t));
  await page.setViewportSize({ width: 1000, height: 1800 });
  await page.addInitScript({ content: SHIFTS });
  const started = Date.now();
  await page.goto(`${cdn.url}/slow.html`);
  // Before any answer has come: every box shows its skeleton, in the room reserved for it.
  await eventually(async () => assert.equal(await page.locator('[part=skeleton]').count(), 4, 'four skeletons'), DELAY);
  const loading = await widgetStates(page);
  const roles = await page.locator('[part=skeleton]').evaluateAll((els) => els.map((el) => el.getAttribute('role')));
  assert.equal(proxy.counts.answered, 0, 'an answer came before the loading state was measured: the skeletons were not seen while waiting');
  for (const s of loading) {
    if (!BOX_TAGS.includes(s.tag)) continue;
    const reserved = s.tag === 'civic-poll' ? parseFloat(pollHeight) : BOXES[s.tag.slice('civic-'.length) as keyof typeof BOXES] * s.rem;
    assert.ok(Math.abs(s.room - reserved) <= 1, `${s.tag} takes ${s.room} px while loading, ${reserved} px were reserved`);
  }
  assert.deepEqual(roles, ['status', 'status', 'status', 'status'], 'each skeleton is a status');

  const poll = page.locator('civic-poll');
  await appears(poll.getByRole('radio', { name: 'Yes', exact: true }), 'the poll never loaded through the slow proxy', errors, 20_000);
  await appears(page.locator('civic-consultation legend[part=question]'), 'the consultation never loaded', errors, 20_000);
  await appears(page.locator('civic-project-map button.item').first(), 'the project list never loaded', errors, 20_000);
  await appears(page.locator('civic-comments article[part=comment]').first(), 'the comments never loaded', errors, 20_000);
  assert.ok(Date.now() - started >= DELAY, 'content came before the added latency: the proxy is not in the way');
  await page.waitForTimeout(500);
  const loadShifts = (await page.evaluate('window.__shifts')) as Shift[];
  assert.deepEqual(loadShifts.filter((s) => s.moved.some((m) => m.startsWith('page'))), [], 'the article moved while the widgets loaded');
  // Inside the widgets: the map's cover button re-centres when its label becomes "Loading the
  // map…" (a shift of about 0.00004). Anything more is a widget moving its own content.
  const cls = loadShifts.reduce((sum, s) => sum + s.value, 0);
  assert.ok(cls < 0.0001, `the widgets moved while loading, CLS ${cls}: ${JSON.stringify(loadShifts)}`);

  // A vote while slow: the resident chooses, presses Vote and, seeing nothing happen, presses
  // again while the vote is still on its way. One vote goes out; the server counts one.
  const before = proxy.posts.length;
  await poll.getByRole('radio', { name: 'Yes', exact: true }).check();
  const submit = poll.locator('[part=submit]');
  const box = (await submit.boundingBox())!;
  await submit.click();
  await page.waitForTimeout(800);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.keyboard.press('Enter');
  await appears(poll.locator('.thanks'), 'the vote never got its thank-you through the slow proxy', errors, 3 * DELAY + UI_TIMEOUT);
  await page.waitForTimeout(500); // a second POST sent on a late click would have reached the proxy by now (counted on arrival)
  const sent = proxy.posts.slice(before);
  assert.deepEqual(sent.filter((p) => p === '/v1/polls/bike-lanes/votes'), ['/v1/polls/bike-lanes/votes'], `POSTs at the proxy: ${sent.join(', ')}`);
  assert.ok(sent.filter((p) => p === '/v1/participants').length <= 1, `participant tokens asked for more than once: ${sent.join(', ')}`);
  assert.equal((await adminFetch(server, 'polls/bike-lanes/results')).voters, 6, 'the server counted one vote');
  t.diagnostic(`POSTs during the slow vote: ${sent.join(', ')}; poll reserved ${pollHeight}; CLS while loading ${cls.toFixed(6)} (${loadShifts.length} shifts, none of the article)`);
  t.diagnostic(
    'PROVE ' +
      JSON.stringify({
        suite: `outages: slow backend (+${DELAY / 1000} s)`,
        tried: `${BOX_TAGS.length} widgets loading through a ${DELAY / 1000} s proxy; a vote clicked twice and Enter while slow`,
        held: `4 skeletons in their reserved boxes; 0 article shifts, widgets' CLS ${cls.toFixed(5)}; 1 vote POST, counted once`,
      }),
  );

  assert.deepEqual(errors, []);
});
