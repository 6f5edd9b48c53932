// End-to-end journeys of the poll widget: the real server (DEMO=1, SEED=1) with its real
// database, the built bundle (dist/cdn) and Debian's Chromium driven by playwright-core.
//
// Every test starts its own server, so the seeded numbers are known exactly:
//   bike-lanes     single,   always visible, changes allowed: yes 3, no 1, unsure 1 (5 voters)
//   park-features  multiple, max 2, after-vote, no changes:   playground 1, benches 1, lights 2, toilets 1 (3 voters)
//   library-hours  closed yesterday, after-close visibility:  yes 3, no 1
// Every page records uncaught errors, console errors, unhandled rejections and CSP violations
// (support.ts), and every test ends by asserting that nothing unexpected was recorded.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { test } from 'node:test';
import type { Locator, Page, Request } from 'playwright-core';
import type { PageError, TestServer } from './support.ts';
import { adminFetch, appears, cdnDir, contextFor, eventually, pageIn, serverFor, squash, staticServer, TEST_TIMEOUT, UI_TIMEOUT, useBrowser } from './journey.ts';


const EN = {
  thanks: 'Thank you, your vote was counted.',
  vote: 'Vote',
  change: 'Change my vote',
  retry: 'Try again',
  afterVote: 'Results are shown after you vote.',
  origin: 'This website is not allowed to use this service.',
  network: 'We could not reach the server. Check your connection and try again.',
};
const BIKE_QUESTION = 'Should Main Street get protected bike lanes?';

useBrowser();

// ---------------------------------------------------------------------------------------------
// helpers

/** The result rows of a poll as the reader sees them, e.g. `No (your choice) 33% · 2 votes`. */
async function resultRows(poll: Locator): Promise<string[]> {
  return (await poll.locator('[part=result]').allInnerTexts()).map(squash);
}

/** The line under the results, e.g. `6 people voted · Results update live.` */
async function resultsFooter(poll: Locator): Promise<string> {
  return squash(await poll.locator('[part=results] > p.muted').innerText());
}

interface Results {
  voters: number;
  options: { id: string; votes: number; points: number }[];
}
const adminResults = (server: TestServer, poll: string): Promise<Results> => adminFetch(server, `polls/${poll}/results`);
const votesOf = (r: Results) => Object.fromEntries(r.options.map((o) => [o.id, o.votes]));
const pointsOf = (r: Results) => Object.fromEntries(r.options.map((o) => [o.id, o.points]));

