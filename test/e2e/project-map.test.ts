// End-to-end journey of the project map, keyboard only: the real server (DEMO=1, SEED=1) with its
// seeded Riverton projects and offline basemap, the built bundle (dist/cdn, maplibre and its worker
// included) and Debian's Chromium through SwiftShader's WebGL2, driven by playwright-core.
//
// demo/projects.html holds `<div data-civic="project-map" data-hash="">`: the map for the demo site
// `riverton` (bounds 5.06–5.18 E, 52.055–52.125 N), with its list, filters and "Report a project".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { adminFetch, appears, axeViolations, contextFor, eventually, pageIn, serverFor, squash, TEST_TIMEOUT, useBrowser } from './journey.ts';
import { focused, pointerUses, tabTo, trapPointer } from './keyboard.ts';

useBrowser();

const DAY = '2027-05-01';
const TITLE = 'Broken street light on Mill Lane';

interface Feature {
  id: string;
  properties: { title: string; start: string; end: string | null };
}

const widget = (page: Page): Locator => page.locator('civic-project-map');
const listed = async (w: Locator) => (await w.locator('button.item').allInnerTexts()).map(squash);

/** Whether the widget's map, centred on `at` at zoom 17 and idle, draws feature `i` as a point. */
function drawnAt(page: Page, i: number, at: [number, number]): Promise<boolean> {
  // A string, not a function: tsx would inject its __name helper, unknown in the page.
  return page.evaluate(`new Promise((resolve, reject) => {
    const el = document.querySelector('civic-project-map'), t0 = performance.now();
    const wait = () => {
      const map = el.map;
      if (!map || !map.loaded()) return performance.now() - t0 > 20000 ? reject(new Error('the map never loaded')) : setTimeout(wait, 100);
      map.jumpTo({ center: ${JSON.stringify(at)}, zoom: 17 });
      map.once('idle', () => resolve(map.queryRenderedFeatures({ layers: ['points'] }).some((f) => f.id === ${i})));
      map.triggerRepaint();
    };
    wait();
  })`);
}

