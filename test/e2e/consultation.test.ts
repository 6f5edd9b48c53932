// End-to-end journey of the micro-consultation card: the real server (DEMO=1, SEED=1) with its real
// database, the built bundle (dist/cdn) and Debian's Chromium driven by playwright-core.
//
// The demo news article (demo/index.html, canonical https://riverton.example/news/bike-lanes) holds
// `<civic-consultation section="mobility">`; the mobility page (demo/mobility.html) holds the same
// card as `<div data-civic="consultation" data-section="mobility">`. Staff target the seeded
// consultation `bike-lane-feel` (5 faces, a "why?" follow-up, four areas) at section "mobility":
// both pages show it without naming it. It has 6 seeded answers and no outcome yet.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Locator, Page, Request } from 'playwright-core';
import { adminFetch, appears, axeViolations, contextFor, eventually, pageIn, serverFor, squash, TEST_TIMEOUT, useBrowser } from './journey.ts';
import { focused, pointerUses, tabTo, trapPointer } from './keyboard.ts';

const ID = 'bike-lane-feel';
const QUESTION = 'How do you feel about protected bike lanes on Main Street?';
const ARTICLE = 'https://riverton.example/news/bike-lanes';
const MOBILITY = 'https://riverton.example/mobility/bus-stops';
const OUTCOME = 'You asked for safe crossings at the school: the bike lanes get raised crossings at all three schools.';

useBrowser();

const card = (page: Page): Locator => page.locator('civic-consultation');
/** All the card says (a host's innerText leaves its shadow root out). */
const said = async (c: Locator) => squash(await c.evaluate((el) => el.shadowRoot!.textContent ?? ''));
const answersPosted = (page: Page): Request[] => {
  const posted: Request[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().includes(`/v1/consultations/${ID}/responses`)) posted.push(r);
  });
  return posted;
};

