// End-to-end journeys of the comment thread widget: the real server (DEMO=1, SEED=1) with its real
// database, the built bundle (dist/cdn) and Debian's Chromium driven by playwright-core.
//
// Every test starts its own server, so the seeded thread is known exactly: the bike-lanes article
// (demo/index.html, thread key = its canonical URL) has 8 published comments, newest first at the
// top level: Lena S. (demo-h), Pat (demo-g), Shop owner on Main (demo-e, 1 reply), Maria K.
// (demo-a, 3 replies down to depth 2). Site `riverton`: moderation `post`, suspect words
// idiot/stupid, banned word scumbag, 30 s between two comments of one author.
// Every page records uncaught errors, console errors, unhandled rejections and CSP violations
// (support.ts), and every test ends by asserting that nothing was recorded.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import type { BrowserContext, Locator, Page, Request, Response } from 'playwright-core';
import { XSS_PAYLOADS } from '../fixtures/xss-payloads.ts';
import { collectPageErrors, type PageError, type TestServer } from './support.ts';
import { describeFocus, focused, pointerUses, tabTo, trapPointer } from './keyboard.ts';
import { adminFetch, appears, contextFor, eventually, pageIn, serverFor, squash, staticServer, TEST_TIMEOUT, UI_TIMEOUT, useBrowser } from './journey.ts';


const SITE = 'riverton';
/** The demo article's thread: its `<link rel=canonical>`. */
const DEMO_THREAD = 'https://riverton.example/news/bike-lanes';
/** The seeded top-level comments, newest first. */
const SEEDED_TOP = ['demo-h', 'demo-g', 'demo-e', 'demo-a'];

const EN = {
  post: 'Post comment',
  reply: 'Reply',
  cancel: 'Cancel',
  report: 'Report',
  abuse: 'Abusive or hateful',
  reported: 'Thank you. Moderators will review it.',
  pending: 'Received. Your comment will appear after review.',
  yours: 'your comment',
  oneNew: '1 new comment — show',
  bannedWord: 'Your comment contains a word this site does not allow. Please rephrase it.',
};
const DE = {
  name: 'Ihr Name',
  body: 'Ihr Kommentar',
  post: 'Kommentar veröffentlichen',
  bannedWord: 'Ihr Kommentar enthält ein Wort, das auf dieser Website nicht erlaubt ist. Bitte formulieren Sie ihn um.',
};
const heldPre = 'held for review: comments are reviewed before they appear';
/** What the author reads: the reason in their language, not the server's sentence. */
const heldPreShown = 'Every comment on this page is reviewed first.';

useBrowser();

// ---------------------------------------------------------------------------------------------
// helpers

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface AdminComment {
  id: string;
  threadKey: string;
  parentId: string | null;
  author: { name: string };
  body: string;
  status: string;
  heldReason: string | null;
  reports: { open: number; total: number; reasons: Record<string, number>; items: { reason: string; details: string | null }[] };
  parent: { id: string } | null;
}
const adminComments = async (server: TestServer, query: string): Promise<AdminComment[]> =>
  (await adminFetch(server, `comments?${query}`)).comments;
const exportThread = async (server: TestServer, key: string): Promise<{ comments: AdminComment[] }> =>
  adminFetch(server, `threads/export.json?site=${SITE}&key=${encodeURIComponent(key)}`);
const patchSite = (server: TestServer, comments: Record<string, unknown>) =>
  adminFetch(server, `sites/${SITE}`, { method: 'PATCH', body: JSON.stringify({ comments }) });

/** Resolves with the answer to the next write to the comments API matching method and path. */
function nextWrite(page: Page, method: string, path: string | RegExp): Promise<Response> {
  return page.waitForResponse(
    (r) => {
      const p = new URL(r.url()).pathname;
      return r.request().method() === method && (typeof path === 'string' ? p === path : path.test(p));
    },
    { timeout: UI_TIMEOUT },
  );
}
const nextPost = (page: Page) => nextWrite(page, 'POST', '/v1/comments');

/**
 * Resolves when the page's live stream of comments is open (its response headers arrived; the
 * server subscribes before it answers, so nothing posted afterwards can be missed).
 */
function liveStream(page: Page, thread?: string): Promise<Response> {
  return page.waitForResponse(
    (r) => {
      const u = new URL(r.url());
      return u.pathname === '/v1/comments/live' && (thread === undefined || u.searchParams.get('thread') === thread);
    },
    { timeout: UI_TIMEOUT },
  );
}

/** The thread on the demo article (there is one per page in these tests). */
const thread = (page: Page) => page.locator('civic-comments');
const article = (c: Locator, id: string) => c.locator(`article[part=comment][data-id="${id}"]`);
/** One of a comment's own action buttons (not those of its replies). */
const action = (c: Locator, id: string, name: string) =>
  article(c, id).locator(':scope > .acts').getByRole('button', { name, exact: true });
const heading = async (c: Locator) => squash(await c.locator('[role=heading]').innerText());
const bodyText = async (c: Locator, id: string) => squash(await article(c, id).locator(':scope > .body').innerText());
/** The count element in the demo article's byline. */
const bylineCount = (page: Page): Promise<string> =>
  page.locator('.byline civic-comment-count').evaluate((el) => (el.shadowRoot?.textContent ?? '').replace(/\s+/g, ' ').trim());

/** Every comment id in the thread, in document order (replies included). */
const allIds = (page: Page): Promise<string[]> =>
  page.evaluate(`[...document.querySelector('civic-comments').shadowRoot.querySelectorAll('article[part=comment]')].map((a) => a.dataset.id)`);
/** The top-level comment ids, in order. */
const topIds = (page: Page): Promise<string[]> =>
  page.evaluate(`[...document.querySelector('civic-comments').shadowRoot.querySelectorAll('article[part=comment]')]
    .filter((a) => !a.parentElement.closest('article')).map((a) => a.dataset.id)`);

/** Fills a comment form (top-level, reply) and sends it with its primary button. */
async function writeIn(form: Locator, name: string, body: string): Promise<void> {
  await form.locator('input[autocomplete=nickname]').fill(name);
  await form.locator('textarea').fill(body);
  await form.locator('button.primary').click();
}