/** Resolves with the answer to the next vote on `poll` (POST /v1/polls/:poll/votes). */
function nextVote(page: Page, poll: string) {
  return page.waitForResponse(
    (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/v1/polls/${poll}/votes`,
    { timeout: UI_TIMEOUT },
  );
}

/** The participant tokens this page keeps in its localStorage (one per backend). */
function storedTokens(page: Page): Promise<Record<string, string>> {
  return page.evaluate(`Object.fromEntries(Object.keys(localStorage)
    .filter((k) => k.startsWith('civic.participant@')).map((k) => [k, localStorage.getItem(k)]))`);
}

/** Counts civic-vote / civic-error events the widgets fire, from the first script on. */
async function recordWidgetEvents(page: Page): Promise<void> {
  await page.addInitScript({
    content: `window.__civicEvents = [];
      document.addEventListener('civic-vote', (e) => window.__civicEvents.push('vote:' + e.poll + ':' + e.choices.join(',')));
      document.addEventListener('civic-error', (e) => window.__civicEvents.push('error:' + (e.error && e.error.code)));`,
  });
}
const widgetEvents = (page: Page): Promise<string[]> => page.evaluate('window.__civicEvents');

/**
 * Errors that one test provokes on purpose: Chromium logs every failed request as a console
 * error ("Failed to load resource: …"). Only those lines matching `expected` are set aside,
 * everything else must stay empty; the expected lines are returned so the test can check them.
 */
function splitExpected(errors: PageError[], expected: RegExp): { unexpected: PageError[]; expected: PageError[] } {
  const isExpected = (e: PageError) => e.kind === 'console' && expected.test(e.message);
  return { unexpected: errors.filter((e) => !isExpected(e)), expected: errors.filter(isExpected) };
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.html': 'text/html; charset=utf-8' };

/** Serves dist/cdn (the bundle as a city would host it on its own CDN), plus extra pages. */
function serveCdn(pages: Record<string, () => string>) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (pages[path]) {
      res.writeHead(200, { 'content-type': TYPES['.html'], 'cache-control': 'no-store' });
      res.end(pages[path]());
      return;
    }
    const file = normalize(join(cdnDir, path));
    if (!file.startsWith(cdnDir) || file.endsWith(sep) || !existsSync(file)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  };
}

/** The focused element, through shadow roots, described for assertions. */
interface Focus {
  /** The `poll` attribute of the widget that holds the focus, if any. */
  poll: string | null;
  tag: string;
  type: string | null;
  part: string | null;
  cls: string;
  /** Accessible-ish name: the wrapping label's text, aria-label, or text content. */
  name: string;
  checked: boolean | null;
}
// A string, not a function: tsx would inject its __name helper, unknown in the page.
const FOCUS_SCRIPT = `(() => {
  let el = document.activeElement, host = null;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) { host = el; el = el.shadowRoot.activeElement; }
  if (!el) return null;
  const label = el.closest('label');
  return {
    poll: host ? host.getAttribute('poll') : null,
    tag: el.tagName.toLowerCase(),
    type: el.getAttribute('type'),
    part: el.getAttribute('part'),
    cls: typeof el.className === 'string' ? el.className : '',
    name: ((label && label.textContent) || el.getAttribute('aria-label') || el.textContent || '').replace(/\\s+/g, ' ').trim(),
    checked: 'checked' in el ? el.checked : null,
  };
})()`;
const focused = (page: Page): Promise<Focus> => page.evaluate(FOCUS_SCRIPT);

/** Presses Tab until the focused element satisfies `wanted`; fails listing where the focus went. */
async function tabTo(page: Page, wanted: (f: Focus) => boolean, what: string, max = 40): Promise<Focus> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f && wanted(f)) return f;
    seen.push(f ? `${f.poll ?? '-'}:${f.tag}${f.part ? `[${f.part}]` : ''} "${f.name.slice(0, 40)}"` : 'null');
  }
  assert.fail(`Tab never reached ${what} in ${max} presses; focus went: ${seen.join(' → ')}`);
}

const bikePoll = (page: Page) => page.locator('civic-poll[poll="bike-lanes"]');

// ---------------------------------------------------------------------------------------------
// 1

test('a resident votes in the news article, sees their choice marked, and the page remembers it after a reload', { timeout: TEST_TIMEOUT }, async (t) => {
  const server = await serverFor(t);
  const context = await contextFor(t);
  const { page, errors } = await pageIn(context);
  await recordWidgetEvents(page);

  await page.goto(`${server.url}/`);
  const poll = bikePoll(page);
  await appears(poll.locator('[part=question]'), 'the bike-lanes poll never rendered', errors);
  assert.equal(squash(await poll.locator('[part=question]').innerText()), BIKE_QUESTION);
  assert.equal(await poll.locator('[part=question]').getAttribute('aria-level'), '3', 'heading-level="3" from the page');
  assert.equal(await poll.getByRole('radio').count(), 3);
  // Results are always visible on this poll: the seeded 5 votes, nothing marked as mine.
  assert.deepEqual(await resultRows(poll), ['Yes 60% · 3 votes', 'No 20% · 1 vote', 'Not sure yet 20% · 1 vote']);
  assert.equal(await resultsFooter(poll), '5 people voted · Results update live.');
  assert.equal(await poll.locator('[part=submit]').isDisabled(), true, 'nothing chosen yet: Vote is disabled');

  await poll.getByRole('radio', { name: 'No', exact: true }).check();
  const answer = nextVote(page, 'bike-lanes');
  await poll.locator('[part=submit]').click();
  const res = await answer;
  assert.equal(res.status(), 200);
  assert.deepEqual((await res.json()).vote.choices, ['no']);

  await poll.locator('.thanks').waitFor();
  assert.equal(squash(await poll.locator('.thanks').innerText()), EN.thanks);
  assert.equal(await poll.locator('[part=form]').count(), 0, 'the form is gone after voting');
  assert.deepEqual(await resultRows(poll), ['Yes 50% · 3 votes', 'No (your choice) 33% · 2 votes', 'Not sure yet 17% · 1 vote']);
  assert.equal(await resultsFooter(poll), '6 people voted · Results update live.');
  assert.deepEqual(await widgetEvents(page), ['vote:bike-lanes:no']);
  // The server counted it, once.
  const counted = await adminResults(server, 'bike-lanes');
  assert.equal(counted.voters, 6);
  assert.deepEqual(votesOf(counted), { yes: 3, no: 2, unsure: 1 });
  const tokens = await storedTokens(page);
  assert.deepEqual(Object.keys(tokens), [`civic.participant@${server.url}/`], 'one participant token, for this backend');

  await page.reload();
  await appears(poll.locator('.thanks'), 'after a reload the page no longer knows I voted', errors);
  assert.equal(squash(await poll.locator('.thanks').innerText()), EN.thanks);
  assert.equal(await poll.locator('[part=form]').count(), 0, 'no form after a reload: I voted already');
  assert.equal(await poll.getByRole('radio').count(), 0);
  assert.equal(squash(await poll.locator('[part=change]').innerText()), EN.change, 'this poll allows changing a vote');
  assert.deepEqual(await resultRows(poll), ['Yes 50% · 3 votes', 'No (your choice) 33% · 2 votes', 'Not sure yet 17% · 1 vote']);
  assert.equal(await resultsFooter(poll), '6 people voted · Results update live.');
  assert.deepEqual(await storedTokens(page), tokens, 'the same participant after the reload');
  assert.equal((await adminResults(server, 'bike-lanes')).voters, 6, 'a reload never votes again');

  assert.deepEqual(errors, []);
});

// ---------------------------------------------------------------------------------------------
// 2

test("another resident's vote reaches the first resident's open page live (SSE), without a reload", { timeout: TEST_TIMEOUT }, async (t) => {
  const server = await serverFor(t);
  const alice = await pageIn(await contextFor(t));
  const bob = await pageIn(await contextFor(t));
  const aliceRequests: Request[] = [];
  alice.page.on('request', (r) => aliceRequests.push(r));

  await alice.page.goto(`${server.url}/`);
  const a = bikePoll(alice.page);
  await a.getByRole('radio', { name: 'Yes', exact: true }).check();
  const aliceVote = nextVote(alice.page, 'bike-lanes');
  await a.locator('[part=submit]').click();
  assert.equal((await aliceVote).status(), 200);
  await a.locator('.thanks').waitFor();
  await eventually(async () => assert.equal(await resultsFooter(a), '6 people voted · Results update live.'));
  assert.deepEqual(await resultRows(a), ['Yes (your choice) 67% · 4 votes', 'No 17% · 1 vote', 'Not sure yet 17% · 1 vote']);
  // Alice's page follows the poll's live stream.
  await eventually(() =>
    assert.ok(
      aliceRequests.some((r) => r.resourceType() === 'eventsource' && new URL(r.url()).pathname === '/v1/polls/bike-lanes/live'),
      'no EventSource on /v1/polls/bike-lanes/live',
    ),
  );
  // Markers that a reload or re-render from scratch would lose.
  await alice.page.evaluate('window.__stillTheSamePage = true');
  const readsBefore = aliceRequests.filter((r) => r.method() === 'GET' && new URL(r.url()).pathname === '/v1/polls/bike-lanes').length;

  await bob.page.goto(`${server.url}/`);
  const b = bikePoll(bob.page);
  await b.getByRole('radio', { name: 'No', exact: true }).waitFor();
  assert.equal(await b.locator('.thanks').count(), 0, "Bob is another participant: Alice's vote is not his");
  assert.equal(await resultsFooter(b), '6 people voted · Results update live.');
  await b.getByRole('radio', { name: 'No', exact: true }).check();
  const bobVote = nextVote(bob.page, 'bike-lanes');
  await b.locator('[part=submit]').click();
  assert.equal((await bobVote).status(), 200);
  await b.locator('.thanks').waitFor();
  assert.deepEqual(await resultRows(b), ['Yes 57% · 4 votes', 'No (your choice) 29% · 2 votes', 'Not sure yet 14% · 1 vote']);
  const [aliceToken, bobToken] = [Object.values(await storedTokens(alice.page)), Object.values(await storedTokens(bob.page))];
  assert.equal(aliceToken.length, 1);
  assert.equal(bobToken.length, 1);
  assert.notEqual(aliceToken[0], bobToken[0], 'two residents, two participant tokens');

  // Alice's page, untouched, catches up within a few seconds.
  await eventually(async () => {
    assert.equal(await resultsFooter(a), '7 people voted · Results update live.');
    assert.deepEqual(await resultRows(a), ['Yes (your choice) 57% · 4 votes', 'No 29% · 2 votes', 'Not sure yet 14% · 1 vote']);
  }, 5_000);
  assert.equal(await alice.page.evaluate('window.__stillTheSamePage'), true, "Alice's page was reloaded");
  assert.equal(await a.locator('.thanks').count(), 1, 'Alice still sees her thank-you');
  const readsAfter = aliceRequests.filter((r) => r.method() === 'GET' && new URL(r.url()).pathname === '/v1/polls/bike-lanes').length;
  assert.equal(readsAfter, readsBefore, 'the update came over the live stream, not by fetching the poll again');
  assert.equal((await adminResults(server, 'bike-lanes')).voters, 7);

  assert.deepEqual(alice.errors, []);
  assert.deepEqual(bob.errors, []);
});

// ---------------------------------------------------------------------------------------------
// 3

test('the whole journey by keyboard only: a single-choice poll, then reordering and voting in a ranked poll', { timeout: TEST_TIMEOUT }, async (t) => {
  const server = await serverFor(t);
  const ranked = await adminFetch(server, 'polls', {
    method: 'POST',
    body: JSON.stringify({
      id: 'square-features',
      siteId: 'riverton',
      question: 'Rank what the new Market Square should have',
      type: 'ranked',
      options: [
        { id: 'trees', label: 'Trees' },
        { id: 'benches', label: 'Benches' },
        { id: 'fountain', label: 'Fountain' },
      ],
    }),
  });
  assert.equal(ranked.id, 'square-features');

  const { page, errors } = await pageIn(await contextFor(t));
  // Proof that no pointer was used: any mouse or pointer press anywhere is counted.
  await page.addInitScript({
    content: `window.__pointerPresses = 0;
      for (const type of ['pointerdown', 'mousedown', 'touchstart'])
        addEventListener(type, () => { window.__pointerPresses++; }, true);`,
  });
  await page.goto(`${server.url}/`);
  const poll = bikePoll(page);
  await poll.getByRole('radio').first().waitFor();

  // Tab from the top of the page into the poll: the first option of the unchecked group.
  let f = await tabTo(page, (x) => x.poll === 'bike-lanes' && x.type === 'radio', 'the first option of the bike-lanes poll');
  assert.equal(f.name, 'Yes');
  assert.equal(f.checked, false, 'Tab focuses without choosing');
  // Arrow keys move through the group and choose; Space keeps the choice.
  await page.keyboard.press('ArrowDown');
  f = await focused(page);
  assert.deepEqual([f.name, f.checked], ['No', true]);
  await page.keyboard.press('ArrowDown');
  assert.deepEqual([(await focused(page)).name, (await focused(page)).checked], ['Not sure yet', true]);
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Space');
  f = await focused(page);
  assert.deepEqual([f.name, f.checked], ['No', true]);
  assert.deepEqual(
    await poll.getByRole('radio').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).checked)),
    [false, true, false],
  );

  await page.keyboard.press('Tab');
  f = await focused(page);
  assert.equal(f.poll, 'bike-lanes');
  assert.equal(f.part, 'submit', `Tab after the options should reach the Vote button, got ${JSON.stringify(f)}`);
  assert.equal(f.name, EN.vote);
  const answer = nextVote(page, 'bike-lanes');
  await page.keyboard.press('Enter');
  assert.equal((await answer).status(), 200);
  // The focus lands on the thank-you, so a screen reader announces it and the keyboard is not lost.
  await eventually(async () => {
    const now = await focused(page);
    assert.equal(now.poll, 'bike-lanes');
    assert.match(now.cls, /\bthanks\b/);
    assert.equal(now.name, EN.thanks);
  });
  assert.deepEqual(await resultRows(poll), ['Yes 50% · 3 votes', 'No (your choice) 33% · 2 votes', 'Not sure yet 17% · 1 vote']);
  assert.deepEqual(votesOf(await adminResults(server, 'bike-lanes')), { yes: 3, no: 2, unsure: 1 });

  // A ranked poll appears further down the article (as a CMS or a single-page app would add it).
  await page.evaluate(`(() => {
    const el = document.createElement('civic-poll');
    el.setAttribute('poll', 'square-features');
    el.setAttribute('heading-level', '3');
    document.querySelector('civic-poll[poll="bike-lanes"]').after(el);
  })()`);
  const rank = page.locator('civic-poll[poll="square-features"]');
  await appears(rank.locator('ol.rank li').first(), 'the ranked poll added to the page never rendered', errors);
  const order = async () => (await rank.locator('ol.rank li .grow').allInnerTexts()).map(squash);
  assert.deepEqual(await order(), ['Trees', 'Benches', 'Fountain']);

  // Keep tabbing from the thank-you to the ranked poll's "Move Fountain up".
  f = await tabTo(page, (x) => x.poll === 'square-features' && x.name === 'Move Fountain up', '"Move Fountain up"', 12);
  const announced = () => rank.locator('ol.rank + [role=status]').innerText().then(squash);
  await page.keyboard.press('Enter');
  await eventually(async () => assert.deepEqual(await order(), ['Trees', 'Fountain', 'Benches']));
  assert.equal(await announced(), 'Fountain: position 2');
  f = await focused(page);
  assert.equal(f.name, 'Move Fountain up', 'the focus follows the moved option');
  await page.keyboard.press('Space');
  await eventually(async () => assert.deepEqual(await order(), ['Fountain', 'Trees', 'Benches']));
  assert.equal(await announced(), 'Fountain: position 1');
  assert.equal((await focused(page)).name, 'Move Fountain up');
  // Trees goes to the bottom: Tab (Move Fountain down) → Tab (Move Trees up) → Tab (Move Trees down).
  f = await tabTo(page, (x) => x.poll === 'square-features' && x.name === 'Move Trees down', '"Move Trees down"', 3);
  await page.keyboard.press('Enter');
  await eventually(async () => assert.deepEqual(await order(), ['Fountain', 'Benches', 'Trees']));
  assert.equal(await announced(), 'Trees: position 3');
  assert.equal((await focused(page)).name, 'Move Trees down');

  f = await tabTo(page, (x) => x.poll === 'square-features' && x.part === 'submit', 'the ranked poll\'s Vote button', 3);
  assert.equal(f.name, EN.vote);
  const rankedAnswer = nextVote(page, 'square-features');
  await page.keyboard.press('Enter');
  const rankedRes = await rankedAnswer;
  assert.equal(rankedRes.status(), 200);
  assert.deepEqual((await rankedRes.json()).vote.choices, ['fountain', 'benches', 'trees'], 'the order as the resident arranged it');
  await eventually(async () => {
    const now = await focused(page);
    assert.equal(now.poll, 'square-features');
    assert.match(now.cls, /\bthanks\b/);
  });
  // Borda count: 2 points for first place, 1 for second, 0 for last.
  const counted = await adminResults(server, 'square-features');
  assert.equal(counted.voters, 1);
  assert.deepEqual(pointsOf(counted), { trees: 0, benches: 1, fountain: 2 });
  assert.deepEqual(votesOf(counted), { trees: 0, benches: 0, fountain: 1 });
  assert.deepEqual(await resultRows(rank), [
    'Trees (your choice) 0% · 0 points',
    'Benches (your choice) 33% · 1 point',
    'Fountain (your choice) 67% · 2 points',
  ]);

  assert.equal(await page.evaluate('window.__pointerPresses'), 0, 'a mouse or pointer was used');
  assert.deepEqual(errors, []);
});

// ---------------------------------------------------------------------------------------------
// 4

test('the CMS-safe <div data-civic="poll" data-poll="park-features"> is upgraded into a votable poll', { timeout: TEST_TIMEOUT }, async (t) => {
  const server = await serverFor(t);
  const { page, errors } = await pageIn(await contextFor(t));
  await page.goto(`${server.url}/`);

  const placeholder = page.locator('div[data-civic="poll"][data-poll="park-features"]');
  const poll = placeholder.locator(':scope > civic-poll');
  await appears(poll.locator('[part=question]'), 'the placeholder was not upgraded into a rendered poll', errors);
  assert.equal(await poll.count(), 1, 'exactly one widget inside the placeholder');
  assert.equal(await poll.getAttribute('poll'), 'park-features', 'data-poll → poll');
  assert.equal(await poll.getAttribute('heading-level'), '3', 'data-heading-level → heading-level');
  assert.equal(squash(await poll.locator('[part=question]').innerText()), 'Which two features would you like in Riverside Park?');
  assert.equal(await poll.locator('[part=question]').getAttribute('aria-level'), '3');

  // Multiple choice, at most two; results only after voting.
  const boxes = poll.getByRole('checkbox');
  assert.equal(await boxes.count(), 4);
  assert.equal(await poll.getByRole('radio').count(), 0);
  assert.match(squash(await poll.locator('fieldset').innerText()), /Choose up to 2 options\./);
  assert.equal(await poll.locator('[part=results]').count(), 0, 'after-vote results are hidden before voting');
  assert.match(squash(await poll.locator('[part=base]').innerText()), new RegExp(escapeRe(EN.afterVote)));

  await poll.getByRole('checkbox', { name: 'Playground', exact: true }).check();
  await poll.getByRole('checkbox', { name: 'Public toilets', exact: true }).check();
  assert.equal(await poll.getByRole('checkbox', { name: 'More benches', exact: true }).isDisabled(), true, 'a third choice is refused in the UI');
  assert.equal(await poll.getByRole('checkbox', { name: 'Better lighting', exact: true }).isDisabled(), true);
  const answer = nextVote(page, 'park-features');
  await poll.locator('[part=submit]').click();
  const res = await answer;
  assert.equal(res.status(), 200);
  assert.deepEqual([...(await res.json()).vote.choices].sort(), ['playground', 'toilets']);

  await poll.locator('.thanks').waitFor();
  assert.equal(squash(await poll.locator('.thanks').innerText()), EN.thanks);
  assert.equal(await poll.locator('[part=form]').count(), 0);
  assert.equal(await poll.locator('[part=change]').count(), 0, 'this poll does not allow changing a vote');
  await eventually(async () =>
    assert.deepEqual(await resultRows(poll), [
      'Playground (your choice) 50% · 2 votes',
      'More benches 25% · 1 vote',
      'Better lighting 50% · 2 votes',
      'Public toilets (your choice) 50% · 2 votes',
    ]),
  );
  assert.equal(await resultsFooter(poll), '4 people voted · Results update live.');
  const counted = await adminResults(server, 'park-features');
  assert.equal(counted.voters, 4);
  assert.deepEqual(votesOf(counted), { playground: 2, benches: 1, lights: 2, toilets: 2 });
  // The other poll on the page is untouched.
  assert.equal((await adminResults(server, 'bike-lanes')).voters, 5);

  assert.deepEqual(errors, []);
});

// ---------------------------------------------------------------------------------------------
// 5

test('under a strict Content-Security-Policy the poll renders, styles itself and takes a vote with zero violations', { timeout: TEST_TIMEOUT }, async (t) => {
  const server = await serverFor(t);
  const { page, errors } = await pageIn(await contextFor(t));
  const response = await page.goto(`${server.url}/strict.html`);
  assert.ok(response, 'no response for strict.html');
  assert.equal(response.status(), 200);
  // The policy really came with the page (header), so zero violations means something.
  const csp = response.headers()['content-security-policy'] ?? '';
  assert.match(csp, /(^|;)\s*script-src 'self'\s*(;|$)/, `CSP header: ${csp}`);
  assert.match(csp, /(^|;)\s*style-src 'self'\s*(;|$)/, `CSP header: ${csp}`);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);

  const poll = bikePoll(page);
  await appears(poll.getByRole('radio', { name: 'Not sure yet', exact: true }), 'the poll never rendered under strict CSP', errors);
  // Adopted stylesheets apply under style-src 'self' (an inline <style> would have been blocked).
  assert.equal(await poll.locator('label.opt').first().evaluate((el) => getComputedStyle(el).display), 'flex');
  await poll.getByRole('radio', { name: 'Not sure yet', exact: true }).check();
  const answer = nextVote(page, 'bike-lanes');
  await poll.locator('[part=submit]').click();
  assert.equal((await answer).status(), 200);
  await poll.locator('.thanks').waitFor();
  assert.deepEqual(await resultRows(poll), ['Yes 50% · 3 votes', 'No 17% · 1 vote', 'Not sure yet (your choice) 33% · 2 votes']);
  // Result bars are SVG attributes, not inline styles: they have their widths under the CSP.
  assert.deepEqual(await poll.locator('[part=result] svg.bar rect').evaluateAll((els) => els.map((e) => e.getAttribute('width'))), [
    '50%',
    `${(1 / 6) * 100}%`,
    `${(2 / 6) * 100}%`,
  ]);
  assert.equal((await adminResults(server, 'bike-lanes')).voters, 6);
  // (A second name for the same array: the assertion below narrows `errors` to an empty array type.)
  const recorded: PageError[] = errors;
  assert.deepEqual(errors, [], 'errors or CSP violations on the strict page');

  // The violation detector works on this page: an inline style attribute is reported (an event per
  // policy that forbids it, the header's and the page's <meta>, and Chromium's console lines).
  await page.evaluate(`document.body.setAttribute('style', 'outline: 1px solid red')`);
  await eventually(() => assert.ok(recorded.some((e) => e.kind === 'csp'), 'the CSP probe was not reported'), 5_000);
  for (const e of recorded) {
    if (e.kind === 'csp') assert.match(e.message, /^style-src\S* blocked inline/);
    else assert.deepEqual([e.kind, /Content Security Policy/.test(e.message)], ['console', true], e.message);
  }
});

// ---------------------------------------------------------------------------------------------
// 6

test("cross-origin embedding: the NGO's page on another origin votes through the city's backend", { timeout: TEST_TIMEOUT }, async (t) => {
  const server = await serverFor(t);
  const context = await contextFor(t);
  // A document fulfilled by page.route has no IP address, so Chromium counts it as public and
  // asks permission before it may reach the loopback server (Local Network Access). Served
  // straight from the NGO server it would be loopback already; the grant only undoes the rewrite.
  await context.grantPermissions(['local-network-access'], { origin: server.ngoUrl });
  const { page, errors } = await pageIn(context);
  // The NGO page hard-codes the reference server's default address; point it at this server.
  let rewritten = 0;
  await page.route(`${server.ngoUrl}/`, async (route) => {
    const original = await route.fetch();
    const html = await original.text();
    assert.ok(html.includes('src="http://localhost:8080/civic.js"'), 'the NGO page no longer loads http://localhost:8080/civic.js');
    rewritten++;
    await route.fulfill({ response: original, body: html.replaceAll('http://localhost:8080', server.url) });
  });
  const strays: string[] = [];
  await page.route('http://localhost:8080/**', (route) => {
    strays.push(route.request().url());
    return route.abort();
  });
  const requests: Request[] = [];
  page.on('request', (r) => requests.push(r));

  await page.goto(`${server.ngoUrl}/`);
  assert.equal(rewritten, 1);
  assert.notEqual(new URL(server.ngoUrl).origin, new URL(server.url).origin, 'the NGO page must be on another origin');
  assert.ok(requests.some((r) => r.url() === `${server.url}/civic.js`), 'civic.js was not loaded from the city origin');

  // The closed library poll shows its final results and no form.
  const library = page.locator('civic-poll[poll="library-hours"]');
  await appears(library.locator('[part=results]'), 'the closed library-hours poll never showed its results', errors);
  assert.equal(await library.locator('[part=form]').count(), 0);
  assert.match(squash(await library.locator('[part=base]').innerText()), /Closed on /);
  assert.deepEqual(await resultRows(library), ['Yes 75% · 3 votes', 'No 25% · 1 vote']);
  assert.equal(await resultsFooter(library), '4 people voted', 'a closed poll does not claim live updates');

  const poll = bikePoll(page);
  await poll.getByRole('radio', { name: 'Not sure yet', exact: true }).check();
  const answer = nextVote(page, 'bike-lanes');
  await poll.locator('[part=submit]').click();
  const res = await answer;
  assert.equal(res.status(), 200);
  assert.equal(res.request().headers().origin, server.ngoUrl, 'the vote was sent cross-origin from the NGO page');
  assert.equal(new URL(res.url()).origin, server.url);
  await poll.locator('.thanks').waitFor();
  assert.deepEqual(await resultRows(poll), ['Yes 50% · 3 votes', 'No 17% · 1 vote', 'Not sure yet (your choice) 33% · 2 votes']);
  assert.deepEqual(votesOf(await adminResults(server, 'bike-lanes')), { yes: 3, no: 1, unsure: 2 });
  // The token for the city's backend lives in the NGO page's own storage.
  assert.deepEqual(Object.keys(await storedTokens(page)), [`civic.participant@${server.url}/`]);
  assert.deepEqual(strays, [], 'requests still went to localhost:8080');

  assert.deepEqual(errors, []);
});

test('an origin that is not allow-listed is told so at once, in words, and can write nothing', { timeout: TEST_TIMEOUT }, async (t) => {
  const server = await serverFor(t);
  const stranger = await staticServer(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Unlisted blog</title><link rel="icon" href="data:,">
      <script type="module" src="${server.url}/civic.js" data-api="${server.url}"></script></head>
      <body><main><h1>A blog the city never heard of</h1><civic-poll poll="bike-lanes"></civic-poll></main></body></html>`);
  });
  // The test means something only if this origin really is unknown to the server.
  const { sites } = await adminFetch(server, 'sites');
  assert.ok(sites.length > 0);
  for (const site of sites) assert.ok(!site.origins.includes(stranger.url), `${stranger.url} is allow-listed for ${site.id}`);

  const { page, errors } = await pageIn(await contextFor(t));
  await recordWidgetEvents(page);
  const reads: { status: number; code?: string }[] = [];
  page.on('response', async (r) => {
    if (!r.url().includes('/v1/polls/')) return;
    reads.push({ status: r.status(), code: (await r.json().catch(() => null))?.error?.code });
  });
  await page.goto(`${stranger.url}/`);

  // The editor who pasted the snippet on an unlisted site sees why at once, instead of a form
  // whose votes could never be counted.
  const poll = bikePoll(page);
  const error = poll.locator('[part=error]');
  await appears(error, 'no "not allowed" message on the unlisted origin', errors);
  assert.equal(await error.getAttribute('role'), 'alert');
  assert.equal(squash(await error.locator('p').innerText()), EN.origin);
  assert.equal(squash(await error.locator('[part=retry]').innerText()), EN.retry);
  assert.equal(await poll.locator('form').count(), 0, 'no form that could never be sent');
  assert.ok(reads.length > 0, 'the poll was never asked for');
  for (const r of reads) assert.deepEqual([r.status, r.code], [403, 'ORIGIN_NOT_ALLOWED']);
  assert.ok((await widgetEvents(page)).some((e) => e.startsWith('error')), 'civic-error did not fire');

  // Writes from that origin are refused by the server, whatever a page tries.
  const preflight = await fetch(`${server.url}/v1/polls/bike-lanes/votes`, {
    method: 'OPTIONS',
    headers: { origin: stranger.url, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization,idempotency-key' },
  });
  assert.equal(preflight.headers.get('access-control-allow-origin'), null, 'the preflight allowed an unlisted origin');
  const { token } = await (await fetch(`${server.url}/v1/participants`, { method: 'POST', headers: { 'content-type': 'application/json', origin: server.url }, body: '{}' })).json();
  const forced = await fetch(`${server.url}/v1/polls/bike-lanes/votes`, {
    method: 'POST',
    headers: { origin: stranger.url, 'content-type': 'application/json', authorization: `Participant ${token}`, 'idempotency-key': 'unlisted-1' },
    body: JSON.stringify({ choices: ['yes'] }),
  });
  assert.equal(forced.status, 403);
  assert.equal((await forced.json()).error.code, 'ORIGIN_NOT_ALLOWED');
  assert.equal((await adminResults(server, 'bike-lanes')).voters, 5, 'something was counted');

  // Chromium logs the refused read ("Failed to load resource … 403"); nothing else may appear.
  const api = escapeRe(server.url);
  const { unexpected, expected } = splitExpected(
    errors,
    new RegExp(`^Failed to load resource: the server responded with a status of 403 \\(Forbidden\\) \\(${api}/v1/polls/bike-lanes\\)$`),
  );
  assert.deepEqual(unexpected, []);
  assert.equal(expected.length, reads.length, 'one console line per refused read');
});

