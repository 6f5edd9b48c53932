// The project map in Chromium against the real backend (seeded site `riverton`), with real
// maplibre rendering through SwiftShader's WebGL2.
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import '../../src/widgets/project-map/define.ts';
import type { CivicProjectMap, CivicProjectSelectEvent } from '../../src/widgets/project-map/civic-project-map.ts';
import type { CivicProjectSubmitEvent } from '../../src/widgets/project-map/submit-form.ts';
import type { ProjectCollection } from '../../src/widgets/project-map/project-map.types.ts';
import { DETAIL_LIMIT, SHAPES_FROM } from '../../src/widgets/project-map/map-features.ts';
import { adminFetch, testApi, unreachableApi } from './support.ts';

const $ = <T extends HTMLElement = HTMLElement>(el: Element, sel: string) => el.shadowRoot!.querySelector<T>(sel);
const $$ = (el: Element, sel: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(sel)];
const text = (el: Element | null) => (el ? (el.shadowRoot ?? el).textContent!.replace(/\s+/g, ' ') : '');
const items = (el: Element) => $$(el, 'button.item');

let all: ProjectCollection;
before(async () => {
  all = await (await fetch(`${testApi()}/v1/projects?site=riverton`)).json();
  expect(all.features.length, 'the seeded site has projects').to.be.greaterThan(10);
});
beforeEach(() => localStorage.clear());

interface Attrs {
  api?: string;
  site?: string;
  lang?: string;
  /** Put the widget far below the fold: the map must not load. */
  offscreen?: boolean;
  attrs?: Record<string, string>;
}

/** Mounts the widget (site riverton) and waits for its content (or error state). */
async function mount(a: Attrs = {}) {
  const box = await fixture<HTMLElement>(html`<div style="inline-size: 760px"></div>`);
  if (a.offscreen) box.append(Object.assign(document.createElement('div'), { className: 'spacer' }));
  box.querySelector<HTMLElement>('.spacer')?.setAttribute('style', 'block-size: 5000px');
  const el = document.createElement('civic-project-map');
  el.api = a.api ?? testApi();
  el.lang = a.lang ?? 'en';
  el.setAttribute('site', a.site ?? 'riverton');
  for (const [k, v] of Object.entries(a.attrs ?? {})) el.setAttribute(k, v);
  box.append(el);
  await waitUntil(() => $(el, '[part=base]') && !$(el, '.skeleton'), 'the widget never left its loading state', { timeout: 4000 });
  await el.updateComplete;
  return el;
}

/** Waits for maplibre to have loaded and drawn everything it has. */
async function mapIdle(el: CivicProjectMap) {
  await waitUntil(() => el.map || $(el, '.note'), 'the map never loaded', { timeout: 15000 });
  const map = el.map!;
  expect(map, text($(el, '.map'))).to.exist;
  await waitUntil(() => map.loaded() && !map.isMoving() && map.areTilesLoaded(), 'the map never settled', { timeout: 10000 });
  await new Promise((r) => map.once('idle', r).triggerRepaint());
  return map;
}

const drawn = (el: CivicProjectMap) => el.map!.queryRenderedFeatures({ layers: ['points', 'clusters', 'shapes-fill', 'shapes-line', 'shapes-line-planned'] });

