// The poll widget in Chromium against the real backend: every state passes axe.
import { aTimeout, expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../src/core/define-config.ts';
import '../../src/widgets/poll/define.ts';
import type { CivicPoll, CivicVoteEvent } from '../../src/widgets/poll/civic-poll.ts';
import type { PollView } from '../../src/widgets/poll/poll.types.ts';
import { adminFetch, testApi, unreachableApi } from './support.ts';

let siteId: string;
before(async () => {
  siteId = ((await (await fetch(`${testApi()}/v1/polls/bike-lanes`)).json()) as PollView).siteId;
});

async function createPoll(fields: Record<string, unknown> = {}) {
  const body = { siteId, question: 'Which day suits the market?', type: 'single', options: ['Saturday', 'Sunday', 'Friday'], ...fields };
  return adminFetch<{ id: string }>('/v1/admin/polls', { method: 'POST', body: JSON.stringify(body) });
}

const $ = (el: CivicPoll, sel: string) => el.shadowRoot!.querySelector<HTMLElement>(sel);
const $$ = (el: CivicPoll, sel: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(sel)];
const focused = (el: CivicPoll) => el.shadowRoot!.activeElement as HTMLElement | null;
const text = (el: CivicPoll) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ');

/** Mounts a poll and waits until it left the skeleton (content or error). */
async function mount(poll: string, attrs: { api?: string; lang?: string; theme?: string } = {}) {
  const el = await fixture<CivicPoll>(
    html`<civic-poll api=${attrs.api ?? testApi()} poll=${poll} lang=${attrs.lang ?? 'en'} theme=${attrs.theme ?? 'light'}></civic-poll>`,
  );
  await waitUntil(() => !$(el, '.skeleton'), 'poll never left its loading state', { timeout: 4000 });
  await el.updateComplete;
  return el;
}

async function vote(el: CivicPoll, labels: string[]) {
  for (const label of labels) {
    const input = $$(el, 'label.opt').find((l) => l.textContent!.includes(label))!.querySelector('input')!;
    input.click();
  }
  await el.updateComplete;
  const counted = oneEvent(el, 'civic-vote') as Promise<CivicVoteEvent>;
  $(el, '[part=submit]')!.click();
  return counted;
}

beforeEach(() => localStorage.clear());

describe('civic-poll', () => {
  it('reserves space with an accessible skeleton while loading', async () => {
    const el = document.createElement('civic-poll');
    el.api = testApi();
    el.poll = 'bike-lanes';
    document.body.append(el);
    await el.updateComplete;
    const skeleton = $(el, '.skeleton')!;
    expect(skeleton).to.exist;
    expect(skeleton.getAttribute('role')).to.equal('status');
    // Exactly the height the loader reserves before the element is defined (20rem): nothing shifts.
    expect(el.getBoundingClientRect().height).to.equal(20 * parseFloat(getComputedStyle(document.documentElement).fontSize));
    await expect(el).to.be.accessible();
    el.remove();
  });

  it('shows an open single-choice poll as a labelled radio group', async () => {
    const { id } = await createPoll({ closesAt: new Date(Date.now() + 3 * 864e5).toISOString() });
    const el = await mount(id);
    expect($(el, '[part=question]')!.textContent).to.equal('Which day suits the market?');
    expect($$(el, 'input[type=radio]')).to.have.length(3);
    expect($(el, 'fieldset')!.getAttribute('aria-labelledby')).to.equal('q');
    expect(text(el)).to.match(/Closes in [23] days/);
    await expect(el).to.be.accessible();
  });

  it('votes, fires civic-vote, shows counted results and remembers the vote after a reload', async () => {
    const { id } = await createPoll();
    const el = await mount(id);
    const event = await vote(el, ['Sunday']);
    expect(event.poll).to.equal(id);
    await waitUntil(() => focused(el)?.classList.contains('thanks'), 'focus did not move to the thank-you message');
    const rows = $$(el, '[part=result]');
    expect(rows.map((r) => r.textContent!.replace(/\s+/g, ' ').trim())).to.deep.equal([
      'Saturday 0% · 0 votes',
      'Sunday (your choice) 100% · 1 vote',
      'Friday 0% · 0 votes',
    ]);
    expect($(el, '.bars rect:nth-of-type(1)')).to.exist;
    expect($$(el, '.bars rect').map((r) => r.getAttribute('width'))).to.deep.equal(['0%', '100%', '0%']);
    expect(text(el)).to.contain('Leading: Sunday with 100%.');
    await expect(el).to.be.accessible();

    el.remove();
    const again = await mount(id);
    expect($(again, 'form')).to.equal(null);
    expect(text(again)).to.contain('Thank you, your vote was counted.');
    expect(text(again)).to.contain('1 person voted');
  });

  it('lets a resident change their vote when the poll allows it, counted once', async () => {
    const { id } = await createPoll({ allowChange: true });
    const el = await mount(id);
    await vote(el, ['Saturday']);
    await waitUntil(() => focused(el)?.classList.contains('thanks'));
    $(el, '[part=change]')!.click();
    await el.updateComplete;
    expect($(el, '[part=submit]')!.textContent!.trim()).to.equal('Update my vote');
    await vote(el, ['Friday']);
    await waitUntil(() => focused(el)?.classList.contains('thanks'));
    const results = (await (await fetch(`${testApi()}/v1/polls/${id}`)).json()) as PollView;
    expect(results.results!.voters).to.equal(1);
    expect(results.results!.options.find((o) => o.votes === 1)!.id).to.equal(results.options[2].id);
  });

  it('limits a multiple-choice poll to its maximum and explains it', async () => {
    const { id } = await createPoll({ type: 'multiple', maxChoices: 2 });
    const el = await mount(id);
    expect(text(el)).to.contain('Choose up to 2 options.');
    const boxes = $$(el, 'input[type=checkbox]') as HTMLInputElement[];
    boxes[0].click();
    boxes[2].click();
    await el.updateComplete;
    expect(boxes[1].disabled).to.equal(true);
    await expect(el).to.be.accessible();
    const counted = oneEvent(el, 'civic-vote') as Promise<CivicVoteEvent>;
    $(el, '[part=submit]')!.click();
    expect((await counted).choices).to.have.length(2);
  });

  it('ranks options with move buttons, announces each move and keeps focus on the moved option', async () => {
    const { id } = await createPoll({ type: 'ranked', options: ['Parks', 'Roads', 'Schools'] });
    const el = await mount(id);
    const rows = () => $$(el, '.rank li').map((li) => li.querySelector('.grow')!.textContent);
    expect(rows()).to.deep.equal(['Parks', 'Roads', 'Schools']);
    const up = $$(el, '.up')[2];
    expect(up.getAttribute('aria-label')).to.equal('Move Schools up');
    up.click();
    await el.updateComplete;
    await aTimeout(0);
    expect(rows()).to.deep.equal(['Parks', 'Schools', 'Roads']);
    expect(text(el)).to.contain('Schools: position 2');
    expect(focused(el) === $$(el, '.up')[1], 'focus stays on the moved option').to.equal(true);
    await expect(el).to.be.accessible();
    const counted = oneEvent(el, 'civic-vote') as Promise<CivicVoteEvent>;
    $(el, '[part=submit]')!.click();
    await counted;
    await waitUntil(() => $(el, '[part=result]'));
    // Borda: first place 2 points, second 1, last 0.
    expect($$(el, '[part=result]').map((r) => r.textContent!.replace(/\s+/g, ' ').trim())).to.deep.equal([
      'Parks (your choice) 67% · 2 points',
      'Roads (your choice) 0% · 0 points',
      'Schools (your choice) 33% · 1 point',
    ]);
  });

  it('hides results until the resident voted when the poll says so', async () => {
    const { id } = await createPoll({ resultsVisibility: 'after-vote' });
    const el = await mount(id);
    expect($(el, '[part=results]')).to.equal(null);
    expect(text(el)).to.contain('Results are shown after you vote.');
    await vote(el, ['Saturday']);
    await waitUntil(() => $(el, '[part=results]'), 'results did not appear after voting');
    expect(text(el)).not.to.contain('Results are shown after you vote.');
  });

  it('shows a closed poll with its results and no form', async () => {
    const { id } = await createPoll({ closesAt: new Date(Date.now() + 864e5).toISOString() });
    await adminFetch(`/v1/admin/polls/${id}/close`, { method: 'POST' });
    const el = await mount(id);
    expect($(el, 'form')).to.equal(null);
    expect(text(el)).to.contain('This poll is closed.');
    expect($(el, '[part=results]')).to.exist;
    await expect(el).to.be.accessible();
  });

  it('says when a scheduled poll opens', async () => {
    const { id } = await createPoll({ opensAt: new Date(Date.now() + 2 * 36e5 + 6e4).toISOString() });
    const el = await mount(id);
    expect($(el, 'form')).to.equal(null);
    expect(text(el)).to.contain('Opens in 2 hours');
  });

  it('turns a refused vote into a friendly message with a retry, and loses the choice nowhere', async () => {
    const { id } = await createPoll();
    const el = await mount(id);
    await adminFetch(`/v1/admin/polls/${id}/close`, { method: 'POST' });
    ($$(el, 'input')[1] as HTMLInputElement).click();
    await el.updateComplete;
    $(el, '[part=submit]')!.click();
    await waitUntil(() => $(el, '[part=error]'), 'no error shown for a closed poll');
    expect($(el, '[part=error]')!.getAttribute('role')).to.equal('alert');
    expect($(el, '[part=error] p')!.textContent).to.equal('This poll is closed.');
    expect(($$(el, 'input')[1] as HTMLInputElement).checked).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('shows a localized error with a working retry when the backend is unreachable', async function () {
    this.timeout(12_000);
    const errors: unknown[] = [];
    const onError = (e: Event) => errors.push(e);
    window.addEventListener('error', onError);
    window.addEventListener('unhandledrejection', onError);
    try {
      const el = await fixture<CivicPoll>(html`<civic-poll api=${unreachableApi()} poll="bike-lanes"></civic-poll>`);
      await waitUntil(() => $(el, '[part=error]'), 'no error state', { timeout: 8000 });
      expect($(el, '[part=error] p')!.textContent).to.contain('could not reach the server');
      // Once it has something to show, the widget is as tall as that, not the height reserved for loading.
      expect(el.getBoundingClientRect().height).to.be.below(20 * parseFloat(getComputedStyle(document.documentElement).fontSize));
      await expect(el).to.be.accessible();
      el.api = testApi();
      await el.updateComplete;
      await waitUntil(() => $(el, 'form'), 'retry against a working backend did not load the poll');
      expect(errors).to.deep.equal([]);
    } finally {
      window.removeEventListener('error', onError);
      window.removeEventListener('unhandledrejection', onError);
    }
  });

  it('says when a poll does not exist, and the retry button retries', async () => {
    const el = await mount('no-such-poll');
    expect($(el, '[part=error] p')!.textContent).to.contain('could not be found');
    const retried = oneEvent(el, 'civic-error');
    $(el, '[part=retry]')!.click();
    await retried;
    expect($(el, '[part=error]')).to.exist;
  });

  it('renders right-to-left in Arabic and passes axe', async () => {
    const el = await mount('bike-lanes', { lang: 'ar' });
    const base = $(el, '[part=base]')!;
    expect(base.getAttribute('dir')).to.equal('rtl');
    expect(base.getAttribute('lang')).to.equal('ar');
    expect($(el, '[part=submit]')!.textContent!.trim()).not.to.equal('Vote');
    await expect(el).to.be.accessible();
  });

  it('takes its language from the closest [lang] ancestor', async () => {
    const wrap = await fixture(html`<div lang="fr"><civic-poll api=${testApi()} poll="bike-lanes"></civic-poll></div>`);
    const el = wrap.querySelector('civic-poll')!;
    await waitUntil(() => $(el, '[part=submit]')?.textContent!.trim() === 'Voter', 'French never showed');
    expect($(el, '[part=base]')!.getAttribute('lang')).to.equal('fr');
  });

  it('passes axe in the dark theme', async () => {
    const el = await mount('bike-lanes', { theme: 'dark' });
    expect(getComputedStyle(el).colorScheme).to.equal('dark');
    await expect(el).to.be.accessible();
  });

  it('takes its backend from a surrounding <civic-config>', async () => {
    const wrap = await fixture(html`<civic-config api=${testApi()}><civic-poll poll="bike-lanes"></civic-poll></civic-config>`);
    const el = wrap.querySelector('civic-poll')!;
    await waitUntil(() => $(el, '[part=question]'), 'poll did not load through civic-config');
    expect(el.client.base).to.equal(testApi());
  });

  it('updates results live when someone else votes', async () => {
    const { id } = await createPoll();
    const el = await mount(id);
    const poll = (await (await fetch(`${testApi()}/v1/polls/${id}`)).json()) as PollView;
    const { token } = await (await fetch(`${testApi()}/v1/participants`, { method: 'POST' })).json();
    const res = await fetch(`${testApi()}/v1/polls/${id}/votes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Participant ${token}`, 'idempotency-key': 'live-1' },
      body: JSON.stringify({ choices: [poll.options[2].id] }),
    });
    expect(res.status).to.equal(200);
    await waitUntil(() => text(el).includes('1 person voted'), 'the live update never arrived', { timeout: 4000 });
  });
});