/** A participant token and a poster for comments through the public API (another resident's device). */
async function apiResident(server: TestServer) {
  const headers = { 'content-type': 'application/json', origin: server.url };
  const res = await fetch(`${server.url}/v1/participants`, { method: 'POST', headers, body: '{}' });
  assert.equal(res.status, 201);
  const { token } = await res.json();
  return async (body: Record<string, unknown>): Promise<{ id: string; status: string; depth: number; inReplyTo: { id: string; name: string } | null }> => {
    const r = await fetch(`${server.url}/v1/comments`, {
      method: 'POST',
      headers: { ...headers, authorization: `Participant ${token}`, 'idempotency-key': crypto.randomUUID() },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5_000),
    });
    const json = await r.json();
    assert.equal(r.status, 201, `POST /v1/comments ${JSON.stringify(body)}: ${r.status} ${JSON.stringify(json)}`);
    return json.comment;
  };
}

/**
 * Serves an HTML page of the test's own at `url` (an address on the server's origin, so the page is
 * same-origin with the API as on the demo site), with extra response headers.
 * A document fulfilled by page.route has no IP address, so Chromium counts it as public and asks
 * permission before it may reach the loopback server (Local Network Access): granted here, since
 * served by the server itself the page would be loopback already.
 */
async function ownPage(context: BrowserContext, page: Page, url: string, html: string, headers: Record<string, string> = {}) {
  await context.grantPermissions(['local-network-access'], { origin: new URL(url).origin });
  await page.route(url, (route) =>
    route.fulfill({ status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers }, body: html }),
  );
}

// ---------------------------------------------------------------------------------------------
// 1

