// The comment thread in Chromium against the real backend: every state passes axe.
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../src/widgets/comments/define.ts';
import '../../src/widgets/comments/define-count.ts';
import type { CivicComments, CivicCommentEvent } from '../../src/widgets/comments/civic-comments.ts';
import type { CivicCommentCount } from '../../src/widgets/comments/civic-comment-count.ts';
import { XSS_PAYLOADS } from '../fixtures/xss-payloads.ts';
import { commentsStrings } from '../../src/widgets/comments/i18n/index.ts';
import { countStrings } from '../../src/widgets/comments/i18n/count.ts';
import { adminFetch, testApi, unreachableApi, writeComment as write } from './support.ts';

let site: string;
before(async () => {
  site = (
    await adminFetch<{ id: string }>('/v1/admin/sites', {
      method: 'POST',
      body: JSON.stringify({
        name: 'Comments test site',
        origins: [location.origin],
        comments: { rateLimitSeconds: 0, bannedWords: ['scam'], suspectWords: ['dubious'] },
      }),
    })
  ).id;
});

beforeEach(() => localStorage.clear());

const key = () => `test-thread-${Math.random().toString(36).slice(2)}`;
const $ = (el: Element, sel: string) => el.shadowRoot!.querySelector<HTMLElement>(sel);
const $$ = (el: Element, sel: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(sel)];
const text = (el: Element) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ');
const focused = (el: Element) => el.shadowRoot!.activeElement as HTMLElement | null;

async function mount(thread: string, attrs: { api?: string; lang?: string } = {}) {
  const el = await fixture<CivicComments>(
    html`<civic-comments api=${attrs.api ?? testApi()} site=${site} thread=${thread} lang=${attrs.lang ?? 'en'}></civic-comments>`,
  );
  await waitUntil(() => !$(el, '.skeleton'), 'the thread never left its loading state', { timeout: 4000 });
  return el;
}


/** Another resident, through the API. */
async function postAs(thread: string, body: string, parentId?: string) {
  const headers = { 'content-type': 'application/json' };
  const { token } = await (await fetch(`${testApi()}/v1/participants`, { method: 'POST', headers, body: '{}' })).json();
  const res = await fetch(`${testApi()}/v1/comments`, {
    method: 'POST',
    headers: { ...headers, authorization: `Participant ${token}`, 'idempotency-key': crypto.randomUUID() },
    body: JSON.stringify({ thread, site, name: 'Bruno', body, ...(parentId ? { parentId } : {}) }),
  });
  expect(res.status, await res.clone().text()).to.equal(201);
  return (await res.json()).comment as { id: string };
}