// ---------------------------------------------------------------------------------------------
// 7

test('right to left: the Arabic page renders the poll with dir=rtl and Arabic text', { timeout: TEST_TIMEOUT }, async (t) => {
  const server = await serverFor(t);
  const { page, errors } = await pageIn(await contextFor(t));
  await page.goto(`${server.url}/ar.html`);
  const poll = bikePoll(page);
  const base = poll.locator('[part=base]');
  await appears(poll.getByRole('radio').first(), 'the poll never rendered on the Arabic page', errors);
  assert.equal(await base.getAttribute('dir'), 'rtl');
  assert.equal(await base.getAttribute('lang'), 'ar');
  assert.equal(await base.evaluate((el) => getComputedStyle(el).direction), 'rtl');
  assert.equal(squash(await poll.locator('[part=submit]').innerText()), 'تصويت');
  // Mirrored layout: the radio sits to the right of its label.
  const boxes = await poll
    .locator('label.opt')
    .first()
    .evaluate((label) => {
      const input = label.querySelector('input')!.getBoundingClientRect();
      const text = label.querySelector('span')!.getBoundingClientRect();
      return { input: input.left, text: text.left };
    });
  assert.ok(boxes.input > boxes.text, `the radio should be right of its label in RTL: ${JSON.stringify(boxes)}`);
  // Numbers are formatted for Arabic too (no Latin "people voted").
  const footer = await resultsFooter(poll);
  assert.match(footer, /[\u0600-\u06FF]/, `the results footer is not Arabic: ${footer}`);
  assert.doesNotMatch(footer, /people voted|Results update live/);

  await poll.getByRole('radio', { name: 'No', exact: true }).check();
  const answer = nextVote(page, 'bike-lanes');
  await poll.locator('[part=submit]').click();
  assert.equal((await answer).status(), 200);
  await poll.locator('.thanks').waitFor();
  assert.equal(squash(await poll.locator('.thanks').innerText()), 'شكرًا لك، تم احتساب صوتك.');
  assert.match(squash(await poll.locator('[part=result]').nth(1).innerText()), /^No \(اختيارك\) /);

  assert.deepEqual(errors, []);
});

