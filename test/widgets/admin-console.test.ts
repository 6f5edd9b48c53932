// The staff console in Chromium against the real backend (signed in with the service credential
// through the test runner's admin proxy): shell, polls, results, embed builder, moderation; axe on each.
import { expect, waitUntil } from '@open-wc/testing';
import { adminFetch, testApi } from './support.ts';
import { adminUser, createPoll, deep, demoSiteId, deepWait, openConsole, setValue, textOf, uid, view, vote } from './admin-support.ts';
import type { AdminPoll } from '../../src/admin/types.ts';

let siteId: string;
before(async () => {
  siteId = await demoSiteId();
});
afterEach(() => history.replaceState(null, '', location.pathname + location.search));

describe('console shell', function () {
  this.timeout(20_000); // many real round trips on a shared machine
  it('shows every section to an admin, marks the current one, and the skip link moves focus to main', async () => {
    const app = await openConsole('#/polls');
    const links = [...app.shadowRoot!.querySelectorAll('nav a')].map((a) => a.textContent!.trim());
    expect(links).to.deep.equal(['Polls', 'Consultations', 'Comments moderation', 'Comment threads', 'Projects', 'Sites', 'Users', 'Audit log', 'Residents’ data']);
    expect(app.shadowRoot!.querySelector('nav a[aria-current=page]')!.textContent).to.equal('Polls');
    expect(app.shadowRoot!.querySelector('header')!.textContent).to.contain('Signed in as Ada (Admin)');
    const skip = app.shadowRoot!.querySelector<HTMLButtonElement>('button.skip')!;
    skip.click();
    expect(app.shadowRoot!.activeElement).to.equal(app.shadowRoot!.querySelector('main'));
    expect(location.hash).to.equal('#/polls', 'the skip link must not change the route');
    await deepWait(view(app), 'table', 'the polls table');
    await expect(app).to.be.accessible();
  });

  it('signs out: the session ends on the server and the sign-in screen returns', async () => {
    const app = await openConsole('#/polls');
    [...app.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent === 'Sign out')!.click();
    await deepWait(app, 'civic-admin-sign-in', 'the sign-in screen');
    expect(app.shadowRoot!.querySelector('nav')).to.equal(null);
    expect(app.api.csrfToken).to.equal('');
  });

  it('shows an editor content sections only, a moderator the queue first', async () => {
    const editor = await openConsole('#/polls', { ...adminUser, role: 'editor' });
    expect([...editor.shadowRoot!.querySelectorAll('nav a')].map((a) => a.getAttribute('href'))).to.deep.equal(['#/polls', '#/consultations', '#/threads', '#/projects']);
    const moderator = await openConsole('#/sites', { ...adminUser, role: 'moderator' });
    expect([...moderator.shadowRoot!.querySelectorAll('nav a')].map((a) => a.getAttribute('href'))).to.deep.equal(['#/comments', '#/threads', '#/polls', '#/consultations', '#/projects']);
    // A route the role may not see falls back to its first section, not to the sites screen.
    expect(view(moderator).localName).to.equal('civic-admin-moderation');
    expect(deep(view(moderator), 'a[href="#/polls/new"]')).to.equal(null);
  });

  it('switches to Arabic right to left, and back', async () => {
    const app = await openConsole('#/polls');
    const select = app.shadowRoot!.querySelector<HTMLSelectElement>('header select')!;
    setValue(select, 'ar');
    await waitUntil(() => document.documentElement.dir === 'rtl', 'dir did not become rtl');
    expect(document.documentElement.lang).to.equal('ar');
    await waitUntil(() => app.shadowRoot!.querySelector('nav a')!.textContent !== 'Polls', 'the navigation was not translated');
    await expect(app).to.be.accessible();
    setValue(app.shadowRoot!.querySelector<HTMLSelectElement>('header select')!, 'en');
    await waitUntil(() => document.documentElement.dir === 'ltr');
  });
});

