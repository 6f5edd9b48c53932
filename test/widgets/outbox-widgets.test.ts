// Each widget's write while the backend cannot be reached (issue 7 §4): the vote, the answer and
// the comment wait on the device, the widget says "will be sent when the connection returns" in a
// polite live region (not an error), and when the backend answers each is counted once and the
// usual success shows — after the element was created anew (a page reload) too. Against the real
// backend; "down" is this page's fetch failing for it, as it does when the network is gone.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/widgets/poll/define.ts';
import '../../src/widgets/consultation/define.ts';
import '../../src/widgets/comments/define.ts';
import { en } from '../../src/core/i18n/en.ts';
import { ar } from '../../src/core/i18n/ar.ts';
import type { CivicPoll } from '../../src/widgets/poll/civic-poll.ts';
import type { CivicConsultation } from '../../src/widgets/consultation/civic-consultation.ts';
import type { CivicComments } from '../../src/widgets/comments/civic-comments.ts';
import type { ConsultationView } from '../../src/widgets/consultation/consultation.types.ts';
import type { PollView } from '../../src/widgets/poll/poll.types.ts';
import { ApiClient } from '../../src/core/api-client.ts';
import { flush } from '../../src/core/outbox.ts';
import { adminFetch, escapedErrors, testApi, writeComment } from './support.ts';

const QUEUED = en.queued;
const OUTBOX = () => `civic.outbox@${testApi()}/`;

const realFetch = window.fetch;
let down = false;
const posts: string[] = [];
before(() => {
  window.fetch = (input, init) => {
    const u = input instanceof Request ? input.url : String(input);
    if (u.startsWith(testApi()) && init?.method === 'POST') posts.push(new URL(u).pathname);
    return down && u.startsWith(testApi()) ? Promise.reject(new TypeError('Failed to fetch')) : realFetch(input, init);
  };
});
after(() => {
  window.fetch = realFetch;
});

const escaped = escapedErrors();
afterEach(() => {
  down = false;
  expect(escaped, 'errors that reached the page').to.deep.equal([]);
});
beforeEach(() => localStorage.clear());

const $ = (el: Element, sel: string) => el.shadowRoot!.querySelector<HTMLElement>(sel);
const $$ = (el: Element, sel: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(sel)];
const text = (el: Element) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ');
const outbox = () => JSON.parse(localStorage.getItem(OUTBOX()) ?? '[]') as { slot: string; key: string; body: unknown; participant?: string }[];
/** The widget's polite live region says the write waits. */
const saysQueued = (el: Element) => $$(el, '[role=status]').some((r) => r.textContent!.includes(QUEUED));
const backUp = () => {
  down = false;
  window.dispatchEvent(new Event('online'));
};

let siteId: string;
before(async () => {
  siteId = ((await (await realFetch(`${testApi()}/v1/polls/bike-lanes`)).json()) as PollView).siteId;
});

async function createPoll() {
  const body = { siteId, question: 'Which day suits the market?', type: 'single', options: ['Saturday', 'Sunday', 'Friday'], allowChange: true };
  return (await adminFetch<{ id: string }>('/v1/admin/polls', { method: 'POST', body: JSON.stringify(body) })).id;
}
const voters = async (id: string) => (await adminFetch<{ voters: number }>(`/v1/admin/polls/${id}/results`)).voters;

async function mountPoll(id: string, lang = 'en') {
  const el = await fixture<CivicPoll>(html`<civic-poll api=${testApi()} poll=${id} lang=${lang}></civic-poll>`);
  await waitUntil(() => !$(el, '.skeleton'), 'poll never left its loading state', { timeout: 8000 });
  return el;
}
async function choose(el: CivicPoll, label: string) {
  $$(el, 'label.opt').find((l) => l.textContent!.includes(label))!.querySelector('input')!.click();
  await el.updateComplete;
  $(el, '[part=submit]')!.click();
}

