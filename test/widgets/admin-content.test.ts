// The console's content screens in Chromium against the real backend: the consultation form
// (create each type, edit, duplicate, locks once answered, refusals) and the comment-thread settings.
import { expect, waitUntil } from '@open-wc/testing';
import { adminFetch, testApi } from './support.ts';
import { adminUser, deep, deepWait, demoSiteId, openConsole, setValue, textOf, uid, view } from './admin-support.ts';
import type { AdminConsultation, AdminThread } from '../../src/admin/types.ts';

let siteId: string;
before(async () => {
  siteId = await demoSiteId();
});
afterEach(() => history.replaceState(null, '', location.pathname + location.search));

type View = ReturnType<typeof view>;
const input = <T extends HTMLElement = HTMLInputElement>(v: View, sel: string) => {
  const el = deep<T>(v, sel);
  if (!el) throw new Error(`${sel} is not in the form`);
  return el;
};
const fill = (v: View, sel: string, value: string) => setValue(input<HTMLInputElement>(v, sel), value);

const createConsultation = (fields: Record<string, unknown> = {}) =>
  adminFetch<AdminConsultation>('/v1/admin/consultations', {
    method: 'POST',
    body: JSON.stringify({ siteId, type: 'yes-no', question: `Content ${uid('q')}: a new bench?`, ...fields }),
  });

/** A resident answers through the public API. */
async function answer(id: string, value: string) {
  const headers = { 'content-type': 'application/json' };
  const { token } = await (await fetch(`${testApi()}/v1/participants`, { method: 'POST', headers, body: '{}' })).json();
  const res = await fetch(`${testApi()}/v1/consultations/${id}/responses`, {
    method: 'POST',
    headers: { ...headers, authorization: `Participant ${token}`, 'idempotency-key': crypto.randomUUID() },
    body: JSON.stringify({ answer: value, page: 'https://riverton.example/news/bench' }),
  });
  expect(res.status, await res.clone().text()).to.be.oneOf([200, 201]);
}

/** The new form, site chosen and a question typed. */
async function newForm(hash = '#/consultations/new') {
  const app = await openConsole(hash);
  const v = view(app);
  setValue(await deepWait<HTMLSelectElement>(v, 'select#siteId, input#siteId', 'the site field'), siteId);
  return { app, v };
}

async function submitAndReadBack(v: View): Promise<AdminConsultation> {
  input<HTMLButtonElement>(v, 'button.primary').click();
  await waitUntil(() => location.hash.startsWith('#/embed?widget=consultation&id='), `the embed builder did not open: ${deep(v, '[role=alert]')?.textContent ?? ''}`, { timeout: 6000 });
  const id = new URLSearchParams(location.hash.split('?')[1]).get('id')!;
  return adminFetch<AdminConsultation>(`/v1/admin/consultations/${id}`);
}