// ---------------------------------------------------------------------------------------------
// 8

test('backend down at page load: a localized error with a retry, no uncaught errors; retry after the backend is back loads the poll', { timeout: TEST_TIMEOUT }, async (t) => {
  const server = await serverFor(t);
  // The bundle from a CDN of its own (which stays up), the API from the server (which goes down).
  const cdn = await staticServer(
    t,
    serveCdn({
      '/article.html': () => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Article</title><link rel="icon" href="data:,">
        <script type="module" src="/civic.js" data-api="${server.url}"></script></head>
        <body><main><h1>Bike lanes</h1><civic-poll poll="bike-lanes"></civic-poll></main></body></html>`,
    }),
  );
  // Reads and writes from that origin are allowed once the backend is back.
  const { sites } = await adminFetch(server, 'sites');
  const riverton = sites.find((s: { id: string }) => s.id === 'riverton');
  assert.ok(riverton, 'no riverton site in the seed');
  await adminFetch(server, 'sites/riverton', { method: 'PATCH', body: JSON.stringify({ origins: [...riverton.origins, cdn.url] }) });

  await server.halt();
  await assert.rejects(fetch(`${server.url}/health`, { signal: AbortSignal.timeout(2_000) }), 'the backend should be down');

  const { page, errors } = await pageIn(await contextFor(t));
  await recordWidgetEvents(page);
  await page.goto(`${cdn.url}/article.html`);
  const poll = bikePoll(page);
  const error = poll.locator('[part=error]');
  // The client retries a few times with backoff before it gives up.
  await appears(error, 'no error state while the backend is down', errors, 20_000);
  assert.equal(await error.getAttribute('role'), 'alert');
  assert.equal(squash(await error.locator('p').innerText()), EN.network);
  assert.equal(squash(await poll.locator('[part=retry]').innerText()), EN.retry);
  assert.equal(await poll.getByRole('radio').count(), 0);
  assert.equal(await poll.locator('[part=base]').getAttribute('aria-busy'), 'false');
  assert.deepEqual(await widgetEvents(page), ['error:NETWORK']);
  // The bundle itself came from the CDN, which is up: only the API calls failed.
  const api = escapeRe(server.url);
  const refused = new RegExp(`^Failed to load resource: net::ERR_CONNECTION_REFUSED \\(${api}/v1/polls/bike-lanes\\)$`);
  {
    const { unexpected, expected } = splitExpected(errors, refused);
    assert.deepEqual(unexpected, [], 'uncaught errors, unhandled rejections or other console errors while the backend is down');
    assert.ok(expected.length >= 1, 'the page never tried the backend');
  }

  await server.resume();
  await poll.locator('[part=retry]').click();
  await appears(poll.getByRole('radio', { name: 'Yes', exact: true }), 'retry did not load the poll', errors);
  assert.equal(await poll.locator('[part=error]').count(), 0);
  assert.equal(squash(await poll.locator('[part=question]').innerText()), BIKE_QUESTION);
  assert.equal(await resultsFooter(poll), '5 people voted · Results update live.');

  // And it is fully usable again.
  await poll.getByRole('radio', { name: 'Yes', exact: true }).check();
  const answer = nextVote(page, 'bike-lanes');
  await poll.locator('[part=submit]').click();
  assert.equal((await answer).status(), 200);
  await poll.locator('.thanks').waitFor();
  assert.equal((await adminResults(server, 'bike-lanes')).voters, 6);
  assert.deepEqual(await widgetEvents(page), ['error:NETWORK', 'vote:bike-lanes:yes']);

  const { unexpected } = splitExpected(errors, refused);
  assert.deepEqual(unexpected, []);
});

// ---------------------------------------------------------------------------------------------
// Many live widgets on one page

test('eight live polls on one page over HTTP/1.1: four stream, the rest poll, and a vote still goes through', { timeout: TEST_TIMEOUT }, async (t) => {
  const server = await serverFor(t);
  const context = await contextFor(t);
  const { page, errors } = await pageIn(context);
  const url = `${server.url}/e2e/eight-polls.html`;
  await page.route(url, (route) => route.fulfill({
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: `<!doctype html><html lang="en"><head><title>Budget survey</title><script type="module" src="/civic.js"></script></head>
      <body><main><h1>Budget survey</h1>${'<civic-poll poll="bike-lanes"></civic-poll>'.repeat(8)}</main></body></html>`,
  }));
  const streams: string[] = [];
  page.on('request', (r) => r.resourceType() === 'eventsource' && streams.push(r.url()));
  await page.goto(url);
  const polls = bikePoll(page);
  for (let i = 0; i < 8; i++) await appears(polls.nth(i).locator('[part=results]'), `poll ${i + 1} showed no results`, errors);
  // A browser keeps six connections per HTTP/1.1 host: eight streams would have held them all.
  assert.equal(streams.length, 4, `live streams opened: ${streams.join(', ')}`);

  const last = polls.nth(7);
  await last.getByRole('radio', { name: 'No', exact: true }).check();
  const answer = nextVote(page, 'bike-lanes');
  await last.locator('[part=submit]').click();
  assert.equal((await answer).status(), 200);
  await appears(last.locator('.thanks'), 'the vote on the eighth poll was not thanked', errors);
  assert.equal(await resultsFooter(last), '6 people voted · Results update live.');
  // The four streaming copies hear of the vote at once (the polling ones within 15 s); the voting
  // copy may be one of them, so at least four, where without streams only the voter's would show it.
  const updated = async () => (await polls.locator('[part=results] > p.muted').allInnerTexts()).filter((t) => squash(t).startsWith('6 people voted')).length;
  await eventually(async () => assert.ok((await updated()) >= 4, `copies showing the vote: ${await updated()} of 8`));
  assert.deepEqual(errors, []);
});