describe('polls', function () {
  this.timeout(20_000); // many real round trips on a shared machine
  it('lists polls with search and the status filter; closes one; duplicates one into the form', async () => {
    const poll = await createPoll();
    const app = await openConsole('#/polls');
    const v = view(app);
    await deepWait(v, `tr[data-poll="${poll.id}"]`, 'the new poll');
    setValue(deep<HTMLInputElement>(v, '#q')!, poll.question.slice(0, 20));
    await v.updateComplete;
    expect(v.shadowRoot.querySelectorAll('tbody tr').length).to.equal(1);
    setValue(deep<HTMLSelectElement>(v, '#status')!, 'closed');
    await v.updateComplete;
    expect(deep(v, `tr[data-poll="${poll.id}"]`)).to.equal(null);
    setValue(deep<HTMLSelectElement>(v, '#status')!, 'open');
    await v.updateComplete;
    const row = deep(v, `tr[data-poll="${poll.id}"]`)!;
    await expect(app).to.be.accessible();
    [...row.querySelectorAll('button')].find((b) => b.textContent!.includes('Close'))!.click();
    await waitUntil(async () => (await adminFetch<AdminPoll>(`/v1/admin/polls/${poll.id}`)).status === 'closed', 'the poll was not closed');
    setValue(deep<HTMLSelectElement>(v, '#status')!, '');
    await waitUntil(() => deep(v, `tr[data-poll="${poll.id}"] .status`)?.textContent === 'Closed', 'the list did not show it closed');
    [...deep(v, `tr[data-poll="${poll.id}"]`)!.querySelectorAll('button')].find((b) => b.textContent!.includes('Duplicate'))!.click();
    await waitUntil(() => /^#\/polls\/[^/]+\/edit$/.test(location.hash) && !location.hash.includes(poll.id), 'did not open the copy');
    const copyId = decodeURIComponent(location.hash.split('/')[2]);
    const copy = await adminFetch<AdminPoll>(`/v1/admin/polls/${copyId}`);
    expect(copy.question).to.equal(`Copy of ${poll.question}`);
    expect(copy.options.map((o) => o.label)).to.deep.equal(['Square', 'Riverside']);
  });

  it('creates a poll from the form, then opens the embed builder for it', async () => {
    const app = await openConsole('#/polls/new');
    const v = view(app);
    await deepWait(v, 'select#siteId, input#siteId', 'the site field');
    const site = deep<HTMLSelectElement | HTMLInputElement>(v, '#siteId')!;
    setValue(site, siteId);
    const question = `Form ${uid('q')}: which bench colour?`;
    setValue(deep<HTMLInputElement>(v, '#question')!, question);
    setValue(deep<HTMLSelectElement>(v, '#type')!, 'multiple');
    await v.updateComplete;
    setValue(deep<HTMLInputElement>(v, '#opt-0')!, 'Green');
    setValue(deep<HTMLInputElement>(v, '#opt-1')!, 'Blue');
    deep<HTMLButtonElement>(v, 'fieldset button')!.click(); // add an option
    await v.updateComplete;
    expect(v.shadowRoot.activeElement).to.equal(deep(v, '#opt-2'), 'focus moves to the new option');
    setValue(deep<HTMLInputElement>(v, '#opt-2')!, 'Red');
    setValue(deep<HTMLInputElement>(v, '#maxChoices')!, '2');
    setValue(deep<HTMLSelectElement>(v, '#resultsVisibility')!, 'after-close');
    await expect(app).to.be.accessible();
    deep<HTMLButtonElement>(v, 'button.primary')!.click();
    await waitUntil(() => location.hash.startsWith('#/embed?widget=poll&id='), 'the embed builder did not open', { timeout: 4000 });
    const id = new URLSearchParams(location.hash.split('?')[1]).get('id')!;
    const made = await adminFetch<AdminPoll>(`/v1/admin/polls/${id}`);
    expect(made).to.include({ question, type: 'multiple', maxChoices: 2, resultsVisibility: 'after-close', siteId });
    expect(made.options.map((o) => o.label)).to.deep.equal(['Green', 'Blue', 'Red']);
  });

  it('shows the server’s refusal in an alert and keeps the form', async () => {
    const app = await openConsole('#/polls/new');
    const v = view(app);
    setValue(await deepWait<HTMLSelectElement>(v, 'select#siteId, input#siteId', 'the site field'), siteId);
    setValue(deep<HTMLInputElement>(v, '#question')!, 'Dates the wrong way round');
    setValue(deep<HTMLInputElement>(v, '#opt-0')!, 'A');
    setValue(deep<HTMLInputElement>(v, '#opt-1')!, 'B');
    setValue(deep<HTMLInputElement>(v, '#opensAt')!, '2031-05-02T10:00');
    setValue(deep<HTMLInputElement>(v, '#closesAt')!, '2031-05-01T10:00');
    deep<HTMLButtonElement>(v, 'button.primary')!.click();
    const alert = await deepWait(v, '[role=alert]', 'the error');
    expect(alert.textContent).to.match(/check/i);
    expect(location.hash).to.equal('#/polls/new');
    await expect(app).to.be.accessible();
  });

  it('edits a poll that has votes: type and options are locked, the question changes', async () => {
    const poll = await createPoll();
    await vote(poll.id, poll.options[0].id);
    const app = await openConsole(`#/polls/${poll.id}/edit`);
    const v = view(app);
    const q = await deepWait<HTMLInputElement>(v, '#question');
    expect(deep<HTMLSelectElement>(v, '#type')!.disabled).to.equal(true);
    expect(deep<HTMLFieldSetElement>(v, 'fieldset')!.disabled).to.equal(true);
    setValue(q, 'Where should the Saturday market go?');
    deep<HTMLButtonElement>(v, 'button.primary')!.click();
    await deepWait(v, '[role=status]', 'the saved note');
    expect((await adminFetch<AdminPoll>(`/v1/admin/polls/${poll.id}`)).question).to.equal('Where should the Saturday market go?');
  });
});

describe('poll results', function () {
  this.timeout(20_000); // many real round trips on a shared machine
  it('counts a new vote live, with the breakdown, the chart and its table, and the exports', async () => {
    const poll = await createPoll({ resultsVisibility: 'staff' });
    await vote(poll.id, poll.options[1].id);
    const app = await openConsole(`#/polls/${poll.id}/results`);
    const v = view(app);
    const voters = await deepWait(v, '.voters');
    expect(voters.textContent).to.equal('1 voter');
    await vote(poll.id, poll.options[1].id);
    await waitUntil(() => deep(v, '.voters')!.textContent === '2 voters', 'the second vote did not arrive live', { timeout: 6000 });
    const rows = [...v.shadowRoot.querySelectorAll('table.breakdown tbody tr')].map((r) => textOf(r).trim());
    expect(rows).to.deep.equal(['Square 0 0%', 'Riverside 2 100%']);
    // Participation per day (GET …/activity): both votes are today's, one point and one row.
    const daily = () => [...v.shadowRoot.querySelectorAll<HTMLTableRowElement>('table[aria-labelledby=over-time] tbody tr')].map((r) => [...r.cells].map((c) => c.textContent));
    await waitUntil(() => daily().length === 1 && daily()[0][1] === '2', 'today’s row did not count the second vote');
    expect(deep(v, 'civic-admin-chart')!.shadowRoot!.querySelectorAll('circle').length).to.equal(1);
    const csv = deep<HTMLAnchorElement>(v, 'a.export-csv')!;
    const res = await fetch(csv.href);
    const text = await res.text();
    expect(text).to.contain('Riverside');
    expect(text.split('\r\n').filter(Boolean).length).to.equal(3, 'header and two votes');
    await expect(app).to.be.accessible();
  });
});

describe('embed builder', function () {
  this.timeout(20_000); // many real round trips on a shared machine
  it('builds the three snippets for a poll and previews the real widget from the server’s bundle', async () => {
    const poll = await createPoll();
    const app = await openConsole(`#/embed?widget=poll&id=${poll.id}`);
    const v = view(app);
    const code = (k: string) => deep(v, `[data-snippet=${k}]`)!.textContent;
    expect(code('script')).to.equal(`<script type="module" src="${testApi()}/civic.js"></script>`);
    expect(code('div')).to.equal(`<div data-civic="poll" data-poll="${poll.id}"></div>`);
    expect(code('element')).to.equal(`<civic-poll poll="${poll.id}"></civic-poll>`);
    setValue(deep<HTMLSelectElement>(v, '#lang')!, 'fr');
    setValue(deep<HTMLSelectElement>(v, '#theme')!, 'dark');
    setValue(deep<HTMLInputElement>(v, '#accent')!, '#aa3300');
    await v.updateComplete;
    expect(code('div')).to.equal(`<div data-civic="poll" data-poll="${poll.id}" data-lang="fr" data-theme="dark"></div>`);
    expect(code('css')).to.contain('civic-poll { --civic-color-accent: #aa3300; }');
    const preview = deep(v, 'civic-admin-preview')!;
    const widget = await deepWait(preview, 'civic-poll', 'the preview widget');
    expect(widget.getAttribute('lang')).to.equal('fr');
    await waitUntil(() => widget.shadowRoot?.textContent?.includes('where should the market go'), 'the real widget did not render the poll', { timeout: 6000 });
    expect(getComputedStyle(widget).getPropertyValue('--civic-color-accent').trim()).to.equal('#aa3300');
    const copy = [...v.shadowRoot.querySelectorAll<HTMLButtonElement>('.snippet button')].find((b) => b.textContent!.includes('Sanitizer-safe'))!;
    copy.click();
    await deepWait(v, '.snippet [role=status]', 'the copied note');
    expect(textOf(v)).to.contain('WordPress').and.to.contain('Drupal').and.to.contain('Full HTML');
    await expect(app).to.be.accessible();
  });

  it('takes the language of the poll’s site (its setting) until the editor picks one', async () => {
    const site = await adminFetch<{ id: string }>('/v1/admin/sites', {
      method: 'POST',
      body: JSON.stringify({ name: `Gemeente ${uid('s')}`, origins: [location.origin], defaultLocale: 'nl' }),
    });
    const poll = await createPoll({ siteId: site.id });
    const app = await openConsole(`#/embed?widget=poll&id=${poll.id}`);
    const v = view(app);
    await waitUntil(() => deep(v, '[data-snippet=div]')?.textContent?.includes('data-lang="nl"'), 'the site language did not apply');
    expect(deep<HTMLSelectElement>(v, '#lang')!.value).to.equal('nl');
    setValue(deep<HTMLSelectElement>(v, '#lang')!, '');
    await v.updateComplete;
    expect(deep(v, '[data-snippet=div]')!.textContent).to.equal(`<div data-civic="poll" data-poll="${poll.id}"></div>`, 'the editor’s choice wins');
  });
});

describe('sign-in and first-run setup', function () {
  this.timeout(20_000); // many real round trips on a shared machine
  const signInForm = async (app: HTMLElement, email: string, password: string) => {
    const form = await deepWait(app, 'civic-admin-sign-in', 'the sign-in screen');
    await (form as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    setValue(deep<HTMLInputElement>(form, '#email')!, email);
    setValue(deep<HTMLInputElement>(form, '#password')!, password);
    deep<HTMLButtonElement>(form, 'button')!.click();
    return form;
  };

  it('asks for email and password when there is no session, refuses a wrong one plainly, then signs in', async () => {
    const email = `${uid('editor')}@city.example`;
    await adminFetch('/v1/admin/users', { method: 'POST', body: JSON.stringify({ email, name: 'Eda Editor', role: 'editor', password: 'correct horse battery' }) });
    const app = await openConsole('#/polls', null);
    const form = await signInForm(app, email, 'not the password');
    const alert = await deepWait(form, '[role=alert]', 'the refusal');
    expect(alert.textContent).to.equal('The email or password is not right.');
    expect(form.shadowRoot!.activeElement).to.equal(alert, 'focus moves to the message');
    await expect(app).to.be.accessible();
    await signInForm(app, email, 'correct horse battery');
    await waitUntil(() => app.shadowRoot!.querySelector('nav'), 'the shell did not open');
    expect(app.shadowRoot!.querySelector('header')!.textContent).to.contain('Signed in as Eda Editor (Editor)');
    expect(app.api.csrfToken).to.be.a('string').and.not.equal('');
  });

  it('says how long to wait after too many attempts (429 with Retry-After)', async () => {
    const app = await openConsole('#/polls', null);
    const email = `${uid('nobody')}@city.example`;
    let text = '';
    for (let i = 0; i < 8 && !text.startsWith('Too many'); i++) {
      const form = await signInForm(app, email, `wrong ${i}`);
      // Each refusal runs scrypt on the server: give a busy machine more than waitUntil's 1 s.
      await waitUntil(() => deep(form, '[role=alert]') && !deep<HTMLButtonElement>(form, 'button')!.disabled, 'no answer', { timeout: 5000 });
      text = deep(form, '[role=alert]')!.textContent!;
    }
    expect(text).to.match(/^Too many attempts\. Try again in \d+ min\.$/);
  });

  it('shows the first-run form for #setup=<token> and says so when the token is not valid', async () => {
    const app = await openConsole('#setup=not-the-real-token', null);
    const setup = await deepWait(app, 'civic-admin-setup', 'the setup screen');
    await (setup as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    expect(textOf(setup)).to.contain('Create the first administrator');
    await expect(app).to.be.accessible();
    setValue(deep<HTMLInputElement>(setup, '#name')!, 'Ada');
    setValue(deep<HTMLInputElement>(setup, '#email')!, 'ada@city.example');
    setValue(deep<HTMLInputElement>(setup, '#password')!, 'a long enough password');
    deep<HTMLButtonElement>(setup, 'button')!.click();
    const alert = await deepWait(setup, '[role=alert]', 'the refusal');
    expect(alert.textContent).to.contain('not valid any more');
  });
});

describe('comments moderation', function () {
  this.timeout(20_000); // many real round trips on a shared machine
  let site: string;
  before(async () => {
    site = (
      await adminFetch<{ id: string }>('/v1/admin/sites', {
        method: 'POST',
        body: JSON.stringify({ name: 'Console moderation site', origins: [location.origin], comments: { moderation: 'pre', rateLimitSeconds: 0 } }),
      })
    ).id;
  });

  async function post(thread: string, body: string, parentId?: string) {
    const headers = { 'content-type': 'application/json' };
    const { token } = await (await fetch(`${testApi()}/v1/participants`, { method: 'POST', headers, body: '{}' })).json();
    const res = await fetch(`${testApi()}/v1/comments`, {
      method: 'POST',
      headers: { ...headers, authorization: `Participant ${token}` },
      body: JSON.stringify({ thread, site, name: 'Bruno', body, ...(parentId ? { parentId } : {}) }),
    });
    expect(res.status, await res.clone().text()).to.equal(201);
    return (await res.json()).comment as { id: string };
  }

  it('lists pending comments with context; keys j/a approve, reject needs a reason, bulk approve', async () => {
    const thread = `https://riverton.example/news/${uid('t')}`;
    const parent = await post(thread, 'The parent comment <b>stays text</b>');
    await adminFetch(`/v1/admin/comments/${parent.id}/approve`, { method: 'POST' });
    const a = await post(thread, 'First reply', parent.id);
    const b = await post(thread, 'Second comment');
    const c = await post(thread, 'Third comment');
    const app = await openConsole(`#/comments?site=${site}`);
    const v = view(app);
    await waitUntil(() => v.shadowRoot.querySelectorAll('article').length === 3, 'three pending comments', { timeout: 4000 });
    expect(textOf(v)).to.contain('Keyboard: j / k');
    const first = v.shadowRoot.querySelector('article')!;
    expect(first.querySelector('blockquote')!.textContent).to.contain('In reply to Bruno: The parent comment <b>stays text</b>');
    expect(first.querySelector(`a[href="${thread}"]`)).to.not.equal(null);
    await expect(app).to.be.accessible();

    // Reject without a reason is refused in the screen; with one it goes to the server.
    const rejectA = [...first.querySelectorAll('button')].find((x) => x.textContent!.trim() === 'Reject')!;
    rejectA.click();
    await v.updateComplete;
    expect(deep(v, '[role=alert]')!.textContent).to.contain('Give a reason');
    setValue(first.querySelector<HTMLInputElement>(`#reason-${a.id}`)!, 'Off topic');
    rejectA.click();
    await waitUntil(async () => (await adminFetch<{ status: string }>(`/v1/admin/comments/${a.id}`)).status === 'rejected', 'a was not rejected');

    // j is ignored while typing; on the list it moves on; a approves the current one.
    await waitUntil(() => v.shadowRoot.querySelectorAll('article').length === 2);
    const articles = () => [...v.shadowRoot.querySelectorAll<HTMLElement>('article')];
    articles()[0].focus();
    articles()[0].dispatchEvent(new KeyboardEvent('keydown', { key: 'j', bubbles: true, composed: true }));
    await v.updateComplete;
    expect(v.shadowRoot.activeElement).to.equal(articles()[1]);
    articles()[1].dispatchEvent(new KeyboardEvent('keydown', { key: 'a', bubbles: true, composed: true }));
    await waitUntil(async () => (await adminFetch<{ status: string }>(`/v1/admin/comments/${c.id}`)).status === 'published', 'c was not approved by the key');

    // Bulk: select all, approve.
    await waitUntil(() => articles().length === 1);
    const all = [...v.shadowRoot.querySelectorAll<HTMLInputElement>('.toolbar input[type=checkbox]')][0];
    all.click();
    await v.updateComplete;
    [...v.shadowRoot.querySelectorAll<HTMLButtonElement>('.toolbar button')].find((x) => x.textContent!.includes('Approve selected (1)'))!.click();
    await waitUntil(async () => (await adminFetch<{ status: string }>(`/v1/admin/comments/${b.id}`)).status === 'published', 'b was not approved in bulk');
    await waitUntil(() => textOf(v).includes('Nothing waits for review.'));
  });

  it('bans the author of a pending comment', async () => {
    const held = await post(`thread-${uid('ban')}`, 'Buy now');
    const app = await openConsole(`#/comments?site=${site}`);
    const v = view(app);
    const article = await deepWait(v, 'article');
    expect(article.textContent).to.contain('Buy now');
    [...article.querySelectorAll('button')].find((x) => x.textContent!.includes('Ban'))!.click();
    await waitUntil(() => textOf(v).includes('The participant is banned'), 'no confirmation');
    const { bans } = await adminFetch<{ bans: { commentId: string | null }[] }>(`/v1/admin/sites/${site}/bans`);
    expect(bans.map((x) => x.commentId)).to.include(held.id);
  });
});

describe('list views', function () {
  this.timeout(20_000); // many real round trips on a shared machine
  for (const [section, heading, column] of [
    ['sites', 'Sites', 'Allowed origins'],
    ['consultations', 'Consultations', 'Respondents'],
    ['audit', 'Audit log', 'Action'],
    ['projects', 'Projects', 'Review'],
  ]) {
    it(`${section}: a table from the real API, accessible`, async () => {
      const app = await openConsole(`#/${section}`);
      const v = view(app);
      await waitUntil(() => deep(v, 'table') || textOf(v).includes('Nothing here yet.'), `the ${section} list did not load`);
      expect(v.shadowRoot.querySelector('h1')!.textContent).to.equal(heading);
      expect([...v.shadowRoot.querySelectorAll('th')].map((th) => th.textContent)).to.include(column);
      await expect(app).to.be.accessible();
    });
  }
});

describe('consultation list filter', function () {
  this.timeout(20_000);
  it('narrows the list by status on the server, and says the status in words', async () => {
    const closed = await adminFetch<{ id: string }>('/v1/admin/consultations', {
      method: 'POST',
      body: JSON.stringify({ siteId, type: 'yes-no', question: `Filter ${uid('q')}: a new bench?` }),
    });
    await adminFetch(`/v1/admin/consultations/${closed.id}/close`, { method: 'POST' });
    const app = await openConsole('#/consultations');
    const v = view(app);
    await deepWait(v, 'tbody tr', 'the consultations');
    const statuses = () => [...v.shadowRoot.querySelectorAll('tbody tr')].map((r) => r.children[1].textContent!.trim());
    const ids = () => [...v.shadowRoot.querySelectorAll('tbody tr .note')].map((n) => n.textContent);
    setValue(deep<HTMLSelectElement>(v, 'select#status')!, 'closed');
    await waitUntil(() => ids().includes(closed.id) && statuses().every((x) => x === 'Closed'), 'the closed filter did not apply');
    setValue(deep<HTMLSelectElement>(v, 'select#status')!, 'open');
    await waitUntil(() => statuses().length > 0 && !ids().includes(closed.id) && statuses().every((x) => x === 'Open'), 'the open filter did not apply');
    await expect(app).to.be.accessible();
  });
});

describe('consultation screen', function () {
  this.timeout(20_000); // many real round trips on a shared machine
  it('shows answers, areas, pages and days from real responses; publishes and withdraws the outcome', async () => {
    const c = await adminFetch<{ id: string }>('/v1/admin/consultations', {
      method: 'POST',
      body: JSON.stringify({
        siteId,
        type: 'yes-no',
        question: `Console ${uid('c')}: more benches on the quay?`,
        areas: [{ id: 'north', label: 'North bank' }, { id: 'south', label: 'South bank' }],
      }),
    });
    const headers = { 'content-type': 'application/json' };
    for (const [answer, area] of [['yes', 'north'], ['yes', 'south'], ['no', 'north']]) {
      const { token } = await (await fetch(`${testApi()}/v1/participants`, { method: 'POST', headers, body: '{}' })).json();
      const res = await fetch(`${testApi()}/v1/consultations/${c.id}/responses`, {
        method: 'POST',
        headers: { ...headers, authorization: `Participant ${token}`, 'idempotency-key': crypto.randomUUID() },
        body: JSON.stringify({ answer, area, page: 'https://riverton.example/news/quay' }),
      });
      expect(res.status, await res.clone().text()).to.be.oneOf([200, 201]);
    }
    const app = await openConsole(`#/consultations/${c.id}`);
    const v = view(app);
    await deepWait(v, '.respondents', 'the results');
    expect(deep(v, '.respondents')!.textContent).to.equal('3 respondents');
    const rows = (label: string) =>
      [...v.shadowRoot.querySelectorAll(`[aria-label="${label}"] tbody tr`)].map((r) => [...r.children].map((cell) => cell.textContent!.trim()).join(' '));
    expect(rows('Answers')[0]).to.match(/^Yes 2 66\.7 %$/);
    expect(rows('By area')).to.deep.equal(['North bank 2', 'South bank 1']);
    expect(rows('By page')).to.deep.equal(['https://riverton.example/news/quay 3']);
    expect(rows('Responses per day')).to.deep.equal([`${new Date().toISOString().slice(0, 10)} 3`]);
    await expect(app).to.be.accessible();

    setValue(deep<HTMLTextAreaElement>(v, '#o-text')!, 'Twelve benches go in this spring.');
    setValue(deep<HTMLInputElement>(v, '#o-link')!, 'https://riverton.example/quay');
    deep<HTMLButtonElement>(v, 'form button.primary')!.click();
    await waitUntil(() => textOf(v).includes('The outcome is published'), 'not published');
    const published = await adminFetch<{ outcome: { text: string; link: string } | null }>(`/v1/admin/consultations/${c.id}`);
    expect(published.outcome).to.include({ text: 'Twelve benches go in this spring.', link: 'https://riverton.example/quay' });
    [...v.shadowRoot.querySelectorAll<HTMLButtonElement>('form button')].find((b) => b.textContent!.includes('Withdraw'))!.click();
    await waitUntil(() => textOf(v).includes('The outcome was withdrawn'), 'not withdrawn');
    expect((await adminFetch<{ outcome: unknown }>(`/v1/admin/consultations/${c.id}`)).outcome).to.equal(null);
  });

  it('lists what residents wrote (free text and "why?") as text, 50 at a time, newest first', async () => {
    const c = await adminFetch<{ id: string }>('/v1/admin/consultations', {
      method: 'POST',
      body: JSON.stringify({ siteId, type: 'text', question: `Console ${uid('c')}: what should the quay have?`, followUp: 'Why?', areas: [{ id: 'north', label: 'North bank' }] }),
    });
    const headers = { 'content-type': 'application/json' };
    const answers = Array.from({ length: 52 }, (_, i) => `Idea ${i}: <b>shade</b> & benches`);
    for (let i = 0; i < answers.length; i += 13) {
      await Promise.all(
        answers.slice(i, i + 13).map(async (answer, k) => {
          const { token } = await (await fetch(`${testApi()}/v1/participants`, { method: 'POST', headers, body: '{}' })).json();
          const res = await fetch(`${testApi()}/v1/consultations/${c.id}/responses`, {
            method: 'POST',
            headers: { ...headers, authorization: `Participant ${token}`, 'idempotency-key': crypto.randomUUID() },
            body: JSON.stringify({ answer, followUp: i + k === 51 ? 'Because <i>summer</i>' : undefined, area: 'north', page: 'https://riverton.example/news/quay' }),
          });
          expect(res.status, await res.clone().text()).to.be.oneOf([200, 201]);
        }),
      );
    }
    const app = await openConsole(`#/consultations/${c.id}`);
    const v = view(app);
    const list = await deepWait(v, 'civic-admin-responses', 'the responses');
    await waitUntil(() => list.shadowRoot!.querySelectorAll('tbody tr').length === 50, 'the first 50 responses did not show');
    const texts = () => [...list.shadowRoot!.querySelectorAll('tbody tr .answer')].map((x) => x.textContent);
    expect(list.shadowRoot!.querySelector('tbody tr b')).to.equal(null, 'what residents wrote is text, never markup');
    expect(new Set(texts()).size).to.equal(50);
    const withWhy = [...list.shadowRoot!.querySelectorAll<HTMLTableRowElement>('tbody tr')].find((r) => r.querySelector('.follow-up')!.textContent);
    expect(withWhy?.querySelector('.follow-up')!.textContent).to.equal('Because <i>summer</i>');
    expect(withWhy?.cells[3].textContent).to.equal('North bank');
    await expect(app).to.be.accessible();
    [...list.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent === 'Load more')!.click();
    await waitUntil(() => list.shadowRoot!.querySelectorAll('tbody tr').length === 52, 'the last 2 did not load');
    expect(list.shadowRoot!.activeElement).to.equal(list.shadowRoot!.querySelectorAll('tbody tr')[50]);
    expect(new Set(texts())).to.deep.equal(new Set(answers));
    expect(list.shadowRoot!.querySelector('button')).to.equal(null, 'no more to load');
  });
});

describe('sites and project submissions', function () {
  this.timeout(20_000); // many real round trips on a shared machine
  it('creates a site with its allowed origins and moderation defaults, then edits the origins', async () => {
    const app = await openConsole('#/sites/new');
    const v = view(app);
    setValue(await deepWait<HTMLInputElement>(v, '#name'), 'Riverton Library');
    setValue(deep<HTMLTextAreaElement>(v, '#origins')!, 'https://library.riverton.example\n\nHTTPS://Events.Riverton.Example:443\n');
    setValue(deep<HTMLSelectElement>(v, '#moderation')!, 'first');
    setValue(deep<HTMLTextAreaElement>(v, '#bannedWords')!, 'scam\nspam');
    await expect(app).to.be.accessible();
    deep<HTMLButtonElement>(v, 'button.primary')!.click();
    await waitUntil(() => /^#\/sites\/[^/]+$/.test(location.hash) && !location.hash.endsWith('/new'), 'the new site did not open');
    const id = decodeURIComponent(location.hash.split('/')[2]);
    const { sites } = await adminFetch<{ sites: { id: string; origins: string[]; comments: { moderation: string; bannedWords: string[] } }[] }>('/v1/admin/sites');
    const made = sites.find((x) => x.id === id)!;
    expect(made.origins).to.deep.equal(['https://library.riverton.example', 'https://events.riverton.example']);
    expect(made.comments).to.include({ moderation: 'first' });
    expect(made.comments.bannedWords).to.deep.equal(['scam', 'spam']);

    // The route change shows the edit form for it; an origin that is not scheme://host is refused in words.
    const edit = await openConsole(`#/sites/${id}`);
    const f = view(edit);
    const origins = await deepWait<HTMLTextAreaElement>(f, '#origins');
    expect(origins.value).to.equal('https://library.riverton.example\nhttps://events.riverton.example');
    setValue(origins, 'library.riverton.example/path');
    deep<HTMLButtonElement>(f, 'button.primary')!.click();
    expect((await deepWait(f, '[role=alert]', 'the refusal')).textContent).to.match(/check/i);
    setValue(origins, 'https://library.riverton.example\nhttps://news.riverton.example');
    deep<HTMLButtonElement>(f, 'button.primary')!.click();
    await waitUntil(() => deep(f, '[role=status]')?.textContent === 'Saved.', 'not saved');
    const after = (await adminFetch<{ sites: { id: string; origins: string[] }[] }>('/v1/admin/sites')).sites.find((x) => x.id === id)!;
    expect(after.origins).to.deep.equal(['https://library.riverton.example', 'https://news.riverton.example']);
  });

  it('approves and rejects pending project submissions from the queue', async () => {
    const submit = (title: string) =>
      adminFetch<{ id: string }>('/v1/admin/projects', {
        method: 'POST',
        body: JSON.stringify({ siteId, title, category: 'roadworks', status: 'planned', start: '2027-04-01', address: 'Quay Road', description: 'Potholes near the bridge', geometry: { type: 'Point', coordinates: [5.11, 52.09] }, review: 'pending' }),
      });
    const good = await submit(`Fix the quay ${uid('p')}`);
    const bad = await submit(`Duplicate ${uid('p')}`);
    const app = await openConsole(`#/comments?site=${siteId}`);
    const v = view(app);
    await deepWait(v, '[aria-pressed]');
    [...v.shadowRoot.querySelectorAll<HTMLButtonElement>('[aria-pressed]')].find((b) => b.textContent!.includes('Project submissions'))!.click();
    await waitUntil(() => deep(v, `#reason-${bad.id}`) && deep(v, `#reason-${good.id}`), 'the submissions did not show', { timeout: 4000 });
    expect(textOf(v)).to.contain('Address: Quay Road').and.to.contain('Potholes near the bridge');
    await expect(app).to.be.accessible();
    const article = (id: string) => deep(v, `#reason-${id}`)!.closest('article')!;
    [...article(good.id).querySelectorAll('button')].find((b) => b.textContent!.trim() === 'Approve')!.click();
    await waitUntil(async () => (await adminFetch<{ properties: { review: string } }>(`/v1/admin/projects/${good.id}`)).properties.review === 'approved', 'not approved');
    setValue(deep<HTMLInputElement>(v, `#reason-${bad.id}`)!, 'Already on the map');
    [...article(bad.id).querySelectorAll('button')].find((b) => b.textContent!.trim() === 'Reject')!.click();
    await waitUntil(async () => (await adminFetch<{ properties: { review: string; rejectReason: string } }>(`/v1/admin/projects/${bad.id}`)).properties.rejectReason === 'Already on the map', 'not rejected');
  });
});

describe('users', function () {
  this.timeout(20_000); // many real round trips on a shared machine
  it('adds an editor, makes them a moderator, removes them', async () => {
    const app = await openConsole('#/users');
    const v = view(app);
    await deepWait(v, 'table', 'the users table');
    await expect(app).to.be.accessible();
    const email = `${uid('new')}@city.example`;
    setValue(deep<HTMLInputElement>(v, '#u-name')!, 'Noor New');
    setValue(deep<HTMLInputElement>(v, '#u-email')!, email);
    setValue(deep<HTMLInputElement>(v, '#u-password')!, 'a long first password');
    deep<HTMLButtonElement>(v, 'form button.primary')!.click();
    await waitUntil(() => textOf(v).includes('The user was created'), 'not created');
    const find = async () => (await adminFetch<{ users: { id: string; email: string; role: string }[] }>('/v1/admin/users')).users.find((u) => u.email === email);
    const made = (await find())!;
    expect(made.role).to.equal('editor');
    setValue(deep<HTMLSelectElement>(v, `tr[data-user="${made.id}"] select`)!, 'moderator');
    await waitUntil(async () => (await find())?.role === 'moderator', 'the role did not change');
    deep<HTMLButtonElement>(v, `tr[data-user="${made.id}"] button`)!.click();
    await waitUntil(async () => (await find()) === undefined, 'not removed');
    expect(deep(v, `tr[data-user="${made.id}"]`)).to.equal(null);
  });
});