describe('civic-project-map', function () {
  this.timeout(30_000);

  it('lists every project before maplibre loads, and fetches no maplibre byte while off-screen', async () => {
    const el = await mount({ offscreen: true });
    expect(items(el).length).to.equal(Math.min(all.features.length, 50));
    await new Promise((r) => setTimeout(r, 500));
    const maplibre = performance.getEntriesByType('resource').filter((e) => /maplibre|map-view/.test(e.name));
    expect(maplibre.map((e) => e.name)).to.deep.equal([]);
    expect(el.map).to.equal(undefined);
    await expect(el).to.be.accessible();
    // Scrolled into view, the map loads.
    el.scrollIntoView();
    await mapIdle(el);
    expect(performance.getEntriesByType('resource').some((e) => /maplibre-gl/.test(e.name))).to.equal(true);
  });

  it('draws the projects with maplibre, and filters change what is drawn', async () => {
    const el = await mount();
    await mapIdle(el);
    const before = drawn(el);
    expect(before.length, 'features on the map').to.be.greaterThan(0);
    // Status filter: only completed projects stay, on the list and the map.
    $(el, 'summary')!.click();
    const completed = $$(el, '.filters fieldset')[1].querySelectorAll('input')[2];
    completed.click();
    await el.updateComplete;
    const expected = all.features.filter((f) => f.properties.status === 'completed').length;
    expect(items(el).length).to.equal(expected);
    await new Promise((r) => setTimeout(r, 300));
    await mapIdle(el);
    const after = drawn(el).filter((f) => !f.properties.cluster);
    expect(after.every((f) => f.properties.s === 'completed'), JSON.stringify(after.map((f) => f.properties))).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('selecting in the list flies the map there and opens the details; a click on the map selects in the list', async () => {
    const el = await mount();
    const map = await mapIdle(el);
    const target = all.features.find((f) => f.geometry.type === 'Point')!;
    const button = items(el).find((b) => b.textContent!.includes(target.properties.title))!;
    const selected = oneEvent(el, 'civic-project-select');
    button.click();
    expect(((await selected) as unknown as CivicProjectSelectEvent).project).to.equal(target.id);
    await waitUntil(() => $(el, '.details'), 'no details panel', { timeout: 4000 });
    const details = text($(el, '.details'));
    expect(details).to.include(target.properties.title);
    expect(button.getAttribute('aria-current')).to.equal('true');
    // The site has comments on: the panel composes the comments widget with the project's thread.
    const thread = $(el, '.details civic-comments');
    expect(thread?.getAttribute('thread')).to.equal(`project:${target.id}`);
    await waitUntil(() => customElements.get('civic-comments') && thread!.shadowRoot?.querySelector('form'), 'the comment thread never loaded', { timeout: 5000 });
    const link = $<HTMLAnchorElement>(el, '.details a');
    if (link) expect(link.rel).to.include('noopener');
    await waitUntil(() => !map.isMoving(), 'the map never stopped flying', { timeout: 8000 });
    const c = map.getCenter();
    const [lng, lat] = target.geometry.coordinates as [number, number];
    expect(Math.abs(c.lng - lng) + Math.abs(c.lat - lat)).to.be.lessThan(0.001);
    expect(map.getZoom()).to.be.at.least(15.9);
    await expect(el).to.be.accessible();

    // Closing the panel returns focus to the project in the list.
    $(el, '.details .close')!.click();
    await el.updateComplete;
    await waitUntil(() => el.shadowRoot!.activeElement === button, 'focus did not return to the list');

    // Click a drawn point on the map: the list marks it.
    await mapIdle(el);
    el.scrollIntoView();
    const rect = map.getCanvas().getBoundingClientRect();
    const inView = (f: { geometry: unknown }) => {
      const p = map.project((f.geometry as unknown as { coordinates: [number, number] }).coordinates);
      return rect.left + p.x < innerWidth - 5 && rect.top + p.y < innerHeight - 5 && p.x > 5 && p.y > 5;
    };
    const point = map.queryRenderedFeatures({ layers: ['points'] }).find(inView);
    expect(point, `a point drawn on the map, in a ${innerWidth}×${innerHeight} viewport`).to.exist;
    const p = map.project((point!.geometry as unknown as { coordinates: [number, number] }).coordinates);
    await sendMouse({ type: 'click', position: [Math.round(rect.left + p.x), Math.round(rect.top + p.y)] });
    const i = point!.id as number;
    await waitUntil(() => $(el, `button.item[data-i="${i}"]`)?.getAttribute('aria-current') === 'true', 'the map click did not select in the list');
    await waitUntil(() => text($(el, '.details')).includes(all.features[i].properties.title), 'the details did not follow the map');
  });

  it('text search and the date filter are instant and use overlap', async () => {
    const el = await mount({ attrs: { from: '2027-05-01', to: '2027-05-01' } });
    const overlap = (f: (typeof all.features)[0]) => f.properties.start <= '2027-05-01' && (f.properties.end ?? f.properties.start) >= '2027-05-01';
    expect(items(el).length).to.equal(all.features.filter(overlap).length);
    expect($<HTMLSelectElement>(el, '.filters select')!.value).to.equal('day');
    const search = $<HTMLInputElement>(el, 'input[type=search]')!;
    search.value = 'PARK';
    search.dispatchEvent(new Event('input'));
    await el.updateComplete;
    const expected = all.features.filter((f) => overlap(f) && (f.properties.title + ' ' + f.properties.address).toLowerCase().includes('park'));
    expect(items(el).map((b) => b.dataset.i)).to.have.length(expected.length);
    expect(text($(el, '.count'))).to.include(String(expected.length));
    // Clear filters: everything again.
    $(el, '.reset')!.click();
    await el.updateComplete;
    expect(items(el).length).to.equal(all.features.length);
  });

  it('without WebGL, shows a clear note and the list alone, and never fetches maplibre', async () => {
    const original = HTMLCanvasElement.prototype.getContext;
    HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, type: string, ...rest: unknown[]) {
      return type === 'webgl2' ? null : (original as (...a: unknown[]) => unknown).call(this, type, ...rest);
    } as typeof original;
    try {
      performance.clearResourceTimings();
      const el = await mount();
      await waitUntil(() => $(el, '.note'), 'no note about the map');
      expect(text($(el, '.note'))).to.include('cannot be shown');
      expect($(el, '.body')!.classList.contains('list-only')).to.equal(true);
      expect(el.map).to.equal(undefined);
      items(el)[0].click();
      await waitUntil(() => $(el, '.details'), 'no details without the map', { timeout: 4000 });
      await expect(el).to.be.accessible();
    } finally {
      HTMLCanvasElement.prototype.getContext = original;
    }
  });

  it('the list is keyboard-operable: one tab stop, arrow keys move, Enter opens', async () => {
    const el = await mount({ attrs: { status: 'planned' } });
    const list = items(el);
    expect(list.length).to.equal(all.features.filter((f) => f.properties.status === 'planned').length);
    expect(list.filter((b) => b.tabIndex === 0)).to.have.length(1);
    list[0].focus();
    await sendKeys({ press: 'ArrowDown' });
    expect(el.shadowRoot!.activeElement).to.equal(list[1]);
    await sendKeys({ press: 'End' });
    expect(el.shadowRoot!.activeElement).to.equal(list[list.length - 1]);
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(list[list.length - 1].getAttribute('aria-current')).to.equal('true');
  });

  it('shows the error state with a retry when the backend cannot be reached', async () => {
    const el = await mount({ api: unreachableApi() });
    expect($(el, '[part=error]')).to.exist;
    expect($(el, '[part=retry]')).to.exist;
    await expect(el).to.be.accessible();
  });

  it('right to left in Arabic passes axe, with translated strings', async () => {
    const el = await mount({ lang: 'ar' });
    await waitUntil(() => text(el).includes('المشاريع'), 'no Arabic strings');
    expect($(el, '[part=base]')!.getAttribute('dir')).to.equal('rtl');
    await expect(el).to.be.accessible();
  });

  /** Types into a field of the report form by keyboard, as a resident would. */
  async function type(el: CivicProjectMap, name: string, value: string) {
    $<HTMLInputElement>(el, `civic-project-form [name=${name}]`)!.focus();
    await sendKeys({ type: value });
  }

  it('a resident reports a project: marker placed with the arrow keys, "received, will appear after review"', async () => {
    const el = await mount();
    const map = await mapIdle(el);
    $(el, 'button.report')!.click();
    await waitUntil(() => $(el, 'civic-project-form form'), 'no report form');
    expect(el.shadowRoot!.activeElement?.getAttribute('name')).to.equal('title');
    await type(el, 'title', 'Broken street light');
    await type(el, 'description', 'The light at the corner has been out for a week.');
    const start = $<HTMLInputElement>(el, 'civic-project-form [name=start]')!;
    start.value = '2026-12-01';
    // The e-mail field says it is optional and why.
    expect(text($(el, 'civic-project-form'))).to.include('Email (optional)');
    const picker = $<HTMLButtonElement>(el, '.picker')!;
    picker.focus();
    const before = JSON.parse(JSON.stringify((el.shadowRoot!.querySelector('civic-project-form') as unknown as { at: number[] }).at));
    await sendKeys({ press: 'ArrowUp' });
    await sendKeys({ press: 'ArrowRight' });
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    const form = el.shadowRoot!.querySelector('civic-project-form') as unknown as { at: number[] };
    expect(form.at[0]).to.be.greaterThan(before[0]);
    expect(form.at[1]).to.be.greaterThan(before[1]);
    expect(picker.getAttribute('aria-pressed')).to.equal('true');
    // The map's marker follows the keyboard.
    const marker = el.shadowRoot!.querySelector('.maplibregl-marker');
    expect(marker, 'the draggable marker').to.exist;
    const m = map.project(form.at as [number, number]);
    const r = marker!.getBoundingClientRect();
    const c = map.getCanvas().getBoundingClientRect();
    expect(Math.abs(r.left + r.width / 2 - (c.left + m.x))).to.be.lessThan(3);
    await expect(el).to.be.accessible();
    const sent = oneEvent(el, 'civic-project-submit');
    $(el, 'civic-project-form button.primary')!.click();
    const { submission } = (await sent) as unknown as CivicProjectSubmitEvent;
    expect(submission.status).to.equal('pending');
    await waitUntil(() => $(el, '.received'), 'no confirmation');
    expect(text($(el, '.received'))).to.include('will appear on the map after review');
    await expect(el).to.be.accessible();

    // Staff approve it; a fresh page shows it in the list and on the map where it was placed (the
    // feed is revalidated on every load: no stale copy from the browser's cache).
    await adminFetch(`/v1/admin/projects/${submission.id}/approve`, { method: 'POST' });
    const fresh = await mount();
    const item = items(fresh).find((b) => b.textContent!.includes('Broken street light'));
    expect(item, 'the approved report in the list').to.exist;
    const freshMap = await mapIdle(fresh);
    const i = Number(item!.dataset.i);
    freshMap.jumpTo({ center: form.at as [number, number], zoom: 17 });
    await mapIdle(fresh);
    expect(freshMap.queryRenderedFeatures({ layers: ['points'] }).some((f) => f.id === i), 'the approved report on the map').to.equal(true);
  });

  it('a location outside the map’s area is refused clearly, and what was typed stays', async () => {
    const el = await mount();
    $(el, 'button.report')!.click();
    await waitUntil(() => $(el, 'civic-project-form form'), 'no report form');
    await type(el, 'title', 'Works far away');
    await type(el, 'description', 'Somewhere else entirely.');
    $<HTMLInputElement>(el, 'civic-project-form [name=start]')!.value = '2026-12-01';
    await type(el, 'coords', '48.85, 2.35');
    $(el, 'civic-project-form button.primary')!.click();
    await waitUntil(() => $(el, 'civic-project-form .error'), 'no error shown', { timeout: 5000 });
    expect(text($(el, 'civic-project-form .error'))).to.include('outside the area this map covers');
    expect($<HTMLInputElement>(el, 'civic-project-form [name=title]')!.value).to.equal('Works far away');
    expect($<HTMLTextAreaElement>(el, 'civic-project-form [name=description]')!.value).to.equal('Somewhere else entirely.');
    await expect(el).to.be.accessible();
  });

  it('opens the project named by `project`, and mirrors filters and the open project in the hash when asked', async () => {
    const target = all.features[3];
    history.replaceState(null, '', location.pathname + location.search);
    const el = await mount({ attrs: { project: target.id, hash: '', category: target.properties.category } });
    await waitUntil(() => text($(el, '.details')).includes(target.properties.title), 'the project did not open', { timeout: 4000 });
    expect(location.hash).to.include(`project=${target.id}`);
    expect(location.hash).to.include(`cat=${target.properties.category}`);
    // A link with a hash restores what it shows.
    el.remove();
    history.replaceState(null, '', '#status=completed');
    const other = await mount({ attrs: { hash: '' } });
    expect(items(other).length).to.equal(all.features.filter((f) => f.properties.status === 'completed').length);
    history.replaceState(null, '', location.pathname + location.search);
  });

  it('the loader upgrades <div data-civic="project-map"> and reserves its height', async () => {
    const box = await fixture<HTMLElement>(html`<div style="inline-size: 760px"></div>`);
    const div = document.createElement('div');
    div.dataset.civic = 'project-map';
    div.dataset.site = 'riverton';
    div.dataset.api = testApi();
    box.append(div);
    await import('../../src/loader.ts');
    await waitUntil(() => div.querySelector('civic-project-map'), 'no element');
    const el = div.querySelector('civic-project-map')!;
    const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
    expect(el.getBoundingClientRect().height).to.be.closeTo(32 * rem, 2);
    await waitUntil(() => $(el, '[part=base]') && !$(el, '.skeleton'), 'never loaded', { timeout: 4000 });
    await el.updateComplete;
    expect(el.getBoundingClientRect().height).to.be.closeTo(32 * rem, 2);
  });

  it(`past ${DETAIL_LIMIT} lines and areas: dots among the clusters far out, shapes from zoom ${SHAPES_FROM}, and a click beside a line selects it`, async () => {
    const site = await adminFetch<{ id: string }>('/v1/admin/sites', { method: 'POST', body: JSON.stringify({ name: `Many detours ${Date.now()}`, origins: [location.origin] }) });
    const [w, s] = [5.06, 52.06];
    await adminFetch(`/v1/admin/sites/${site.id}/map`, {
      method: 'PUT',
      body: JSON.stringify({ bounds: [w, s, 5.18, 52.12], center: [5.12, 52.09], zoom: 13, categories: [{ id: 'detour', label: 'Detours', color: '#e8710a', icon: 'detour' }] }),
    });
    // A grid of short detours, one every ~200 m.
    const features = Array.from({ length: DETAIL_LIMIT + 50 }, (_, i) => {
      const [x, y] = [w + 0.003 * (i % 40), s + 0.002 * Math.floor(i / 40)];
      return { type: 'Feature', geometry: { type: 'LineString', coordinates: [[x, y], [x + 0.0015, y], [x + 0.0015, y + 0.001]] }, properties: { title: `Detour ${i}`, category: 'detour', status: 'in_progress', start: '2026-01-01' } };
    });
    // And two side by side, 15 m apart, north of the grid: their dots would cluster up to zoom 15.
    const twins: [number, number] = [w + 0.06, s + 0.058];
    for (const dy of [0, 0.00013])
      features.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: [[twins[0] - 0.001, twins[1] + dy], [twins[0], twins[1] + dy], [twins[0] + 0.001, twins[1] + dy]] }, properties: { title: 'Twin detour', category: 'detour', status: 'in_progress', start: '2026-01-01' } });
    const imported = await adminFetch<{ imported: number }>(`/v1/admin/projects/import?site=${site.id}`, { method: 'POST', headers: { 'Content-Type': 'application/geo+json' }, body: JSON.stringify({ type: 'FeatureCollection', features }) });
    expect(imported.imported).to.equal(features.length);

    const el = await mount({ site: site.id });
    let map = await mapIdle(el);
    expect(map.getZoom()).to.be.below(SHAPES_FROM);
    expect(map.queryRenderedFeatures({ layers: ['shapes-line', 'shapes-fill', 'shapes-line-planned'] }).length, 'no outline far out').to.equal(0);
    expect(map.queryRenderedFeatures({ layers: ['clusters', 'points'] }).length, 'the detours as dots and clusters').to.be.greaterThan(0);

    // Opening one from the list flies in, where it is a line, marked as selected.
    const i = 45;
    items(el).find((b) => b.dataset.i === String(i))!.click();
    await waitUntil(() => !map.isMoving() && map.getZoom() >= SHAPES_FROM, 'the map did not fly in', { timeout: 8000 });
    map = await mapIdle(el);
    const line = map.queryRenderedFeatures({ layers: ['shapes-line'] }).find((f) => f.id === i);
    expect(line, 'the selected detour drawn as a line').to.exist;
    expect(map.getFeatureState({ source: 'projects-shapes', id: i }).selected).to.equal(true);
    expect(map.queryRenderedFeatures({ layers: ['points'] }).some((f) => f.id === i), 'its dot gives way to the line').to.equal(false);

    // A click a few pixels beside another line (lines are thin) selects it. The spot is on the
    // canvas (no cluster button over it) and outside any drawn cluster, which takes a click first.
    $(el, '.details .close')!.click();
    await el.updateComplete;
    el.scrollIntoView();
    // Where lines begin, their dots are no longer clustered beside them (they would count twice).
    const back = map.getCenter();
    map.jumpTo({ center: twins, zoom: SHAPES_FROM });
    map = await mapIdle(el);
    const c = map.project(twins);
    const around: [[number, number], [number, number]] = [[c.x - 60, c.y - 60], [c.x + 60, c.y + 60]];
    expect(new Set(map.queryRenderedFeatures(around, { layers: ['shapes-line'] }).map((f) => f.id)).size, 'the twin detours drawn as lines').to.equal(2);
    expect(map.queryRenderedFeatures(around, { layers: ['clusters'] }).length, 'no cluster of their dots beside them').to.equal(0);
    map.jumpTo({ center: back, zoom: SHAPES_FROM + 1 });
    map = await mapIdle(el);
    const rect = map.getCanvas().getBoundingClientRect();
    const spots = map.queryRenderedFeatures({ layers: ['shapes-line'] }).flatMap((f) => {
      const [a, b] = (f.geometry as unknown as { coordinates: [number, number][] }).coordinates.map((c) => map.project(c));
      if (f.id === i || !a || !b) return [];
      const at = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 + 5 };
      const [x, y] = [Math.round(rect.left + at.x), Math.round(rect.top + at.y)];
      const clear = x > rect.left + 20 && y > rect.top + 20 && x < rect.right - 40 && y < Math.min(rect.bottom, innerHeight) - 20
        && el.shadowRoot!.elementFromPoint(x, y) === map.getCanvas()
        && !map.queryRenderedFeatures([[at.x - 30, at.y - 30], [at.x + 30, at.y + 30]], { layers: ['clusters'] }).length;
      return clear ? [{ id: f.id, x, y }] : [];
    });
    expect(spots.length, 'another line in view, clear of clusters').to.be.greaterThan(0);
    const other = spots[0]!;
    const before = map.getCenter();
    await sendMouse({ type: 'click', position: [other.x, other.y] });
    await waitUntil(() => $(el, `button.item[data-i="${other.id}"]`)?.getAttribute('aria-current') === 'true').catch(() => {
      const at = el.shadowRoot!.elementFromPoint(other.x, other.y);
      throw new Error(`a click beside line ${other.id} did not select it: selected ${$(el, 'button.item[aria-current=true]')?.dataset.i}, ` +
        `under the click ${at?.tagName}.${at?.className}, center ${before} → ${map.getCenter()}, zoom ${map.getZoom()}`);
    });
  });

  it('clusters are buttons named with their count; the map has named controls and a keyboard hint', async () => {
    const el = await mount({ attrs: { zoom: '9' } });
    const map = await mapIdle(el);
    await waitUntil(() => $$(el, 'button.cluster').length > 0, 'no cluster buttons', { timeout: 5000 });
    const cluster = $$(el, 'button.cluster')[0];
    const n = Number(cluster.textContent);
    expect(n).to.be.greaterThan(1);
    expect(cluster.getAttribute('aria-label')).to.equal(`${n} projects here: zoom in`);
    expect($$(el, '.maplibregl-ctrl button').map((b) => b.getAttribute('aria-label'))).to.include.members(['Zoom in', 'Zoom out']);
    // Their icons are text, not maplibre's data: images (refused by a strict CSP's img-src).
    const icon = (name: string) => getComputedStyle($$(el, `.maplibregl-ctrl-${name} .maplibregl-ctrl-icon`)[0], '::before').content;
    expect([icon('zoom-in'), icon('zoom-out')]).to.deep.equal(['"+"', '"\u2212"']);
    const sheets = el.shadowRoot!.adoptedStyleSheets.flatMap((sh) => [...sh.cssRules].map((r) => r.cssText));
    expect(sheets.filter((r) => r.includes('url("data:'))).to.deep.equal([]);
    const canvas = map.getCanvas();
    expect(canvas.getAttribute('aria-label')).to.equal('Map of projects');
    expect(el.shadowRoot!.getElementById(canvas.getAttribute('aria-describedby')!)!.textContent).to.include('Arrow keys');
    // Keyboard: + zooms in (maplibre's keyboard handler on the focused canvas).
    const z = map.getZoom();
    canvas.focus();
    await sendKeys({ press: '+' });
    await waitUntil(() => map.getZoom() > z + 0.5, 'the + key did not zoom', { timeout: 5000 });
    // Tab leads from the map (its controls and clusters) on to the list.
    canvas.focus();
    for (let k = 0; k < 40 && !el.shadowRoot!.activeElement?.classList.contains('item'); k++) await sendKeys({ press: 'Tab' });
    expect(el.shadowRoot!.activeElement?.classList.contains('item'), 'Tab from the map reached the list').to.equal(true);
    // A cluster's button zooms into it.
    const before = map.getZoom();
    await mapIdle(el);
    $$(el, 'button.cluster')[0]?.click();
    await waitUntil(() => map.getZoom() > before, 'the cluster did not zoom in', { timeout: 5000 });
    await expect(el).to.be.accessible();
  });

  it('works on a strict-CSP page (no inline script or style) with zero violations, the map included', async () => {
    const api = testApi();
    const frame = document.createElement('iframe');
    frame.width = '800';
    frame.height = '600';
    // A page of its own (not srcdoc, whose opaque location makes maplibre treat its worker as cross-origin).
    frame.src = `/test/widgets/fixtures/strict-csp.html?${new URLSearchParams({ tag: 'civic-project-map', api, site: 'riverton' })}`;
    document.body.append(frame);
    try {
      const win = () => frame.contentWindow as (Window & { cspViolations?: string[] }) | null;
      const el = () => frame.contentDocument?.querySelector('civic-project-map') as CivicProjectMap | null | undefined;
      await waitUntil(() => el()?.map?.loaded() && el()!.shadowRoot!.querySelector('button.item'), 'the map never loaded in the strict-CSP frame', { timeout: 15000 }).catch((e) => {
        throw new Error(`${e.message}: ${JSON.stringify(win()?.cspViolations)} ${el()?.shadowRoot?.textContent?.slice(0, 300)} defined=${!!win()?.customElements.get('civic-project-map')}`);
      });
      const map = el()!.map!;
      await waitUntil(() => map.areTilesLoaded() && !map.isMoving(), 'the map never settled', { timeout: 10000 });
      expect(map.queryRenderedFeatures({ layers: ['points', 'shapes-line', 'shapes-line-planned', 'shapes-fill'] }).length).to.be.greaterThan(0);
      expect(win()!.cspViolations).to.deep.equal([]);
    } finally {
      frame.remove();
    }
  });
});