describe('consultation form: each question type', function () {
  this.timeout(30_000); // many real round trips on a shared machine

  it('yes / no with “not sure”, targeting, sampling, cap, dates, visibility and next steps', async () => {
    const { app, v } = await newForm();
    const question = `Form ${uid('q')}: close the quay to cars on Sundays?`;
    fill(v, '#question', question);
    fill(v, '#description', 'A trial from May to September.');
    input(v, 'input[name=notSure]').click();
    fill(v, '#followUp', 'Why?');
    fill(v, '#paths', '/news/mobility\n/quay');
    fill(v, '#sections', 'mobility');
    input(v, 'input[name=siteWide]').click();
    fill(v, '#sampling', '3');
    fill(v, '#capDays', '14');
    fill(v, '#opensAt', '2030-05-01T09:00');
    fill(v, '#closesAt', '2030-06-01T18:00');
    setValue(input<HTMLSelectElement>(v, '#resultsVisibility'), 'after-close');
    fill(v, '#nextSteps', 'The council decides in March.');
    await expect(app).to.be.accessible();
    const c = await submitAndReadBack(v);
    expect(c).to.include({
      siteId,
      question,
      type: 'yes-no',
      notSure: true,
      description: 'A trial from May to September.',
      followUp: 'Why?',
      sampling: 3,
      capDays: 14,
      resultsVisibility: 'after-close',
      nextSteps: 'The council decides in March.',
      status: 'scheduled',
    });
    expect(c.targeting).to.deep.equal({ paths: ['/news/mobility', '/quay'], sections: ['mobility'], siteWide: true });
    expect(c.opensAt).to.equal(new Date('2030-05-01T09:00').toISOString());
    expect(c.closesAt).to.equal(new Date('2030-06-01T18:00').toISOString());
  });

  it('agreement scale with its three labels', async () => {
    const { v } = await newForm();
    fill(v, '#question', `Form ${uid('q')}: the new lighting is good`);
    setValue(input<HTMLSelectElement>(v, '#type'), 'scale');
    await v.updateComplete;
    expect(deep(v, 'input[name=notSure]')).to.equal(null, '“not sure” is for yes / no only');
    fill(v, '#scaleLow', 'Not at all');
    fill(v, '#scaleMid', 'Somewhat');
    fill(v, '#scaleHigh', 'Completely');
    const c = await submitAndReadBack(v);
    expect(c.type).to.equal('scale');
    expect(c.scaleLabels).to.deep.equal({ low: 'Not at all', mid: 'Somewhat', high: 'Completely' });
  });

  it('emoji, with an area list', async () => {
    const { v } = await newForm();
    fill(v, '#question', `Form ${uid('q')}: how do you like the renovated park?`);
    setValue(input<HTMLSelectElement>(v, '#type'), 'emoji');
    await v.updateComplete;
    expect(textOf(v)).to.contain('each with a visible text label');
    const addArea = [...v.shadowRoot.querySelectorAll('button')].find((b) => b.textContent!.trim() === 'Add an area')!;
    addArea.click();
    await v.updateComplete;
    expect(v.shadowRoot.activeElement).to.equal(deep(v, '#area-0'), 'focus moves to the new area');
    fill(v, '#area-0', 'Old Town');
    addArea.click();
    await v.updateComplete;
    fill(v, '#area-1', 'Rive Gauche');
    const c = await submitAndReadBack(v);
    expect(c.type).to.equal('emoji');
    expect(c.areas).to.deep.equal([
      { id: 'old-town', label: 'Old Town' },
      { id: 'rive-gauche', label: 'Rive Gauche' },
    ]);
  });

  it('single choice with three options', async () => {
    const { v } = await newForm();
    fill(v, '#question', `Form ${uid('q')}: where should the market go?`);
    setValue(input<HTMLSelectElement>(v, '#type'), 'choice');
    await v.updateComplete;
    fill(v, '#opt-0', 'Town square');
    fill(v, '#opt-1', 'Riverside');
    [...v.shadowRoot.querySelectorAll('button')].find((b) => b.textContent!.trim() === 'Add an option')!.click();
    await v.updateComplete;
    fill(v, '#opt-2', 'Station forecourt');
    const c = await submitAndReadBack(v);
    expect(c.type).to.equal('choice');
    expect(c.options).to.deep.equal([
      { id: 'town-square', label: 'Town square' },
      { id: 'riverside', label: 'Riverside' },
      { id: 'station-forecourt', label: 'Station forecourt' },
    ]);
  });

  it('free text with its maximum length, under a chosen id', async () => {
    const { v } = await newForm();
    const id = uid('text');
    fill(v, '#id', id);
    fill(v, '#question', `Form ${uid('q')}: what would make the river path safer?`);
    setValue(input<HTMLSelectElement>(v, '#type'), 'text');
    await v.updateComplete;
    fill(v, '#maxLength', '280');
    const c = await submitAndReadBack(v);
    expect(c).to.include({ id, type: 'text', maxLength: 280 });
  });
});

