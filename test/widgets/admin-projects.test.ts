// The console's project screens in Chromium against the real backend (seeded site `riverton`):
// list with search and filters, the form with the map widget's location picker (real maplibre via
// SwiftShader's WebGL2) and its lat/lng fields, edit, duplicate, delete, import; axe on each screen.
import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import type { Map as MapLibre } from 'maplibre-gl';
import { adminFetch } from './support.ts';
import { adminUser, deep, deepWait, openConsole, setValue, textOf, uid, view } from './admin-support.ts';
import type { AdminProject } from '../../src/admin/types.ts';

const SITE = 'riverton';
const CENTER = [5.12, 52.09]; // riverton's map center (server/seed-projects.ts)
type View = ReturnType<typeof view>;

afterEach(() => history.replaceState(null, '', location.pathname + location.search));

const createProject = (fields: Record<string, unknown> = {}) =>
  adminFetch<AdminProject>('/v1/admin/projects', {
    method: 'POST',
    body: JSON.stringify({
      siteId: SITE,
      title: `Console ${uid('p')}: new benches`,
      category: 'park',
      status: 'planned',
      start: '2027-01-10',
      geometry: { type: 'Point', coordinates: [5.11, 52.08] },
      ...fields,
    }),
  });

const getProject = (id: string) => adminFetch<AdminProject>(`/v1/admin/projects/${encodeURIComponent(id)}`);
const rows = (v: View) => [...v.shadowRoot.querySelectorAll<HTMLTableRowElement>('tbody tr[data-project]')].map((r) => r.dataset.project);
const button = (root: Element | ShadowRoot, text: string) =>
  [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent!.replace(/\s+/g, ' ').includes(text))!;
const input = <T extends HTMLElement = HTMLInputElement>(v: Element, sel: string) => deep<T>(v, sel)!;

/** The project form, once its site's map settings (categories) have arrived. */
async function openForm(hash: string) {
  const app = await openConsole(hash);
  const v = view(app);
  await deepWait(v, '#category option', 'the categories', 8000);
  await deepWait(v, 'civic-admin-project-location', 'the location part', 8000);
  return { app, v };
}

/** The map is drawn and the picker button is there (maplibre loads lazily). */
const mapReady = (v: View) => deepWait<HTMLButtonElement>(v, 'button.picker', 'the location picker (map)', 20_000);

async function save(v: View) {
  deep<HTMLButtonElement>(v, 'form button.primary')!.click();
}