test('two residents talk under the article live: A comments, B sees it arrive behind the bar and replies, A sees the reply live and reports it, staff see the report', { timeout: TEST_TIMEOUT }, async (t) => {
  const server = await serverFor(t);
  const alice = await pageIn(await contextFor(t));
  const bob = await pageIn(await contextFor(t));

  // Bob is reading the article, scrolled down to Maria's comment, with the live stream open.
  const bobLive = liveStream(bob.page, DEMO_THREAD);
  await bob.page.goto(`${server.url}/`);
  const b = thread(bob.page);
  await appears(article(b, 'demo-a'), 'the seeded thread never rendered for Bob', bob.errors);
  await bobLive;
  assert.equal(await heading(b), 'Comments (8 comments)');
  assert.deepEqual(await topIds(bob.page), SEEDED_TOP);
  const seeded = await allIds(bob.page);
  assert.equal(seeded.length, 8);
  await eventually(async () => assert.equal(await bylineCount(bob.page), '8 comments'));
  await bob.page.evaluate(`document.querySelector('civic-comments').shadowRoot.querySelector('article[data-id="demo-a"]').scrollIntoView({ block: 'center' })`);
  await sleep(200);
  const where = () =>
    bob.page.evaluate<{ scrollY: number; top: number }>(`({ scrollY: window.scrollY,
      top: document.querySelector('civic-comments').shadowRoot.querySelector('article[data-id="demo-a"]').getBoundingClientRect().top })`);
  const bobBefore = await where();
  assert.ok(bobBefore.scrollY > 0, 'Bob should be scrolled down into the thread');

  // Alice comments.
  const aliceText = 'Please make sure the lanes are cleared of snow before the roads are. Kids ride to school all winter.';
  await alice.page.goto(`${server.url}/`);
  const a = thread(alice.page);
  const aliceForm = a.locator('civic-comment-form').first();
  await appears(aliceForm.locator('textarea'), 'Alice never got the comment form', alice.errors);
  assert.equal(await aliceForm.locator('button.primary').innerText(), EN.post);
  const aliceAnswer = nextPost(alice.page);
  await writeIn(aliceForm, 'Amara', aliceText);
  const aliceRes = await aliceAnswer;
  assert.equal(aliceRes.status(), 201);
  const aliceComment = (await aliceRes.json()).comment;
  assert.equal(aliceComment.status, 'published');
  assert.equal(aliceComment.parentId, null);
  const aliceId: string = aliceComment.id;
  assert.deepEqual(JSON.parse(aliceRes.request().postData() ?? '{}'), { thread: DEMO_THREAD, name: 'Amara', body: aliceText, website: '' });

  // Her page shows it at the top at once, as hers, and counts it; the box is empty again.
  await appears(article(a, aliceId), "Alice's comment never appeared on her page", alice.errors);
  assert.deepEqual(await topIds(alice.page), [aliceId, ...SEEDED_TOP]);
  assert.equal(await bodyText(a, aliceId), aliceText);
  assert.match((await article(a, aliceId).getAttribute('aria-label')) ?? '', /^Amara, /);
  assert.match(squash(await article(a, aliceId).locator(':scope > .meta').innerText()), new RegExp(`· ${EN.yours}$`));
  assert.equal(await heading(a), 'Comments (9 comments)');
  assert.equal(await aliceForm.locator('textarea').inputValue(), '');
  assert.equal(await action(a, aliceId, EN.report).count(), 0, 'nobody reports their own comment');

  // Bob: a polite "1 new comment — show" bar, and nothing else moves under his eyes.
  const bar = b.locator('button.fresh');
  await appears(bar, 'the "new comment" bar never appeared on Bob\'s page', bob.errors);
  assert.equal(squash(await bar.innerText()), EN.oneNew);
  assert.equal(squash(await b.locator('[role=status]').first().innerText()), EN.oneNew, 'the arrival is announced politely');
  await sleep(300);
  assert.deepEqual(await allIds(bob.page), seeded, 'comments appeared or moved before Bob asked for them');
  assert.equal(await article(b, aliceId).count(), 0);
  assert.doesNotMatch(await b.evaluate((el) => el.shadowRoot!.textContent ?? ''), /cleared of snow/);
  assert.equal(await heading(b), 'Comments (8 comments)');
  const bobAfter = await where();
  assert.ok(
    Math.abs(bobAfter.top - bobBefore.top) < 1,
    `the comment Bob was reading moved on screen from y=${bobBefore.top} to y=${bobAfter.top} when the bar appeared`,
  );

  await bar.click();
  await appears(article(b, aliceId), "Alice's comment did not appear after Bob clicked the bar", bob.errors);
  assert.deepEqual(await topIds(bob.page), [aliceId, ...SEEDED_TOP]);
  assert.equal(await bodyText(b, aliceId), aliceText);
  assert.match((await article(b, aliceId).getAttribute('aria-label')) ?? '', /^Amara, /);
  assert.doesNotMatch(squash(await article(b, aliceId).locator(':scope > .meta').innerText()), new RegExp(EN.yours), "Alice's comment is not Bob's");
  assert.equal(await heading(b), 'Comments (9 comments)');
  assert.equal(await bar.count(), 0, 'the bar is gone once shown');

  // Bob replies to Alice.
  const bobText = 'Agreed. The winter service plan should list the lanes explicitly.';
  await action(b, aliceId, EN.reply).click();
  const replyForm = article(b, aliceId).locator(':scope > civic-comment-form');
  await appears(replyForm.locator('textarea'), 'no reply form under Alice\'s comment', bob.errors);
  await eventually(async () => {
    const f = await focused(bob.page);
    assert.deepEqual([f.tag, f.form], ['textarea', aliceId], `focus should be in the reply box: ${describeFocus(f)}`);
  });
  assert.equal(await action(b, aliceId, EN.reply).getAttribute('aria-expanded'), 'true');
  const bobAnswer = nextPost(bob.page);
  await writeIn(replyForm, 'Bruno', bobText);
  const bobRes = await bobAnswer;
  assert.equal(bobRes.status(), 201);
  const bobComment = (await bobRes.json()).comment;
  assert.deepEqual([bobComment.status, bobComment.parentId, bobComment.depth], ['published', aliceId, 1]);
  const bobId: string = bobComment.id;
  const replyOnBob = article(b, aliceId).locator(`:scope > .replies > article[data-id="${bobId}"]`);
  await appears(replyOnBob, "Bob's reply is not nested under Alice's comment on his page", bob.errors);
  assert.equal(await replyForm.count(), 0, 'the reply form closes after sending');
  assert.equal(await heading(b), 'Comments (10 comments)');

  // Alice, untouched, is told of the reply live; it appears nested under her comment when she asks.
  const aliceBar = a.locator('button.fresh');
  await appears(aliceBar, "the \"new comment\" bar never appeared on Alice's page", alice.errors);
  assert.equal(squash(await aliceBar.innerText()), EN.oneNew);
  assert.equal(await article(a, bobId).count(), 0, 'the reply was inserted before Alice asked for it');
  await aliceBar.click();
  const reply = article(a, aliceId).locator(`:scope > .replies > article[data-id="${bobId}"]`);
  await appears(reply, "Bob's reply did not appear under Alice's comment on her page", alice.errors);
  assert.equal(squash(await reply.locator(':scope > .body').innerText()), bobText);
  assert.match((await reply.getAttribute('aria-label')) ?? '', /^Bruno, /);
  assert.equal(await heading(a), 'Comments (10 comments)');

  // Alice reports the reply as abusive.
  await reply.locator(':scope > .acts').getByRole('button', { name: EN.report, exact: true }).click();
  const reportForm = reply.locator(':scope > form.report');
  await appears(reportForm, 'no report form', alice.errors);
  assert.deepEqual(
    (await reportForm.getByRole('radio').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))),
    ['spam', 'abuse', 'off-topic', 'illegal'],
  );
  await eventually(async () => {
    const f = await focused(alice.page);
    assert.deepEqual([f.type, f.comment], ['radio', bobId], `focus should move into the report form: ${describeFocus(f)}`);
  });
  await reportForm.getByRole('radio', { name: EN.abuse, exact: true }).check();
  const reportAnswer = nextWrite(alice.page, 'POST', `/v1/comments/${bobId}/report`);
  await reportForm.locator('button.primary').click();
  const reportRes = await reportAnswer;
  assert.equal(reportRes.status(), 202);
  assert.deepEqual(await reportRes.json(), { reported: true });
  assert.deepEqual(JSON.parse(reportRes.request().postData() ?? '{}'), { reason: 'abuse' });
  const thanks = reply.locator(':scope > p.note[role=status]');
  await appears(thanks, 'no confirmation after reporting', alice.errors);
  assert.equal(squash(await thanks.innerText()), EN.reported);
  assert.equal(await reportForm.count(), 0, 'the report form closes');
  assert.equal(await reply.locator(':scope > .acts').getByRole('button', { name: EN.report, exact: true }).count(), 0, 'no second report from the same page');

  // Staff see the report in the moderation queue; one report does not hide the comment.
  const queue = await adminComments(server, 'status=reported');
  assert.deepEqual(queue.map((c) => c.id), [bobId]);
  const [flagged] = queue;
  assert.equal(flagged.threadKey, DEMO_THREAD);
  assert.equal(flagged.body, bobText);
  assert.equal(flagged.author.name, 'Bruno');
  assert.equal(flagged.status, 'published');
  assert.equal(flagged.parent?.id, aliceId);
  assert.deepEqual([flagged.reports.open, flagged.reports.total], [1, 1]);
  assert.deepEqual(flagged.reports.reasons, { spam: 0, abuse: 1, 'off-topic': 0, illegal: 0 });
  assert.deepEqual(flagged.reports.items.map((i) => i.reason), ['abuse']);

  assert.deepEqual(alice.errors, []);
  assert.deepEqual(bob.errors, []);
});

// ---------------------------------------------------------------------------------------------
// 2

