// The site form's settings in Chromium against the real backend: usual language, map area (the site's
// map settings), retention, and the webhook "send test" against real endpoints; axe on each state.
import { expect, waitUntil } from '@open-wc/testing';
import { adminFetch, unreachableApi } from './support.ts';
import { deep, deepWait, openConsole, setValue, textOf, uid, view } from './admin-support.ts';

interface SiteAnswer {
  id: string;
  defaultLocale: string | null;
  retentionMonths: number | null;
  comments: { webhookUrl: string | null };
}

const createSite = (extra: Record<string, unknown> = {}) =>
  adminFetch<SiteAnswer>('/v1/admin/sites', { method: 'POST', body: JSON.stringify({ name: `Library ${uid('s')}`, origins: ['https://library.riverton.example'], ...extra }) });
const getSite = async (id: string) => (await adminFetch<{ sites: SiteAnswer[] }>('/v1/admin/sites')).sites.find((s) => s.id === id)!;
const getBounds = async (id: string) => (await adminFetch<{ bounds: number[] | null }>(`/v1/admin/sites/${id}/map`)).bounds;

/** The test runner's own server answers POSTs under /__flaky/ (200, or `fail` times `status` first): a real webhook endpoint. */
const hookUrl = (query = '') => `http://127.0.0.1:${location.port}/__flaky/${uid('hook')}${query}`;

async function openSite(id: string) {
  const app = await openConsole(`#/sites/${id}`);
  const v = view(app);
  await deepWait(v, '#west', 'the site form');
  return { app, v };
}

const save = (v: HTMLElement) => deep<HTMLButtonElement>(v, 'button.primary')!.click();

afterEach(() => history.replaceState(null, '', location.pathname + location.search));

describe('site settings', function () {
  this.timeout(20_000); // real round trips on a shared machine

  it('saves the usual language, the map area and the retention, and shows them again', async () => {
    const site = await createSite();
    const { app, v } = await openSite(site.id);
    expect(deep<HTMLSelectElement>(v, '#defaultLocale')!.value).to.equal('');
    expect(deep<HTMLInputElement>(v, '#retentionMonths')!.value).to.equal('');
    expect(textOf(v)).to.contain('Open polls and consultations are never touched');
    setValue(deep<HTMLSelectElement>(v, '#defaultLocale')!, 'nl');
    for (const [k, value] of [['west', '5.06'], ['south', '52.055'], ['east', '5.18'], ['north', '52.125']]) setValue(deep<HTMLInputElement>(v, `#${k}`)!, value);
    setValue(deep<HTMLInputElement>(v, '#retentionMonths')!, '18');
    await expect(app).to.be.accessible();
    save(v);
    await waitUntil(() => deep(v, '[role=status]')?.textContent === 'Saved.', 'not saved');
    const saved = await getSite(site.id);
    expect([saved.defaultLocale, saved.retentionMonths]).to.deep.equal(['nl', 18]);
    expect(await getBounds(site.id)).to.deep.equal([5.06, 52.055, 5.18, 52.125]);

    // A fresh form reads them back; emptying the area and the retention clears both.
    const again = await openSite(site.id);
    expect(deep<HTMLSelectElement>(again.v, '#defaultLocale')!.value).to.equal('nl');
    expect(deep<HTMLInputElement>(again.v, '#east')!.value).to.equal('5.18');
    expect(deep<HTMLInputElement>(again.v, '#retentionMonths')!.value).to.equal('18');
    for (const k of ['west', 'south', 'east', 'north', 'retentionMonths']) setValue(deep<HTMLInputElement>(again.v, `#${k}`)!, '');
    save(again.v);
    await waitUntil(() => deep(again.v, '[role=status]')?.textContent === 'Saved.', 'not saved');
    expect(await getBounds(site.id)).to.equal(null);
    expect((await getSite(site.id)).retentionMonths).to.equal(null);
  });

  it('refuses a map area that is not a rectangle, in words, and saves nothing', async () => {
    const site = await createSite();
    const { app, v } = await openSite(site.id);
    for (const [k, value] of [['west', '5.18'], ['south', '52.0'], ['east', '5.06'], ['north', '52.1']]) setValue(deep<HTMLInputElement>(v, `#${k}`)!, value);
    save(v);
    const alert = await deepWait(v, '[role=alert]', 'the refusal');
    expect(alert.textContent).to.equal('West must be less than east, and south less than north.');
    expect(v.shadowRoot.activeElement).to.equal(alert, 'focus moves to the message');
    await expect(app).to.be.accessible();
    setValue(deep<HTMLInputElement>(v, '#east')!, '');
    save(v);
    await waitUntil(() => deep(v, '[role=alert]')?.textContent === 'Fill in all four edges of the map area, or none of them.', 'a partial area was not refused');
    // Out-of-range months are stopped by the field itself before anything is sent.
    setValue(deep<HTMLInputElement>(v, '#retentionMonths')!, '121');
    expect(deep<HTMLInputElement>(v, '#retentionMonths')!.validity.rangeOverflow).to.equal(true);
    expect(await getBounds(site.id)).to.equal(null);
    expect((await getSite(site.id)).retentionMonths).to.equal(null);
  });

  it('sends a test message to the saved webhook and says whether it arrived', async () => {
    const site = await createSite({ comments: { webhookUrl: hookUrl() } });
    const { app, v } = await openSite(site.id);
    const button = () => deep<HTMLButtonElement>(v, 'button.test')!;
    expect(button().textContent!.trim()).to.equal('Send a test message');
    button().click();
    await waitUntil(() => deep(v, '.test-result'), 'no test result', { timeout: 8000 });
    const ok = deep(v, '.test-result')!;
    expect(ok.getAttribute('role')).to.equal('status');
    expect(ok.textContent).to.equal('Test message delivered (HTTP 200).');
    await expect(app).to.be.accessible();
  });

  it('reports an endpoint that answers with an error status as an alert', async () => {
    const site = await createSite({ comments: { webhookUrl: hookUrl('?fail=5&status=500') } });
    const failing = await openSite(site.id);
    deep<HTMLButtonElement>(failing.v, 'button.test')!.click();
    const alert = await deepWait(failing.v, '.test-result[role=alert]', 'the failure', 8000);
    expect(alert.textContent).to.equal('Test message failed: the webhook answered HTTP 500.');
    await expect(failing.app).to.be.accessible();
  });

  it('says plainly when nothing listens, when the address is unsaved, and when there is none', async () => {
    const site = await createSite({ comments: { webhookUrl: `${unreachableApi()}/hook` } });
    const { v } = await openSite(site.id);
    deep<HTMLButtonElement>(v, 'button.test')!.click();
    const refused = await deepWait(v, '.test-result[role=alert]', 'the failure', 8000);
    expect(refused.textContent).to.equal('Test message failed: connection refused.');

    setValue(deep<HTMLInputElement>(v, '#webhookUrl')!, 'https://chat.riverton.example/hooks/new');
    deep<HTMLButtonElement>(v, 'button.test')!.click();
    await waitUntil(() => deep(v, '.test-result')?.textContent === 'Save the form first: the test uses the saved webhook address.', 'an unsaved address was tested');

    const bare = await createSite();
    const none = await openSite(bare.id);
    deep<HTMLButtonElement>(none.v, 'button.test')!.click();
    await waitUntil(() => deep(none.v, '.test-result[role=alert]')?.textContent === 'Enter a webhook address and save the form first.', 'no webhook was not said');
  });
});
