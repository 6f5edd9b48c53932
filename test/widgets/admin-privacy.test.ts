// The audit log's filters and paging, and the residents' data screen (GDPR access and erasure), in
// Chromium against the real backend.
import { expect, waitUntil } from '@open-wc/testing';
import { adminFetch, testApi } from './support.ts';
import { createPoll, deep, deepWait, openConsole, setValue, textOf, view, vote } from './admin-support.ts';

afterEach(() => history.replaceState(null, '', location.pathname + location.search));

const rows = (v: Element) => [...(v.shadowRoot!.querySelectorAll('tbody tr') as NodeListOf<HTMLTableRowElement>)];

describe('audit log', function () {
  this.timeout(40_000); // 51 real writes before the screen opens, on a shared machine

  it('filters by action prefix and actor, pages 50 at a time, and moves focus to the first new entry', async () => {
    for (let i = 0; i < 51; i += 17) await Promise.all(Array.from({ length: 17 }, () => createPoll()));
    const app = await openConsole('#/audit');
    const v = view(app);
    await deepWait(v, 'tbody tr', 'the audit entries');
    const form = deep<HTMLFormElement>(v, 'form[role=search]')!;
    setValue(deep<HTMLInputElement>(v, '#action')!, 'poll.');
    setValue(deep<HTMLSelectElement>(v, '#actor')!, 'token');
    form.requestSubmit();
    await waitUntil(() => rows(v).length === 50, 'the first page of 50 did not load');
    const actions = () => rows(v).map((r) => r.cells[2].textContent!.trim());
    expect(actions().every((a) => a.startsWith('poll.'))).to.equal(true, actions().join(','));
    expect(rows(v).every((r) => r.cells[1].textContent!.includes('Service token'))).to.equal(true);
    const times = rows(v).map((r) => r.querySelector('time')!.getAttribute('datetime')!);
    expect([...times].sort().reverse()).to.deep.equal(times, 'newest first');
    await expect(app).to.be.accessible();

    const more = [...v.shadowRoot.querySelectorAll('button')].find((b) => b.textContent === 'Load more')!;
    more.click();
    await waitUntil(() => rows(v).length > 50, 'the next page did not load');
    expect(v.shadowRoot.activeElement).to.equal(rows(v)[50], 'focus goes to the first entry of the new page');
    expect(new Set(rows(v).map((r) => r.dataset.entry)).size).to.equal(rows(v).length, 'no entry twice across pages');
    expect(textOf(v)).to.match(new RegExp(`${rows(v).length} entries shown`));

    // An exact action, and a filter nothing matches.
    setValue(deep<HTMLInputElement>(v, '#action')!, 'poll.create');
    form.requestSubmit();
    await waitUntil(() => rows(v).length === 50 && actions().every((a) => a === 'poll.create'), 'the exact filter did not apply');
    setValue(deep<HTMLInputElement>(v, '#action')!, 'nothing.matches.');
    form.requestSubmit();
    await waitUntil(() => textOf(v).includes('No entries match these filters.'), 'the empty state did not show');
  });
});

/** A resident with a token votes in a fresh poll; answers the token and the poll. */
async function residentVotes() {
  const poll = await createPoll();
  return { token: await vote(poll.id, poll.options[0].id), poll };
}

describe('residents’ data', function () {
  this.timeout(20_000);

  it('shows what a token links to, offers the JSON file, deletes it after a confirm step, and the poll is recounted', async () => {
    const { token, poll } = await residentVotes();
    const app = await openConsole('#/privacy');
    const v = view(app);
    setValue(await deepWait<HTMLInputElement>(v, '#token'), token);
    deep<HTMLFormElement>(v, 'form')!.requestSubmit();
    const found = await deepWait(v, '#found', 'the data of the token');
    expect(found.querySelector('tr[data-kind=votes] td')!.textContent).to.equal('1');
    expect(found.querySelector('tr[data-kind=comments] td')!.textContent).to.equal('0');
    expect(v.shadowRoot.activeElement).to.equal(found, 'focus moves to what was found');
    const link = found.querySelector<HTMLAnchorElement>('a[download]')!;
    expect(link.href).to.match(/^blob:/);
    const file = await (await fetch(link.href)).json();
    expect(file.votes.map((x: { pollId: string }) => x.pollId)).to.deep.equal([poll.id]);
    await expect(app).to.be.accessible();

    [...found.querySelectorAll('button')].find((b) => b.textContent === 'Delete this data…')!.click();
    const confirm = await deepWait(v, '#confirm', 'the confirm step');
    expect(v.shadowRoot.activeElement).to.equal(confirm);
    await expect(app).to.be.accessible();
    // Nothing is deleted before the second, explicit click.
    expect((await adminFetch<{ voters: number }>(`/v1/admin/polls/${poll.id}/results`)).voters).to.equal(1);
    [...confirm.querySelectorAll('button')].find((b) => b.textContent === 'Delete permanently')!.click();
    const deleted = await deepWait(v, '#deleted', 'the deletion report');
    expect(deleted.querySelector('li[data-kind=votes]')!.textContent).to.match(/: 1$/);
    expect((await adminFetch<{ voters: number }>(`/v1/admin/polls/${poll.id}/results`)).voters).to.equal(0);
    await expect(app).to.be.accessible();

    // Asked again, the token links to nothing, and the delete button is off.
    deep<HTMLFormElement>(v, 'form')!.requestSubmit();
    await waitUntil(() => textOf(v).includes('Nothing is linked to this token.'), 'the empty export did not show');
    expect([...v.shadowRoot.querySelectorAll<HTMLButtonElement>('#found button')].find((b) => b.textContent === 'Delete this data…')!.disabled).to.equal(true);
  });

  it('says plainly when the token is not one this server issued', async () => {
    const app = await openConsole('#/privacy');
    const v = view(app);
    setValue(await deepWait<HTMLInputElement>(v, '#token'), 'v1.not-a-real-token');
    deep<HTMLFormElement>(v, 'form')!.requestSubmit();
    const alert = await deepWait(v, '[role=alert]', 'the refusal');
    expect(alert.textContent).to.contain('not a participant token issued by this server');
    expect(deep(v, '#found')).to.equal(null);
    await expect(app).to.be.accessible();
  });
});
