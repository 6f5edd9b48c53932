// Helpers for the staff console's component tests: the console runs against the real backend through
// the test runner's same-origin admin proxy (/__civic_admin, which adds the test ADMIN_TOKEN).
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/admin/admin-app.ts';
import type { AdminApp } from '../../src/admin/admin-app.ts';
import type { User } from '../../src/admin/session.ts';
import type { AdminPoll } from '../../src/admin/types.ts';
import { adminFetch, testApi } from './support.ts';

export const ADMIN_BASE = '/__civic_admin';
export const adminUser: User = { id: 'u-test', email: 'ada@city.example', name: 'Ada', role: 'admin' };

/** The console at a route, signed in as `user` (the service credential stands in for a session). */
export async function openConsole(hash: string, user: User | null = adminUser): Promise<AdminApp> {
  localStorage.setItem('civic-admin-lang', 'en');
  history.replaceState(null, '', location.pathname + location.search + hash);
  // Widgets come from the backend's own bundle, as they do from /civic.js beside the real console.
  return fixture<AdminApp>(html`<civic-admin-app api-base=${ADMIN_BASE} widget-origin=${testApi()} .user=${user}></civic-admin-app>`);
}

/** The first match of `sel`, searched through every open shadow root under `root`. */
export function deep<T extends Element = HTMLElement>(root: Element | ShadowRoot, sel: string): T | null {
  const scope = root instanceof Element && root.shadowRoot ? root.shadowRoot : root;
  const hit = scope.querySelector<T>(sel);
  if (hit) return hit;
  for (const el of scope.querySelectorAll('*')) {
    if (!el.shadowRoot) continue;
    const found = deep<T>(el, sel);
    if (found) return found;
  }
  return null;
}

export async function deepWait<T extends Element = HTMLElement>(root: Element, sel: string, what = sel, timeout = 4000): Promise<T> {
  await waitUntil(() => deep(root, sel), `${what} did not appear`, { timeout });
  return deep<T>(root, sel)!;
}

/** The view currently shown in the console's main region. */
export const view = (app: AdminApp) => app.shadowRoot!.querySelector('main')!.firstElementChild as HTMLElement & { shadowRoot: ShadowRoot; updateComplete: Promise<boolean> };

export const textOf = (el: Element) => ((el.shadowRoot ?? el).textContent ?? '').replace(/\s+/g, ' ');

export function setValue(input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, value: string) {
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  input.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
}

export const uid = (p: string) => `${p}-${Math.random().toString(36).slice(2, 8)}`;

/** The demo site (the seeded `bike-lanes` poll's): the tests' polls go there, its origins allow this page. */
export const demoSiteId = async () => ((await (await fetch(`${testApi()}/v1/polls/bike-lanes`)).json()) as { siteId: string }).siteId;

/** A fresh single-choice poll on the demo site through the admin API; `fields` override the defaults. */
export const createPoll = async (fields: Record<string, unknown> = {}, options = ['Square', 'Riverside']) =>
  adminFetch<AdminPoll>('/v1/admin/polls', {
    method: 'POST',
    body: JSON.stringify({ siteId: await demoSiteId(), question: `Console ${uid('q')}: where should the market go?`, type: 'single', options, ...fields }),
  });

/** A resident votes through the public API from this page (its origin is allow-listed), from `page` if given; answers their token. */
export async function vote(pollId: string, option: string, page?: string): Promise<string> {
  const headers = { 'content-type': 'application/json' };
  const { token } = await (await fetch(`${testApi()}/v1/participants`, { method: 'POST', headers, body: '{}' })).json();
  const res = await fetch(`${testApi()}/v1/polls/${pollId}/votes`, {
    method: 'POST',
    headers: { ...headers, authorization: `Participant ${token}` },
    body: JSON.stringify({ choices: [option], page }),
  });
  expect(res.status, await res.clone().text()).to.equal(200);
  return token as string;
}