test('pre-moderation: the author sees "after review", nobody else sees the comment until staff approve it, then it arrives live and is counted', { timeout: TEST_TIMEOUT }, async (t) => {
  const server = await serverFor(t);
  const setting = await adminFetch(server, 'threads', { method: 'PATCH', body: JSON.stringify({ site: SITE, key: DEMO_THREAD, moderation: 'pre' }) });
  assert.equal(setting.moderation, 'pre');
  assert.equal(setting.moderationOverride, 'pre');

  const alice = await pageIn(await contextFor(t));
  const bob = await pageIn(await contextFor(t));
  const bobLive = liveStream(bob.page, DEMO_THREAD);
  await bob.page.goto(`${server.url}/`);
  const b = thread(bob.page);
  await appears(article(b, 'demo-a'), 'the seeded thread never rendered for Bob', bob.errors);
  await bobLive;
  assert.equal(await heading(b), 'Comments (8 comments)');
  await eventually(async () => assert.equal(await bylineCount(bob.page), '8 comments'));

  const text = 'Will there be a trial period with temporary barriers first?';
  await alice.page.goto(`${server.url}/`);
  const a = thread(alice.page);
  await appears(a.locator('civic-comment-form textarea').first(), 'Alice never got the comment form', alice.errors);
  const answer = nextPost(alice.page);
  await writeIn(a.locator('civic-comment-form').first(), 'Amara', text);
  const res = await answer;
  assert.equal(res.status(), 201);
  const { comment, thread: view } = await res.json();
  assert.deepEqual([comment.status, comment.heldReason, comment.held], ['pending', heldPre, 'pre']);
  assert.equal(view.commentCount, 8, 'a held comment is not counted');
  const id: string = comment.id;

  // Alice sees her comment with the notice, and nothing to vote or reply on yet.
  await appears(article(a, id), "Alice's held comment is not shown to her", alice.errors);
  assert.equal(await bodyText(a, id), text);
  const notice = article(a, id).locator(':scope > p.note[role=status]');
  assert.equal(squash(await notice.innerText()), `${EN.pending} ${heldPreShown}`);
  assert.equal(await article(a, id).locator(':scope > .acts').count(), 0);
  assert.equal(await heading(a), 'Comments (8 comments)');

  // It is still there for her after a reload (her participant token says it is hers).
  const aliceLive = liveStream(alice.page, DEMO_THREAD);
  await alice.page.reload();
  await appears(article(a, id), "Alice's held comment is gone after a reload", alice.errors);
  await aliceLive;
  assert.equal(squash(await notice.innerText()), `${EN.pending} ${heldPreShown}`);

  // Nobody else sees it: not Bob live, not a new reader, not the public API.
  await sleep(1_000);
  assert.equal(await b.locator('button.fresh').count(), 0, 'Bob was told of a comment held for review');
  assert.deepEqual(await topIds(bob.page), SEEDED_TOP);
  const carol = await pageIn(await contextFor(t));
  await carol.page.goto(`${server.url}/`);
  const c = thread(carol.page);
  await appears(article(c, 'demo-a'), 'the thread never rendered for Carol', carol.errors);
  assert.equal(await article(c, id).count(), 0, 'a new reader sees the held comment');
  assert.equal(await heading(c), 'Comments (8 comments)');
  await eventually(async () => assert.equal(await bylineCount(carol.page), '8 comments'));
  const publicRead = await (await fetch(`${server.url}/v1/comments?thread=${encodeURIComponent(DEMO_THREAD)}`)).json();
  assert.equal(publicRead.thread.commentCount, 8);
  assert.ok(!publicRead.comments.some((x: { id: string }) => x.id === id));

  // Staff find it in the queue and approve it.
  const pending = await adminComments(server, 'status=pending');
  assert.deepEqual(pending.map((x) => [x.id, x.status, x.body, x.heldReason]), [[id, 'pending', text, heldPre]]);
  const approved = await adminFetch(server, `comments/${id}/approve`, { method: 'POST' });
  assert.equal(approved.status, 'published');
  assert.deepEqual(await adminComments(server, 'status=pending'), []);

  // Bob is told at once and sees it when he asks.
  const bar = b.locator('button.fresh');
  await appears(bar, 'the approved comment never reached Bob live', bob.errors);
  assert.equal(squash(await bar.innerText()), EN.oneNew);
  await bar.click();
  await appears(article(b, id), 'the approved comment did not appear for Bob', bob.errors);
  assert.deepEqual(await topIds(bob.page), [id, ...SEEDED_TOP]);
  assert.equal(await bodyText(b, id), text);
  assert.equal(await heading(b), 'Comments (9 comments)');

  // Alice's notice goes away: her comment is public now, with its actions.
  await eventually(async () => assert.equal(await article(a, id).locator(':scope > p.note').count(), 0, 'the "after review" notice stayed'));
  assert.equal(await action(a, id, EN.reply).count(), 1);

  // The count in the byline follows: for a first visit (an empty cache) …
  const dan = await pageIn(await contextFor(t));
  await dan.page.goto(`${server.url}/`);
  await appears(article(thread(dan.page), id), 'the approved comment is missing for a new reader', dan.errors);
  await eventually(async () => assert.equal(await bylineCount(dan.page), '9 comments'));
  // … and for the readers who were there, once they reload: the byline must agree with the thread.
  for (const [who, { page: reader, errors }, list] of [['Bob', bob, b], ['Carol', carol, c]] as const) {
    await reader.reload();
    await appears(article(list, id), `the approved comment is missing for ${who} after a reload`, errors);
    assert.equal(await heading(list), 'Comments (9 comments)');
    await eventually(async () => {
      const shown = await bylineCount(reader);
      // On failure, say where the stale number came from (transferSize 0: the browser's HTTP cache).
      const fetched = await reader.evaluate(`JSON.stringify(performance.getEntriesByType('resource')
        .filter((e) => e.name.includes('/v1/comments/count')).map((e) => ({ transferSize: e.transferSize })))`);
      assert.equal(shown, '9 comments', `${who}'s byline says "${shown}" after a reload while the thread says 9; count request: ${fetched}`);
    });
  }

  // Alice's own page counts her comment too, now that it is public (it was left out while held).
  assert.equal(await heading(a), 'Comments (9 comments)', "Alice's approved comment is shown but not counted on her page");

  assert.deepEqual(alice.errors, []);
  assert.deepEqual(bob.errors, []);
  assert.deepEqual(carol.errors, []);
  assert.deepEqual(dan.errors, []);
});

// ---------------------------------------------------------------------------------------------
// 3

