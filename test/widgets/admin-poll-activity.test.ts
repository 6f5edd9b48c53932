// The poll results screen's participation, from GET /v1/admin/polls/:id/activity against the real
// backend: votes per day (chart and table), votes by page, the server's JSON export; axe on each state.
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../src/core/define-config.ts';
import '../../src/widgets/poll/define.ts';
import type { CivicPoll } from '../../src/widgets/poll/civic-poll.ts';
import { adminFetch, testApi } from './support.ts';
import { createPoll, deep, deepWait, openConsole, textOf, view, vote } from './admin-support.ts';

afterEach(() => history.replaceState(null, '', location.pathname + location.search));

const newPoll = () => createPoll({}, ['North', 'South']);

/** Each body row as its cells' text, space-separated. */
const rowsOf = (root: ShadowRoot, sel: string) =>
  [...root.querySelectorAll<HTMLTableRowElement>(`${sel} tbody tr`)].map((r) => [...r.cells].map((c) => textOf(c).trim()).join(' '));
const today = () => new Date().toISOString().slice(0, 10);

describe('poll results: participation', function () {
  this.timeout(20_000); // many real round trips on a shared machine

  it('shows votes by page (latest page of each voter, none recorded last) and per day, and follows a new vote', async () => {
    const poll = await newPoll();
    const [north, south] = poll.options.map((o) => o.id);
    await vote(poll.id, north, 'https://city.example/news/bridges?utm=x#top');
    await vote(poll.id, south, 'https://city.example/news/bridges');
    await vote(poll.id, north, 'https://city.example/mobility');
    await vote(poll.id, south);
    const app = await openConsole(`#/polls/${poll.id}/results`);
    const v = view(app);
    await deepWait(v, 'table.by-page', 'the by-page table');
    expect(rowsOf(v.shadowRoot, 'table.by-page')).to.deep.equal([
      'https://city.example/news/bridges 2',
      'Page not recorded 1',
      'https://city.example/mobility 1',
    ]);
    expect(rowsOf(v.shadowRoot, 'table.daily')).to.deep.equal([`${today()} 4`]);
    const heads = [...v.shadowRoot.querySelectorAll('table.daily thead th, table.by-page thead th')].map((th) => th.textContent!.trim());
    expect(heads).to.deep.equal(['Day (UTC)', 'Votes', 'Page', 'Votes']);
    const chart = deep(v, 'civic-admin-chart')!;
    expect(chart.shadowRoot!.querySelector('svg')!.getAttribute('aria-label')).to.equal('Chart of votes per day; the same numbers are in the table below.');
    expect(chart.shadowRoot!.querySelectorAll('circle').length).to.equal(1);

    await vote(poll.id, north, 'https://city.example/mobility');
    await waitUntil(() => rowsOf(v.shadowRoot, 'table.daily')[0] === `${today()} 5`, 'the new vote did not reach the daily table', { timeout: 6000 });
    expect(rowsOf(v.shadowRoot, 'table.by-page')).to.deep.equal([
      'https://city.example/mobility 2',
      'https://city.example/news/bridges 2',
      'Page not recorded 1',
    ]);
    expect(deep(v, '.voters')!.textContent).to.equal('5 voters');
    await expect(app).to.be.accessible();
  });

  it('links the server’s JSON export: the votes with their pages', async () => {
    const poll = await newPoll();
    await vote(poll.id, poll.options[0].id, 'https://city.example/news/bridges');
    const app = await openConsole(`#/polls/${poll.id}/results`);
    const link = await deepWait<HTMLAnchorElement>(view(app), 'a.export-json', 'the JSON export link');
    expect(new URL(link.href).pathname).to.equal(`/__civic_admin/v1/admin/polls/${poll.id}/export.json`);
    expect(link.getAttribute('download')).to.equal(`poll-${poll.id}.json`);
    const body = await (await fetch(link.href)).json();
    expect(body.poll.id).to.equal(poll.id);
    expect(body.votes.map((x: { page: string; choices: string[] }) => [x.page, x.choices])).to.deep.equal([['https://city.example/news/bridges', ['North']]]);
  });

  it('says there are no votes yet instead of empty tables', async () => {
    const poll = await newPoll();
    const app = await openConsole(`#/polls/${poll.id}/results`);
    const v = view(app);
    await deepWait(v, '#by-page', 'the by-page heading');
    expect(v.shadowRoot.querySelector('table.daily')).to.equal(null);
    expect(v.shadowRoot.querySelector('table.by-page')).to.equal(null);
    expect(v.shadowRoot.querySelector('civic-admin-chart')).to.equal(null);
    const notes = [...v.shadowRoot.querySelectorAll('.note')].map((n) => n.textContent!.trim());
    expect(notes.filter((n) => n === 'No votes yet.').length).to.equal(2);
    await expect(app).to.be.accessible();
  });

  it('counts a vote from the poll widget under its page’s canonical address, without query', async () => {
    const poll = await newPoll();
    const canonical = Object.assign(document.createElement('link'), { rel: 'canonical', href: 'https://city.example/news/bridges-plan?utm=mail#vote' });
    document.head.append(canonical);
    localStorage.clear();
    try {
      const el = await fixture<CivicPoll>(html`<civic-poll api=${testApi()} poll=${poll.id} lang="en"></civic-poll>`);
      await waitUntil(() => el.shadowRoot?.querySelector('input[type=radio]'), 'the widget did not show the poll', { timeout: 4000 });
      el.shadowRoot!.querySelector<HTMLInputElement>('input[type=radio]')!.click();
      await el.updateComplete;
      const counted = oneEvent(el, 'civic-vote');
      el.shadowRoot!.querySelector<HTMLButtonElement>('[part=submit]')!.click();
      await counted;
    } finally {
      canonical.remove();
    }
    const activity = await adminFetch<{ byPage: { page: string | null; votes: number }[] }>(`/v1/admin/polls/${poll.id}/activity`);
    expect(activity.byPage).to.deep.equal([{ page: 'https://city.example/news/bridges-plan', votes: 1 }]);
  });
});