test('keyboard only: filter to a day, open a project from the list, report a new one placing the marker with the arrow keys; staff approve it and it shows in the list and on the map', { timeout: TEST_TIMEOUT * 2 }, async (t) => {
  const server = await serverFor(t);
  const all: Feature[] = (await (await fetch(`${server.url}/v1/projects?site=riverton`)).json()).features;
  const onDay = all.filter((f) => f.properties.start <= DAY && (f.properties.end ?? f.properties.start) >= DAY);
  assert.ok(onDay.length > 0 && onDay.length < all.length, `the seed has projects on ${DAY} and others (${onDay.length} of ${all.length})`);

  const { page, errors } = await pageIn(await contextFor(t));
  await trapPointer(page);
  await page.setViewportSize({ width: 1200, height: 900 });
  await page.goto(`${server.url}/projects.html`);
  const w = widget(page);
  await appears(w.locator('button.item').first(), 'the project list never appeared', errors);
  assert.equal((await listed(w)).length, all.length);
  assert.deepEqual(await axeViolations(page), [], 'axe: the list with the map');

  // 1. Filter to a day: open the filters, the "When" select, then its date field.
  let f = await tabTo(page, (x) => x.tag === 'summary' && x.name === 'Filters', 'the Filters disclosure', 30);
  await page.keyboard.press('Enter');
  f = await tabTo(page, (x) => x.tag === 'select' && x.name.startsWith('When'), 'the When filter', 30);
  await page.keyboard.press('ArrowDown'); // Any time → On a day
  f = await focused(page);
  assert.equal(f.value, 'day');
  f = await tabTo(page, (x) => x.tag === 'input' && x.type === 'date', 'the date of the day filter', 3);
  await page.keyboard.type('05012027'); // mm/dd/yyyy in Chromium's en-US date field
  await eventually(async () => assert.equal((await listed(w)).length, onDay.length));
  assert.match(page.url(), /#.*2027-05-01/, 'the filter is mirrored in the URL hash');

  // 2. Open a project from the list: one tab stop into the list, arrows move, Enter opens.
  f = await tabTo(page, (x) => x.tag === 'button' && x.cls.includes('item'), 'the project list', 40);
  const first = f.name;
  if (onDay.length > 1) {
    await page.keyboard.press('ArrowDown');
    f = await focused(page);
    assert.notEqual(f.name, first, 'ArrowDown moves to the next project');
  }
  const chosen = f.name;
  await page.keyboard.press('Enter');
  const details = w.locator('[part=details]');
  await appears(details, 'Enter on a project did not open its details', errors);
  const title = squash(await details.locator('h3').innerText());
  assert.ok(chosen.includes(title), `the details (${title}) are those of the chosen project (${chosen})`);
  assert.match(page.url(), /#.*p=/, 'the open project is in the URL hash');
  assert.deepEqual(await axeViolations(page), [], 'axe: the details panel');
  // Close it from the keyboard: the focus goes back to the project in the list.
  await tabTo(page, (x) => x.tag === 'button' && x.cls.includes('close'), 'the Close button of the details', 40);
  await page.keyboard.press('Enter');
  await eventually(async () => assert.ok((await focused(page)).cls.includes('item'), 'focus back on the list'));
  assert.equal((await focused(page)).name, chosen);

  // 3. Report a project: the form takes the focus at its title; the marker moves with the arrows.
  await tabTo(page, (x) => x.tag === 'button' && x.cls.includes('report'), 'Report a project', 40, 'Shift+Tab');
  await page.keyboard.press('Enter');
  await eventually(async () => assert.equal((await focused(page)).name, 'Title'));
  await page.keyboard.type(TITLE);
  await tabTo(page, (x) => x.name === 'Start date', 'the start date', 3);
  await page.keyboard.type('12012026');
  await tabTo(page, (x) => x.name === 'Description', 'the description', 10); // a date field's segments are tab stops
  await page.keyboard.type('The street light at the corner of Mill Lane has been out for a week.');
  f = await tabTo(page, (x) => x.cls.includes('picker'), 'the location marker', 3);
  const startAt = f.name;
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  f = await focused(page);
  assert.notEqual(f.name, startAt, 'the arrow keys moved the marker');
  assert.equal(await w.locator('civic-project-form .picker').getAttribute('aria-pressed'), 'true');
  await tabTo(page, (x) => x.tag === 'button' && x.name === 'Send report', 'Send report', 10);
  assert.deepEqual(await axeViolations(page), [], 'axe: the report form');
  const sent = page.waitForResponse((r) => r.url().includes('/v1/projects/submissions') && r.request().method() === 'POST');
  await page.keyboard.press('Enter');
  const res = await sent;
  assert.equal(res.status(), 202);
  const { id } = await res.json();
  const placed = res.request().postDataJSON().geometry.coordinates as [number, number];
  await appears(w.locator('.received'), 'no "received" after sending the report', errors);
  assert.match(squash(await w.locator('.received').innerText()), /will appear on the map after review/);
  // Not public until staff approve it.
  assert.ok(!(await listed(w)).some((s) => s.includes(TITLE)));
  assert.deepEqual(await pointerUses(page), [], 'a mouse, pointer or touch was used');

  // 4. Staff approve it through the admin API.
  const pending = await adminFetch(server, 'projects?site=riverton&status=pending');
  assert.ok(pending.projects.some((p: { id: string; email?: string | null }) => p.id === id), 'the report waits in the moderation queue');
  await adminFetch(server, `projects/${id}/approve`, { method: 'POST', body: '{}' });

  // 5. The next visit shows it in the list and on the map, where the marker was put.
  await page.goto(`${server.url}/projects.html`);
  await appears(w.locator('button.item').first(), 'the list did not come back', errors);
  await eventually(async () => assert.ok((await listed(w)).some((s) => s.includes(TITLE)), 'the approved report is in the list'));
  const i = Number(await w.locator('button.item', { hasText: TITLE }).getAttribute('data-i'));
  assert.equal(await drawnAt(page, i, placed), true, 'the approved report is drawn on the map where it was placed');
  assert.deepEqual(errors, []);
});