describe('outbox: civic-poll', () => {
  it('keeps a vote made while down, says so politely, and counts it once with a thank-you when back; the newest vote wins', async function () {
    this.timeout(30_000);
    const id = await createPoll();
    const el = await mountPoll(id);
    let counted = 0;
    el.addEventListener('civic-vote', () => counted++);
    down = true;
    await choose(el, 'Saturday');
    await waitUntil(() => saysQueued(el), 'the vote was not shown as waiting', { timeout: 8000 });
    expect($(el, '[part=queued]')!.textContent).to.equal(QUEUED);
    expect($(el, '[part=error]'), 'an error instead of the waiting state').to.equal(null);
    expect(outbox().map((q) => q.slot)).to.deep.equal([`poll:${id}`]);
    await expect(el).to.be.accessible();
    // Changed while waiting: replaces the waiting vote, nothing tried meanwhile.
    const tried = posts.length;
    await choose(el, 'Friday');
    const friday = ((await (await realFetch(`${testApi()}/v1/polls/${id}`)).json()) as PollView).options.find((o) => o.label === 'Friday')!.id;
    await waitUntil(() => outbox().length === 1 && JSON.stringify((outbox()[0].body as { choices: string[] }).choices) === JSON.stringify([friday]), `the second vote did not replace the first: ${JSON.stringify(outbox())} ${friday} ${text(el)}`, { timeout: 8000 });
    expect(counted).to.equal(0);
    backUp();
    await waitUntil(() => $(el, '.thanks'), 'no thank-you once the server was back', { timeout: 8000 });
    expect(saysQueued(el)).to.equal(false);
    expect(outbox()).to.deep.equal([]);
    expect(counted).to.equal(1);
    expect(await voters(id)).to.equal(1);
    const poll = (await (await realFetch(`${testApi()}/v1/polls/${id}`, { headers: { authorization: `Participant ${localStorage.getItem(`civic.participant@${testApi()}/`)}` } })).json()) as PollView;
    expect(poll.myVote!.choices).to.deep.equal([friday]);
    expect(posts.slice(tried).filter((p) => p.endsWith('/votes')).length, 'vote POSTs after the change').to.be.at.most(2);
  });

  it('after a reload while still down: the error with retry and the waiting vote; sent and thanked once the server answers', async function () {
    this.timeout(30_000);
    const id = await createPoll();
    const first = await mountPoll(id);
    down = true;
    await choose(first, 'Sunday');
    await waitUntil(() => saysQueued(first), 'the vote was not shown as waiting', { timeout: 8000 });
    first.remove();
    const el = await fixture<CivicPoll>(html`<civic-poll api=${testApi()} poll=${id} lang="en"></civic-poll>`);
    await waitUntil(() => $(el, '[part=error]') && saysQueued(el), 'the reloaded poll did not say its vote waits', { timeout: 8000 });
    expect($(el, '[part=error] p')!.textContent).to.contain('could not reach the server');
    await expect(el).to.be.accessible();
    backUp();
    await waitUntil(() => $(el, '.thanks'), 'the reloaded poll never showed the counted vote', { timeout: 12_000 });
    expect(await voters(id)).to.equal(1);
    expect(outbox()).to.deep.equal([]);
  });

  it('sends a vote after an older one another tab keeps waiting, so the older never overwrites it', async function () {
    this.timeout(30_000);
    const id = await createPoll();
    const el = await mountPoll(id); // loaded before the other tab queued: it has not heard of that vote
    const options = ((await (await realFetch(`${testApi()}/v1/polls/${id}`)).json()) as PollView).options;
    const [saturday, friday] = ['Saturday', 'Friday'].map((l) => options.find((o) => o.label === l)!.id);
    // The other tab's vote, kept while it was offline (same device, so the same participant).
    const older = { slot: `poll:${id}`, path: `v1/polls/${id}/votes`, body: { choices: [saturday] }, key: crypto.randomUUID(), at: Date.now() };
    localStorage.setItem(OUTBOX(), JSON.stringify([older]));
    await choose(el, 'Friday');
    await waitUntil(() => $(el, '.thanks'), 'no thank-you for the newer vote', { timeout: 8000 });
    // Whatever is still waiting is sent now, as the other tab would once back online.
    await flush(new ApiClient(testApi()));
    await waitUntil(() => outbox().length === 0, 'the queue did not empty', { timeout: 8000 });
    const poll = (await (await realFetch(`${testApi()}/v1/polls/${id}`, { headers: { authorization: `Participant ${localStorage.getItem(`civic.participant@${testApi()}/`)}` } })).json()) as PollView;
    expect(poll.myVote!.choices, 'the older vote overwrote the newer').to.deep.equal([friday]);
    expect(await voters(id)).to.equal(1);
  });

  it('says so in the page’s language (Arabic, right to left)', async function () {
    this.timeout(20_000);
    const el = await mountPoll(await createPoll(), 'ar');
    down = true;
    await choose(el, 'Sunday');
    await waitUntil(() => $(el, '[part=queued]'), 'the vote was not shown as waiting', { timeout: 8000 });
    expect($(el, '[part=queued]')!.textContent).to.equal(ar.queued);
    expect($(el, '[part=base]')!.getAttribute('dir')).to.equal('rtl');
    await expect(el).to.be.accessible();
  });

  it('shows the usual error when the device cannot keep the vote', async function () {
    this.timeout(20_000);
    const el = await mountPoll(await createPoll());
    const { setItem } = Storage.prototype;
    Storage.prototype.setItem = () => {
      throw new DOMException('quota', 'QuotaExceededError');
    };
    try {
      down = true;
      await choose(el, 'Saturday');
      await waitUntil(() => $(el, '[part=error]'), 'no error when the vote could not be kept', { timeout: 8000 });
      expect($(el, '[part=error] p')!.textContent).to.contain('could not reach the server');
      expect(saysQueued(el)).to.equal(false);
    } finally {
      Storage.prototype.setItem = setItem;
    }
  });
});