describe('civic-comments', () => {
  it('shows an empty thread with an invitation and a labelled form', async () => {
    const el = await mount(key());
    expect(text(el)).to.contain('No comments yet');
    expect($(el, '[role=heading]')!.textContent).to.match(/Comments\s+\(0 comments\)/);
    expect(el.shadowRoot!.querySelector('label[for$=b]')!.textContent).to.equal('Your comment');
    await expect(el).to.be.accessible();
  });

  it('posts a comment that appears at once, fires civic-comment, and counts', async () => {
    const el = await mount(key());
    const posted = oneEvent(el, 'civic-comment') as Promise<CivicCommentEvent>;
    await write(el, 'Protected lanes would let my kids ride to school.\n\nPlease *do* it.');
    const { comment } = await posted;
    expect(comment.status).to.equal('published');
    await waitUntil(() => $(el, 'article'));
    const article = $(el, 'article')!;
    expect(article.getAttribute('aria-label')).to.match(/^Amara, /);
    expect(article.querySelectorAll('.body p')).to.have.length(2);
    expect(article.querySelector('.body em')!.textContent).to.equal('do');
    expect($(el, '[role=heading]')!.textContent).to.contain('1 comment');
    expect(($(el, 'civic-comment-form textarea') as HTMLTextAreaElement).value).to.equal('');
    await expect(el).to.be.accessible();
  });

  it('opens a reply form with focus inside, returns focus on cancel, and nests the reply', async () => {
    const thread = key();
    await postAs(thread, 'Will the lanes be cleared of snow?');
    const el = await mount(thread);
    const reply = $$(el, 'article .acts button').find((b) => b.textContent!.trim() === 'Reply')!;
    reply.click();
    await waitUntil(() => focused(el)?.tagName === 'TEXTAREA', 'focus did not move into the reply form');
    await expect(el).to.be.accessible();
    $$(el, 'article civic-comment-form button').find((b) => b.textContent!.trim() === 'Cancel')!.click();
    await waitUntil(() => focused(el) === reply, 'focus did not return to the Reply button');
    reply.click();
    await waitUntil(() => $(el, 'article civic-comment-form'));
    const posted = oneEvent(el, 'civic-comment');
    await write(el, 'Yes, the winter service covers them.', $(el, 'article civic-comment-form')!);
    await posted;
    await waitUntil(() => $(el, 'article .replies article'), 'the reply is not nested');
    expect($(el, 'article .replies article')!.textContent).to.contain('winter service');
  });

  it('holds a comment with a word on the review list and tells its author', async () => {
    const el = await mount(key());
    const posted = oneEvent(el, 'civic-comment') as Promise<CivicCommentEvent>;
    await write(el, 'This plan sounds dubious to me.');
    const { comment } = await posted;
    expect([comment.status, comment.held]).to.deep.equal(['pending', 'suspect']);
    await waitUntil(() => text(el).includes('will appear after review'));
    // The reason in the reader's language, not the server's sentence.
    expect(text(el)).to.contain('It contains a word on this site’s review list.');
    expect(text(el)).not.to.contain('held for review');
    await expect(el).to.be.accessible();
  });

  it('shows a comment before the server answers, and rolls a refused one back with the reason', async () => {
    const el = await mount(key());
    await write(el, 'What a scam this is');
    await waitUntil(() => $(el, 'article'), 'the comment did not appear at once', { interval: 1 });
    expect($(el, 'article .body')!.textContent).to.equal('What a scam this is');
    await waitUntil(() => $(el, 'civic-comment-form .error'), 'no refusal shown');
    expect($(el, 'article')).to.equal(null);
  });

  it('keeps the text of a refused reply in its open form', async () => {
    const thread = key();
    await postAs(thread, 'Where will the bins go?');
    const el = await mount(thread);
    $$(el, 'article .acts button').find((b) => b.textContent!.trim() === 'Reply')!.click();
    await waitUntil(() => $(el, 'article civic-comment-form'));
    await write(el, 'Ask the scam department', $(el, 'article civic-comment-form')!);
    await waitUntil(() => $(el, 'article civic-comment-form .error'), 'no refusal shown in the reply form');
    expect(($(el, 'article civic-comment-form textarea') as HTMLTextAreaElement).value).to.equal('Ask the scam department');
  });

  it('refuses a banned word with the reason and keeps what was typed', async () => {
    const el = await mount(key());
    await write(el, 'What a scam this is');
    await waitUntil(() => $(el, 'civic-comment-form .error'), 'no refusal shown');
    expect($(el, 'civic-comment-form .error')!.textContent).to.contain('contains a word this site does not allow');
    expect(($(el, 'civic-comment-form textarea') as HTMLTextAreaElement).value).to.equal('What a scam this is');
    expect($(el, 'article')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('votes with pressed buttons, one vote per resident', async () => {
    const thread = key();
    await postAs(thread, 'More benches along the river, please.');
    const el = await mount(thread);
    const helpful = $$(el, 'article .acts button')[0];
    expect(helpful.getAttribute('aria-pressed')).to.equal('false');
    helpful.click();
    await waitUntil(() => $$(el, 'article .acts button')[0].getAttribute('aria-pressed') === 'true', 'the vote was not recorded');
    expect($$(el, 'article .acts button')[0].querySelector('.n')!.textContent).to.equal('1');
  });

  it('reports a comment; illegal content needs an explanation (DSA)', async () => {
    const thread = key();
    await postAs(thread, 'Buy cheap watches at my shop');
    const el = await mount(thread);
    $$(el, 'article .acts button').find((b) => b.textContent!.trim() === 'Report')!.click();
    await waitUntil(() => $(el, '.report'));
    await expect(el).to.be.accessible();
    ($(el, '.report input[value=illegal]') as HTMLInputElement).click();
    $(el, '.report button.primary')!.click();
    const details = $(el, '.report textarea') as HTMLTextAreaElement;
    expect(details.validationMessage).to.equal('Explain why it is illegal (required)');
    details.value = 'Counterfeit goods';
    details.dispatchEvent(new InputEvent('input'));
    $(el, '.report button.primary')!.click();
    await waitUntil(() => text(el).includes('Moderators will review it'), 'the report was not confirmed');
  });

  it('lets an author edit and delete their comment within the window', async () => {
    const el = await mount(key());
    const posted = oneEvent(el, 'civic-comment');
    await write(el, 'First thought');
    await posted;
    const button = (label: string) => $$(el, 'article .acts button').find((b) => b.textContent!.trim() === label);
    // The draft shown at once has no Edit button; the server's version (with its edit window) does.
    await waitUntil(() => button('Edit'), 'no Edit button on my comment');
    button('Edit')!.click();
    await waitUntil(() => $(el, 'article civic-comment-form'));
    await write(el, 'Second thought', $(el, 'article civic-comment-form')!);
    await waitUntil(() => text(el).includes('Second thought') && text(el).includes('edited'), 'the edit did not show');
    $$(el, 'article .acts button').find((b) => b.textContent!.trim() === 'Delete')!.click();
    await waitUntil(() => $(el, '.confirm'));
    $(el, '.confirm button.primary')!.click();
    await waitUntil(() => !$(el, 'article'), 'the deleted comment stayed');
  });

  it('holds new comments behind a "new comments" bar that moves nothing until asked', async function () {
    this.timeout(8000);
    const thread = key();
    await postAs(thread, 'First!');
    const el = await mount(thread);
    await new Promise((r) => setTimeout(r, 300)); // the live stream is connected
    await postAs(thread, 'A newer comment arrives live');
    await waitUntil(() => $(el, 'button.fresh'), 'no "new comments" bar', { timeout: 5000 });
    expect($(el, 'button.fresh')!.textContent).to.equal('1 new comment — show');
    expect($$(el, 'article')).to.have.length(1);
    expect($(el, '[role=status].sr')!.textContent).to.contain('1 new comment');
    $(el, 'button.fresh')!.click();
    await waitUntil(() => $$(el, 'article').length === 2);
    expect($$(el, 'article')[0].textContent).to.contain('A newer comment arrives live');
  });

  it(`shows ${XSS_PAYLOADS.length} hostile comments as text, running none`, async function () {
    this.timeout(20_000);
    const thread = key();
    for (const p of XSS_PAYLOADS) await postAs(thread, p);
    const w = window as unknown as { __xss?: number };
    delete w.__xss;
    const el = await mount(thread);
    await waitUntil(() => $$(el, 'article').length === 30, 'the first page did not show 30 comments');
    const bodies = $$(el, 'article .body');
    for (const b of bodies) expect([...b.querySelectorAll('*')].every((n) => ['P', 'BR', 'A', 'EM', 'STRONG'].includes(n.tagName))).to.equal(true);
    expect(bodies.map((b) => b.textContent).join(' ')).to.contain('<img src=x onerror=');
    await new Promise((r) => setTimeout(r, 200));
    expect(w.__xss).to.equal(undefined);
  });

  it('renders right-to-left in Arabic and passes axe', async () => {
    const thread = key();
    await postAs(thread, 'مرحبا بالجميع');
    const el = await mount(thread, { lang: 'ar' });
    await waitUntil(() => $(el, 'article'));
    expect($(el, '[part=base]')!.getAttribute('dir')).to.equal('rtl');
    await expect(el).to.be.accessible();
  });

  it('says comments are closed and offers no form in a closed thread', async () => {
    const thread = key();
    await postAs(thread, 'Before closing');
    await adminFetch('/v1/admin/threads', { method: 'PATCH', body: JSON.stringify({ site, key: thread, status: 'closed' }) });
    const el = await mount(thread);
    expect(text(el)).to.contain('Comments are closed');
    expect($(el, 'civic-comment-form')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('shows a localized error with a retry when the backend is unreachable', async function () {
    this.timeout(10_000);
    const el = await fixture<CivicComments>(html`<civic-comments api=${unreachableApi()} site=${site} thread="x"></civic-comments>`);
    await waitUntil(() => $(el, '[part=error]'), 'no error state', { timeout: 8000 });
    expect($(el, '[part=retry]')).to.exist;
    await expect(el).to.be.accessible();
  });
});

describe('civic-comment-count', () => {
  it("has the thread's English count in its own pack", () => {
    expect(countStrings.en.count).to.deep.equal(commentsStrings.en.count);
  });

  it('shows the counts of several threads from one request', async () => {
    const [a, b] = [key(), key()];
    await postAs(a, 'one');
    await postAs(a, 'two');
    const asked: string[] = [];
    const observer = new PerformanceObserver((l) => l.getEntries().forEach((e) => e.name.includes('/v1/comments/count') && asked.push(e.name)));
    observer.observe({ type: 'resource', buffered: false });
    const box = await fixture(html`<p>
      <civic-comment-count api=${testApi()} site=${site} thread=${a}></civic-comment-count>
      <civic-comment-count api=${testApi()} site=${site} thread=${b}></civic-comment-count>
    </p>`);
    const [ca, cb] = [...box.querySelectorAll<CivicCommentCount>('civic-comment-count')];
    await waitUntil(() => ca.shadowRoot!.textContent!.includes('2 comments') && cb.shadowRoot!.textContent!.includes('0 comments'));
    await new Promise((r) => setTimeout(r, 100));
    observer.disconnect();
    expect(asked).to.have.length(1);
  });

  it('follows the thread on the same page when a comment is posted', async () => {
    const thread = key();
    const box = await fixture(html`<div>
      <civic-comment-count api=${testApi()} site=${site} thread=${thread}></civic-comment-count>
      <civic-comments api=${testApi()} site=${site} thread=${thread}></civic-comments>
    </div>`);
    const count = box.querySelector('civic-comment-count')!;
    const el = box.querySelector('civic-comments')!;
    await waitUntil(() => count.shadowRoot!.textContent!.includes('0 comments') && $(el, 'civic-comment-form'));
    const posted = oneEvent(el, 'civic-comment');
    await write(el, 'Counting on it');
    await posted;
    await waitUntil(() => count.shadowRoot!.textContent!.includes('1 comment'), 'the count did not follow the thread');
  });

  it('shows its own text until the count arrives, and when it cannot', async () => {
    const box = await fixture(html`<a href="#c"><civic-comment-count api=${unreachableApi()} thread="x">Comments</civic-comment-count></a>`);
    const count = box.querySelector('civic-comment-count')!;
    await oneEvent(count, 'civic-error');
    await count.updateComplete;
    const slot = count.shadowRoot!.querySelector('slot')!;
    expect(slot.assignedNodes().map((n) => n.textContent).join('')).to.equal('Comments');
    await expect(box).to.be.accessible();
  });
});