describe('consultation form: edit, duplicate, locks, refusals', function () {
  this.timeout(30_000); // many real round trips on a shared machine

  it('edits a consultation nobody answered: the type may change, and a renamed area keeps its id', async () => {
    const c = await createConsultation({ areas: [{ id: 'north', label: 'North bank' }], targeting: { paths: ['/quay'] } });
    const app = await openConsole(`#/consultations/${c.id}/edit`);
    const v = view(app);
    const q = await deepWait<HTMLInputElement>(v, '#question');
    expect(q.value).to.equal(c.question);
    expect(input<HTMLTextAreaElement>(v, '#paths').value).to.equal('/quay');
    expect(input<HTMLSelectElement>(v, '#type').disabled).to.equal(false);
    setValue(q, 'Where should the new benches go?');
    setValue(input<HTMLSelectElement>(v, '#type'), 'choice');
    await v.updateComplete;
    fill(v, '#opt-0', 'Quay');
    fill(v, '#opt-1', 'Park');
    fill(v, '#area-0', 'North bank and harbour');
    await expect(app).to.be.accessible();
    input<HTMLButtonElement>(v, 'button.primary').click();
    await waitUntil(() => deep(v, '[role=status]')?.textContent === 'Saved.', 'the saved note did not appear');
    expect(location.hash).to.equal(`#/consultations/${c.id}/edit`);
    const after = await adminFetch<AdminConsultation>(`/v1/admin/consultations/${c.id}`);
    expect(after).to.include({ question: 'Where should the new benches go?', type: 'choice' });
    expect(after.options.map((o) => o.label)).to.deep.equal(['Quay', 'Park']);
    expect(after.areas).to.deep.equal([{ id: 'north', label: 'North bank and harbour' }]);
  });

  it('duplicates from the list into a prefilled new form; the copy is a new consultation', async () => {
    const c = await createConsultation({
      type: 'choice',
      options: [
        { id: 'a', label: 'Square' },
        { id: 'b', label: 'Riverside' },
      ],
      areas: [{ id: 'north', label: 'North bank' }],
      targeting: { sections: ['markets'], siteWide: false },
      sampling: 5,
      resultsVisibility: 'staff',
    });
    const app = await openConsole('#/consultations');
    const list = view(app);
    await deepWait(list, 'a[href="#/consultations/new"]', 'the “New consultation” link');
    const dup = await deepWait<HTMLAnchorElement>(list, `a[href="#/consultations/new?from=${c.id}"]`, 'the row’s Duplicate link');
    expect(deep(list, `a[href="#/consultations/${c.id}/edit"]`)).to.not.equal(null, 'the row’s Edit link');
    await expect(app).to.be.accessible();
    dup.click();
    await waitUntil(() => view(app)?.localName === 'civic-admin-consultation-form', 'the form did not open');
    const v = view(app);
    const q = await deepWait<HTMLInputElement>(v, '#question');
    expect(q.value).to.equal(`Copy of ${c.question}`);
    expect(input(v, '#opt-1').value).to.equal('Riverside');
    expect(input<HTMLTextAreaElement>(v, '#sections').value).to.equal('markets');
    expect(input(v, '#sampling').value).to.equal('5');
    expect(input<HTMLSelectElement>(v, '#siteId').value).to.equal(siteId);
    const copy = await submitAndReadBack(v);
    expect(copy.id).to.not.equal(c.id);
    expect(copy).to.include({ question: `Copy of ${c.question}`, type: 'choice', sampling: 5, resultsVisibility: 'staff' });
    expect(copy.options.map((o) => o.label)).to.deep.equal(['Square', 'Riverside']);
    expect(copy.areas!.map((a) => a.label)).to.deep.equal(['North bank']);
    expect(copy.targeting.sections).to.deep.equal(['markets']);
    expect((await adminFetch<AdminConsultation>(`/v1/admin/consultations/${c.id}`)).question).to.equal(c.question, 'the original is untouched');
  });

  it('duplicates from the edit page: a new screen and a new consultation, the original untouched', async () => {
    const c = await createConsultation();
    const app = await openConsole(`#/consultations/${c.id}/edit`);
    const edit = view(app);
    await deepWait<HTMLInputElement>(edit, '#question');
    (await deepWait<HTMLAnchorElement>(edit, `a[href="#/consultations/new?from=${c.id}"]`, 'the Duplicate link')).click();
    await waitUntil(() => view(app) !== edit, 'the same screen was kept for the copy');
    const v = view(app);
    await waitUntil(() => deep<HTMLInputElement>(v, '#question')?.value === `Copy of ${c.question}`, 'the copy was not prefilled');
    const copy = await submitAndReadBack(v);
    expect(copy.id).to.not.equal(c.id);
    expect((await adminFetch<AdminConsultation>(`/v1/admin/consultations/${c.id}`)).question).to.equal(c.question, 'the original is untouched');
  });

  it('locks the type and the options once someone answered, says why, and still saves the rest', async () => {
    const c = await createConsultation({
      type: 'choice',
      options: [
        { id: 'square', label: 'Square' },
        { id: 'riverside', label: 'Riverside' },
      ],
    });
    await answer(c.id, 'riverside');
    // The results screen leads to the form.
    const results = await openConsole(`#/consultations/${c.id}`);
    const r = view(results);
    await deepWait(r, '.respondents', 'the results');
    expect(deep(r, `a[href="#/consultations/new?from=${c.id}"]`)).to.not.equal(null, 'Duplicate on the results screen');
    input<HTMLAnchorElement>(r, `a[href="#/consultations/${c.id}/edit"]`).click();
    await waitUntil(() => view(results)?.localName === 'civic-admin-consultation-form', 'the form did not open');
    const v = view(results);
    const q = await deepWait<HTMLInputElement>(v, '#question');
    const type = input<HTMLSelectElement>(v, '#type');
    expect(type.disabled).to.equal(true);
    expect(type.getAttribute('aria-describedby')).to.equal('locked');
    expect(input(v, '#locked').textContent).to.contain('1 answers have come in: the type and the answers offered');
    expect(input(v, '#opt-0').closest('fieldset')!.disabled).to.equal(true);
    setValue(q, 'Where should the Saturday market go?');
    fill(v, '#nextSteps', 'We decide in June.');
    await expect(results).to.be.accessible();
    input<HTMLButtonElement>(v, 'button.primary').click();
    await waitUntil(() => deep(v, '[role=status]')?.textContent === 'Saved.', `not saved: ${deep(v, '[role=alert]')?.textContent ?? ''}`);
    const after = await adminFetch<AdminConsultation>(`/v1/admin/consultations/${c.id}`);
    expect(after).to.include({ question: 'Where should the Saturday market go?', nextSteps: 'We decide in June.', type: 'choice' });
    expect(after.options).to.deep.equal(c.options);
  });

  it('shows the server’s refusal in an alert and keeps what was typed', async () => {
    const { app, v } = await newForm();
    const question = `Refused ${uid('q')}`;
    fill(v, '#question', question);
    fill(v, '#paths', 'news/mobility');
    fill(v, '#followUp', 'Why?');
    input<HTMLButtonElement>(v, 'button.primary').click();
    const alert = await deepWait(v, '[role=alert]', 'the error');
    expect(alert.textContent).to.contain('Target paths start with "/"');
    expect(v.shadowRoot.activeElement).to.equal(alert, 'focus moves to the alert');
    expect(location.hash).to.equal('#/consultations/new');
    expect(input(v, '#question').value).to.equal(question);
    expect(input<HTMLTextAreaElement>(v, '#paths').value).to.equal('news/mobility');
    expect(input(v, '#followUp').value).to.equal('Why?');
    await expect(app).to.be.accessible();
    // Corrected, the same form goes through.
    fill(v, '#paths', '/news/mobility');
    const c = await submitAndReadBack(v);
    expect(c).to.include({ question, followUp: 'Why?' });
    expect(c.targeting.paths).to.deep.equal(['/news/mobility']);
  });

  it('speaks Arabic right to left, accessibly', async () => {
    const app = await openConsole('#/consultations/new');
    setValue(app.shadowRoot!.querySelector<HTMLSelectElement>('header select')!, 'ar');
    await waitUntil(() => document.documentElement.dir === 'rtl', 'dir did not become rtl');
    const v = view(app);
    await waitUntil(() => v.shadowRoot.querySelector('h1')?.textContent === 'استشارة جديدة', 'the form was not translated');
    setValue(input<HTMLSelectElement>(v, '#type'), 'choice');
    await v.updateComplete;
    expect(deep(v, 'label[for=opt-0]')!.textContent).to.equal('الخيار 1');
    await expect(app).to.be.accessible();
    setValue(app.shadowRoot!.querySelector<HTMLSelectElement>('header select')!, 'en');
    await waitUntil(() => document.documentElement.dir === 'ltr');
  });

  it('shows no New, Edit or Duplicate to a moderator', async () => {
    const c = await createConsultation();
    const app = await openConsole('#/consultations', { ...adminUser, role: 'moderator' });
    const v = view(app);
    await deepWait(v, 'table', 'the list');
    expect(deep(v, 'a[href="#/consultations/new"]')).to.equal(null);
    expect(deep(v, `a[href="#/consultations/${c.id}/edit"]`)).to.equal(null);
    expect([...v.shadowRoot.querySelectorAll('th')].map((th) => th.textContent)).to.not.include('Actions');
  });
});