test('a banned word is refused with the localized reason, the text stays in the box, and nothing is stored', { timeout: TEST_TIMEOUT }, async (t) => {
  const server = await serverFor(t);
  const site = await patchSite(server, { bannedWords: ['scumbag', 'swindler'] });
  assert.deepEqual(site.comments.bannedWords, ['scumbag', 'swindler']);
  assert.deepEqual(site.comments.suspectWords, ['idiot', 'stupid'], 'PATCH merges the comment settings field by field');
  const stored = (await exportThread(server, DEMO_THREAD)).comments.map((c) => c.id);
  assert.equal(stored.length, 8);

  const context = await contextFor(t);
  const { page, errors } = await pageIn(context);
  await page.goto(`${server.url}/`);
  const c = thread(page);
  const form = c.locator('civic-comment-form').first();
  await appears(form.locator('textarea'), 'no comment form', errors);
  await appears(article(c, 'demo-a'), 'the seeded thread never rendered', errors);
  const shown = await allIds(page);
  assert.equal(shown.length, 8);
  const text = 'The contractor they picked is a Swindler, everybody on Main Street knows it.\n\nCheck their last project.';
  const answer = nextPost(page);
  await writeIn(form, 'Amara', text);
  const res = await answer;
  assert.equal(res.status(), 422);
  const refusal = (await res.json()).error;
  assert.equal(refusal.code, 'BANNED_WORD');
  assert.deepEqual(refusal.details, { word: 'swindler' });

  const alert = form.locator('p.error[role=alert]');
  await appears(alert, 'no error message after the refusal', errors);
  assert.equal(squash(await alert.innerText()), EN.bannedWord);
  assert.equal(await form.locator('textarea').inputValue(), text, 'the text was lost');
  assert.equal(await form.locator('input[autocomplete=nickname]').inputValue(), 'Amara', 'the name was lost');
  assert.equal(await form.locator('button.primary').isEnabled(), true);
  assert.deepEqual(await allIds(page), shown, 'the refused comment was shown anyway');
  assert.equal(await heading(c), 'Comments (8 comments)');

  // Nothing was stored, in any status.
  assert.deepEqual((await exportThread(server, DEMO_THREAD)).comments.map((x) => x.id), stored);
  assert.equal((await adminComments(server, `status=all&site=${SITE}&thread=${encodeURIComponent(DEMO_THREAD)}`)).length, 8);
  assert.deepEqual(await adminComments(server, 'status=pending'), []);

  // Rephrased, the same text box sends it, and the message goes away.
  const rephrased = text.replace('a Swindler, everybody on Main Street knows it', 'not reliable, judging by their record');
  await form.locator('textarea').fill(rephrased);
  const second = nextPost(page);
  await form.locator('button.primary').click();
  const ok = await second;
  assert.equal(ok.status(), 201, `the rephrased comment was refused: ${await ok.text()}`);
  const id: string = (await ok.json()).comment.id;
  await appears(article(c, id), 'the rephrased comment did not appear', errors);
  assert.equal(await alert.count(), 0, 'the error message stayed after a successful post');
  assert.equal(await form.locator('textarea').inputValue(), '');
  assert.equal(await heading(c), 'Comments (9 comments)');
  assert.deepEqual((await exportThread(server, DEMO_THREAD)).comments.map((x) => x.body).filter((b) => /swindler/i.test(b)), []);

  // The reason is in the reader's language: the same thread embedded in a German page.
  const de = await pageIn(context);
  const deUrl = `${server.url}/e2e/artikel.html`;
  await ownPage(
    context,
    de.page,
    deUrl,
    `<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Radwege</title><link rel="icon" href="data:,">
      <link rel="canonical" href="${DEMO_THREAD}"><script type="module" src="/civic.js"></script></head>
      <body><main><h1>Geschützte Radwege in der Hauptstraße</h1><civic-comments></civic-comments></main></body></html>`,
  );
  await de.page.goto(deUrl);
  const dc = thread(de.page);
  const deForm = dc.locator('civic-comment-form').first();
  await appears(article(dc, id), 'the thread never rendered on the German page', de.errors);
  assert.equal(squash(await deForm.locator('button.primary').innerText()), DE.post);
  assert.equal(squash(await deForm.locator('label[for$="n"]').innerText()), DE.name);
  assert.equal(squash(await deForm.locator('label[for$="b"]').innerText()), DE.body);
  // The name is remembered on this device.
  assert.equal(await deForm.locator('input[autocomplete=nickname]').inputValue(), 'Amara');
  const deText = 'Das ist doch ein Swindler-Projekt.';
  await deForm.locator('textarea').fill(deText);
  const deAnswer = nextPost(de.page);
  await deForm.locator('button.primary').click();
  assert.equal((await deAnswer).status(), 422);
  const deAlert = deForm.locator('p.error[role=alert]');
  await appears(deAlert, 'no error message on the German page', de.errors);
  assert.equal(squash(await deAlert.innerText()), DE.bannedWord);
  assert.equal(await deForm.locator('textarea').inputValue(), deText);
  assert.equal((await exportThread(server, DEMO_THREAD)).comments.length, 9);

  // Chromium logs each refused request as a console error: exactly one such line per page, nothing else.
  const refusedLine = (e: PageError) =>
    e.kind === 'console' &&
    e.message === `Failed to load resource: the server responded with a status of 422 (Unprocessable Entity) (${server.url}/v1/comments)`;
  for (const recorded of [errors, de.errors]) {
    assert.deepEqual(recorded.filter((e) => !refusedLine(e)), []);
    assert.equal(recorded.filter(refusedLine).length, 1);
  }
});

// ---------------------------------------------------------------------------------------------
// 4

