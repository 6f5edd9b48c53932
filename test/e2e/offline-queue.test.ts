// Issue 7 §4, second bullet: the backend goes down while a resident votes, answers and comments.
// On one article (bundle from a small server of the test's, which stays up; API from the real
// server, stopped with halt()): each action is kept in localStorage and shown as "will be sent when
// the connection returns" (a polite live region, not an error); a reload while still down shows
// it still waiting; when the server is back (resume()) each is delivered exactly once (admin
// results and the public thread say so), the queue is empty and the usual success shows. The page
// records no uncaught error, no unhandled rejection and no CSP violation (strict CSP page).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { en } from '../../src/core/i18n/en.ts';
import type { PageError } from './support.ts';
import { adminFetch, appears, axeViolations, contextFor, eventually, pageIn, serverFor, squash, staticServer, useBrowser } from './journey.ts';
import { allowOrigin, CONSULTATION_QUESTION, hostPage, serveHostPages, snippets, THREAD } from './host-page-fixtures.ts';

useBrowser();

const COMMENT = 'Please keep the lanes clear of snow in winter.';
const WIDGETS = ['civic-poll', 'civic-consultation', 'civic-comments'] as const;

/** The page's errors, with Chromium's "Failed to load resource" lines for the stopped API set aside. */
function apart(errors: PageError[], api: string) {
  const refused = (e: PageError) => e.kind === 'console' && e.message.startsWith('Failed to load resource: net::ERR_CONNECTION_REFUSED (' + api + '/v1/');
  return errors.filter((e) => !refused(e));
}

const outbox = (page: Page, api: string) =>
  page.evaluate((k) => JSON.parse(localStorage.getItem(k) ?? '[]') as { slot: string; key: string; participant?: string }[], `civic.outbox@${api}/`);

/** Each widget's "waiting" note, and whether it sits in a polite live region. */
const queuedNotes = (page: Page) =>
  page.evaluate((tags) =>
    tags.map((tag) => {
      const note = document.querySelector(tag)?.shadowRoot?.querySelector('[part=queued]');
      const live = document.querySelector(tag)?.shadowRoot?.querySelectorAll('[role=status]') ?? [];
      return { tag, text: note?.textContent ?? null, announced: [...live].some((r) => r.textContent?.includes(note?.textContent ?? '\u0000')) };
    }),
  [...WIDGETS]);