describe('comment threads', function () {
  this.timeout(30_000); // many real round trips on a shared machine
  let site: string;
  before(async () => {
    site = (
      await adminFetch<{ id: string }>('/v1/admin/sites', {
        method: 'POST',
        body: JSON.stringify({ name: 'Console threads site', origins: [location.origin], comments: { moderation: 'post', rateLimitSeconds: 0 } }),
      })
    ).id;
  });

  async function post(thread: string, body: string) {
    const headers = { 'content-type': 'application/json' };
    const { token } = await (await fetch(`${testApi()}/v1/participants`, { method: 'POST', headers, body: '{}' })).json();
    const res = await fetch(`${testApi()}/v1/comments`, {
      method: 'POST',
      headers: { ...headers, authorization: `Participant ${token}` },
      body: JSON.stringify({ thread, site, name: 'Bruno', body }),
    });
    expect(res.status, await res.clone().text()).to.equal(201);
  }

  const threadsOf = async () => (await adminFetch<{ threads: AdminThread[] }>(`/v1/admin/threads?site=${site}`)).threads;

  it('lists threads with counts, filters by site and key; changes moderation and closes one; exports', async () => {
    const key = `https://riverton.example/news/${uid('t')}`;
    const other = `https://riverton.example/events/${uid('t')}`;
    await post(key, '=1+1 is what the bench costs');
    await post(key, 'Agreed');
    await post(other, 'Another page');
    const app = await openConsole(`#/threads?site=${site}`);
    expect(app.shadowRoot!.querySelector('nav a[aria-current=page]')!.textContent).to.equal('Comment threads');
    const v = view(app);
    const row = await deepWait(v, `tr[data-thread="${key}"]`, 'the thread row');
    expect(input<HTMLSelectElement>(v, '#site').value).to.equal(site);
    const cells = [...row.querySelectorAll('td')].map((td) => textOf(td).trim());
    expect(cells.slice(0, 4)).to.deep.equal(['Open', '2', '0', '0']);
    expect(cells[4]).to.contain('Publish at once, review reports').and.to.contain('the site’s default');
    expect(row.querySelectorAll('a[download]').length).to.equal(2, 'CSV and JSON exports');
    // Every row belongs to the filtered site; the key search narrows the list.
    expect([...v.shadowRoot.querySelectorAll('tbody th .note')].every((n) => n.textContent === site)).to.equal(true);
    setValue(input(v, '#q'), '/events/');
    await v.updateComplete;
    expect([...v.shadowRoot.querySelectorAll('tbody tr')].map((r) => r.getAttribute('data-thread'))).to.deep.equal([other]);
    setValue(input(v, '#q'), '');
    await v.updateComplete;
    await expect(app).to.be.accessible();

    [...deep(v, `tr[data-thread="${key}"]`)!.querySelectorAll('button')].find((b) => b.textContent!.startsWith('Settings'))!.click();
    await v.updateComplete;
    expect(v.shadowRoot.activeElement).to.equal(deep(v, '#settings-h'), 'focus moves to the settings');
    setValue(input<HTMLSelectElement>(v, '#moderation'), 'pre');
    input(v, 'input[name=status][value=closed]').click();
    await expect(app).to.be.accessible();
    input<HTMLButtonElement>(v, 'section button.primary').click();
    await waitUntil(() => deep(v, '[role=status]')?.textContent === 'The thread settings are saved.', `not saved: ${deep(v, '[role=alert]')?.textContent ?? ''}`);
    const saved = (await threadsOf()).find((t) => t.key === key)!;
    expect(saved).to.include({ moderationOverride: 'pre', moderation: 'pre', status: 'closed' });
    expect(textOf(deep(v, `tr[data-thread="${key}"]`)!)).to.contain('Closed');
    expect(textOf(deep(v, `tr[data-thread="${key}"]`)!)).to.contain('set for this thread');

    // Back to the site default and open again.
    setValue(input<HTMLSelectElement>(v, '#moderation'), '');
    input(v, 'input[name=status][value=open]').click();
    input<HTMLButtonElement>(v, 'section button.primary').click();
    await waitUntil(async () => (await threadsOf()).find((t) => t.key === key)!.moderationOverride === null, 'the override was not cleared');
    expect((await threadsOf()).find((t) => t.key === key)!.status).to.equal('open');

    // The exports are per thread; the CSV cell that looks like a formula is neutralised.
    const csv = await (await fetch(input<HTMLAnchorElement>(v, `tr[data-thread="${key}"] a[href*="export.csv"]`).href)).text();
    expect(csv).to.contain("'=1+1 is what the bench costs").and.to.contain('Agreed');
    const json = await (await fetch(input<HTMLAnchorElement>(v, `tr[data-thread="${key}"] a[href*="export.json"]`).href)).json();
    expect(json.comments).to.have.length(2);
  });

  it('sets up a thread nobody commented on yet, with a closing date', async () => {
    const key = `page-${uid('k')}`;
    const app = await openConsole(`#/threads?site=${site}`);
    const v = view(app);
    setValue(await deepWait<HTMLSelectElement>(v, 'select#new-site', 'the site of the new thread'), site);
    fill(v, '#new-key', key);
    [...v.shadowRoot.querySelectorAll('button')].find((b) => b.textContent!.trim() === 'Open its settings')!.click();
    await deepWait(v, '#settings-h', 'the settings');
    expect(textOf(v)).to.contain('Nobody has commented here yet');
    setValue(input<HTMLSelectElement>(v, '#moderation'), 'first');
    fill(v, '#closesAt', '2031-01-31T12:00');
    input<HTMLButtonElement>(v, 'section button.primary').click();
    await deepWait(v, `tr[data-thread="${key}"]`, 'the new thread in the list');
    const t = (await threadsOf()).find((x) => x.key === key)!;
    expect(t).to.include({ exists: true, moderationOverride: 'first', closesAt: new Date('2031-01-31T12:00').toISOString(), status: 'open' });
  });

  it('is in an editor’s navigation, where it opens', async () => {
    const editor = await openConsole('#/threads', { ...adminUser, role: 'editor' });
    expect([...editor.shadowRoot!.querySelectorAll('nav a')].map((a) => a.getAttribute('href'))).to.deep.equal(['#/polls', '#/consultations', '#/threads', '#/projects']);
    expect(view(editor).localName).to.equal('civic-admin-threads');
  });

  it('a moderator reads the list without settings or exports', async () => {
    const moderator = await openConsole(`#/threads?site=${site}`, { ...adminUser, role: 'moderator' });
    const v = view(moderator);
    await deepWait(v, 'tbody tr', 'the list');
    expect(v.localName).to.equal('civic-admin-threads');
    expect(deep(v, 'tbody button')).to.equal(null);
    expect(deep(v, 'a[href*="export"]')).to.equal(null);
    expect(deep(v, '#new-key')).to.equal(null);
    await expect(moderator).to.be.accessible();
  });
});