test('keyboard only: comment, open a reply with focus in its box, cancel back to Reply, reply, with no pointer at all', { timeout: TEST_TIMEOUT }, async (t) => {
  const server = await serverFor(t);
  // The resident comments and replies within a minute: the per-author pause would refuse the reply.
  await patchSite(server, { rateLimitSeconds: 0 });
  const { page, errors } = await pageIn(await contextFor(t));
  // Proof that no pointer was used: any mouse, pointer or touch press anywhere is counted, and so
  // is any click that a pointer made (a click from the keyboard has detail 0).
  await trapPointer(page);
  await page.goto(`${server.url}/`);
  const c = thread(page);
  await appears(article(c, 'demo-a'), 'the thread never rendered', errors);

  // Tab from the top of the page to the thread's name field.
  let f = await tabTo(page, (x) => x.host === 'civic-comments' && x.autocomplete === 'nickname', 'the name field of the comment form');
  assert.equal(f.form, 'top');
  assert.equal(f.name, 'Your name');
  await page.keyboard.type('Amara');
  await page.keyboard.press('Tab');
  f = await focused(page);
  assert.deepEqual([f.tag, f.form, f.name], ['textarea', 'top', 'Your comment']);
  const text = 'Could the lanes continue over the Old Bridge? It is the narrowest part.';
  await page.keyboard.type(text);
  // The honeypot is skipped: the next stop is the send button.
  await page.keyboard.press('Tab');
  f = await focused(page);
  assert.deepEqual([f.tag, f.cls, f.name], ['button', 'primary', EN.post], `Tab after the text should reach "${EN.post}": ${describeFocus(f)}`);
  const answer = nextPost(page);
  await page.keyboard.press('Enter');
  const res = await answer;
  assert.equal(res.status(), 201);
  const id: string = (await res.json()).comment.id;
  assert.deepEqual(JSON.parse(res.request().postData() ?? '{}'), { thread: DEMO_THREAD, name: 'Amara', body: text, website: '' });
  await appears(article(c, id), 'the comment did not appear', errors);
  assert.equal(await bodyText(c, id), text);
  assert.deepEqual(await topIds(page), [id, ...SEEDED_TOP]);

  // Tab on to the new comment's Reply; Enter opens the reply form with the focus in its box.
  f = await tabTo(page, (x) => x.comment === id && x.name === EN.reply, `"${EN.reply}" of the new comment`, 10);
  assert.equal(f.expanded, 'false');
  await page.keyboard.press('Enter');
  await eventually(async () => {
    const now = await focused(page);
    assert.deepEqual([now.tag, now.form], ['textarea', id], `focus should be in the reply box: ${describeFocus(now)}`);
  });
  assert.equal(await action(c, id, EN.reply).getAttribute('aria-expanded'), 'true');
  const replyForm = article(c, id).locator(':scope > civic-comment-form');
  assert.equal(await replyForm.locator('input[autocomplete=nickname]').inputValue(), 'Amara', 'the name is remembered');

  // Tab reaches Cancel (after the send button); Enter closes the form and returns the focus to Reply.
  f = await tabTo(page, (x) => x.form === id && x.name === EN.cancel, 'the reply form\'s Cancel', 3);
  await page.keyboard.press('Enter');
  await eventually(async () => {
    const now = await focused(page);
    assert.deepEqual([now.comment, now.name, now.expanded], [id, EN.reply, 'false'], `focus should return to Reply: ${describeFocus(now)}`);
  });
  assert.equal(await replyForm.count(), 0, 'Cancel did not close the reply form');

  // Reply for real: Enter, type, Tab to send, Enter.
  await page.keyboard.press('Enter');
  await eventually(async () => assert.deepEqual([(await focused(page)).tag, (await focused(page)).form], ['textarea', id]));
  const replyText = 'Answering myself: the bridge is listed for phase two.';
  await page.keyboard.type(replyText);
  await page.keyboard.press('Tab');
  f = await focused(page);
  assert.deepEqual([f.form, f.cls, f.name], [id, 'primary', EN.reply], `Tab after the reply should reach its send button: ${describeFocus(f)}`);
  const replyAnswer = nextPost(page);
  await page.keyboard.press('Enter');
  const replyRes = await replyAnswer;
  assert.equal(replyRes.status(), 201, await replyRes.text());
  const reply = (await replyRes.json()).comment;
  assert.deepEqual([reply.parentId, reply.depth, reply.body], [id, 1, replyText]);
  await appears(article(c, id).locator(`:scope > .replies > article[data-id="${reply.id}"]`), 'the reply is not nested under the comment', errors);
  // The form closes and the keyboard is not lost: the focus is back on Reply.
  await eventually(async () => {
    const now = await focused(page);
    assert.deepEqual([now.comment, now.name], [id, EN.reply], `focus after sending the reply: ${describeFocus(now)}`);
  });
  assert.equal(await heading(c), 'Comments (10 comments)');

  assert.deepEqual(await pointerUses(page), [], 'a mouse, pointer or touch was used');
  assert.deepEqual(errors, []);
});

// ---------------------------------------------------------------------------------------------
// 5

/** What a reader sees of a payload: the few marks the formatter knows (**, *, _) are not shown. */
function visibleText(payload: string): string {
  const marked = /^\*\*(.+)\*\*$/.exec(payload) ?? /^\*(.+)\*$/.exec(payload);
  return squash(marked ? marked[1] : payload);
}

// Installed before any page script: any assignment to window.__xss, any element that can run
// script or load something added into a shadow root (or the host page), any on* attribute or
// javascript:/data: URL set anywhere in a shadow root is recorded.
const XSS_TRAP = `(() => {
  const hits = (window.__xssHits = []);
  Object.defineProperty(window, '__xss', {
    configurable: false,
    get() { return undefined; },
    set(v) { hits.push('window.__xss = ' + String(v)); },
  });
  const DANGEROUS = new Set(['SCRIPT', 'IMG', 'SVG', 'IFRAME', 'FRAME', 'OBJECT', 'EMBED', 'VIDEO', 'AUDIO', 'SOURCE', 'STYLE',
    'LINK', 'META', 'BASE', 'MATH', 'DETAILS', 'MARQUEE', 'TEMPLATE', 'NOSCRIPT', 'ISINDEX', 'BODY', 'TABLE', 'MGLYPH']);
  const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'srcdoc']);
  const check = (el, where) => {
    if (!(el instanceof Element)) return;
    for (const e of [el, ...el.querySelectorAll('*')]) {
      if (DANGEROUS.has(e.tagName.toUpperCase())) hits.push(where + ': <' + e.tagName.toLowerCase() + '> added');
      for (const a of e.attributes) {
        if (a.name.startsWith('on')) hits.push(where + ': ' + e.tagName.toLowerCase() + '[' + a.name + ']');
        if (URL_ATTRS.has(a.name) && /^\\s*(javascript|data|vbscript):/i.test(a.value)) hits.push(where + ': ' + e.tagName.toLowerCase() + '[' + a.name + '=' + a.value + ']');
      }
    }
  };
  const watch = (root, where) =>
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'childList') for (const n of r.addedNodes) check(n, where);
        else check(r.target, where);
      }
    }).observe(root, { childList: true, subtree: true, attributes: true });
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attach.call(this, init);
    watch(root, 'shadow root of <' + this.tagName.toLowerCase() + '>');
    return root;
  };
  document.addEventListener('DOMContentLoaded', () => {
    for (const el of document.querySelectorAll('civic-comments')) watch(el, 'light DOM of <civic-comments>');
  });
})();`;