describe('outbox: civic-consultation', () => {
  let site: string;
  before(async () => {
    site = (await adminFetch<{ id: string }>('/v1/admin/sites', { method: 'POST', body: JSON.stringify({ name: 'Outbox consultations', origins: [location.origin] }) })).id;
  });
  const create = () =>
    adminFetch<ConsultationView>('/v1/admin/consultations', {
      method: 'POST',
      body: JSON.stringify({ siteId: site, type: 'yes-no', question: 'Should the market move to the square?', resultsVisibility: 'always' }),
    });
  const respondents = async (id: string) => (await adminFetch<{ respondents: number }>(`/v1/admin/consultations/${id}/results`)).respondents;
  const mount = async (id: string) => {
    const el = await fixture<CivicConsultation>(html`<civic-consultation api=${testApi()} consultation=${id} lang="en"></civic-consultation>`);
    await waitUntil(() => $(el, '[part=base]') && !$(el, '.skeleton'), 'the card never left its loading state', { timeout: 8000 });
    return el;
  };
  const tap = (el: CivicConsultation, label: string) =>
    $$(el, '[part=option]').find((l) => l.textContent!.includes(label))!.querySelector('input')!.click();

  it('sends an answer after an older one another tab keeps waiting, so the older never overwrites it', async function () {
    this.timeout(30_000);
    const { id } = await create();
    const el = await mount(id); // loaded before the other tab queued its answer
    const older = { slot: `consultation:${id}`, path: `v1/consultations/${id}/responses`, body: { answer: 'no', page: location.href, section: null, locale: 'en' }, key: crypto.randomUUID(), at: Date.now() };
    localStorage.setItem(OUTBOX(), JSON.stringify([older]));
    tap(el, 'Yes');
    await waitUntil(() => $(el, '.thanks'), 'no thank-you for the newer answer', { timeout: 8000 });
    await flush(new ApiClient(testApi())); // as the other tab would once back online
    await waitUntil(() => outbox().length === 0, 'the queue did not empty', { timeout: 8000 });
    const token = localStorage.getItem(`civic.participant@${testApi()}/`);
    const card = (await (await realFetch(`${testApi()}/v1/consultations/${id}`, { headers: { authorization: `Participant ${token}` } })).json()) as ConsultationView;
    expect(card.myResponse?.answer, 'the older answer overwrote the newer').to.equal('yes');
    expect(await respondents(id)).to.equal(1);
  });

  it('keeps an answer given while down with the answer still chosen, and stores it once when back (after a reload too)', async function () {
    this.timeout(40_000);
    const { id } = await create();
    const el = await mount(id);
    down = true;
    tap(el, 'Yes');
    await waitUntil(() => saysQueued(el), 'the answer was not shown as waiting', { timeout: 8000 });
    expect($(el, '[part=error]')).to.equal(null);
    expect(($$(el, 'input[type=radio]').find((i) => (i as HTMLInputElement).checked) as HTMLInputElement).value).to.equal('yes');
    await expect(el).to.be.accessible();
    // A reload while still down: the card cannot load, and says the answer waits.
    el.remove();
    const again = await mount(id);
    await waitUntil(() => $(again, '[part=error]') && saysQueued(again), 'the reloaded card did not say its answer waits', { timeout: 8000 });
    backUp();
    await waitUntil(() => $(again, '.thanks'), 'no thank-you once the server was back', { timeout: 12_000 });
    expect(text(again)).to.contain('Your answer: Yes');
    expect(outbox()).to.deep.equal([]);
    expect(await respondents(id)).to.equal(1);
  });
});