test('a resident answers inside the news article with the keyboard alone, staff publish an outcome, the resident sees it highlighted once, and the mobility page shows the same card', { timeout: TEST_TIMEOUT }, async (t) => {
  const server = await serverFor(t);
  const context = await contextFor(t);
  const { page, errors } = await pageIn(context);
  await trapPointer(page);
  const posted = answersPosted(page);
  await page.goto(`${server.url}/`);
  const c = card(page);
  await appears(c.locator('legend[part=question]'), 'the consultation card never asked its question', errors);
  assert.equal(squash(await c.locator('legend').innerText()), QUESTION);
  // Faces are never alone: each radio has its text label.
  assert.deepEqual(
    (await c.locator('label[part=option]').allInnerTexts()).map((s) => squash(s).replace(/^\W+\s*/u, '')),
    ['Very unhappy', 'Unhappy', 'Neutral', 'Happy', 'Very happy'],
  );
  assert.deepEqual(await axeViolations(page), [], 'axe: the question');

  // 1. Tab from the top of the page into the radio group; arrows move without sending, Space sends.
  let f = await tabTo(page, (x) => x.host === 'civic-consultation' && x.type === 'radio', 'the first answer of the card', 120);
  assert.equal(f.name.replace(/^\W+\s*/u, ''), 'Very unhappy');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  f = await focused(page);
  assert.equal(f.name.replace(/^\W+\s*/u, ''), 'Happy');
  assert.equal(posted.length, 0, 'moving with the arrow keys must not send an answer');
  const sent = page.waitForResponse((r) => r.url().includes(`/v1/consultations/${ID}/responses`));
  await page.keyboard.press('Space');
  const first = await sent;
  assert.equal(first.status(), 200);
  assert.equal(posted.length, 1, 'one answer is one request');
  assert.deepEqual(
    { ...first.request().postDataJSON(), locale: 'en' },
    { answer: '4', page: ARTICLE, section: 'mobility', locale: 'en', followUp: null, area: null },
  );
  // The thank-you state takes the focus, with results so far and what happens next.
  await eventually(async () => assert.equal((await focused(page)).part, 'thanks'));
  assert.equal(squash(await c.locator('[part=thanks]').innerText()), 'Thank you, your answer was saved.');
  assert.match(squash(await c.locator('[part=results]').innerText()), /7 people answered/);
  assert.match(await said(c), /What happens next: The council decides in March\./);
  assert.deepEqual(await axeViolations(page), [], 'axe: thank-you with the follow-up');

  // 2. The optional follow-up: area, then why, then Send — still by keyboard.
  f = await tabTo(page, (x) => x.host === 'civic-consultation' && x.tag === 'select', 'the area picker', 5);
  assert.equal(f.name, 'Your area (optional)');
  await page.keyboard.press('ArrowDown'); // North
  await page.keyboard.press('ArrowDown'); // Centre
  f = await tabTo(page, (x) => x.host === 'civic-consultation' && x.tag === 'textarea', 'the why field', 3);
  assert.equal(f.name, 'Why? (optional)');
  await page.keyboard.type('My children could ride to school.');
  await tabTo(page, (x) => x.host === 'civic-consultation' && x.tag === 'button' && x.name === 'Send', 'Send', 3);
  const more = page.waitForResponse((r) => r.url().includes(`/v1/consultations/${ID}/responses`));
  await page.keyboard.press('Enter');
  const second = await more;
  assert.equal(second.status(), 200);
  assert.deepEqual(
    { ...second.request().postDataJSON(), locale: 'en' },
    { answer: '4', page: ARTICLE, section: 'mobility', locale: 'en', followUp: 'My children could ride to school.', area: 'centre' },
  );
  await eventually(async () => assert.equal(squash(await c.locator('[part=thanks]').innerText()), 'Thank you, your details were saved.'));
  assert.equal((await focused(page)).part, 'thanks');
  assert.match(await said(c), /Your answer: Happy/);
  assert.deepEqual(await pointerUses(page), [], 'a mouse, pointer or touch was used');

  // What staff read: one respondent more, counted once, with the page, section, area and why.
  const results = await adminFetch(server, `consultations/${ID}/results`);
  assert.equal(results.respondents, 7);
  assert.equal(results.answers.find((a: { answer: string }) => a.answer === '4').count, 3);
  assert.ok(results.byPage.some((p: { page: string; respondents: number }) => p.page === ARTICLE && p.respondents >= 1));
  const { responses } = await adminFetch(server, `consultations/${ID}/responses`);
  const mine = responses.find((r: { followUp: string | null }) => r.followUp === 'My children could ride to school.');
  assert.deepEqual(
    { answer: mine.answer, area: mine.area, page: mine.page, section: mine.section, locale: mine.locale },
    { answer: '4', area: 'centre', page: ARTICLE, section: 'mobility', locale: 'en' },
  );

  // 3. Staff publish "You said, we did" through the admin API.
  const outcome = await adminFetch(server, `consultations/${ID}/outcome`, {
    method: 'PUT',
    body: JSON.stringify({ status: 'decided', text: OUTCOME, date: '2026-03-12' }),
  });
  assert.equal(outcome.text, OUTCOME);

  // 4. The resident comes back: the answer stands, the outcome is there, highlighted and announced.
  await page.reload();
  await appears(c.locator('[part=outcome]'), 'the outcome never appeared after the reload', errors);
  const shown = squash(await c.locator('[part=outcome]').innerText());
  assert.match(shown, /^You said, we did New /);
  assert.match(shown, /Decided · March 12, 2026/);
  assert.ok(shown.includes(OUTCOME));
  assert.match(await said(c), /Your answer: Happy/);
  assert.equal(await c.locator('legend').count(), 0, 'an answered card does not ask again');
  await eventually(async () =>
    assert.equal(squash(await c.locator('[role=status]').innerText()), `New: You said, we did. Decided. ${OUTCOME}`),
  );
  assert.deepEqual(await axeViolations(page), [], 'axe: the outcome, highlighted');

  // Highlighted once: the next visit shows it without "New".
  await page.reload();
  await appears(c.locator('[part=outcome]'), 'the outcome disappeared on the second visit', errors);
  assert.match(squash(await c.locator('[part=outcome]').innerText()), /^You said, we did Decided /);

  // 5. The mobility page, targeted by section only, shows the same consultation, answer and outcome.
  await page.goto(`${server.url}/mobility.html`);
  const m = card(page);
  await appears(m.locator('[part=outcome]'), 'the mobility page did not show the consultation', errors);
  assert.equal(squash(await m.locator('[part=question]').innerText()), QUESTION);
  assert.match(await said(m), /Your answer: Happy/);
  assert.ok(squash(await m.locator('[part=outcome]').innerText()).includes(OUTCOME));
  assert.deepEqual(errors, []);

  // Another resident answers there: staff see the answers of both pages apart.
  const other = await pageIn(await contextFor(t));
  await other.page.goto(`${server.url}/mobility.html`);
  const o = card(other.page);
  await appears(o.locator('legend[part=question]'), 'a new resident was not asked on the mobility page', other.errors);
  assert.ok(squash(await o.locator('[part=outcome]').innerText()).includes(OUTCOME), 'the outcome shows beside the open question');
  const third = other.page.waitForResponse((r) => r.url().includes(`/v1/consultations/${ID}/responses`));
  await o.locator('label[part=option]').nth(1).click();
  assert.equal((await third).status(), 200);
  assert.equal((await third).request().postDataJSON().page, MOBILITY);
  await appears(o.locator('[part=thanks]'), 'no thank-you on the mobility page', other.errors);
  const after = await adminFetch(server, `consultations/${ID}/results`);
  assert.equal(after.respondents, 8);
  assert.deepEqual(
    after.byPage.filter((p: { page: string }) => p.page === ARTICLE || p.page === MOBILITY).map((p: { page: string }) => p.page).sort(),
    [ARTICLE, MOBILITY].sort(),
  );
  assert.deepEqual(other.errors, []);
});

