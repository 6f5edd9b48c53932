// Helpers for widget tests. The real backend is started by web-test-runner.config.mjs,
// which writes its address into the test page as window.__CIVIC_TEST__.

interface CivicTestEnv {
  api: string;
  adminToken: string;
  unreachable: string;
}

declare global {
  interface Window {
    __CIVIC_TEST__?: CivicTestEnv;
  }
}

function env(): CivicTestEnv {
  const value = window.__CIVIC_TEST__;
  if (!value) throw new Error('window.__CIVIC_TEST__ is missing: run widget tests with web-test-runner');
  return value;
}

/** Base URL of the running reference backend, e.g. http://127.0.0.1:43567 (seeded demo content). */
export function testApi(): string {
  return env().api;
}

/** A base URL where nothing listens: requests fail fast with a network error. */
export function unreachableApi(): string {
  return env().unreachable;
}

/**
 * Calls the admin API with the test admin token, e.g. `adminFetch('/v1/admin/polls', { method:
 * 'POST', body: JSON.stringify({...}) })` to create a poll for one test. Goes through the test
 * runner's same-origin proxy (/__civic_admin), so it needs no CORS. Throws on a non-2xx answer.
 */
export async function adminFetch<T = unknown>(path: string, init: RequestInit = {}): Promise<T> {
  env();
  const headers = new Headers(init.headers);
  if (init.body !== undefined && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
  const res = await fetch(`/__civic_admin${path}`, { ...init, headers });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path} → ${res.status}: ${text}`);
  const type = res.headers.get('Content-Type') ?? '';
  return (type.includes('json') ? JSON.parse(text) : text) as T;
}

/**
 * The errors and unhandled rejections that reach the page while this file's tests run (the mocha
 * hooks are registered here): a widget must never let one escape into the host page.
 */
export function escapedErrors(): unknown[] {
  const escaped: unknown[] = [];
  const onError = (e: Event) => escaped.push((e as ErrorEvent).error ?? (e as PromiseRejectionEvent).reason ?? e);
  before(() => {
    window.addEventListener('error', onError);
    window.addEventListener('unhandledrejection', onError);
  });
  after(() => {
    window.removeEventListener('error', onError);
    window.removeEventListener('unhandledrejection', onError);
  });
  return escaped;
}

/** Types a comment (as guest "Amara" if no name is set) into a thread's form (the top-level one unless given) and sends it. */
export async function writeComment(el: HTMLElement, body: string, form = el.shadowRoot!.querySelector<HTMLElement>('civic-comment-form')!) {
  const name = form.querySelector('input[autocomplete=nickname]') as HTMLInputElement | null;
  if (name && !name.value) {
    name.value = 'Amara';
    name.dispatchEvent(new InputEvent('input'));
  }
  const area = form.querySelector('textarea')!;
  area.value = body;
  area.dispatchEvent(new InputEvent('input'));
  await (form as unknown as { updateComplete: Promise<unknown> }).updateComplete;
  form.querySelector<HTMLButtonElement>('button.primary')!.click();
}