test('backend down while a resident votes, answers and comments: each waits on the device, survives a reload, and is delivered exactly once when the server is back', { timeout: 240_000 }, async (t) => {
  const server = await serverFor(t);
  const pages: Record<string, () => string> = {};
  const cdn = await staticServer(t, serveHostPages(pages));
  const w = snippets('elements');
  pages['/article.html'] = () =>
    hostPage({
      api: server.url,
      title: 'Bike lanes',
      // Under a strict CSP: the waiting states, too, need no inline style (violations are page errors).
      head: `<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' ${server.url}">`,
      body: `<main><h1>Protected bike lanes</h1>${w.consultation}<p>The lanes run to the market.</p>${w.poll}${w.comments}</main>`,
    });
  await allowOrigin(server, cdn.url);

  // What the server holds before: the poll's voters, the consultation's respondents, the thread.
  const { consultations } = await adminFetch(server, 'consultations?site=riverton');
  const consultation = (consultations as { id: string; question: string }[]).find((c) => c.question === CONSULTATION_QUESTION);
  assert.ok(consultation, 'the seeded consultation');
  const voters = async () => (await adminFetch(server, 'polls/bike-lanes/results')).voters as number;
  const respondents = async () => (await adminFetch(server, `consultations/${consultation.id}/results`)).respondents as number;
  const ours = async () => {
    const res = await fetch(`${server.url}/v1/comments?${new URLSearchParams({ thread: THREAD, site: 'riverton', sort: 'newest' })}`);
    const { comments } = (await res.json()) as { comments: { body: string }[] };
    return comments.filter((c) => c.body === COMMENT).length;
  };
  const before = { voters: await voters(), respondents: await respondents(), comments: await ours() };
  assert.equal(before.comments, 0);

  const { page, errors } = await pageIn(await contextFor(t));
  await page.goto(`${cdn.url}/article.html`);
  const poll = page.locator('civic-poll');
  const card = page.locator('civic-consultation');
  const thread = page.locator('civic-comments');
  await appears(poll.getByRole('radio', { name: 'Yes', exact: true }), 'the poll never loaded', errors);
  await appears(card.locator('legend[part=question]'), 'the consultation never loaded', errors);
  await appears(thread.locator('article[part=comment]').first(), 'the comments never loaded', errors);

  await server.halt();
  await assert.rejects(fetch(`${server.url}/health`, { signal: AbortSignal.timeout(2_000) }), 'the backend should be down');

  // The resident acts while the server is down.
  await poll.getByRole('radio', { name: 'Yes', exact: true }).check();
  await poll.locator('[part=submit]').click();
  await card.locator('[part=option] input').first().click();
  await thread.locator('civic-comment-form input[autocomplete=nickname]').first().fill('Amara');
  await thread.locator('civic-comment-form textarea').first().fill(COMMENT);
  await thread.locator('civic-comment-form button.primary').first().click();

  // The client tries three times with backoff before it keeps a write for later.
  for (const tag of WIDGETS) await appears(page.locator(`${tag} [part=queued]`), `${tag} did not show its write as waiting`, errors, 20_000);
  for (const note of await queuedNotes(page)) {
    assert.equal(note.text, en.queued, `${note.tag}'s note`);
    assert.ok(note.announced, `${note.tag}: the note is not in a polite live region`);
  }
  assert.equal(await page.locator(':is(civic-poll, civic-consultation, civic-comments) [role=alert]').count(), 0, 'an error instead of the waiting state');
  assert.ok(squash(await thread.locator('article[data-id^=draft-]').innerText()).includes(COMMENT), 'the comment shows as waiting in the thread');
  const kept = await outbox(page, server.url);
  const kind = (slot: string) => (/^(poll|consultation):/.exec(slot)?.[1] ?? 'comment');
  assert.deepEqual(kept.map((q) => kind(q.slot)).sort(), ['comment', 'consultation', 'poll'], 'one vote, one answer, one comment');
  assert.deepEqual(await axeViolations(page), [], 'axe on the waiting states');

  // A reload while still down: nothing is lost, each widget still says its write waits.
  await page.reload();
  for (const tag of WIDGETS) {
    await appears(page.locator(`${tag} [part=error]`), `${tag}: no error with retry after the reload while down`, errors, 20_000);
    await appears(page.locator(`${tag} [part=queued]`), `${tag}: the waiting note is gone after the reload`, errors);
  }
  assert.deepEqual((await outbox(page, server.url)).map((q) => q.key).sort(), kept.map((q) => q.key).sort(), 'the same writes, with the same Idempotency-Keys, wait after the reload');

  // The server is back: each write is delivered (on the outbox's own timer) and the usual success shows.
  await server.resume();
  const started = Date.now();
  await appears(poll.locator('.thanks'), 'the poll never thanked for the vote', errors, 60_000);
  await appears(card.locator('.thanks'), 'the consultation never thanked for the answer', errors, 60_000);
  await appears(thread.locator('article[part=comment]:not([data-id^=draft-])', { hasText: COMMENT }), 'the comment never appeared as sent', errors, 60_000);
  const delay = Date.now() - started;
  await eventually(async () => assert.deepEqual(await outbox(page, server.url), [], 'the queue is empty'), 20_000);
  assert.equal(await page.locator(':is(civic-poll, civic-consultation, civic-comments) [part=queued]').count(), 0, 'a waiting note stayed');

  const after = { voters: await voters(), respondents: await respondents(), comments: await ours() };
  const held = [after.voters === before.voters + 1, after.respondents === before.respondents + 1, after.comments === 1].filter(Boolean).length;
  t.diagnostic(
    'PROVE ' +
      JSON.stringify({
        suite: 'outages: offline queue',
        tried: 'a vote, a consultation answer and a comment sent while the backend was down, the page reloaded once while down',
        held: `${held}/3 kept on the device with “will be sent when the connection returns”, delivered exactly once ${(delay / 1000).toFixed(1)} s after the backend returned; queue empty`,
      }),
  );
  assert.deepEqual(after, { voters: before.voters + 1, respondents: before.respondents + 1, comments: 1 }, 'each write counted exactly once');
  // A second reload: nothing is sent again, nothing counted twice.
  await page.reload();
  await appears(poll.locator('.thanks'), 'the poll forgot the vote after a reload', errors);
  await page.waitForTimeout(500); // a write sent again on load would have been counted by now
  assert.deepEqual({ voters: await voters(), respondents: await respondents(), comments: await ours() }, after);
  assert.deepEqual(apart(errors, server.url), [], 'uncaught errors, unhandled rejections or other console errors');
});