test('"Not now" hides the card for the configured days, on every page of the site, and the article does not move', { timeout: TEST_TIMEOUT }, async (t) => {
  const server = await serverFor(t);
  const { page, errors } = await pageIn(await contextFor(t));
  await page.setViewportSize({ width: 320, height: 800 });
  // Layout shifts of the host page, from the first paint on.
  await page.addInitScript({
    content: `window.__shift = 0;
      new PerformanceObserver((l) => { for (const e of l.getEntries()) if (!e.hadRecentInput) window.__shift += e.value; })
        .observe({ type: 'layout-shift', buffered: true });`,
  });
  await page.goto(`${server.url}/mobility.html`);
  const c = card(page);
  await appears(c.locator('legend[part=question]'), 'the card never asked on the mobility page', errors);
  // The card fits a 320 px column: nothing overflows sideways.
  const overflow = await c.evaluate((el) => el.shadowRoot!.firstElementChild!.scrollWidth - el.clientWidth);
  assert.ok(overflow <= 0, `the card overflows a 320 px column by ${overflow} px`);
  await page.waitForTimeout(300);
  const shift = (await page.evaluate('window.__shift')) as number;
  assert.ok(shift < 0.01, `the article moved while the card loaded: CLS ${shift}`);

  await c.getByRole('button', { name: 'Not now' }).click();
  await eventually(async () => assert.equal(await c.evaluate((el) => (el as HTMLElement).hidden), true));
  // Nothing was sent: dismissing is remembered in this browser only.
  const { responses } = await adminFetch(server, `consultations/${ID}/responses`);
  assert.equal(responses.length, 6);

  await page.goto(`${server.url}/`);
  const a = card(page);
  await eventually(async () => assert.equal(await a.evaluate((el) => (el as HTMLElement).hidden), true), 10_000);
  assert.equal(await a.locator('legend').count(), 0, 'a dismissed consultation was asked again on another page');
  assert.deepEqual(errors, []);
});

test('under a strict Content-Security-Policy the card renders, styles itself, takes an answer and draws its result bars, with zero violations', { timeout: TEST_TIMEOUT }, async (t) => {
  const server = await serverFor(t);
  const { page, errors } = await pageIn(await contextFor(t));
  const response = await page.goto(`${server.url}/strict.html`);
  const csp = response?.headers()['content-security-policy'] ?? '';
  assert.match(csp, /(^|;)\s*style-src 'self'\s*(;|$)/, `CSP header: ${csp}`);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  const c = page.locator('civic-consultation[consultation=library-first]');
  await appears(c.locator('legend[part=question]'), 'the card never asked under the strict CSP', errors);
  // Adopted stylesheets apply under style-src 'self': the radios of a choice are drawn, in a column.
  assert.equal(await c.locator('.opts').evaluate((el) => getComputedStyle(el).flexDirection), 'column');
  const sent = page.waitForResponse((r) => r.url().includes('/v1/consultations/library-first/responses'));
  // A choice is sent as it is picked and the radios give way to the results: click, not check (which looks again).
  await c.getByRole('radio', { name: 'More study places' }).click();
  assert.equal((await sent).status(), 200);
  await appears(c.locator('[part=results]'), 'no results after answering under the strict CSP', errors);
  // Bars are SVG attributes, not inline styles: they have their widths under the policy.
  const widths = await c.locator('[part=result] svg rect').evaluateAll((els) => els.map((e) => e.getAttribute('width')));
  assert.ok(widths.length >= 4 && widths.some((w) => w !== '0' && w !== '0%'), `bar widths: ${widths}`);
  assert.match(await said(c), /More study places \(your answer\)/);
  assert.deepEqual(await axeViolations(page), []);
  assert.deepEqual(errors, [], 'errors or CSP violations on the strict page');
});