test(`the XSS corpus (${XSS_PAYLOADS.length} hostile comments and names) is shown as text in a page of our own, and nothing runs`, { timeout: TEST_TIMEOUT }, async (t) => {
  // One resident posts the whole corpus quickly: lift the per-IP and per-author limits.
  const server = await serverFor(t, { RATE_LIMIT_COMMENT_IP_PER_MIN: '1000' });
  await patchSite(server, { rateLimitSeconds: 0, dailyCap: 0 });
  const key = 'xss-corpus';
  const post = await apiResident(server);
  // Threads of four: a comment, a reply, a reply to the reply (depth 2) and a reply to that one
  // (kept at depth 2, "in reply to" its author). Names are hostile too where they fit (60 characters,
  // no control characters).
  const posted: { id: string; payload: string; name: string; depth: number; inReplyTo: string | null }[] = [];
  for (const [i, payload] of XSS_PAYLOADS.entries()) {
    const name = [...payload].length <= 60 && !/[\u0000-\u001f]/.test(payload) ? payload : `Resident ${i}`;
    const parent = i % 4 === 0 ? undefined : posted[i - 1];
    const c = await post({ thread: key, name, body: payload, ...(parent ? { parentId: parent.id } : {}) });
    assert.equal(c.status, 'published', `payload ${i} was held: ${payload}`);
    posted.push({ id: c.id, payload, name, depth: c.depth, inReplyTo: c.inReplyTo?.name ?? null });
  }
  assert.deepEqual(posted.map((p) => p.depth), XSS_PAYLOADS.map((_, i) => Math.min(i % 4, 2)));
  assert.deepEqual(posted.map((p) => p.inReplyTo), XSS_PAYLOADS.map((_, i) => (i % 4 === 3 ? posted[i - 1].name : null)));

  const context = await contextFor(t);
  const { page, errors } = await pageIn(context);
  await page.addInitScript({ content: XSS_TRAP });
  const frames: string[] = [];
  page.on('frameattached', (fr) => frames.push(fr.url()));
  const requests: string[] = [];
  page.on('request', (r: Request) => requests.push(r.url()));
  const url = `${server.url}/e2e/xss.html`;
  // Report-only: nothing is blocked (a successful injection would run and hit the trap), but any
  // inline script, handler or javascript: URL that tried to run would also be reported as a
  // violation (collectPageErrors records those).
  await ownPage(
    context,
    page,
    url,
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Residents' corner</title><link rel="icon" href="data:,">
      <script type="module" src="/civic.js"></script></head>
      <body><main><h1>Residents' corner</h1><civic-comments thread="${key}"></civic-comments></main></body></html>`,
    { 'content-security-policy-report-only': "script-src 'self'; object-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'" },
  );
  await page.goto(url);
  const c = thread(page);
  // The corpus is longer than a page of the thread: show every page, as a reader would.
  await appears(c.locator('article[part=comment]').first(), 'the hostile thread never rendered', errors);
  for (let round = 0; round < 20 && (await c.locator('button.more').isVisible()); round++) {
    const shown = (await allIds(page)).length;
    // The thread draws its first page in steps: a click can land while the button is redrawn; look again.
    const clicked = await c.locator('button.more').click({ timeout: 3_000 }).then(() => true, () => false);
    if (clicked) await eventually(async () => assert.ok((await allIds(page)).length > shown, 'Show more comments showed nothing more'));
  }
  await appears(article(c, posted[0].id), 'the hostile thread never rendered', errors);
  assert.equal(await heading(c), `Comments (${XSS_PAYLOADS.length} comments)`);
  assert.equal((await allIds(page)).length, XSS_PAYLOADS.length);
  // Give anything that would run (onerror after a failed load, autofocus, ontoggle …) its chance.
  await sleep(1_000);

  for (const [i, p] of posted.entries()) {
    const el = article(c, p.id);
    const body = el.locator(':scope > .body');
    // Comments out of sight are not laid out (content-visibility: auto) and innerText needs a
    // layout: bring each into view, as a reader would, and give it the frame that draws it.
    await el.scrollIntoViewIfNeeded();
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
    assert.equal(await body.isVisible(), true, `payload ${i} is not visible`);
    assert.equal(squash(await body.innerText()), visibleText(p.payload), `payload ${i} is not shown as its text`);
    assert.equal(await el.locator(':scope > .meta > b').textContent(), p.name, `name ${i} is not shown as its text`);
    assert.equal(await el.getAttribute('aria-label'), `${p.name}, ${await el.locator(':scope > .meta time').innerText()}`);
    if (p.inReplyTo) assert.match(squash(await el.locator(':scope > .meta').innerText()), new RegExp(`in reply to ${p.inReplyTo.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  }
  // Only the formatter's own structure inside the comment bodies, and only http(s) links.
  const structure: { tags: string[]; links: { href: string; text: string; rel: string }[] } = await page.evaluate(`(() => {
    const root = document.querySelector('civic-comments').shadowRoot;
    const bodies = [...root.querySelectorAll('article[part=comment] > .body')];
    return {
      tags: [...new Set(bodies.flatMap((b) => [...b.querySelectorAll('*')].map((e) => e.tagName.toLowerCase())))].sort(),
      links: bodies.flatMap((b) => [...b.querySelectorAll('a')].map((a) => ({ href: a.getAttribute('href'), text: a.textContent, rel: a.rel }))),
    };
  })()`);
  for (const tag of structure.tags) assert.ok(['a', 'br', 'em', 'p', 'strong'].includes(tag), `a <${tag}> element inside a comment body`);
  assert.ok(structure.links.length > 0, 'the corpus has URLs: expected some links');
  for (const l of structure.links) {
    assert.match(l.href, /^https?:\/\/[^\s"'<>]+$/, `link ${JSON.stringify(l)}`);
    assert.equal(l.text, l.href, `a link shows where it goes: ${JSON.stringify(l)}`);
    assert.equal(l.rel, 'nofollow ugc noopener');
  }

  // Nothing ran, nothing was injected, nothing was loaded.
  assert.deepEqual(await page.evaluate('window.__xssHits'), []);
  assert.equal(await page.evaluate('window.__xss'), undefined);
  assert.deepEqual(frames, [], 'frames were attached');
  const allowed = (u: string) => {
    const { origin, pathname } = new URL(u);
    return origin === server.url && /^\/(e2e\/xss\.html|civic\.js|comments\.js|chunks\/[\w-]+\.js|v1\/(comments(\/live)?|participants))$/.test(pathname);
  };
  assert.deepEqual(requests.filter((u) => !allowed(u)), [], 'requests that the page did not ask for');
  // (A second name for the array: the assertion below narrows `errors` to an empty array type.)
  const recorded: PageError[] = errors;
  assert.deepEqual(errors, []);

  // The traps work on this page: an image with a handler, injected as HTML into a comment, is seen
  // three ways (the element, its handler running, the report-only policy).
  await page.evaluate(`document.querySelector('civic-comments').shadowRoot.querySelector('article[part=comment] > .body')
    .insertAdjacentHTML('beforeend', '<img src="x" onerror="window.__xss = 1">')`);
  await eventually(async () => {
    const hits: string[] = await page.evaluate('window.__xssHits');
    assert.ok(hits.some((h) => /<img> added/.test(h)), `the injected <img> was not seen: ${JSON.stringify(hits)}`);
    assert.ok(hits.some((h) => /img\[onerror\]/.test(h)), `the handler attribute was not seen: ${JSON.stringify(hits)}`);
    assert.ok(hits.includes('window.__xss = 1'), `the handler ran unseen: ${JSON.stringify(hits)}`);
    assert.ok(recorded.some((e) => e.kind === 'csp'), 'the report-only policy did not report the handler');
  }, 5_000);
});

// ---------------------------------------------------------------------------------------------
// 6

const STRICT_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'";

test('under a strict Content-Security-Policy the thread renders, styles itself, takes a comment and delivers it live, with zero violations', { timeout: TEST_TIMEOUT }, async (t) => {
  const server = await serverFor(t);
  // The reference server sends a CSP header only with demo/strict.html (which holds a poll): the
  // city site here is a small server of our own that sends the policy with its page and proxies
  // everything else (the bundle, /v1 with its live stream) to the backend, as a reverse proxy would.
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Council notices — comments</title>
    <link rel="icon" href="/favicon.svg" type="image/svg+xml"><link rel="stylesheet" href="/demo.css">
    <script type="module" src="/civic.js"></script></head>
    <body><main id="main" class="wrap"><article><h1>Council notices</h1>
    <p>Comments on this page are held to a strict Content-Security-Policy.</p>
    <civic-comments thread="csp-test"></civic-comments></article></main></body></html>`;
  const backend = new URL(server.url);
  const city = await staticServer(t, (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/council/notices.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': STRICT_POLICY });
      res.end(page);
      return;
    }
    const upstream = httpRequest(
      { host: backend.hostname, port: backend.port, method: req.method, path: req.url, headers: { ...req.headers, host: backend.host } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('bad gateway');
    });
    req.pipe(upstream);
  });
  // Writes from the city's origin are allowed.
  const { sites } = await adminFetch(server, 'sites');
  const riverton = sites.find((s: { id: string }) => s.id === SITE);
  await adminFetch(server, `sites/${SITE}`, { method: 'PATCH', body: JSON.stringify({ origins: [...riverton.origins, city.url] }) });

  const alice = await pageIn(await contextFor(t));
  const bob = await pageIn(await contextFor(t));
  const pageUrl = `${city.url}/council/notices.html`;
  const bobLive = liveStream(bob.page, 'csp-test');
  const bobResponse = await bob.page.goto(pageUrl);
  assert.equal(bobResponse?.headers()['content-security-policy'], STRICT_POLICY);
  const b = thread(bob.page);
  await appears(b.locator('civic-comment-form textarea'), 'the thread never rendered under the strict CSP', bob.errors);
  await bobLive;
  assert.equal(await heading(b), 'Comments (0 comments)');
  assert.match(squash(await b.locator('[part=base]').innerText()), /No comments yet/);

  const aliceResponse = await alice.page.goto(pageUrl);
  assert.equal(aliceResponse?.headers()['content-security-policy'], STRICT_POLICY);
  const a = thread(alice.page);
  const form = a.locator('civic-comment-form').first();
  await appears(form.locator('textarea'), 'no comment form under the strict CSP', alice.errors);
  // The widget's adopted stylesheets apply under style-src 'self': the honeypot is out of sight.
  assert.equal(await form.locator('label.hp').evaluate((el) => getComputedStyle(el).position), 'absolute');
  assert.equal(await form.locator('label.hp').isVisible(), true, 'the honeypot label is rendered (off-screen)');
  assert.ok((await form.locator('label.hp').boundingBox())!.x < 0, 'the honeypot should be off-screen');
  const text = 'Will the minutes of the 17 November meeting be published online too?';
  const answer = nextPost(alice.page);
  await writeIn(form, 'Amara', text);
  const res = await answer;
  assert.equal(res.status(), 201);
  assert.equal((await res.request().allHeaders()).origin, city.url, 'the comment was sent from the city origin');
  const id: string = (await res.json()).comment.id;
  await appears(article(a, id), 'the comment did not appear under the strict CSP', alice.errors);
  assert.equal(await bodyText(a, id), text);
  assert.equal(await heading(a), 'Comments (1 comment)');

  // Bob gets it over the live stream (connect-src 'self', through the proxy).
  const bar = b.locator('button.fresh');
  await appears(bar, 'the comment never reached Bob live under the strict CSP', bob.errors);
  await bar.click();
  await appears(article(b, id), 'the comment did not appear for Bob', bob.errors);
  assert.equal(await bodyText(b, id), text);
  assert.equal(await heading(b), 'Comments (1 comment)');

  const threads = (await adminFetch(server, `threads?site=${SITE}`)).threads as { key: string; commentCount: number }[];
  assert.equal(threads.find((x) => x.key === 'csp-test')?.commentCount, 1);

  // (Second names for the arrays: the assertions below narrow them to empty array types.)
  const recorded: PageError[] = alice.errors;
  assert.deepEqual(alice.errors, [], 'errors or CSP violations on the strict page (Alice)');
  assert.deepEqual(bob.errors, [], 'errors or CSP violations on the strict page (Bob)');

  // The violation detector works on this page: an inline style attribute is reported.
  await alice.page.evaluate(`document.body.setAttribute('style', 'outline: 1px solid red')`);
  await eventually(() => assert.ok(recorded.some((e) => e.kind === 'csp'), 'the CSP probe was not reported'), 5_000);
  for (const e of recorded) {
    if (e.kind === 'csp') assert.match(e.message, /^style-src\S* blocked inline/);
    else assert.deepEqual([e.kind, /Content Security Policy/.test(e.message)], ['console', true], e.message);
  }
});