describe('console projects', function () {
  this.timeout(40_000); // maplibre in SwiftShader on a shared machine

  it('lists projects: text search on the server, category, status and review filters; axe', async () => {
    const tag = uid('list');
    const park = await createProject({ title: `${tag} playground`, category: 'park', status: 'planned' });
    const works = await createProject({ title: `${tag} resurfacing`, category: 'roadworks', status: 'in_progress', review: 'pending' });
    const app = await openConsole('#/projects');
    const v = view(app);
    expect(v.localName).to.equal('civic-admin-projects');
    await deepWait(v, 'tbody tr', 'the projects table');
    setValue(input(v, '#q'), tag);
    button(v.shadowRoot, 'Search').click();
    await waitUntil(() => rows(v).length === 2, `the search did not narrow to 2 rows: ${rows(v).join(', ')}`);
    expect(rows(v)).to.have.members([park.id, works.id]);
    // Category labels come from the site's map settings.
    await waitUntil(() => textOf(deep(v, `tr[data-project="${park.id}"]`)!).includes('Parks and green'), 'no category label');
    setValue(input<HTMLSelectElement>(v, '#category'), 'park');
    await v.updateComplete;
    expect(rows(v)).to.deep.equal([park.id]);
    setValue(input<HTMLSelectElement>(v, '#category'), '');
    setValue(input<HTMLSelectElement>(v, '#status'), 'in_progress');
    await v.updateComplete;
    expect(rows(v)).to.deep.equal([works.id]);
    setValue(input<HTMLSelectElement>(v, '#status'), '');
    // Resident submissions waiting for review apart from what is published.
    setValue(input<HTMLSelectElement>(v, '#review'), 'approved');
    await waitUntil(() => rows(v).join() === park.id, `the review filter did not apply: ${rows(v).join()}`);
    setValue(input<HTMLSelectElement>(v, '#review'), 'pending');
    await waitUntil(() => rows(v)[0] === works.id && rows(v).length === 1, 'pending did not list the waiting project');
    expect(textOf(deep(v, `tr[data-project="${works.id}"]`)!)).to.include('Waiting for review');
    const embed = deep<HTMLAnchorElement>(v, `tr[data-project="${works.id}"] a[href^="#/embed"]`)!;
    expect(embed.getAttribute('href')).to.equal(`#/embed?widget=project-map&id=${works.id}`);
    await expect(app).to.be.accessible();
  });

  it('shows a moderator the list read-only: embed links, no new, edit, duplicate or delete', async () => {
    const p = await createProject();
    const app = await openConsole(`#/projects?q=${encodeURIComponent(p.properties.title)}`, { ...adminUser, role: 'moderator' });
    const v = view(app);
    const row = await deepWait(v, `tr[data-project="${p.id}"]`, 'the project row');
    expect(deep(v, 'a[href="#/projects/new"]')).to.equal(null);
    expect([...row.querySelectorAll('a, button')].map((a) => a.textContent!.replace(/\s+/g, ' ').trim())).to.deep.equal([`Embed: ${p.properties.title}`]);
  });

  it('creates a project with the map picker by keyboard, and reads it back through the API', async () => {
    const { app, v } = await openForm('#/projects/new');
    const title = `Keyboard ${uid('p')}: bench by the river`;
    setValue(input(v, '#title'), title);
    setValue(input<HTMLSelectElement>(v, '#category'), 'park');
    setValue(input<HTMLSelectElement>(v, '#status'), 'in_progress');
    setValue(input(v, '#start'), '2027-03-01');
    setValue(input(v, '#end'), '2027-04-30');
    setValue(input(v, '#address'), 'Riverside Park');
    const picker = await mapReady(v);
    expect(picker.getAttribute('aria-pressed')).to.equal('false');
    expect(deep(v, '.maplibregl-marker'), 'the map widget’s draggable marker').to.exist;
    await expect(app).to.be.accessible();
    // A click on the map puts the marker there; the lat/lng fields follow.
    const loc = deep(v, 'civic-admin-project-location') as HTMLElement & { map: MapLibre; updateComplete: Promise<boolean> };
    const map = loc.map;
    await waitUntil(() => map.loaded() && !map.isMoving(), 'the map never settled', { timeout: 10_000 });
    const canvas = map.getCanvas();
    canvas.scrollIntoView({ block: 'center' });
    const box = canvas.getBoundingClientRect();
    await sendMouse({ type: 'click', position: [Math.round(box.left + box.width / 2 + 60), Math.round(box.top + box.height / 2 - 40)] });
    await waitUntil(() => input(v, '#lat').value !== '', 'the click did not set the point');
    expect(Number(input(v, '#lat').value)).to.be.greaterThan(CENTER[1]);
    expect(Number(input(v, '#lng').value)).to.be.greaterThan(CENTER[0]);
    // Typed coordinates move the marker (the fields and the map stay in sync both ways).
    setValue(input(v, '#lat'), String(CENTER[1]));
    setValue(input(v, '#lng'), String(CENTER[0]));
    await loc.updateComplete;
    const marker = loc.shadowRoot!.querySelector('.maplibregl-marker')!.getBoundingClientRect();
    const m = map.project(CENTER as [number, number]);
    const c = canvas.getBoundingClientRect();
    expect(Math.abs(marker.left + marker.width / 2 - (c.left + m.x)), 'the marker follows the typed point').to.be.lessThan(3);
    // The location picker: arrow keys move the marker 0.0005° a press, as in the resident's form.
    picker.focus();
    await sendKeys({ press: 'ArrowUp' });
    await sendKeys({ press: 'ArrowUp' });
    await sendKeys({ press: 'ArrowRight' });
    await waitUntil(() => input(v, '#lat').value === (CENTER[1] + 0.001).toFixed(5), `lat is ${input(v, '#lat').value}`);
    expect(input(v, '#lng').value).to.equal((CENTER[0] + 0.0005).toFixed(5));
    expect(picker.getAttribute('aria-pressed')).to.equal('true');
    await save(v);
    await waitUntil(() => /^#\/projects\/[^/]+\/edit\?created=1$/.test(location.hash), `no edit page after saving: ${location.hash}`);
    const id = decodeURIComponent(location.hash.split('/')[2]);
    const p = await getProject(id);
    expect(p.properties).to.include({ title, category: 'park', status: 'in_progress', start: '2027-03-01', end: '2027-04-30', address: 'Riverside Park', review: 'approved', source: 'staff' });
    expect(p.geometry).to.deep.equal({ type: 'Point', coordinates: [5.1205, 52.091] });
    await waitUntil(() => deep(view(app), '[role=status]')?.textContent?.includes('created'), 'no "created" note');
    // The next step offered: the embed builder, for the map opening on this project.
    expect(deep<HTMLAnchorElement>(view(app), `a[href="#/embed?widget=project-map&id=${encodeURIComponent(id)}"]`)).to.not.equal(null);
  });

  it('without WebGL, the latitude and longitude fields alone set the point, with a note', async () => {
    const original = HTMLCanvasElement.prototype.getContext;
    HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, type: string, ...rest: unknown[]) {
      return type === 'webgl2' ? null : (original as (...a: unknown[]) => unknown).call(this, type, ...rest);
    } as typeof original;
    try {
      const { app, v } = await openForm('#/projects/new');
      await waitUntil(() => deep(v, '[role=note]'), 'no note about the map');
      expect(textOf(deep(v, '[role=note]')!)).to.include('cannot show the map');
      expect(deep(v, 'button.picker')).to.equal(null);
      const title = `Typed ${uid('p')}: new crossing`;
      setValue(input(v, '#title'), title);
      setValue(input<HTMLSelectElement>(v, '#category'), 'roadworks');
      setValue(input(v, '#start'), '2027-05-02');
      // Saving with no location says so in the alert, and keeps the fields.
      await save(v);
      await waitUntil(() => deep(v, '[role=alert]'), 'no alert without a location');
      expect(textOf(deep(v, '[role=alert]')!)).to.include('Set the location');
      expect(input(v, '#title').value).to.equal(title);
      setValue(input(v, '#lat'), '52.1012345');
      setValue(input(v, '#lng'), '5.0987654');
      await expect(app).to.be.accessible();
      await save(v);
      await waitUntil(() => location.hash.endsWith('/edit?created=1'), 'not saved');
      const p = await getProject(decodeURIComponent(location.hash.split('/')[2]));
      expect(p.properties.title).to.equal(title);
      expect(p.geometry).to.deep.equal({ type: 'Point', coordinates: [5.098765, 52.101235] });
    } finally {
      HTMLCanvasElement.prototype.getContext = original;
    }
  });

  it('edits a project with a line: the line is kept and drawn; a refusal shows in an alert and the form keeps what was typed', async () => {
    const line = { type: 'LineString', coordinates: [[5.11, 52.085], [5.115, 52.087], [5.12, 52.0875]] };
    const p = await createProject({ category: 'roadworks', status: 'in_progress', geometry: line, contact: 'Public Works', link: 'https://riverton.example/works' });
    const { app, v } = await openForm(`#/projects/${p.id}/edit`);
    expect(input(v, '#title').value).to.equal(p.properties.title);
    expect(input(v, '#contact').value).to.equal('Public Works');
    expect(textOf(deep(v, '#shape-note')!)).to.include('a line');
    expect(deep(v, '#lat'), 'no point fields while the line is kept').to.equal(null);
    // The line is on the map (the widget's shapes layer).
    const loc = deep(v, 'civic-admin-project-location') as HTMLElement & { map?: MapLibre };
    await waitUntil(() => loc.map?.loaded() && loc.map.areTilesLoaded() && !loc.map.isMoving(), 'no map', { timeout: 20_000 });
    await new Promise((r) => loc.map!.once('idle', r).triggerRepaint());
    expect(loc.map!.queryRenderedFeatures({ layers: ['shapes-line'] }).length, 'the line drawn by the widget’s layers').to.be.greaterThan(0);
    await expect(app).to.be.accessible();

    const title = `${p.properties.title} (phase 2)`;
    setValue(input(v, '#title'), title);
    setValue(input(v, '#link'), 'ftp://riverton.example/plan.pdf'); // a URL to the browser, refused by the server
    await save(v);
    await waitUntil(() => deep(v, '[role=alert]'), 'no alert for the refused link');
    expect(textOf(deep(v, '[role=alert]')!)).to.include('http(s)');
    expect(input(v, '#title').value).to.equal(title);
    expect(input(v, '#link').value).to.equal('ftp://riverton.example/plan.pdf');
    expect((await getProject(p.id)).properties.title).to.equal(p.properties.title);

    setValue(input(v, '#link'), 'https://riverton.example/works/phase-2');
    await save(v);
    await waitUntil(() => deep(v, '[role=status]')?.textContent?.includes('Saved'), 'not saved');
    const saved = await getProject(p.id);
    expect(saved.properties).to.include({ title, link: 'https://riverton.example/works/phase-2', contact: 'Public Works' });
    expect(saved.geometry).to.deep.equal(line);

    // Replaced by a point typed in.
    const replace = deep<HTMLInputElement>(v, 'input[type=checkbox]')!;
    replace.click();
    await deepWait(v, '#lat', 'the point fields');
    setValue(input(v, '#lat'), '52.0861');
    setValue(input(v, '#lng'), '5.1144');
    await save(v);
    await waitUntil(async () => (await getProject(p.id)).geometry.type === 'Point', 'the point did not replace the line');
    expect((await getProject(p.id)).geometry.coordinates).to.deep.equal([5.1144, 52.0861]);
  });

  it('duplicates a project into a prefilled new form, and deletes one after a confirm step', async () => {
    const p = await createProject({ title: `Dup ${uid('p')}: tree planting`, status: 'completed', end: '2027-02-01', address: 'Elm Row', description: 'Forty new trees.' });
    const app = await openConsole(`#/projects?q=${encodeURIComponent(p.properties.title)}`);
    let v = view(app);
    await deepWait(v, `tr[data-project="${p.id}"]`, 'the project row');
    deep<HTMLAnchorElement>(v, `tr[data-project="${p.id}"] a[href*="from="]`)!.click();
    await waitUntil(() => view(app).localName === 'civic-admin-project-form', 'the form did not open');
    v = view(app);
    await deepWait(v, '#category option', 'the categories', 8000);
    await waitUntil(() => input(v, '#title').value === `Copy of ${p.properties.title}`, `title is ${input(v, '#title').value}`);
    expect(input(v, '#address').value).to.equal('Elm Row');
    expect(input<HTMLSelectElement>(v, '#status').value).to.equal('completed');
    expect(input<HTMLTextAreaElement>(v, '#description').value).to.equal('Forty new trees.');
    await waitUntil(() => input(v, '#lat')?.value === '52.08000', 'the point was not copied');
    await save(v);
    await waitUntil(() => location.hash.endsWith('/edit?created=1'), 'the copy was not saved');
    const copyId = decodeURIComponent(location.hash.split('/')[2]);
    expect(copyId).not.to.equal(p.id);
    const copy = await getProject(copyId);
    expect(copy.properties).to.include({ title: `Copy of ${p.properties.title}`, status: 'completed', end: '2027-02-01', address: 'Elm Row', description: 'Forty new trees.' });
    expect(copy.geometry).to.deep.equal(p.geometry);

    // Delete the original: a confirm step first, then it is gone.
    location.hash = `#/projects?q=${encodeURIComponent(p.properties.title)}`;
    await waitUntil(() => view(app).localName === 'civic-admin-projects', 'the list did not open');
    v = view(app);
    await deepWait(v, `tr[data-project="${p.id}"]`, 'the project row');
    button(deep(v, `tr[data-project="${p.id}"]`)!, 'Delete').click();
    await deepWait(v, '.confirm', 'the confirm step');
    expect(v.shadowRoot.activeElement?.textContent).to.include('Yes, delete');
    await expect(app).to.be.accessible();
    button(deep(v, '.confirm')!, 'Cancel').click();
    await v.updateComplete;
    expect(deep(v, '.confirm')).to.equal(null);
    expect((await getProject(p.id)).id).to.equal(p.id);
    button(deep(v, `tr[data-project="${p.id}"]`)!, 'Delete').click();
    button(await deepWait(v, '.confirm'), 'Yes, delete').click();
    await waitUntil(() => !deep(v, `tr[data-project="${p.id}"]`), 'the row stayed');
    expect(textOf(v)).to.include('was deleted');
    const gone = await fetch(`/__civic_admin/v1/admin/projects/${p.id}`);
    expect(gone.status).to.equal(404);
  });

  it('imports a GeoJSON file and a CSV file with one bad row: counts and the refused row with its reason', async () => {
    const app = await openConsole('#/projects/import');
    const v = view(app);
    await deepWait(v, '#siteId', 'the site field');
    setValue(input<HTMLSelectElement>(v, '#siteId'), SITE);
    const tag = uid('imp');
    const upload = async (name: string, type: string, text: string) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], name, { type }));
      const file = input(v, '#file');
      file.files = dt.files;
      file.dispatchEvent(new Event('change', { bubbles: true }));
      await save(v);
      await waitUntil(() => deep(v, '.imported') || deep(v, '[role=alert]'), 'no import result');
    };
    const feature = (title: string, geometry: unknown) => ({ type: 'Feature', geometry, properties: { title, category: 'transit', status: 'planned', start: '2027-06-01' } });
    await upload(
      'projects.geojson',
      'application/geo+json',
      JSON.stringify({
        type: 'FeatureCollection',
        features: [feature(`${tag} bus stop`, { type: 'Point', coordinates: [5.1, 52.1] }), feature(`${tag} bus lane`, { type: 'LineString', coordinates: [[5.1, 52.1], [5.11, 52.1]] })],
      }),
    );
    expect(textOf(deep(v, '.imported')!)).to.include('2 projects were created');
    expect(deep(v, 'table.refused')).to.equal(null);
    const csv = ['title,category,status,start,end,address,description,lat,lon', `${tag} new hydrant,utilities,planned,2027-07-01,,Mill Lane,,52.09,5.13`, `${tag} bad row,no-such-category,planned,2027-07-01,,,,52.09,5.13`].join('\n');
    await upload('projects.csv', 'text/csv', csv);
    await waitUntil(() => textOf(deep(v, '.imported')!).includes('1 project was created'), 'the CSV result did not show');
    expect(textOf(v)).to.include('1 row was refused');
    const refused = [...deep(v, 'table.refused')!.querySelectorAll('tbody tr')].map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent!.trim()));
    expect(refused).to.have.length(1);
    expect(refused[0][0]).to.equal('3');
    expect(refused[0][1]).to.include('no-such-category');
    // The same file with an id, imported twice: the second time updates the project.
    const withId = (title: string) => JSON.stringify({ type: 'FeatureCollection', features: [{ ...feature(title, { type: 'Point', coordinates: [5.1, 52.1] }), id: `${tag}-shelter` }] });
    await upload('shelter.geojson', 'application/geo+json', withId(`${tag} bus shelter`));
    await waitUntil(() => deep(v, 'table.refused') === null && textOf(deep(v, '.imported')!).includes('1 project was created'), 'the first import with an id did not show');
    expect(deep(v, '.updated')).to.equal(null);
    await upload('shelter.geojson', 'application/geo+json', withId(`${tag} bus shelter, renewed`));
    await waitUntil(() => deep(v, '.updated') !== null, 'the re-import did not say it updated');
    expect(textOf(deep(v, '.imported')!)).to.include('0 projects were created');
    expect(textOf(deep(v, '.updated')!)).to.include('1 project was updated');
    await expect(app).to.be.accessible();
    const listed = await adminFetch<{ projects: AdminProject[] }>(`/v1/admin/projects?site=${SITE}&q=${encodeURIComponent(tag)}`);
    expect(listed.projects.map((x) => x.properties.title).sort()).to.deep.equal([`${tag} bus lane`, `${tag} bus shelter, renewed`, `${tag} bus stop`, `${tag} new hydrant`]);
    expect(listed.projects.every((x) => x.properties.source === 'import' && x.properties.review === 'approved')).to.equal(true);
  });
});