describe('outbox: civic-comments', () => {
  let site: string;
  before(async () => {
    site = (
      await adminFetch<{ id: string }>('/v1/admin/sites', {
        method: 'POST',
        body: JSON.stringify({ name: 'Outbox comments', origins: [location.origin], comments: { rateLimitSeconds: 0, bannedWords: ['scam'] } }),
      })
    ).id;
  });
  const mount = async (thread: string) => {
    const el = await fixture<CivicComments>(html`<civic-comments api=${testApi()} site=${site} thread=${thread} lang="en"></civic-comments>`);
    await waitUntil(() => !$(el, '.skeleton'), 'the thread never left its loading state', { timeout: 8000 });
    return el;
  };
  const published = async (thread: string) =>
    ((await (await realFetch(`${testApi()}/v1/comments?${new URLSearchParams({ thread, site })}`)).json()) as { comments: { body: string }[] }).comments.map((c) => c.body);

  it('shows a comment written while down as waiting in the thread, and publishes it once when back (after a reload too)', async function () {
    this.timeout(40_000);
    const thread = `outbox-${Math.random().toString(36).slice(2)}`;
    const el = await mount(thread);
    down = true;
    await writeComment(el, 'Benches by the river, please.');
    await waitUntil(() => $(el, '[part=queued]'), 'the comment was not shown as waiting', { timeout: 8000 });
    const draft = $(el, 'article[data-id^=draft-]')!;
    expect(draft.textContent).to.contain('Benches by the river, please.');
    expect(draft.querySelector('[part=queued]')!.textContent).to.equal(QUEUED);
    expect(saysQueued(el), 'the live region').to.equal(true);
    expect($(el, '[role=alert]')).to.equal(null);
    expect(($(el, 'civic-comment-form textarea') as HTMLTextAreaElement).value, 'the form is free for another comment').to.equal('');
    await expect(el).to.be.accessible();
    // Reloaded while still down, then again once the server is back.
    el.remove();
    const down1 = await mount(thread);
    await waitUntil(() => $(down1, '[part=error]') && $(down1, '[part=queued]'), 'the reloaded thread did not say a comment waits', { timeout: 8000 });
    down1.remove();
    const again = await mount(thread);
    backUp();
    await waitUntil(() => $(again, 'article[data-id]:not([data-id^=draft-])'), 'the comment never appeared as published', { timeout: 12_000 });
    await waitUntil(() => !$(again, '[part=queued]'), 'the waiting note stayed');
    expect(outbox()).to.deep.equal([]);
    expect(await published(thread)).to.deep.equal(['Benches by the river, please.']);
  });

  it('drops the draft and shows the real error when the host’s login also fails as the comment is kept', async function () {
    this.timeout(20_000);
    const thread = `outbox-${Math.random().toString(36).slice(2)}`;
    const el = await mount(thread);
    // Not signed in when the comment is sent; the host's login service fails when asked again.
    let asked = 0;
    el.getIdentityToken = () => (asked++ ? Promise.reject(new Error('the host’s login service is down')) : Promise.resolve(undefined));
    down = true;
    await writeComment(el, 'Lights on the footbridge.');
    const form = $(el, 'civic-comment-form')!;
    await waitUntil(() => form.querySelector('[role=alert]'), 'no error under the form', { timeout: 8000 });
    expect(form.querySelector('[role=alert]')!.textContent).to.equal(en.errors.network);
    expect($(el, 'article[data-id^=draft-]'), 'the draft stayed').to.equal(null);
    expect(outbox()).to.deep.equal([]);
    expect(asked, 'the login was asked for again').to.equal(2);
  });

  it('keeps the text of a waiting comment the server refuses once back, with the reason under it', async function () {
    this.timeout(30_000);
    const thread = `outbox-${Math.random().toString(36).slice(2)}`;
    const el = await mount(thread);
    down = true;
    await writeComment(el, 'Cheap scam offers here');
    await waitUntil(() => $(el, '[part=queued]'), 'the comment was not shown as waiting', { timeout: 8000 });
    backUp();
    await waitUntil(() => $(el, 'article[data-id^=draft-] .error'), 'the refusal was not shown under the draft', { timeout: 12_000 });
    expect($(el, 'article[data-id^=draft-]')!.textContent).to.contain('Cheap scam offers here');
    expect($(el, 'article[data-id^=draft-] .error')!.textContent).to.equal(en.errors.bannedWord);
    expect($(el, '[part=queued]')).to.equal(null);
    expect(outbox()).to.deep.equal([]);
    expect(await published(thread)).to.deep.equal([]);
  });
});
